"""Writing notifications with their event, listing them, and each person's choices.

`notify_organisation` and `notify_person` run inside the caller's transaction (they open none):
the notification commits with the event that causes it, or not at all. Recipients are the
organisation's active people who did not turn the kind off; a person who turned it off gets
neither the e-mail nor the entry in the list. The event's `key` is unique per recipient, so a
retried or repeated event notifies once (INSERT … ON CONFLICT DO NOTHING, on both engines).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec

from ordi import paging, scoping
from ordi.clock import PARIS, now
from ordi.domain.lifecycle import Actor
from ordi.i18n import Lang, date_text, notification_kind_name, notification_text
from ordi.notifications.kinds import KINDS, LISTED, OPTIONAL
from ordi.notifications.schemas import NotificationOut, PreferenceOut, PreferencesIn, PreferencesOut
from ordi.notifications.tables import Notification, NotificationPreference
from ordi.organisations.tables import User
from ordi.paging import Page, PageRequest

LIST_COLUMNS = (
    Notification.id,
    Notification.kind,
    Notification.params,
    Notification.created_at,
    Notification.email_status,
    Notification.email_sent_at,
)


def _opted_out(kind: str) -> Any:
    return NotificationPreference.select(NotificationPreference.person).where(
        (NotificationPreference.kind == kind) & (NotificationPreference.enabled == False)  # noqa: E712
    )


async def _write(recipients: list[int], kind: str, key: str, params: dict[str, Any]) -> int:
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not recipients:
        return 0
    text = msgspec.json.encode(params).decode()
    at = now()
    rows = [
        Notification(recipient=person, kind=kind, params=text, dedupe_key=f"{kind}:{key}"[:120], created_at=at)
        for person in recipients
    ]
    inserted = (
        await Notification.insert(*rows)
        .on_conflict(target=(Notification.recipient, Notification.dedupe_key), action="DO NOTHING")
        .returning(Notification.id)
    )
    return len(inserted)


async def notify_organisation(organisation_id: int, kind: str, key: str, **params: Any) -> int:
    """Notify the organisation's active people who did not turn `kind` off; how many were."""
    condition = (User.organisation == organisation_id) & (User.active == True)  # noqa: E712
    if kind in OPTIONAL:
        condition &= User.id.not_in(_opted_out(kind))
    people = await User.select(User.id).where(condition).order_by(User.id)
    return await _write([p["id"] for p in people], kind, key, params)


async def notify_person(user_id: int, kind: str, key: str, **params: Any) -> int:
    """Notify one person (an account's own message: a password reset link), unless they turned it off."""
    condition = (User.id == user_id) & (User.active == True)  # noqa: E712
    if kind in OPTIONAL:
        condition &= User.id.not_in(_opted_out(kind))
    people = await User.select(User.id).where(condition)
    return await _write([p["id"] for p in people], kind, key, params)


def render(kind: str, params: dict[str, Any], lang: Lang = "fr") -> tuple[str, str]:
    """Subject and body in `lang`: dates written as the language writes them."""
    values = dict(params)
    for name, value in params.items():
        if name == "date" and isinstance(value, str):
            try:
                values[name] = date_text(date.fromisoformat(value), PARIS, lang=lang)
            except ValueError:
                pass
    return notification_text(kind, lang, **values)


def decode_params(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    try:
        decoded = msgspec.json.decode(raw or "{}")
    except msgspec.DecodeError:
        return {}
    return decoded if isinstance(decoded, dict) else {}


def _out(row: dict[str, Any], lang: Lang) -> NotificationOut:
    params = decode_params(row["params"])
    subject, body = render(row["kind"], params, lang)
    return NotificationOut(
        id=row["id"],
        kind=row["kind"],
        kind_label=notification_kind_name(row["kind"], lang),
        subject=subject,
        body=body,
        params=params,
        created_at=row["created_at"],
        email_status=row["email_status"],
        email_sent_at=row["email_sent_at"],
    )


async def list_notifications(actor: Actor, request: PageRequest, lang: Lang = "fr") -> Page:
    """The caller's own notifications, newest first (a reset link is never listed)."""
    condition = scoping.notifications(actor) & Notification.kind.is_in(list(LISTED))
    return await paging.keyset(
        Notification,
        LIST_COLUMNS,
        condition,
        request,
        key=Notification.id,
        list_name=f"notifications-{actor.user_id}",
        out=lambda row: _out(row, lang),
        descending=True,
    )


async def preferences(actor: Actor, lang: Lang = "fr") -> PreferencesOut:
    rows = await NotificationPreference.select(NotificationPreference.kind, NotificationPreference.enabled).where(
        NotificationPreference.person == actor.user_id
    )
    chosen = {r["kind"]: bool(r["enabled"]) for r in rows}
    return PreferencesOut(
        preferences=[
            PreferenceOut(kind=k, label=notification_kind_name(k, lang), enabled=chosen.get(k, True)) for k in OPTIONAL
        ]
    )


async def set_preferences(actor: Actor, data: PreferencesIn, lang: Lang = "fr") -> PreferencesOut:
    """Each given kind on or off for the caller; the others are left as they were."""
    rows = [NotificationPreference(person=actor.user_id, kind=p.kind, enabled=p.enabled) for p in data.preferences]
    chosen = {row.kind: row for row in rows}  # the last word for a kind given twice
    await NotificationPreference.insert(*chosen.values()).on_conflict(
        target=(NotificationPreference.person, NotificationPreference.kind),
        action="DO UPDATE",
        values=[NotificationPreference.enabled],
    )
    return await preferences(actor, lang)
