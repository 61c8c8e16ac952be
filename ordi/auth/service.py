"""Logging in, API keys, and turning credentials into an Actor."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from ordi.auth.passwords import verify_password
from ordi.auth.tokens import API_KEY_PREFIX, hash_api_key, issue_token, new_api_key, read_token
from ordi.db import write_transaction
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
    User.organisation.kind,
    User.organisation.label_valid_from,
    User.organisation.label_valid_until,
)


async def login(email: str, password: str) -> tuple[str, int]:
    row = await User.select(*_ACTOR_COLUMNS).where(User.email == email.strip().lower()).first()
    ok = verify_password(row["password_hash"] if row else None, password)
    if not row or not ok or not row["active"]:
        raise Unauthenticated("bad_credentials")
    return issue_token(_actor_from_row(row))


async def actor_from_credentials(authorization: str | None, api_key: str | None) -> Actor:
    """Bearer JWT, or an API key (header `X-API-Key` or `Authorization: Bearer ordi_…`)."""
    token = None
    if authorization and authorization[:7].lower() == "bearer ":
        token = authorization[7:].strip()
    if api_key or (token and token.startswith(API_KEY_PREFIX)):
        return await _actor_from_api_key(api_key or token or "")
    if not token:
        raise Unauthenticated("unauthenticated")
    return read_token(token)


async def _actor_from_api_key(key: str) -> Actor:
    row = await (
        ApiKey.select(
            ApiKey.user.as_alias("id"),
            ApiKey.organisation,
            ApiKey.user.role.as_alias("role"),
            ApiKey.user.active.as_alias("active"),
            ApiKey.revoked_at,
            ApiKey.organisation.kind,
            ApiKey.organisation.label_valid_from,
            ApiKey.organisation.label_valid_until,
        )
        .where(ApiKey.key_hash == hash_api_key(key))
        .first()
    )
    if not row or row["revoked_at"] is not None or not row["active"]:
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


async def actor_for_user(user_id: int) -> Actor:
    """The actor a background job acts as: the person who started it, as they are now."""
    row = await User.select(*_ACTOR_COLUMNS).where(User.id == user_id).first()
    if row is None or not row["active"]:
        raise Unauthenticated("unauthenticated")
    return _actor_from_row(row)
