"""The events that notify someone, each written in its event's transaction.

The capabilities call these explicitly (a pickup scheduled, a request decided or allocated), or the
wiring hooks them to a device's steps (`ordi.devices.hooks`: a shipment, a wipe's certificate), and
the scheduled check of labels about to expire runs them once a day. Each names its event by a key,
so a repeated event notifies once; steps that come by the hundred (wipes of one donation, shipments
to one association) make one notification per day and per donation or request.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

from ordi.auth.resets import ResetLink
from ordi.certificates.tables import WipeCertificate
from ordi.clock import PARIS, now, today
from ordi.devices.hooks import StepRecorded
from ordi.notifications.service import notify_organisation, notify_person
from ordi.organisations.tables import Organisation

#: A label about to expire is announced this many days before its last day (and once per label).
LABEL_WARNING_DAYS = 30


async def _name(organisation_id: int | None) -> str:
    if organisation_id is None:
        return ""
    row = await Organisation.select(Organisation.name).where(Organisation.id == organisation_id).first()
    return str(row["name"]) if row else ""


def _day(at: datetime) -> str:
    return at.astimezone(PARIS).date().isoformat()


async def pickup_scheduled(pickup_id: int, donor_id: int, workshop_id: int | None, day: date | None) -> int:
    """The donor's people learn the date (and which workshop comes); a new date notifies again."""
    when = day.isoformat() if day else ""
    return await notify_organisation(
        donor_id,
        "pickup_scheduled",
        f"{pickup_id}:{when}",
        pickup_id=pickup_id,
        date=when,
        workshop=await _name(workshop_id),
    )


async def request_decided(request_id: int, association_id: int, approved: bool, reason: str) -> int:
    kind = "request_approved" if approved else "request_rejected"
    return await notify_organisation(association_id, kind, str(request_id), request_id=request_id, reason=reason)


async def request_allocated(request_id: int, association_id: int, reserved: int, missing: int) -> int:
    """After an allocation that reserved something: how many, and how many are still to find."""
    if reserved <= 0:
        return 0
    return await notify_organisation(
        association_id,
        "request_allocated",
        f"{request_id}:{now().isoformat()}",
        request_id=request_id,
        reserved=reserved,
        missing=missing,
    )


async def on_ship(step: StepRecorded) -> None:
    """The `ship` hook: the receiving association, once a day per request."""
    association = step.device.get("association")
    if association is None:
        return
    await notify_organisation(
        association,
        "shipment_sent",
        f"{step.device.get('request') or 0}:{_day(step.at)}",
        asset_tag=step.device["asset_tag"],
        workshop=await _name(step.actor.organisation_id),
        tracking_number=step.payload.get("tracking_number") or "",
    )


async def on_wipe(step: StepRecorded) -> None:
    """After the certificate's hook (`ordi.wiring` registers it second): the donor, once a day per donation."""
    row = (
        await WipeCertificate.select(WipeCertificate.number).where(WipeCertificate.wipe_event == step.event_id).first()
    )
    if row is None:
        return
    await notify_organisation(
        step.device["donor"],
        "certificate_issued",
        f"{step.device['donation']}:{_day(step.at)}",
        donation_id=step.device["donation"],
        number=row["number"],
    )


async def labels_expiring(within_days: int = LABEL_WARNING_DAYS) -> int:
    """The scheduled check: the people of each organisation whose label ends within `within_days`
    (once per label end date, however often the check runs)."""
    start = today()
    end = start + timedelta(days=within_days)
    rows = await Organisation.select(Organisation.id, Organisation.name, Organisation.label_valid_until).where(
        Organisation.label_valid_until.is_not_null()
        & (Organisation.label_valid_until >= start)
        & (Organisation.label_valid_until <= end)
    )
    notified = 0
    for row in rows:
        until: date = row["label_valid_until"]
        notified += await notify_organisation(
            row["id"],
            "label_expiring",
            until.isoformat(),
            organisation=row["name"],
            date=until.isoformat(),
            days=(until - start).days,
        )
    return notified


async def password_reset_link(link: ResetLink) -> None:
    """The accounts' mailer (`ordi.auth.resets.on_reset_link`), in the transaction that made the
    link: the e-mail goes whatever the person's choices; the link leaves the row once sent. The
    event's key is the token's digest (the token itself is never a key)."""
    key = hashlib.sha256(link.token.encode()).hexdigest()[:40]
    await notify_person(link.user_id, "password_reset", key, url=link.url)
