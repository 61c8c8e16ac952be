"""Password resets by a one-time link: handed over by the operator (or the person's manager), or
sent by e-mail when the person asks.

The link holds 256 random bits; only their SHA-256 is stored, with an expiry
(`ORDI_PASSWORD_RESET_TTL_MINUTES`) and the time it was used: a link works once, before it expires,
and a newer link (or a new password) makes the older unused ones void. Sending the e-mail is not
this package's business: whoever sends mail registers with `on_reset_link` (in `ordi.wiring`) and
is called inside the transaction that writes the link, so an outbox row it writes commits with it.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ordi.auth import service, throttle
from ordi.auth.passwords import check_password, hash_password_async
from ordi.auth.tables import PasswordReset
from ordi.config import get_settings
from ordi.db import for_update, write_transaction
from ordi.domain.errors import Conflict, InvalidRecord
from ordi.organisations.tables import User

log = logging.getLogger("ordi.auth")

#: The web page that reads the token and posts the new password (`POST /api/v1/auth/password-reset/confirm`).
RESET_PATH = "/connexion/nouveau-mot-de-passe"
#: A person who asks again within this time gets no second e-mail (the first link still works).
RESEND_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class ResetLink:
    """What the person needs, once: the link (with its token) and until when it works."""

    user_id: int
    email: str
    full_name: str
    url: str
    token: str
    expires_at: datetime
    channel: str  # "handed" | "email"


Mailer = Callable[[ResetLink], Awaitable[None]]
_mailers: list[Mailer] = []


def on_reset_link(mailer: Mailer) -> None:
    """Register who sends the e-mail of a link asked for by its person (idempotent)."""
    if mailer not in _mailers:
        _mailers.append(mailer)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def _new_link(user: dict[str, Any], channel: str) -> ResetLink:
    """Inside the caller's write transaction: the older unused links go, a new one is written."""
    token = secrets.token_urlsafe(32)
    expires_at = datetime.now(UTC) + timedelta(minutes=get_settings().password_reset_ttl_minutes)
    await PasswordReset.delete().where((PasswordReset.user == user["id"]) & PasswordReset.used_at.is_null())
    await PasswordReset.insert(
        PasswordReset(user=user["id"], token_hash=_hash(token), expires_at=expires_at, channel=channel)
    )
    url = f"{get_settings().public_host_url}{RESET_PATH}?jeton={token}"
    return ResetLink(user["id"], user["email"], user["full_name"], url, token, expires_at, channel)


_USER_COLUMNS = (User.id, User.email, User.full_name, User.active, User.organisation.active)


async def hand_over(user_id: int) -> ResetLink:
    """A link for the operator or a manager to give (the caller's right is checked by the caller)."""
    async with write_transaction():
        await for_update(User.select(User.id).where(User.id == user_id)).first()  # one link at a time
        user = await User.select(*_USER_COLUMNS).where(User.id == user_id).first()
        if user is None or not user["active"] or not user["organisation.active"]:
            raise Conflict("user_inactive")
        return await _new_link(user, "handed")


async def request_by_email(email: str, address: str | None) -> None:
    """The person asks for a link by e-mail. The answer is the same whether the address has an
    account or not; asking is counted like a failed login (no flood of e-mails, no probing)."""
    email = email.strip().lower()
    await throttle.begin(f"reset:{email}", address)
    async with write_transaction():
        user = await User.select(*_USER_COLUMNS).where(User.email == email).first()
        if user is None or not user["active"] or not user["organisation.active"]:
            return
        recent = await PasswordReset.exists().where(
            (PasswordReset.user == user["id"])
            & PasswordReset.used_at.is_null()
            & (PasswordReset.created_at > datetime.now(UTC) - RESEND_AFTER)
        )
        if recent:
            return
        link = await _new_link(user, "email")
        if not _mailers:
            log.warning("password reset link for user %s not sent: no mailer is wired", user["id"])
        for mailer in _mailers:
            await mailer(link)


async def confirm(token: str, new_password: str) -> None:
    """Use a link: the new password is checked first (a weak one does not spend the link), then the
    link is marked used in the same transaction that stores the password (used once, even by two
    requests at once)."""
    row = await (
        PasswordReset.select(PasswordReset.id, PasswordReset.user.email.as_alias("email"))
        .where(_usable(_hash(token)))
        .first()
    )
    if row is None:
        raise InvalidRecord("reset_link_invalid")
    check_password(new_password, row["email"])
    password_hash = await hash_password_async(new_password)
    async with write_transaction():
        used = await (
            PasswordReset.update({PasswordReset.used_at: datetime.now(UTC)})
            .where((PasswordReset.id == row["id"]) & _usable(_hash(token)))
            .returning(PasswordReset.user)
        )
        if not used:
            raise InvalidRecord("reset_link_invalid")
        await service.set_password(int(used[0]["user"]), password_hash)


def _usable(token_hash: str) -> Any:
    return (
        (PasswordReset.token_hash == token_hash)
        & PasswordReset.used_at.is_null()
        & (PasswordReset.expires_at > datetime.now(UTC))
    )


async def purge_expired() -> int:
    """Delete the links that expired or were used (for the retention schedule, `ordi.privacy`)."""
    async with write_transaction():
        gone = await (
            PasswordReset.delete()
            .where((PasswordReset.expires_at <= datetime.now(UTC)) | PasswordReset.used_at.is_not_null())
            .returning(PasswordReset.id)
        )
    return len(gone)
