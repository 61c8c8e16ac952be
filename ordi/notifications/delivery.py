"""Sending notifications by e-mail: once each, even when a worker dies in the middle of a send.

Why the standard library's `smtplib` and not an asyncio client: the send runs in a dramatiq worker
thread (`workers.actors.send_notification`), where a blocking client costs nothing (it is handed to
a thread with `asyncio.to_thread` when called on an event loop); `smtplib` is maintained with
CPython, speaks STARTTLS and AUTH, and adds no dependency.

The notification's row is the outbox (as `ordi.jobs` does for jobs):

1. `sweep` (every few seconds, `ordi.periodic`) hands the notifications not yet sent to the broker,
   marked `dispatched_at` in the transaction that picks them (`FOR UPDATE SKIP LOCKED`, so several
   workers share the work), and takes back the sends whose lease ran out (their worker died);
2. `deliver` (the actor's body) claims the row by one conditional UPDATE (`pending` → `sending`,
   attempt + 1, lease): a duplicate message finds it taken and does nothing; it sends, then marks
   it `sent`, fenced by its attempt number;
3. a worker killed before the server accepted the message leaves the row `sending`: the lease runs
   out, the sweep queues it again and the next attempt sends it: the server gets it once. Killed in
   the instant between the server's acceptance and the mark, the retry sends it again with the
   same `Message-ID` (`message_id`, derived from the row), which mail systems and readers use to
   recognise the copy. An error is retried after 30 s, 1, 2, 4 min…, MAX_ATTEMPTS in all.

Without `ORDI_SMTP_HOST` nothing is sent: notifications wait, listed in the API, until a server
is configured or the retention purge deletes them.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlparse

from ordi.clock import now
from ordi.config import Settings, get_settings
from ordi.db import for_update, write_transaction
from ordi.i18n import word
from ordi.notifications.kinds import SECRET
from ordi.notifications.service import decode_params, render
from ordi.notifications.tables import Notification

log = logging.getLogger("ordi.notifications")

MAX_ATTEMPTS = 5
RETRY_BACKOFF_S = 30.0
RETRY_BACKOFF_MAX_S = 3600.0
BATCH = 200

Sender = Callable[[int], None]
_sender: Sender | None = None


def set_sender(sender: Sender | None) -> None:
    """Called by the wiring (and tests): where notifications to send are handed (dramatiq's actor)."""
    global _sender
    _sender = sender


def message_id(notification_id: int, settings: Settings | None = None) -> str:
    """The same for every attempt of a notification: a resend is recognisable as the same message."""
    host = urlparse((settings or get_settings()).public_url).hostname or "ordi2.fr"
    return f"<notification-{notification_id}@{host}>"


def _lease(settings: Settings) -> timedelta:
    return timedelta(seconds=settings.notification_lease_seconds)


def retry_delay(attempt: int) -> timedelta:
    return timedelta(seconds=min(RETRY_BACKOFF_MAX_S, RETRY_BACKOFF_S * 2 ** max(attempt - 1, 0)))


async def claim(notification_id: int) -> dict[str, Any] | None:
    """This attempt's row (with the recipient's address), if it waits or its last lease ran out."""
    settings = get_settings()
    at = now()
    free = (Notification.email_status == "pending") | (
        (Notification.email_status == "sending") & (Notification.email_lease_until < at)
    )
    taken = (
        await Notification.update(
            {
                Notification.email_status: "sending",
                Notification.email_attempts: Notification.email_attempts + 1,
                Notification.email_lease_until: at + _lease(settings),
            }
        )
        .where((Notification.id == notification_id) & free & (Notification.email_attempts < MAX_ATTEMPTS))
        .returning(Notification.email_attempts)
    )
    if not taken:
        return None
    row = (
        await Notification.select(
            Notification.id,
            Notification.kind,
            Notification.params,
            Notification.created_at,
            Notification.recipient.email.as_alias("email"),
            Notification.recipient.active.as_alias("active"),
        )
        .where(Notification.id == notification_id)
        .first()
    )
    if row is None:
        return None
    row["attempt"] = int(taken[0]["email_attempts"])
    return row


def build_message(row: dict[str, Any], settings: Settings, lang: str = "fr") -> EmailMessage:
    """The e-mail of a notification, in French: its headers are the same on every attempt."""
    subject, body = render(row["kind"], decode_params(row["params"]), lang)
    site = settings.public_host_url
    parts = [word("notification.greeting", lang), body, word("notification.signature", lang, url=site)]
    if row["kind"] not in SECRET:
        parts.append(word("notification.preferences", lang, url=f"{site}/api/v1/notifications/preferences"))
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = row["email"]
    message["Subject"] = subject
    message["Message-ID"] = message_id(row["id"], settings)
    created: datetime = row["created_at"]
    message["Date"] = format_datetime(created)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content("\n\n".join(parts) + "\n")
    message["Content-Language"] = lang  # after set_content, which replaces the Content-* headers
    return message


def send_blocking(message: EmailMessage, settings: Settings) -> None:
    """One SMTP session: STARTTLS and AUTH when configured (blocking: call it from a thread)."""
    assert settings.smtp_host is not None
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_s) as smtp:
        smtp.ehlo()
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(message)


def _this_attempt(notification_id: int, attempt: int) -> Any:
    return (
        (Notification.id == notification_id)
        & (Notification.email_status == "sending")
        & (Notification.email_attempts == attempt)
    )


async def deliver(notification_id: int) -> str:
    """One attempt at sending a notification: `sent`, `retry`, `failed`, `skipped` (taken, or
    already sent) or `disabled` (no mail server configured)."""
    settings = get_settings()
    if not settings.smtp_host:
        return "disabled"
    row = await claim(notification_id)
    if row is None:
        return "skipped"
    attempt = row["attempt"]
    if not row["active"]:  # deactivated since the event: their mailbox is no longer the programme's business
        await Notification.update(
            {
                Notification.email_status: "failed",
                Notification.email_error: "recipient deactivated",
                Notification.email_lease_until: None,
            }
        ).where(_this_attempt(notification_id, attempt))
        return "skipped"
    try:
        message = build_message(row, settings)
        await asyncio.to_thread(send_blocking, message, settings)
    except Exception as exc:
        final = attempt >= MAX_ATTEMPTS
        log.warning("notification %s: attempt %s of %s failed (%s)", notification_id, attempt, MAX_ATTEMPTS, exc)
        changes: dict[Any, Any] = {
            Notification.email_status: "failed" if final else "pending",
            Notification.email_error: f"{type(exc).__name__}: {exc}"[:500],
            Notification.email_lease_until: None,
            Notification.dispatched_at: None,
            Notification.email_send_after: None if final else now() + retry_delay(attempt),
        }
        await Notification.update(changes).where(_this_attempt(notification_id, attempt))
        return "failed" if final else "retry"
    sent: dict[Any, Any] = {
        Notification.email_status: "sent",
        Notification.email_sent_at: now(),
        Notification.email_lease_until: None,
        Notification.email_error: "",
    }
    if row["kind"] in SECRET:
        sent[Notification.params] = "{}"  # a one-time link has served its purpose
    await Notification.update(sent).where(_this_attempt(notification_id, attempt))
    return "sent"


@dataclass
class Sweep:
    taken_back: int = 0
    abandoned: int = 0
    sent: int = 0
    refused: int = 0


async def sweep(batch: int = BATCH) -> Sweep:
    """Take back the sends whose worker died, hand the waiting ones to the broker (several
    processes may sweep at once: each row is picked by one of them)."""
    settings = get_settings()
    result = Sweep()
    if not settings.smtp_host:
        return result
    at = now()
    stale = (Notification.email_status == "sending") & (Notification.email_lease_until < at)
    if await Notification.exists().where(stale):
        async with write_transaction():
            over = stale & (Notification.email_attempts >= MAX_ATTEMPTS)
            abandoned = (
                await Notification.update(
                    {
                        Notification.email_status: "failed",
                        Notification.email_error: "abandoned: the last attempt stopped renewing its lease",
                        Notification.email_lease_until: None,
                    }
                )
                .where(over)
                .returning(Notification.id)
            )
            again = (
                await Notification.update(
                    {
                        Notification.email_status: "pending",
                        Notification.email_lease_until: None,
                        Notification.dispatched_at: None,
                        Notification.email_send_after: None,
                    }
                )
                .where(stale & (Notification.email_attempts < MAX_ATTEMPTS))
                .returning(Notification.id)
            )
        result.abandoned, result.taken_back = len(abandoned), len(again)
    redispatch = at - timedelta(seconds=settings.job_redispatch_seconds)
    due = (Notification.email_status == "pending") & (
        (
            Notification.dispatched_at.is_null()
            & (Notification.email_send_after.is_null() | (Notification.email_send_after <= at))
        )
        | (Notification.dispatched_at < redispatch)
    )
    if not await Notification.exists().where(due):
        return result
    async with write_transaction():
        rows = await for_update(
            Notification.select(Notification.id).where(due).order_by(Notification.id).limit(batch), skip_locked=True
        )
        ids = [r["id"] for r in rows]
        if ids:
            await Notification.update({Notification.dispatched_at: at}).where(Notification.id.is_in(ids) & due)
    if not ids:
        return result
    handed = await asyncio.to_thread(_send_many, ids)
    result.sent += handed
    unsent = ids[handed:]
    if unsent:
        result.refused += len(unsent)
        await Notification.update({Notification.dispatched_at: None}).where(
            Notification.id.is_in(unsent) & (Notification.email_status == "pending")
        )
    return result


def _send_many(ids: Sequence[int]) -> int:
    if _sender is None:
        raise RuntimeError("aucun envoi de notifications configuré : appeler ordi.wiring.wire() au démarrage")
    for handed, notification_id in enumerate(ids):
        try:
            _sender(notification_id)
        except Exception as exc:
            log.warning("broker refused notification %s (%s): sent on a later sweep", notification_id, exc)
            return handed
    return len(ids)


async def purge_expired() -> int:
    """Notifications older than ORDI_NOTIFICATION_RETENTION_DAYS (the setting in force), by batches."""
    cutoff = now() - timedelta(days=get_settings().notification_retention_days)
    purged = 0
    while True:
        async with write_transaction():
            rows = await Notification.select(Notification.id).where(Notification.created_at < cutoff).limit(1000)
            ids = [r["id"] for r in rows]
            if ids:
                await Notification.delete().where(Notification.id.is_in(ids))
        purged += len(ids)
        if len(ids) < 1000:
            return purged
