"""Warranty contacts and the beneficiaries' rights (GDPR art. 15 to 17 and 21).

A contact is recorded at the hand-over (`ordi.devices.service`, only when the association needs it
for the warranty). From then on:

- its association reads it back (`read_contact`), and only it: anyone else gets 404;
- every read, every right served and every purge writes a line of `personal_data_log` (who, when,
  which device, what act, how many records): never the name or the phone;
- it is purged when the warranty ends (its recording date plus ORDI_CONTACT_RETENTION_DAYS, the
  setting in force, `purge_expired`), when the device comes back or is recycled (`on_step`, in the
  step's transaction), when its association erases it, or on the person's request;
- the operator serves the person who asks, identified by their name and the device's tag:
  `access` (everything held), `rectify`, `erase` (erasure, or objection to the processing).
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from typing import Any

from ordi import paging, scoping
from ordi.beneficiaries.schemas import (
    AccessOut,
    ContactHeld,
    ErasureIn,
    ErasureOut,
    LogEntryOut,
    RectificationIn,
    SubjectIn,
    WarrantyContactOut,
)
from ordi.beneficiaries.tables import PersonalDataLog
from ordi.clock import now
from ordi.config import get_settings
from ordi.db import write_transaction
from ordi.devices.hooks import StepRecorded
from ordi.devices.tables import BeneficiaryContact, Device, DeviceEvent
from ordi.domain import asset_tags
from ordi.domain.errors import InvalidRecord, NotFound
from ordi.domain.lifecycle import Action, Actor, OrgKind
from ordi.organisations.tables import Organisation
from ordi.paging import Page, PageRequest

#: The reads of a contact shown to the person who asks (the most recent).
READS_SHOWN = 100
#: Steps after which a warranty contact has no purpose any more.
PURGED_BY_STEP = {Action.RETURN: "returned", Action.RECYCLE: "recycled"}


def _retention() -> timedelta:
    return timedelta(days=get_settings().beneficiary_contact_retention_days)


def _log(
    action: str, actor: Actor | None, device_id: int | None, records: int = 1, reason: str = ""
) -> PersonalDataLog:
    return PersonalDataLog(
        at=now(),
        action=action,
        reason=reason,
        actor_user=actor.user_id if actor else None,
        actor_organisation=actor.organisation_id if actor else None,
        device=device_id,
        records=records,
    )


async def _device(tag: str) -> dict[str, Any] | None:
    """The device by tag, whoever asks: the contact's own rule decides what the caller may see."""
    normalised = asset_tags.normalise(tag)
    if normalised is None:
        return None
    return await Device.select(Device.id, Device.asset_tag).where(Device.asset_tag == normalised).first()


def _contact_columns() -> tuple[Any, ...]:
    return (
        BeneficiaryContact.id,
        BeneficiaryContact.device,
        BeneficiaryContact.association,
        BeneficiaryContact.full_name,
        BeneficiaryContact.phone,
        BeneficiaryContact.recorded_at,
    )


def _purge_on(recorded_at: datetime) -> datetime:
    return recorded_at + _retention()


async def _readable_contact(actor: Actor, tag: str) -> tuple[dict[str, Any], dict[str, Any]]:
    device = await _device(tag)
    if device is not None:
        rows = (
            await BeneficiaryContact.select(*_contact_columns())
            .where(BeneficiaryContact.device == device["id"])
            .order_by(BeneficiaryContact.id, ascending=False)
        )
        for row in rows:
            if scoping.warranty_contact_readable(actor, row["association"]):
                return device, row
    raise NotFound("warranty_contact_not_found", tag=tag)


async def read_contact(actor: Actor, tag: str) -> WarrantyContactOut:
    """The association that recorded it reads the contact back; the read is logged with it."""
    async with write_transaction():
        device, row = await _readable_contact(actor, tag)
        await PersonalDataLog.insert(_log("contact_read", actor, device["id"]))
    return WarrantyContactOut(
        asset_tag=device["asset_tag"],
        full_name=row["full_name"],
        phone=row["phone"],
        recorded_at=row["recorded_at"],
        purge_on=_purge_on(row["recorded_at"]),
    )


async def erase_contact(actor: Actor, tag: str) -> None:
    """The association erases the contact it recorded (the beneficiary asked it, or it is no longer needed)."""
    async with write_transaction():
        device, row = await _readable_contact(actor, tag)
        await BeneficiaryContact.delete().where(BeneficiaryContact.id == row["id"])
        await PersonalDataLog.insert(_log("contact_erased", actor, device["id"]))


# --- the person's rights, served by the operator -------------------------------------------------


def _same_name(a: str, b: str) -> bool:
    """Names compared as people write them: case, accents and spaces aside."""

    def fold(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text)
        return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())

    return fold(a) == fold(b)


async def _subject(actor: Actor, data: SubjectIn | RectificationIn | ErasureIn) -> tuple[dict | None, list[dict]]:
    scoping.require_kind(actor, OrgKind.OPERATOR)
    device = await _device(data.asset_tag)
    if device is None:
        return None, []
    rows = (
        await BeneficiaryContact.select(*_contact_columns())
        .where(BeneficiaryContact.device == device["id"])
        .order_by(BeneficiaryContact.id)
    )
    return device, [r for r in rows if _same_name(r["full_name"], data.full_name)]


async def access(actor: Actor, data: SubjectIn) -> AccessOut:
    """Everything held about the person: the contact, the hand-over's record, who read it."""
    async with write_transaction():
        device, rows = await _subject(actor, data)
        held: list[ContactHeld] = []
        if device is not None and rows:
            held = await _held(device, rows)
        await PersonalDataLog.insert(_log("access", actor, device["id"] if device else None, records=len(held)))
    return AccessOut(contacts=held)


async def _held(device: dict[str, Any], rows: list[dict[str, Any]]) -> list[ContactHeld]:
    names = {
        o["id"]: o["name"]
        for o in await Organisation.select(Organisation.id, Organisation.name).where(
            Organisation.id.is_in(list({r["association"] for r in rows}))
        )
    }
    hand_over = (
        await DeviceEvent.select(DeviceEvent.payload)
        .where((DeviceEvent.device == device["id"]) & (DeviceEvent.action == Action.HAND_OVER.value))
        .order_by(DeviceEvent.seq, ascending=False)
        .output(load_json=True)
        .first()
    )
    beneficiary = (hand_over or {}).get("payload", {}).get("beneficiary", {}) if hand_over else {}
    reads = (
        await PersonalDataLog.select(PersonalDataLog.at, PersonalDataLog.actor_organisation.name.as_alias("by"))
        .where((PersonalDataLog.device == device["id"]) & (PersonalDataLog.action == "contact_read"))
        .order_by(PersonalDataLog.id, ascending=False)
        .limit(READS_SHOWN)
    )
    return [
        ContactHeld(
            asset_tag=device["asset_tag"],
            full_name=r["full_name"],
            phone=r["phone"],
            association=names.get(r["association"], ""),
            recorded_at=r["recorded_at"],
            purge_on=_purge_on(r["recorded_at"]),
            beneficiary=beneficiary,
            reads=[{"at": read["at"], "organisation": read["by"] or ""} for read in reads],
        )
        for r in rows
    ]


async def rectify(actor: Actor, data: RectificationIn) -> AccessOut:
    """Correct the name or the phone held; answers what is held afterwards."""
    if data.new_full_name is None and data.new_phone is None:
        raise InvalidRecord("privacy_nothing_to_change")
    async with write_transaction():
        device, rows = await _subject(actor, data)
        if device is None or not rows:
            raise NotFound("privacy_subject_not_found", tag=data.asset_tag)
        changes: dict[Any, Any] = {}
        if data.new_full_name is not None:
            changes[BeneficiaryContact.full_name] = data.new_full_name.strip()[:200]
        if data.new_phone is not None:
            changes[BeneficiaryContact.phone] = data.new_phone.strip()[:30]
        ids = [r["id"] for r in rows]
        await BeneficiaryContact.update(changes).where(BeneficiaryContact.id.is_in(ids))
        await PersonalDataLog.insert(_log("rectification", actor, device["id"], records=len(ids)))
        after = await BeneficiaryContact.select(*_contact_columns()).where(BeneficiaryContact.id.is_in(ids))
        held = await _held(device, after)
    return AccessOut(contacts=held)


async def erase(actor: Actor, data: ErasureIn) -> ErasureOut:
    """Erase what is held about the person (erasure, or objection to the processing)."""
    async with write_transaction():
        device, rows = await _subject(actor, data)
        if device is None or not rows:
            raise NotFound("privacy_subject_not_found", tag=data.asset_tag)
        ids = [r["id"] for r in rows]
        await BeneficiaryContact.delete().where(BeneficiaryContact.id.is_in(ids))
        act = "objection" if data.objection else "erasure"
        await PersonalDataLog.insert(_log(act, actor, device["id"], records=len(ids)))
    return ErasureOut(erased=len(ids))


async def log_page(actor: Actor, request: PageRequest) -> Page:
    """The operator reads the log (acts, never data), newest first."""
    scoping.require_kind(actor, OrgKind.OPERATOR)
    columns = (
        PersonalDataLog.id,
        PersonalDataLog.at,
        PersonalDataLog.action,
        PersonalDataLog.reason,
        PersonalDataLog.actor_user,
        PersonalDataLog.actor_organisation,
        PersonalDataLog.device.asset_tag.as_alias("asset_tag"),
        PersonalDataLog.records,
    )
    return await paging.keyset(
        PersonalDataLog,
        columns,
        None,
        request,
        key=PersonalDataLog.id,
        list_name="personal-data-log",
        out=lambda r: LogEntryOut(
            id=r["id"],
            at=r["at"],
            action=r["action"],
            reason=r["reason"],
            actor_user_id=r["actor_user"],
            actor_organisation_id=r["actor_organisation"],
            asset_tag=r["asset_tag"],
            records=r["records"],
        ),
        descending=True,
    )


# --- purges --------------------------------------------------------------------------------------


async def on_step(step: StepRecorded) -> None:
    """The `return` and `recycle` hooks: the device's contacts go, in the step's transaction."""
    reason = PURGED_BY_STEP.get(step.action)
    if reason is None:
        return
    gone = (
        await BeneficiaryContact.delete()
        .where(BeneficiaryContact.device == step.device["id"])
        .returning(BeneficiaryContact.id)
    )
    if gone:
        await PersonalDataLog.insert(_log("purge", None, step.device["id"], records=len(gone), reason=reason))


async def purge_expired(batch_size: int = 500) -> int:
    """Contacts whose warranty ended: recorded more than the retention in force ago."""
    purged = 0
    while True:
        cutoff = now() - _retention()
        async with write_transaction():
            rows = (
                await BeneficiaryContact.select(BeneficiaryContact.id, BeneficiaryContact.device)
                .where(BeneficiaryContact.recorded_at <= cutoff)
                .order_by(BeneficiaryContact.id)
                .limit(batch_size)
            )
            if rows:
                await BeneficiaryContact.delete().where(BeneficiaryContact.id.is_in([r["id"] for r in rows]))
                by_device: dict[int, int] = {}
                for r in rows:
                    by_device[r["device"]] = by_device.get(r["device"], 0) + 1
                await PersonalDataLog.insert(
                    *[_log("purge", None, d, records=n, reason="warranty_ended") for d, n in by_device.items()]
                )
        purged += len(rows)
        if len(rows) < batch_size:
            return purged


async def purge_old_log() -> int:
    """Log lines older than ORDI_PRIVACY_LOG_RETENTION_DAYS (who read what is itself personal data)."""
    cutoff = now() - timedelta(days=get_settings().privacy_log_retention_days)
    gone = await PersonalDataLog.delete().where(PersonalDataLog.at < cutoff).returning(PersonalDataLog.id)
    return len(gone)
