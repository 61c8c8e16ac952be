"""Logging in, API keys, turning credentials into an Actor, and ending sessions.

A token carries the person's token version; every request compares it with the person's row, or
with the version this process knows to be current (`ordi.auth.current`: on PostgreSQL, kept in
step with every change by a notification). Raising the version (deactivation, logout-all, a new
password or role) ends every session at once, on every API process.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from ordi.auth import throttle
from ordi.auth.current import KNOWN
from ordi.auth.passwords import check_password, hash_password_async, verify_password_async
from ordi.auth.tables import PasswordReset
from ordi.auth.tokens import API_KEY_PREFIX, hash_api_key, issue_token, new_api_key, read_token_version
from ordi.db import fetch_row, write_transaction
from ordi.domain.errors import Forbidden, NotFound, Unauthenticated
from ordi.domain.lifecycle import Actor, OrgKind
from ordi.organisations.tables import ApiKey, Organisation, User


def _actor_from_row(row: dict[str, Any]) -> Actor:
    return Actor(
        user_id=row["id"],
        organisation_id=row["organisation"],
        kind=OrgKind(row["organisation.kind"]),
        is_manager=row["role"] == "manager",
        label_valid_from=row["organisation.label_valid_from"],
        label_valid_until=row["organisation.label_valid_until"],
    )


_ACTOR_COLUMNS = (
    User.id,
    User.organisation,
    User.role,
    User.password_hash,
    User.active,
    User.token_version,
    User.organisation.active,
    User.organisation.kind,
    User.organisation.label_valid_from,
    User.organisation.label_valid_until,
)


async def login(email: str, password: str, address: str | None) -> tuple[str, int]:
    """A token for the right password of an active person of an active organisation; failures are
    counted per account and address (`ordi.auth.throttle`), unknown addresses alike."""
    email = email.strip().lower()
    attempt = await throttle.begin(email, address)
    row = await User.select(*_ACTOR_COLUMNS).where(User.email == email).first()
    ok = await verify_password_async(row["password_hash"] if row else None, password)
    if not row or not ok or not row["active"] or not row["organisation.active"]:
        raise Unauthenticated("bad_credentials")
    await throttle.succeeded(attempt)
    return issue_token(_actor_from_row(row), row["token_version"])


#: The hot path of every request with a token: written once as SQL (`ordi.db.fetch_row`).
_CURRENT_VERSION = "SELECT token_version, active FROM app_user WHERE id = {}"


async def _check_current(user_id: int, version: int) -> None:
    known = KNOWN.lookup(user_id)
    if known is not None:
        if known != version:
            raise Unauthenticated("session_ended")
        return
    generation = KNOWN.generation()
    row = await fetch_row(_CURRENT_VERSION, user_id)
    if row is None or not row["active"] or int(row["token_version"]) != version:
        raise Unauthenticated("session_ended")
    KNOWN.remember(user_id, version, generation)


async def actor_from_credentials(authorization: str | None, api_key: str | None) -> Actor:
    """Bearer JWT, or an API key (header `X-API-Key` or `Authorization: Bearer ordi_…`)."""
    token = None
    if authorization and authorization[:7].lower() == "bearer ":
        token = authorization[7:].strip()
    if api_key or (token and token.startswith(API_KEY_PREFIX)):
        return await _actor_from_api_key(api_key or token or "")
    if not token:
        raise Unauthenticated("unauthenticated")
    actor, version = read_token_version(token)
    await _check_current(actor.user_id, version)
    return actor


async def _actor_from_api_key(key: str) -> Actor:
    row = await (
        ApiKey.select(
            ApiKey.user.as_alias("id"),
            ApiKey.organisation,
            ApiKey.user.role.as_alias("role"),
            ApiKey.user.active.as_alias("active"),
            ApiKey.revoked_at,
            ApiKey.organisation.active,
            ApiKey.organisation.kind,
            ApiKey.organisation.label_valid_from,
            ApiKey.organisation.label_valid_until,
        )
        .where(ApiKey.key_hash == hash_api_key(key))
        .first()
    )
    if not row or row["revoked_at"] is not None or not row["active"] or not row["organisation.active"]:
        raise Unauthenticated("api_key_invalid")
    # A bench station scans and records steps; it never manages people or keys.
    return replace(_actor_from_row(row), is_manager=False)


async def create_api_key(actor: Actor, name: str) -> dict[str, Any]:
    if not actor.is_manager:
        raise Forbidden("manager_only")
    key, prefix, key_hash = new_api_key()
    async with write_transaction():
        rows = await ApiKey.insert(
            ApiKey(organisation=actor.organisation_id, user=actor.user_id, name=name, prefix=prefix, key_hash=key_hash)
        ).returning(ApiKey.id, ApiKey.created_at)
    return {
        "id": rows[0]["id"],
        "name": name,
        "prefix": prefix,
        "key": key,
        "created_at": rows[0]["created_at"],
        "revoked_at": None,
    }


async def list_api_keys(actor: Actor) -> list[dict[str, Any]]:
    return await (
        ApiKey.select(ApiKey.id, ApiKey.name, ApiKey.prefix, ApiKey.created_at, ApiKey.revoked_at)
        .where(ApiKey.organisation == actor.organisation_id)
        .order_by(ApiKey.id)
    )


async def revoke_api_key(actor: Actor, key_id: int) -> None:
    if not actor.is_manager:
        raise Forbidden("manager_only")
    async with write_transaction():
        found = (
            await ApiKey.select(ApiKey.id)
            .where((ApiKey.id == key_id) & (ApiKey.organisation == actor.organisation_id))
            .first()
        )
        if not found:
            raise NotFound("not_found")
        await ApiKey.update({ApiKey.revoked_at: datetime.now(UTC)}).where(ApiKey.id == key_id)


async def whoami(actor: Actor) -> dict[str, Any]:
    user = await User.select(User.id, User.email, User.full_name, User.role).where(User.id == actor.user_id).first()
    org = (
        await Organisation.select(Organisation.id, Organisation.name, Organisation.kind, Organisation.label_valid_until)
        .where(Organisation.id == actor.organisation_id)
        .first()
    )
    return {"user": user, "organisation": org}


async def actor_for_user(user_id: int, version: int | None = None) -> Actor:
    """The actor a background job acts as: the person who started it, as they are now.

    `version`: a web session's token version; a session opened before a deactivation, a password
    change or a "log out everywhere" has an older one and is refused."""
    row = await User.select(*_ACTOR_COLUMNS).where(User.id == user_id).first()
    if row is None or not row["active"] or not row["organisation.active"]:
        raise Unauthenticated("unauthenticated")
    if version is not None and int(row["token_version"]) != version:
        raise Unauthenticated("session_ended")
    return _actor_from_row(row)


async def token_version(user_id: int) -> int:
    """The person's current token version (what a new session carries)."""
    row = await User.select(User.token_version).where(User.id == user_id).first()
    return int(row["token_version"]) if row else 0


async def end_sessions(user_ids: Any) -> None:
    """Every token of these people stops working on the next request, on every API process.

    `user_ids`: a condition on `User` (one person, or everyone of an organisation); called inside
    the caller's write transaction, so the change and the end of the sessions commit together.
    This process forgets what it knew at once; the others (and this one again) when the trigger's
    notification arrives at commit (`ordi.auth.current`).
    """
    KNOWN.forget_all()
    await User.update({User.token_version: User.token_version + 1}).where(user_ids)


async def logout_all(actor: Actor) -> None:
    async with write_transaction():
        await end_sessions(User.id == actor.user_id)


async def verify_own_password(actor: Actor, password: str, address: str | None) -> dict[str, Any]:
    """The caller's row, once `password` is proved theirs (counted like a login: a stolen token
    is not a way to guess the password behind it)."""
    row = await User.select(User.id, User.email, User.password_hash).where(User.id == actor.user_id).first()
    if row is None:
        raise Unauthenticated("session_ended")
    attempt = await throttle.begin(row["email"], address)
    if not await verify_password_async(row["password_hash"], password):
        raise Forbidden("current_password_wrong")
    await throttle.succeeded(attempt)
    return row


async def change_password(actor: Actor, current: str, new: str, address: str | None) -> tuple[str, int]:
    """A new password (the current one required); every other session ends, this one gets a new token."""
    email = (await User.select(User.email).where(User.id == actor.user_id).first() or {}).get("email", "")
    check_password(new, email)
    await verify_own_password(actor, current, address)
    version = await set_password(actor.user_id, await hash_password_async(new))
    return issue_token(actor, version)


async def set_password(user_id: int, password_hash: str) -> int:
    """Store a new hash, end every session, forget the unused reset links; the new token version."""
    async with write_transaction():
        await User.update({User.password_hash: password_hash}).where(User.id == user_id)
        await end_sessions(User.id == user_id)
        await PasswordReset.delete().where((PasswordReset.user == user_id) & PasswordReset.used_at.is_null())
        row = await User.select(User.token_version).where(User.id == user_id).first()
    return int(row["token_version"]) if row else 0
