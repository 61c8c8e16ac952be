"""Reading devices and performing the steps of their journey.

`perform` (and allocation, through `apply_locked`) is one transaction: lock the device row,
check the rules in `ordi.domain.lifecycle`, then write through `ordi.devices.ledger`, the one
writer of devices and their history, and run the step's hooks (`ordi.devices.hooks`).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import random
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

import asyncpg
import msgspec
from piccolo.query.functions.aggregate import Count, Min

from ordi import paging, scoping
from ordi.clock import now, today
from ordi.config import get_settings
from ordi.db import is_postgres, write_transaction
from ordi.devices import hooks, ledger
from ordi.devices.schemas import DeviceOut, EventOut, EventRequest, EventResult, HandOver, SpecsOut
from ordi.devices.tables import BeneficiaryContact, Device, DeviceEvent
from ordi.domain import asset_tags, geography, specs
from ordi.domain.errors import InvalidRecord, NotFound
from ordi.domain.lifecycle import (
    OPTIONAL_RECORD_TYPES,
    RECORD_TYPES,
    TERMINAL_STATES,
    Action,
    Actor,
    DeviceFacts,
    OrgKind,
    State,
    available_actions,
    decide,
    label_valid,
    takes_custody,
)
from ordi.domain.records import AssignRecord, Record, RefurbishRecord, ReserveRecord
from ordi.i18n import state_name
from ordi.organisations.tables import Organisation
from ordi.paging import Page, PageRequest

T = TypeVar("T")


def public_url(tag: str) -> str:
    """The label's URL: upper case so that the QR stays in alphanumeric mode (PRODUCT.md §4)."""
    return f"{get_settings().public_host_url}/D/{tag}".upper()


def device_out(row: dict[str, Any], lang: str = "fr") -> DeviceOut:
    return DeviceOut(
        asset_tag=row["asset_tag"],
        state=row["state"],
        state_label=state_name(row["state"], lang),
        category=row["category"],
        brand=row["brand"],
        model=row["model"],
        serial_number=row["serial_number"],
        has_storage=row["has_storage"],
        data_cleared=row["data_cleared"],
        grade=row["grade"],
        specs=specs_out(row),
        donation_id=row["donation"],
        donor_id=row["donor"],
        custodian_id=row["custodian"],
        refurbisher_id=row["refurbisher"],
        association_id=row["association"],
        state_changed_at=row["state_changed_at"],
        url=public_url(row["asset_tag"]),
    )


def specs_out(row: dict[str, Any]) -> SpecsOut:
    return SpecsOut(**specs.from_row(row).as_dict(), confirmed=bool(row["specs_confirmed"]))


def confirmed_specs(row: dict[str, Any], record: Record | None) -> dict[str, Any]:
    """The spec columns a refurbishment rewrites: each field the workshop gives replaces the
    declared one, the others stay, and the specs are confirmed; nothing without `specs`."""
    if not isinstance(record, RefurbishRecord) or record.specs is None:
        return {}
    found = specs.validate(record.specs, today().year)
    return {**specs.from_row(row).merged(found).as_dict(), "specs_confirmed": True}


def event_out(row: dict[str, Any]) -> EventOut:
    payload = row["payload"]
    if isinstance(payload, str):
        payload = msgspec.json.decode(payload)
    return EventOut(
        id=row["id"],
        seq=row["seq"],
        action=row["action"],
        outcome=row["outcome"],
        from_state=row["from_state"],
        to_state=row["to_state"],
        occurred_at=row["occurred_at"],
        actor_organisation_id=row["actor_organisation"],
        actor_user_id=row["actor_user"],
        payload=payload,
        corrects=row.get("corrects"),
    )


def facts(row: dict[str, Any]) -> DeviceFacts:
    return DeviceFacts(
        state=State(row["state"]),
        has_storage=row["has_storage"],
        data_cleared=row["data_cleared"],
        donor_id=row["donor"],
        custodian_id=row["custodian"],
        refurbisher_id=row["refurbisher"],
        association_id=row["association"],
    )


def normalise_tag(tag: str) -> str:
    normalised = asset_tags.normalise(tag)
    if normalised is None:
        raise NotFound("device_not_found", tag=tag)
    return normalised


async def find_visible(actor: Actor, tag: str) -> dict[str, Any]:
    """One device by tag, or 404 if it does not exist *or* the caller may not see it."""
    row = await ledger.device_by_tag(normalise_tag(tag))
    if row is None or not scoping.device_row_visible(actor, row):
        raise NotFound("device_not_found", tag=tag)
    return row


async def get_device(actor: Actor, tag: str, lang: str = "fr") -> DeviceOut:
    return device_out(await find_visible(actor, tag), lang)


async def list_devices(
    actor: Actor,
    *,
    state: str | None,
    category: str | None,
    donation: int | None,
    request: PageRequest,
    lang: str = "fr",
) -> Page:
    """The caller's devices, by id, a keyset page at a time (`ordi.paging`)."""
    condition = scoping.devices(actor)
    for column, value in ((Device.state, state), (Device.category, category), (Device.donation, donation)):
        if value is not None:
            condition = scoping.combine(condition, column == value)
    return await paging.keyset(
        Device,
        ledger.device_columns(),
        condition,
        request,
        key=Device.id,
        list_name="devices",
        out=lambda row: device_out(row, lang),
    )


async def custody_summary(actor: Actor) -> list[dict[str, Any]]:
    """The devices in the caller's custody per state, with the date of the oldest one's last step
    (how long the oldest has waited): the workshop's work queue. One grouped query."""
    condition = scoping.combine(scoping.devices(actor), Device.custodian == actor.organisation_id)
    terminal = [s.value for s in TERMINAL_STATES]
    rows = (
        await Device.select(Device.state, Count(Device.id, alias="n"), Min(Device.state_changed_at, alias="oldest"))
        .where(scoping.combine(condition, Device.state.not_in(terminal)))
        .group_by(Device.state)
    )
    for row in rows:
        oldest = row["oldest"]
        if isinstance(oldest, str):  # SQLite answers an aggregate's timestamp as text
            row["oldest"] = datetime.fromisoformat(oldest)
    return rows


async def history(actor: Actor, tag: str, request: PageRequest) -> Page:
    """A device's history in order; its event count is the total, for free."""
    device = await find_visible(actor, tag)
    return await paging.keyset(
        DeviceEvent,
        ledger.event_columns(),
        DeviceEvent.device == device["id"],
        request,
        key=DeviceEvent.seq,
        list_name=f"events-{device['id']}",
        out=event_out,
        total=device["event_count"],
    )


def to_record(request: EventRequest) -> tuple[Action, Record | None, dict[str, Any]]:
    """The domain record of a request, and the payload to keep in the history (no personal data)."""
    action = Action(str(type(request).__struct_config__.tag))
    payload = msgspec.to_builtins(request)
    payload.pop("action", None)
    payload.pop("warranty_contact", None)
    payload = {k: v for k, v in payload.items() if v is not None}
    record_type = RECORD_TYPES.get(action) or OPTIONAL_RECORD_TYPES.get(action)
    record = msgspec.convert(payload, record_type) if record_type else None
    if isinstance(request, HandOver):
        try:
            code = geography.normalise_departement(request.beneficiary.departement)
        except ValueError as exc:
            raise InvalidRecord("departement_invalid", value=request.beneficiary.departement) from exc
        payload["beneficiary"]["departement"] = code
    return action, record, payload


async def perform(
    actor: Actor,
    tag: str,
    request: EventRequest,
    idempotency_key: str | None = None,
    lang: str = "fr",
    attachment: Any = None,
) -> EventResult:
    """One step; `attachment` goes to the step's hooks (a wiping tool's report for its certificate).

    With an `Idempotency-Key`, the same request sent again answers the first result; another
    request under the same key is refused (422), also when both arrive at the same instant.
    """
    action, record, payload = to_record(request)
    normalised = normalise_tag(tag)
    fingerprint = request_fingerprint(normalised, request) if idempotency_key else None
    try:
        return await _perform_when_free(
            actor, tag, normalised, request, action, record, payload, idempotency_key, fingerprint, lang, attachment
        )
    except (asyncpg.UniqueViolationError, sqlite3.IntegrityError):
        if not idempotency_key:
            raise
        # Another request with the same key committed while this one waited on the unique index.
        replay = await _replay(actor, None, action, idempotency_key, fingerprint, lang)
        if replay is None:
            raise
        return replay


#: Waits between two tries on a device row another step holds (seconds): short at first, since a
#: step holds its row for milliseconds; the whole wait stops at the lock timeout (then 503).
_LOCK_RETRY_S = (0.01, 0.02, 0.05, 0.1, 0.2)


async def _perform_when_free(*args: Any) -> EventResult:
    return await when_free(lambda nowait: _perform(*args, nowait=nowait))


async def when_free(operation: Callable[[bool], Awaitable[T]]) -> T:
    """A step on a row that another transaction holds waits *without* holding a connection: the
    row is asked for with NOWAIT (`operation(True)`), and on refusal the connection goes back to
    the pool while this request sleeps a little; so forty requests queued on one device leave the
    pool to everyone else. Past `ORDI_DB_LOCK_TIMEOUT_MS` the last refusal is raised (503,
    `ordi.http.problems`). Every write on one device row goes through here (steps, edits, corrections)."""
    if not is_postgres():
        return await operation(False)  # SQLite: the IMMEDIATE transaction queues writers
    deadline = time.monotonic() + get_settings().db_lock_timeout_ms / 1000
    attempt = 0
    while True:
        try:
            return await operation(True)
        except asyncpg.exceptions.LockNotAvailableError:
            pause = _LOCK_RETRY_S[min(attempt, len(_LOCK_RETRY_S) - 1)] * random.uniform(0.5, 1.5)
            if time.monotonic() + pause > deadline:
                raise
            attempt += 1
            await asyncio.sleep(pause)


def request_fingerprint(tag: str, request: EventRequest) -> str:
    """What an idempotency key is bound to: the device and the whole request (keyed HMAC, so the
    warranty contact it may hold cannot be guessed back from the stored value)."""
    body = msgspec.json.encode({"tag": tag, "request": msgspec.to_builtins(request)}, order="sorted")
    key = get_settings().secret_key.encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


async def _perform(
    actor: Actor,
    tag: str,
    normalised: str,
    request: EventRequest,
    action: Action,
    record: Record | None,
    payload: dict[str, Any],
    idempotency_key: str | None,
    fingerprint: str | None,
    lang: str,
    attachment: Any,
    *,
    nowait: bool,
) -> EventResult:
    async with write_transaction():
        row = await ledger.device_for_step(normalised, actor.organisation_id, nowait=nowait)
        if row is None or not scoping.device_row_visible(actor, row):
            raise NotFound("device_not_found", tag=tag)
        if idempotency_key:
            replay = await _replay(actor, row, action, idempotency_key, fingerprint, lang)
            if replay is not None:
                return replay
        actor = _fresh_label(actor, action, row)
        if isinstance(record, ReserveRecord):
            await check_association(record.association_id)
        event, device = await apply_locked(
            actor, row, action, record, payload, idempotency_key, attachment, request_sha256=fingerprint
        )
        if isinstance(request, HandOver) and request.warranty_contact is not None:
            retention = timedelta(days=get_settings().beneficiary_contact_retention_days)
            await BeneficiaryContact.insert(
                BeneficiaryContact(
                    device=row["id"],
                    association=actor.organisation_id,
                    full_name=request.warranty_contact.full_name[:200],
                    phone=request.warranty_contact.phone[:30],
                    purge_after=now() + retention,
                    recorded_at=now(),
                )
            )
    return EventResult(event=event, device=device_out(device, lang))


async def apply_locked(
    actor: Actor,
    row: dict[str, Any],
    action: Action,
    record: Record | None,
    payload: dict[str, Any],
    idempotency_key: str | None = None,
    attachment: Any = None,
    *,
    request_sha256: str | None = None,
) -> tuple[EventOut, dict[str, Any]]:
    """Decide and persist one action on a device row already locked by the caller's transaction."""
    decision = decide(facts(row), actor, action, record, today())
    after = decision.after
    at = now()
    seq = ledger.next_seq(row)
    request_id = row["request"]
    if isinstance(record, ReserveRecord):
        request_id = record.request_id
    elif action is Action.RELEASE:
        request_id = None
    device = {
        **row,
        "state": after.state.value,
        "has_storage": after.has_storage,
        "data_cleared": after.data_cleared,
        "custodian": after.custodian_id,
        "refurbisher": after.refurbisher_id,
        "association": after.association_id,
        "request": request_id,
        "grade": record.grade if isinstance(record, RefurbishRecord) else row["grade"],
        **confirmed_specs(row, record),
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
        payload=payload,
        outcome=decision.outcome,
        idempotency_key=idempotency_key,
        request_sha256=request_sha256,
    )
    event_id = await ledger.record_step(entry, device, before=row)
    await hooks.run(
        hooks.StepRecorded(
            event_id=event_id,
            action=action,
            device=row,
            actor=actor,
            record=record,
            payload=payload,
            at=at,
            attachment=attachment,
        )
    )
    event = EventOut(
        id=event_id,
        seq=seq,
        action=action.value,
        outcome=decision.outcome,
        from_state=decision.from_state.value,
        to_state=decision.to_state.value,
        occurred_at=at,
        actor_organisation_id=actor.organisation_id,
        actor_user_id=actor.user_id or None,
        payload=payload,
    )
    return event, device


async def _replay(
    actor: Actor, row: dict[str, Any] | None, action: Action, key: str, fingerprint: str | None, lang: str
) -> EventResult | None:
    """The first result again for the same request under the same key; 422 for another request."""
    previous = await (
        DeviceEvent.select(*ledger.event_columns())
        .where((DeviceEvent.actor_organisation == actor.organisation_id) & (DeviceEvent.idempotency_key == key))
        .output(load_json=True)
        .first()
    )
    if previous is None:
        return None
    same_device = row is None or previous["device"] == row["id"]
    # Steps keyed before requests were fingerprinted (no stored hash) compare by device and action.
    same_request = previous["request_sha256"] in (None, fingerprint)
    if not same_device or previous["action"] != action.value or not same_request:
        raise InvalidRecord("idempotency_mismatch")
    if row is None:
        row = await ledger.device_by_id(previous["device"])
        assert row is not None
    return EventResult(event=event_out(previous), device=device_out(row, lang), replayed=True)


async def assign_declared(
    tx: Any, actor: Actor, donation_ids: list[int], workshop_id: int | None, pickup_id: int, at: datetime
) -> list[dict[str, Any]]:
    """Put a workshop in charge of the declared devices of some donations (None: nobody), inside
    the caller's transaction: one `assign` entry each, the rules of `ordi.domain.lifecycle`."""
    rows = await ledger.declared_of_donations_locked(donation_ids)
    await assign_declared_rows(tx, actor, rows, workshop_id, pickup_id, at)
    return rows


async def assign_declared_rows(
    tx: Any, actor: Actor, rows: list[dict[str, Any]], workshop_id: int | None, pickup_id: int, at: datetime
) -> None:
    """The same, for device rows already locked by the caller."""
    record = AssignRecord(workshop_id=workshop_id, pickup_id=pickup_id)
    payload = {"workshop_id": workshop_id, "pickup_id": pickup_id}
    entries = []
    for row in rows:
        decision = decide(facts(row), actor, Action.ASSIGN, record, today())
        entries.append(
            ledger.entry(
                row["id"],
                ledger.next_seq(row),
                Action.ASSIGN,
                actor=actor,
                from_state=decision.from_state.value,
                to_state=decision.to_state.value,
                at=at,
                payload=payload,
            )
        )
    await ledger.record_stays(tx, entries, {"refurbisher": workshop_id})


def _fresh_label(actor: Actor, action: Action, row: dict[str, Any]) -> Actor:
    """Taking custody checks the label as it is now (read with the locked row), not as it was
    when the token was issued."""
    if not takes_custody(action, State(row["state"])) or actor.kind is not OrgKind.REFURBISHER:
        return actor
    return replace(actor, label_valid_from=row["caller_label_from"], label_valid_until=row["caller_label_until"])


async def check_association(association_id: int) -> str:
    """An association with a valid label may receive devices; returns its région."""
    org = (
        await Organisation.select(
            Organisation.kind, Organisation.region, Organisation.label_valid_from, Organisation.label_valid_until
        )
        .where(Organisation.id == association_id)
        .first()
    )
    if org is None or org["kind"] != OrgKind.ASSOCIATION.value:
        raise InvalidRecord("association_unknown")
    if not label_valid(org["label_valid_from"], org["label_valid_until"], today()):
        raise InvalidRecord("association_unknown")
    return str(org["region"])


def actions_for(actor: Actor, row: dict[str, Any]) -> list[Action]:
    return available_actions(facts(row), actor, today())
