"""Pickups: asking, dispatching, collecting with a signed custody receipt, receiving the lot.

Each call is one transaction: lock the pickup row, ask `ordi.domain.pickups.decide`, write the
pickup and, through `ordi.devices.service` (hence the one writer, `ordi.devices.ledger`), the
devices it concerns: put in charge (`assign`), collected, received.
Two workshops claiming at once: the row lock (PostgreSQL) or the IMMEDIATE transaction (SQLite)
lets one decide first; the second then finds a workshop in charge and is refused (403).
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import msgspec

from ordi import paging, scoping
from ordi.certificates import signing
from ordi.certificates.model import format_utc
from ordi.certificates.service import signing_key
from ordi.clock import now, today
from ordi.config import get_settings
from ordi.db import for_update, write_transaction
from ordi.devices import ledger
from ordi.devices import service as devices
from ordi.devices.tables import Device
from ordi.domain import asset_tags, geography
from ordi.domain.categories import has_storage_by_default
from ordi.domain.errors import Conflict, InvalidImport, InvalidRecord, NotFound
from ordi.domain.lifecycle import Action, Actor, OrgKind, label_valid
from ordi.domain.pickups import (
    OPEN_STATES,
    PickupAction,
    PickupFacts,
    PickupState,
    Workshop,
    decide,
    sees_details,
    visible,
)
from ordi.donations.tables import Donation
from ordi.i18n import pickup_state_name
from ordi.notifications import events as notifications
from ordi.organisations.tables import Organisation, User
from ordi.paging import Page, PageRequest
from ordi.pickups.receipt_pdf import render_receipt_pdf
from ordi.pickups.schemas import (
    MAX_PICKUP_DEVICES,
    CollectIn,
    CollectOut,
    PickupIn,
    PickupOut,
    ReceiptOut,
    ReceptionIn,
    ReceptionOut,
)
from ordi.pickups.tables import CustodyReceipt, Pickup, PickupDonation
from ordi.scoping import require_kind

RECEIPT_SCHEMA = "ordi2.custody-receipt/1"

_COLUMNS = (
    Pickup.id,
    Pickup.donor,
    Pickup.mode,
    Pickup.state,
    Pickup.address,
    Pickup.postcode,
    Pickup.city,
    Pickup.departement,
    Pickup.region,
    Pickup.access_notes,
    Pickup.windows,
    Pickup.contact,
    Pickup.estimated_devices,
    Pickup.workshop,
    Pickup.scheduled_for,
    Pickup.reason,
    Pickup.created_at,
)


def _facts(row: dict[str, Any]) -> PickupFacts:
    return PickupFacts(
        state=PickupState(row["state"]),
        donor_id=row["donor"],
        region=row["region"],
        workshop_id=row["workshop"],
        scheduled_for=row["scheduled_for"],
    )


def _json(value: Any) -> Any:
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else value


def _out(row: dict[str, Any], actor: Actor, donation_ids: list[int] | None, lang: str) -> PickupOut:
    facts = _facts(row)
    details = sees_details(facts, actor)
    collected = facts.state is PickupState.COLLECTED
    return PickupOut(
        id=row["id"],
        state=row["state"],
        state_label=pickup_state_name(row["state"], lang),
        mode=row["mode"],
        donor_id=row["donor"],
        postcode=row["postcode"],
        city=row["city"],
        departement=row["departement"],
        region=row["region"],
        windows=_json(row["windows"]) or [],
        estimated_devices=row["estimated_devices"],
        workshop_id=row["workshop"],
        scheduled_for=row["scheduled_for"],
        reason=row["reason"],
        created_at=row["created_at"],
        address=row["address"] if details else None,
        access_notes=row["access_notes"] if details else None,
        contact=(_json(row["contact"]) or None) if details else None,
        donation_ids=donation_ids if details else None,
        receipt_url=f"/api/v1/pickups/{row['id']}/receipt.json" if details and collected else None,
    )


async def _workshop(org_id: int) -> Workshop | None:
    org = (
        await Organisation.select(
            Organisation.id,
            Organisation.kind,
            Organisation.region,
            Organisation.label_valid_from,
            Organisation.label_valid_until,
        )
        .where(Organisation.id == org_id)
        .first()
    )
    if org is None or org["kind"] != OrgKind.REFURBISHER.value:
        return None
    return Workshop(
        id=org["id"],
        region=org["region"],
        label_valid=label_valid(org["label_valid_from"], org["label_valid_until"], today()),
    )


async def _caller_workshop(actor: Actor) -> Workshop | None:
    return await _workshop(actor.organisation_id) if actor.kind is OrgKind.REFURBISHER else None


async def _donation_ids(pickup_id: int) -> list[int]:
    rows = (
        await PickupDonation.select(PickupDonation.donation)
        .where(PickupDonation.pickup == pickup_id)
        .order_by(PickupDonation.donation)
    )
    return [r["donation"] for r in rows]


async def _live_donation_ids(pickup_id: int) -> list[int]:
    """The pickup's donations its donor has not cancelled (locked: a cancel waits for the collect,
    then finds devices collected), or 409 when it cancelled them all: nothing to collect."""
    names = PickupDonation.select(PickupDonation.donation).where(PickupDonation.pickup == pickup_id)
    rows = await for_update(
        Donation.select(Donation.id, Donation.cancelled_at).where(Donation.id.is_in(names)).order_by(Donation.id)
    )
    live = [int(r["id"]) for r in rows if r["cancelled_at"] is None]
    if not live:
        raise Conflict("pickup_donations_cancelled")
    return live


async def _visible_row(actor: Actor, pickup_id: int, *, lock: bool = False) -> tuple[dict[str, Any], Workshop | None]:
    """The pickup, or 404 when it does not exist or the caller may not see it."""
    require_kind(actor, OrgKind.DONOR, OrgKind.REFURBISHER, OrgKind.OPERATOR)
    query = Pickup.select(*_COLUMNS).where(Pickup.id == pickup_id)
    row = await (for_update(query) if lock else query).first()
    caller = await _caller_workshop(actor)
    if row is None or not visible(_facts(row), actor, caller.region if caller else None):
        raise NotFound("pickup_not_found")
    return row, caller


# --- asking --------------------------------------------------------------------------------


async def create(actor: Actor, data: PickupIn, lang: str = "fr") -> PickupOut:
    """A donor asks for a pickup (or announces a drop-off) of some of its declared donations."""
    require_kind(actor, OrgKind.DONOR)
    try:
        where = geography.locate(data.postcode)
    except geography.UnknownPostcode as exc:
        raise InvalidRecord("postcode_invalid", value=data.postcode) from exc
    for window in data.windows:
        if window.end <= window.start:
            raise InvalidRecord("pickup_window_invalid")
    workshop: Workshop | None = None
    if data.mode == "drop_off":
        workshop = await _workshop(data.workshop_id) if data.workshop_id else None
        if workshop is None or not workshop.label_valid:
            raise InvalidRecord("pickup_workshop_invalid")
    elif data.workshop_id is not None:
        raise InvalidRecord("pickup_workshop_drop_off_only")
    donation_ids = sorted(set(data.donation_ids))
    at = now()
    async with write_transaction() as tx:
        owned = await Donation.select(Donation.id, Donation.cancelled_at).where(
            Donation.id.is_in(donation_ids) & (Donation.donor == actor.organisation_id)
        )
        if len(owned) != len(donation_ids):
            raise NotFound("donation_not_found")
        if any(d["cancelled_at"] is not None for d in owned):
            raise Conflict("donation_cancelled")
        busy = await PickupDonation.select(PickupDonation.donation).where(
            PickupDonation.donation.is_in(donation_ids)
            & PickupDonation.pickup.is_in(Pickup.select(Pickup.id).where(Pickup.state.is_in(list(OPEN_STATES))))
        )
        if busy:
            raise Conflict("donation_in_open_pickup", donation=busy[0]["donation"])
        declared = await Device.count().where(Device.donation.is_in(donation_ids) & (Device.state == "declared"))
        if declared == 0:
            raise Conflict("pickup_nothing_to_collect")
        if declared > MAX_PICKUP_DEVICES:
            raise InvalidRecord("pickup_too_large", max=MAX_PICKUP_DEVICES)
        inserted = await Pickup.insert(
            Pickup(
                donor=actor.organisation_id,
                requested_by=actor.user_id,
                mode=data.mode,
                address=data.address.strip(),
                postcode=data.postcode,
                city=data.city.strip(),
                departement=where.departement_code,
                region=where.region_code,
                access_notes=data.access_notes.strip(),
                windows=msgspec.json.encode(data.windows).decode(),
                contact=msgspec.json.encode(data.contact).decode(),
                estimated_devices=data.estimated_devices or declared,
                workshop=workshop.id if workshop else None,
                created_at=at,
                updated_at=at,
            )
        ).returning(Pickup.id)
        pickup_id = int(inserted[0]["id"])
        await PickupDonation.insert(*[PickupDonation(pickup=pickup_id, donation=d) for d in donation_ids])
        if workshop is not None:
            await devices.assign_declared(tx, actor, donation_ids, workshop.id, pickup_id, at)
    return await get(actor, pickup_id, lang)


async def get(actor: Actor, pickup_id: int, lang: str = "fr") -> PickupOut:
    row, _ = await _visible_row(actor, pickup_id)
    return _out(row, actor, await _donation_ids(pickup_id), lang)


async def for_donation(actor: Actor, donation_id: int, lang: str = "fr") -> list[PickupOut]:
    """The pickups of one donation that the caller may see, newest first (the donation's page)."""
    rows = (
        await PickupDonation.select(PickupDonation.pickup)
        .where(PickupDonation.donation == donation_id)
        .order_by(PickupDonation.pickup, ascending=False)
        .limit(20)
    )
    found = []
    for r in rows:
        try:
            found.append(await get(actor, r["pickup"], lang))
        except NotFound:
            continue
    return found


async def list_pickups(actor: Actor, state: str | None, request: PageRequest, lang: str = "fr") -> Page:
    """The caller's pickups (a workshop: its own and its région's queue), newest first."""
    caller = await _caller_workshop(actor)
    condition = scoping.pickups(actor, caller.region if caller else "")
    if state:
        condition = scoping.combine(condition, Pickup.state == state)
    return await paging.keyset(
        Pickup,
        _COLUMNS,
        condition,
        request,
        key=Pickup.id,
        list_name="pickups",
        out=lambda row: _out(row, actor, None, lang),
        descending=True,
    )


# --- dispatching ---------------------------------------------------------------------------


async def _act(
    actor: Actor,
    pickup_id: int,
    action: PickupAction,
    lang: str,
    *,
    workshop_id: int | None = None,
    **params: Any,
) -> PickupOut:
    at = now()
    async with write_transaction() as tx:
        row, caller = await _visible_row(actor, pickup_id, lock=True)
        target = await _workshop(workshop_id) if workshop_id is not None else None
        if workshop_id is not None and target is None:
            raise InvalidRecord("pickup_workshop_invalid")
        before = _facts(row)
        after = decide(before, actor, action, today(), caller_workshop=caller, target=target, **params)
        end = after.state in (PickupState.CANCELLED, PickupState.MISSED)
        changes: dict[Any, Any] = {
            Pickup.state: after.state.value,
            Pickup.workshop: after.workshop_id,
            Pickup.scheduled_for: after.scheduled_for,
            Pickup.updated_at: at,
        }
        if end:
            changes[Pickup.reason] = str(params.get("reason", "")).strip()
            changes[Pickup.contact_purge_after] = at + timedelta(days=get_settings().pickup_contact_retention_days)
        await Pickup.update(changes).where(Pickup.id == pickup_id)
        if action is PickupAction.SCHEDULE:  # the donor is told, in this transaction
            await notifications.pickup_scheduled(pickup_id, row["donor"], after.workshop_id, after.scheduled_for)
        in_charge = None if end else after.workshop_id
        if in_charge != before.workshop_id:
            await devices.assign_declared(tx, actor, await _donation_ids(pickup_id), in_charge, pickup_id, at)
    return await get(actor, pickup_id, lang)


async def claim(actor: Actor, pickup_id: int, lang: str = "fr") -> PickupOut:
    """One workshop wins; a workshop of the same région that comes second learns it (409)."""
    try:
        return await _act(actor, pickup_id, PickupAction.CLAIM, lang)
    except NotFound:
        caller = await _caller_workshop(actor)
        row = await Pickup.select(Pickup.region, Pickup.workshop).where(Pickup.id == pickup_id).first()
        if caller is not None and row is not None and row["region"] == caller.region and row["workshop"] is not None:
            raise Conflict("pickup_already_claimed") from None
        raise


async def assign(actor: Actor, pickup_id: int, workshop_id: int, lang: str = "fr") -> PickupOut:
    return await _act(actor, pickup_id, PickupAction.ASSIGN, lang, workshop_id=workshop_id)


async def schedule(actor: Actor, pickup_id: int, day: Any, lang: str = "fr") -> PickupOut:
    return await _act(actor, pickup_id, PickupAction.SCHEDULE, lang, scheduled_for=day)


async def cancel(actor: Actor, pickup_id: int, reason: str, lang: str = "fr") -> PickupOut:
    return await _act(actor, pickup_id, PickupAction.CANCEL, lang, reason=reason)


async def miss(actor: Actor, pickup_id: int, reason: str, lang: str = "fr") -> PickupOut:
    return await _act(actor, pickup_id, PickupAction.MISS, lang, reason=reason)


# --- custody -------------------------------------------------------------------------------


def _tags(raw: list[str]) -> list[str]:
    tags: list[str] = []
    errors = []
    for line, text in enumerate(raw, start=1):
        tag = asset_tags.normalise(text)
        if tag is None:
            errors.append({"line": line, "column": "tags", "key": "tag_invalid", "params": {"tag": text[:20]}})
        else:
            tags.append(tag)
    if errors:
        raise InvalidImport("pickup_tags_invalid", errors=errors)
    return list(dict.fromkeys(tags))


async def collect(actor: Actor, pickup_id: int, data: CollectIn, lang: str = "fr") -> CollectOut:
    """The hand-off: every tag taken is collected, the missing ones are no longer in anyone's
    charge, the extra ones join the donation; the receipt is signed in the same transaction."""
    tags = _tags(data.tags)
    at = now()
    async with write_transaction() as tx:
        row, caller = await _visible_row(actor, pickup_id, lock=True)
        decide(_facts(row), actor, PickupAction.COLLECT, today(), caller_workshop=caller)
        donation_ids = await _live_donation_ids(pickup_id)
        lot = {r["asset_tag"]: r for r in await ledger.declared_of_donations_locked(donation_ids)}
        unknown = [t for t in tags if t not in lot]
        if unknown:
            errors = [
                {"line": tags.index(t) + 1, "column": "tags", "key": "tag_not_in_pickup", "params": {"tag": t}}
                for t in unknown
            ]
            raise InvalidImport("pickup_tags_invalid", errors=errors)
        if not tags and not data.extra:
            raise InvalidRecord("pickup_nothing_collected")
        extra_tags = await _declare_extra(tx, actor, row, donation_ids, data, at)
        lot.update(
            {
                r["asset_tag"]: r
                for r in await ledger.declared_of_donations_locked(donation_ids)
                if r["asset_tag"] in extra_tags
            }
        )
        missing = sorted(t for t in lot if t not in tags and t not in extra_tags)
        payload = {"pickup_id": pickup_id}
        for tag in [*tags, *extra_tags]:
            await devices.apply_locked(actor, lot[tag], Action.COLLECT, None, payload)
        if missing:  # back on the donor's shelf: no workshop is in charge of them any more
            await devices.assign_declared_rows(tx, actor, [lot[t] for t in missing], None, pickup_id, at)
        await Pickup.update(
            {
                Pickup.state: PickupState.COLLECTED.value,
                Pickup.updated_at: at,
                Pickup.contact_purge_after: at + timedelta(days=get_settings().pickup_contact_retention_days),
            }
        ).where(Pickup.id == pickup_id)
        number = await _sign_receipt(actor, row, donation_ids, data, sorted(tags), missing, sorted(extra_tags), at)
    return CollectOut(
        pickup=await get(actor, pickup_id, lang),
        receipt_number=number,
        collected=len(tags) + len(extra_tags),
        missing=missing,
        extra=sorted(extra_tags),
        receipt_url=f"/api/v1/pickups/{pickup_id}/receipt.json",
    )


async def _declare_extra(
    tx: Any, actor: Actor, row: dict[str, Any], donation_ids: list[int], data: CollectIn, at: Any
) -> list[str]:
    """Devices that were there and not declared become declared devices of the donation, in the
    charge of the collecting workshop; their `declare` entry says it was at the pickup."""
    if not data.extra:
        return []
    devices_in = []
    for line, item in enumerate(data.extra, start=1):
        donation = item.donation_id or donation_ids[0]
        if donation not in donation_ids:
            raise InvalidImport(
                "pickup_tags_invalid",
                errors=[{"line": line, "column": "donation_id", "key": "donation_not_in_pickup", "params": {}}],
            )
        storage = has_storage_by_default(item.category)
        devices_in.append(
            {
                "asset_tag": "",
                "donation": donation,
                "donor": row["donor"],
                "category": item.category,
                "brand": item.brand.strip(),
                "model": item.model.strip(),
                "serial_number": item.serial_number.strip().upper(),
                "has_storage": storage,
                "data_cleared": not storage,
                "custodian": row["donor"],
                "refurbisher": actor.organisation_id,
            }
        )
    tags = asset_tags.new_tags(len(devices_in))
    for device, tag in zip(devices_in, tags, strict=True):
        device["asset_tag"] = tag
    await ledger.declare(tx, devices_in, actor=actor, at=at, payload={"pickup_id": row["id"], "found_at_pickup": True})
    for donation in {d["donation"] for d in devices_in}:
        count = sum(1 for d in devices_in if d["donation"] == donation)
        await Donation.update({Donation.device_count: Donation.device_count + count}).where(Donation.id == donation)
    return tags


async def _sign_receipt(
    actor: Actor,
    row: dict[str, Any],
    donation_ids: list[int],
    data: CollectIn,
    tags: list[str],
    missing: list[str],
    extra: list[str],
    at: Any,
) -> str:
    orgs = {
        o["id"]: o
        for o in await Organisation.select(
            Organisation.id, Organisation.name, Organisation.siret, Organisation.label_number
        ).where(Organisation.id.is_in([row["donor"], actor.organisation_id]))
    }
    person = await User.select(User.full_name).where(User.id == actor.user_id).first() if actor.user_id else None
    references = await Donation.select(Donation.reference).where(Donation.id.is_in(donation_ids)).order_by(Donation.id)
    number = f"BE-{at.year}-{row['id']:06d}"
    donor, workshop = orgs[row["donor"]], orgs[actor.organisation_id]
    content = {
        "schema": RECEIPT_SCHEMA,
        "number": number,
        "pickup_id": row["id"],
        "collected_at": format_utc(at),
        "donor": {"name": donor["name"], "siret": donor["siret"] or ""},
        "workshop": {
            "name": workshop["name"],
            "siret": workshop["siret"] or "",
            "label_number": workshop["label_number"] or "",
        },
        "handed_over_by": {"name": data.handed_over_by.name.strip(), "role": data.handed_over_by.role.strip()},
        "taken_by": {"name": (person["full_name"] if person else "") or f"OP-{actor.organisation_id}-{actor.user_id}"},
        "donations": [r["reference"] for r in references],
        "device_count": len(tags) + len(extra),
        "tags": tags,
        "extra": extra,
        "missing": missing,
        "note": data.note.strip(),
    }
    key = signing_key()
    await CustodyReceipt.insert(
        CustodyReceipt(
            number=number,
            pickup=row["id"],
            workshop=actor.organisation_id,
            collected_at=at,
            device_count=len(tags) + len(extra),
            content=msgspec.json.encode(content).decode(),
            signature=signing.sign(content, key),
            key_id=signing.key_id(key),
        )
    )
    return number


async def receipt(actor: Actor, pickup_id: int) -> ReceiptOut:
    """The signed receipt: the donor, the operator and the workshop that collected."""
    row, _ = await _visible_row(actor, pickup_id)
    if not sees_details(_facts(row), actor):
        raise NotFound("pickup_not_found")
    stored = (
        await CustodyReceipt.select(
            CustodyReceipt.number, CustodyReceipt.content, CustodyReceipt.signature, CustodyReceipt.key_id
        )
        .where(CustodyReceipt.pickup == pickup_id)
        .output(load_json=True)
        .first()
    )
    if stored is None:
        raise Conflict("pickup_not_collected", state=row["state"])
    content = _json(stored["content"])
    key = signing_key()
    intact = stored["key_id"] == signing.key_id(key) and signing.verify(content, stored["signature"], key.public_key())
    return ReceiptOut(
        number=stored["number"],
        content=content,
        signature={"alg": signing.SIGNATURE_ALGORITHM, "key_id": stored["key_id"], "value": stored["signature"]},
        public_key_url="/api/v1/certificates/public-key",
        pdf_url=f"/api/v1/pickups/{pickup_id}/receipt.pdf",
        intact=intact,
    )


async def reception(actor: Actor, pickup_id: int, data: ReceptionIn) -> ReceptionOut:
    """At the workshop: the lot as it arrives, checked against the receipt; each tag received."""
    tags = _tags(data.tags)
    async with write_transaction():
        row, _ = await _visible_row(actor, pickup_id, lock=True)
        if row["workshop"] != actor.organisation_id or actor.kind is not OrgKind.REFURBISHER:
            raise NotFound("pickup_not_found")
        document = await receipt(actor, pickup_id)
        expected = [*document.content["tags"], *document.content["extra"]]
        unexpected = sorted(t for t in tags if t not in expected)
        if unexpected:
            errors = [
                {"line": tags.index(t) + 1, "column": "tags", "key": "tag_not_in_receipt", "params": {"tag": t}}
                for t in unexpected
            ]
            raise InvalidImport("pickup_tags_invalid", errors=errors)
        received = already = 0
        for tag in tags:
            device = await ledger.device_for_step(tag, actor.organisation_id)
            assert device is not None
            if device["state"] != "collected":
                already += 1
                continue
            await devices.apply_locked(actor, device, Action.RECEIVE, None, {"pickup_id": pickup_id})
            received += 1
        missing = sorted(set(expected) - set(tags))
    return ReceptionOut(received=received, already_received=already, missing=missing, unexpected=[])


async def receipt_pdf(actor: Actor, pickup_id: int, lang: str = "fr") -> tuple[str, bytes]:
    """The receipt as a PDF (a rendering of the signed content, refused if that was altered)."""
    document = await receipt(actor, pickup_id)
    if not document.intact:
        raise Conflict("receipt_unreadable", number=document.number)
    out = io.BytesIO()
    render_receipt_pdf(document.content, document.signature["key_id"], out, lang)
    return document.number, out.getvalue()
