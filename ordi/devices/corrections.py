"""Correct and cancel (issue 9, item 6): the donor's edits before collection, corrections after it.

Each call is one transaction on one device row, taken like a step (`service.when_free`: NOWAIT, then
a short wait without a connection): `ordi.domain.lifecycle.decide` says who may do it and when,
`ordi.domain.corrections` what it changes (the row's projection before → after, the entry's
payload), and `ordi.devices.ledger` writes both. Nothing is erased: an edit and a removal are
entries of the history, a correction refers to the entry it corrects and keeps it.
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg
import msgspec

from ordi import scoping
from ordi.clock import now, today
from ordi.config import get_settings
from ordi.db import fetch_row, write_transaction
from ordi.devices import ledger
from ordi.devices.schemas import CorrectionIn, DeviceEditIn, EditResult, EventOut, EventResult
from ordi.devices.service import device_out, event_out, facts, normalise_tag, when_free
from ordi.devices.tables import Device, DeviceEvent
from ordi.domain import corrections
from ordi.domain.errors import Conflict, InvalidRecord, NotFound
from ordi.domain.lifecycle import TERMINAL_STATES, Action, Actor, State, decide
from ordi.domain.records import DECLARED_FIELDS, AmendRecord, CorrectionRecord, WithdrawRecord
from ordi.donations.spreadsheet import normalise_brand


def _changes(data: msgspec.Struct) -> dict[str, Any]:
    return {k: v for k, v in msgspec.structs.asdict(data).items() if v is not None}


async def _row(actor: Actor, tag: str, *, nowait: bool, editing: bool) -> dict[str, Any]:
    """The device row, locked; 404 when the caller may not see it (`editing`: may not edit it)."""
    row = await ledger.device_for_step(normalise_tag(tag), actor.organisation_id, nowait=nowait)
    if row is None or not scoping.device_row_visible(actor, row):
        raise NotFound("device_not_found", tag=tag)
    if editing and not scoping.record_editable(actor, row["donor"]):
        raise NotFound("device_not_found", tag=tag)
    return row


def _event(entry: dict[str, Any], event_id: int) -> EventOut:
    return event_out({**entry, "id": event_id})


async def _write(
    actor: Actor, row: dict[str, Any], action: Action, record: Any, effect: corrections.Effect, **keys: Any
) -> tuple[EventOut, dict[str, Any]]:
    """Decide, then append the entry and rewrite the row's projection (the row locked)."""
    decision = decide(facts(row), actor, action, record, today())
    at = now()
    seq = ledger.next_seq(row)
    device = {
        **row,
        **effect.after(),
        "state": decision.after.state.value,
        "refurbisher": decision.after.refurbisher_id,
        "event_count": seq,
        "state_changed_at": at if decision.to_state is not decision.from_state else row["state_changed_at"],
    }
    entry = ledger.entry(
        row["id"],
        seq,
        action,
        actor=actor,
        from_state=decision.from_state.value,
        to_state=decision.to_state.value,
        at=at,
        payload=effect.payload,
        **keys,
    )
    event_id = await ledger.record_step(entry, device)
    return _event(entry, event_id), device


# --- the donor, before collection ------------------------------------------------------------


async def amend(actor: Actor, tag: str, data: DeviceEditIn, lang: str = "fr") -> EditResult:
    """The donor's new values for a declared device; nothing written when nothing changes."""
    record = AmendRecord(changes=_changes(data))

    async def attempt(nowait: bool) -> EditResult:
        async with write_transaction():
            row = await _row(actor, tag, nowait=nowait, editing=True)
            decide(facts(row), actor, Action.AMEND, record, today())  # 403, 409, 422 before anything
            effect = corrections.amend(row, record)
            if not effect.projection:
                return EditResult(device=device_out(row, lang), event=None)
            after = {**row, **effect.after()}
            if {"serial_number", "brand"} & set(effect.projection):
                await _check_serial(after)
            event, device = await _write(actor, row, Action.AMEND, record, effect)
        return EditResult(device=device_out(device, lang), event=event)

    return await when_free(attempt)


async def _check_serial(device: dict[str, Any]) -> None:
    """The rule of a declaration (`donations.service.duplicate_errors`): a serial number already on
    another device in service of the same brand is refused, without saying whose it is."""
    serial = device["serial_number"]
    if not serial:
        return
    rows = await Device.select(Device.brand).where(
        (Device.serial_number == serial)
        & Device.state.not_in([str(s) for s in TERMINAL_STATES])
        & (Device.id != device["id"])
    )
    brand = normalise_brand(device["brand"])
    if any(normalise_brand(r["brand"]) == brand for r in rows):
        raise InvalidRecord("serial_in_service", value=serial)


async def withdraw(actor: Actor, tag: str, reason: str = "", lang: str = "fr") -> EventResult:
    """The donor removes a declared device from its donation: state `withdrawn`, no workshop in
    charge; it stays in the history and in its donation, out of the stock, never collected."""
    record = WithdrawRecord(reason=reason.strip())

    async def attempt(nowait: bool) -> EventResult:
        async with write_transaction():
            row = await _row(actor, tag, nowait=nowait, editing=True)
            payload = {"reason": record.reason} if record.reason else {}
            event, device = await _write(actor, row, Action.WITHDRAW, record, corrections.Effect({}, payload))
        return EventResult(event=event, device=device_out(device, lang))

    return await when_free(attempt)


async def withdraw_rows(tx: Any, actor: Actor, rows: Sequence[dict[str, Any]], reason: str, at: datetime) -> None:
    """A cancelled donation: its declared devices (rows locked by the caller) withdrawn in bulk."""
    record = WithdrawRecord(reason=reason.strip(), donation_cancelled=True)
    payload: dict[str, Any] = {"donation_cancelled": True, **({"reason": record.reason} if record.reason else {})}
    entries = []
    for row in rows:
        decision = decide(facts(row), actor, Action.WITHDRAW, record, today())
        entries.append(
            ledger.entry(
                row["id"],
                ledger.next_seq(row),
                Action.WITHDRAW,
                actor=actor,
                from_state=decision.from_state.value,
                to_state=decision.to_state.value,
                at=at,
                payload=payload,
            )
        )
    changes = {"state": State.WITHDRAWN.value, "refurbisher": None, "state_changed_at": at}
    await ledger.record_stays(tx, entries, changes)


# --- the workshop or the operator, after collection ----------------------------------------


async def correct(
    actor: Actor, tag: str, data: CorrectionIn, idempotency_key: str | None = None, lang: str = "fr"
) -> EventResult:
    """A correcting event: it names the entry it corrects and why, keeps it, and rewrites the row's
    projection when the corrected record is the device's current one.

    Two corrections of the same entry at once: the device row's lock lets one in first, the other
    then finds the entry corrected (409); the unique index on `corrects` holds it on any path. With an
    `Idempotency-Key`, the same request again answers the first result (422 for another request).
    """
    normalised = normalise_tag(tag)
    fingerprint = _fingerprint(normalised, data) if idempotency_key else None

    async def attempt(nowait: bool) -> EventResult:
        async with write_transaction():
            row = await _row(actor, tag, nowait=nowait, editing=False)
            if idempotency_key:
                replay = await _replay(actor, row, idempotency_key, fingerprint, lang)
                if replay is not None:
                    return replay
            target = await _entry_of(row["id"], data.corrects)
            kind, root, current = _record_of(target, row)
            record = CorrectionRecord(
                corrects=data.corrects, corrected_action=kind, reason=data.reason, changes=_changes(data.changes)
            )
            decide(facts(row), actor, Action.CORRECT, record, today())  # 403, 409, 422 before anything
            assert target is not None  # an unknown entry has no kind: refused by the record's rule
            corrected = await fetch_row("SELECT id FROM device_event WHERE corrects = {}", target["id"])
            if corrected is not None:
                raise Conflict("already_corrected", corrects=target["id"], by=corrected["id"])
            latest = kind != "refurbish" or await _last_refurbishment(row["id"]) == root
            effect = corrections.correct(row, record, current, root=root, latest=latest)
            event, device = await _write(
                actor,
                row,
                Action.CORRECT,
                record,
                effect,
                corrects=target["id"],
                idempotency_key=idempotency_key,
                request_sha256=fingerprint,
            )
        return EventResult(event=event, device=device_out(device, lang))

    try:
        return await when_free(attempt)
    except (asyncpg.UniqueViolationError, sqlite3.IntegrityError):
        # Another correction of the same entry (or the same key) committed while this one waited.
        if idempotency_key:
            row = await ledger.device_by_tag(normalised)
            replay = await _replay(actor, row, idempotency_key, fingerprint, lang) if row else None
            if replay is not None:
                return replay
        corrected = await fetch_row("SELECT id FROM device_event WHERE corrects = {}", data.corrects)
        raise Conflict("already_corrected", corrects=data.corrects, by=corrected["id"] if corrected else "") from None


async def _entry_of(device_id: int, event_id: int) -> dict[str, Any] | None:
    columns = ", ".join(f'"{c._meta.db_column_name}"' for c in ledger.event_columns())
    row = await fetch_row(
        f"SELECT {columns} FROM device_event WHERE id = {{}} AND device = {{}}",  # noqa: S608
        event_id,
        device_id,
    )
    if row is not None and isinstance(row["payload"], str):
        row["payload"] = msgspec.json.decode(row["payload"])
    return row


def _record_of(target: dict[str, Any] | None, row: dict[str, Any]) -> tuple[str, int, dict[str, Any]]:
    """The kind of record an entry holds (the original entry's action), its original entry, and
    its values as they stand: the row's for declared fields, else the entry's (or last correction's)."""
    if target is None:
        return "", 0, {}
    payload = target["payload"] or {}
    if target["action"] == Action.CORRECT.value:
        kind, root = str(payload.get("corrected_action", "")), int(payload.get("original_event", 0))
    else:
        kind, root = str(target["action"]), int(target["id"])
    if kind in ("declare", "amend"):
        return kind, root, {name: row[name] for name in DECLARED_FIELDS}
    return kind, root, corrections.record_values(str(target["action"]), payload)


async def _last_refurbishment(device_id: int) -> int | None:
    found = await fetch_row(
        "SELECT id FROM device_event WHERE device = {} AND action = 'refurbish' ORDER BY seq DESC LIMIT 1",
        device_id,
    )
    return int(found["id"]) if found else None


def _fingerprint(tag: str, data: CorrectionIn) -> str:
    body = msgspec.json.encode({"tag": tag, "correction": msgspec.to_builtins(data)}, order="sorted")
    return hmac.new(get_settings().secret_key.encode(), body, hashlib.sha256).hexdigest()


async def _replay(
    actor: Actor, row: dict[str, Any], key: str, fingerprint: str | None, lang: str
) -> EventResult | None:
    previous = await (
        DeviceEvent.select(*ledger.event_columns())
        .where((DeviceEvent.actor_organisation == actor.organisation_id) & (DeviceEvent.idempotency_key == key))
        .output(load_json=True)
        .first()
    )
    if previous is None:
        return None
    same = previous["device"] == row["id"] and previous["action"] == Action.CORRECT.value
    if not same or previous["request_sha256"] != fingerprint:
        raise InvalidRecord("idempotency_mismatch")
    return EventResult(event=event_out(previous), device=device_out(row, lang), replayed=True)
