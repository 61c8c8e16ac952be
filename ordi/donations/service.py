"""Declaring donations: each item becomes a device with its asset tag, in state `declared`."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

import asyncpg
import msgspec
from piccolo.query.functions.aggregate import Count

from ordi import paging, scoping
from ordi.clock import now, today
from ordi.db import for_update, refresh_statistics, write_transaction
from ordi.devices import corrections, ledger
from ordi.devices.service import device_out
from ordi.devices.tables import Device
from ordi.domain import asset_tags, specs
from ordi.domain.categories import has_storage_by_default
from ordi.domain.errors import Conflict, Forbidden, InvalidImport, NotFound, TransitionNotAllowed
from ordi.domain.lifecycle import TERMINAL_STATES, Actor, OrgKind, State
from ordi.domain.pickups import OPEN_STATES
from ordi.donations import spreadsheet
from ordi.donations.schemas import (
    DonationEditIn,
    DonationIn,
    DonationOut,
    ImportCheckOut,
    ImportedDonationOut,
    ImportLineError,
)
from ordi.donations.spreadsheet import DeviceItem
from ordi.donations.tables import Donation
from ordi.i18n import message, translated_errors
from ordi.jobs import service as jobs
from ordi.jobs.dispatch import dispatch
from ordi.paging import Page, PageRequest
from ordi.pickups import service as pickups
from ordi.pickups.tables import Pickup, PickupDonation
from ordi.scoping import require_kind

MAX_ITEMS = spreadsheet.MAX_ROWS
_TAG_ATTEMPTS = 3

DONATION_COLUMNS = (
    Donation.id,
    Donation.reference,
    Donation.donor,
    Donation.device_count,
    Donation.pickup_address,
    Donation.pickup_postcode,
    Donation.notes,
    Donation.created_at,
    Donation.cancelled_at,
)


def _donation_out(row: dict[str, Any], devices: list[Any] | None = None) -> DonationOut:
    return DonationOut(
        id=row["id"],
        reference=row["reference"],
        donor_id=row["donor"],
        device_count=row["device_count"],
        pickup_address=row["pickup_address"],
        pickup_postcode=row["pickup_postcode"],
        notes=row["notes"],
        created_at=row["created_at"],
        cancelled_at=row["cancelled_at"],
        devices=devices,
        devices_url=f"/api/v1/devices?donation={row['id']}",
    )


def items_from_json(data: DonationIn) -> list[DeviceItem]:
    """The declaration's devices; bad specs are line errors (the item's position, the field),
    all of them at once, like a spreadsheet's."""
    this_year = today().year
    items: list[DeviceItem] = []
    errors: list[dict[str, Any]] = []
    for position, i in enumerate(data.items, start=1):
        given = msgspec.structs.asdict(i.specs) if i.specs is not None else {}
        found = specs.problems(given, this_year)
        errors += [{"line": position, "column": f"specs.{p.field}", "key": p.key, "params": p.params} for p in found]
        items.append(
            DeviceItem(
                category=i.category,
                brand=i.brand.strip(),
                model=i.model.strip(),
                serial_number=i.serial_number.strip().upper(),
                has_storage=i.has_storage,
                weight_kg=i.weight_kg,
                line=position,
                is_return=i.is_return,
                specs=None if found or not given else specs.validate(given, this_year),
            )
        )
    if errors:
        raise InvalidImport("import_invalid", errors=errors[:200], count=len(errors))
    return items


async def declare(
    actor: Actor,
    items: Sequence[DeviceItem],
    *,
    pickup_address: str = "",
    pickup_postcode: str = "",
    notes: str = "",
    lang: str = "fr",
    job_id: str | None = None,
    serials_checked: bool = False,
) -> DonationOut:
    """One donation and all its devices, or nothing.

    A serial number already on a device in service (same brand) is refused, unless the item is a
    confirmed return (`duplicate_errors`); `serials_checked`: the caller has just checked them.

    `job_id`: the background job declaring it. The donation is keyed by it in the same transaction,
    so a retry of that job (its worker died after the commit) finds this donation and declares
    nothing more.
    """
    require_kind(actor, OrgKind.DONOR)
    if not items:
        raise InvalidImport("donation_empty", errors=[])
    if len(items) > MAX_ITEMS:
        raise InvalidImport("donation_too_large", errors=[], max=MAX_ITEMS)
    if not serials_checked:
        # A job's own devices (an attempt that committed before dying) are no duplicates: the retry
        # finds their donation below.
        duplicates = await duplicate_errors(items, job_id=job_id)
        if duplicates:
            raise InvalidImport("import_invalid", errors=duplicates[:200], count=len(duplicates))
    for attempt in range(_TAG_ATTEMPTS):
        try:
            donation_id = await _insert(actor, items, pickup_address, pickup_postcode, notes, job_id)
            break
        except (asyncpg.UniqueViolationError, sqlite3.IntegrityError):
            # A freshly drawn tag met an existing one (about 1 in 10^8 per device): draw again. Or
            # another attempt of the same job committed its donation meanwhile: the next try finds it.
            if attempt == _TAG_ATTEMPTS - 1:
                raise
    return await get_donation(actor, donation_id, lang, with_devices=True)


async def _insert(
    actor: Actor,
    items: Sequence[DeviceItem],
    pickup_address: str,
    pickup_postcode: str,
    notes: str,
    job_id: str | None = None,
) -> int:
    at = now()
    async with write_transaction() as tx:
        if job_id is not None:
            declared = await Donation.select(Donation.id).where(Donation.job == job_id).first()
            if declared is not None:
                return int(declared["id"])
        inserted = await Donation.insert(
            Donation(
                reference=f"TMP-{asset_tags.new_tag()}",
                donor=actor.organisation_id,
                declared_by=actor.user_id,
                pickup_address=pickup_address,
                pickup_postcode=pickup_postcode,
                notes=notes,
                device_count=len(items),
                created_at=at,
                job=job_id,
            )
        ).returning(Donation.id)
        donation_id = inserted[0]["id"]
        await Donation.update({Donation.reference: f"DON-{at.year}-{donation_id:06d}"}).where(
            Donation.id == donation_id
        )
        tags = _unique_tags(len(items))
        devices = [_device_fields(i, tag, donation_id, actor) for tag, i in zip(tags, items, strict=True)]
        await ledger.declare(tx, devices, actor=actor, at=at, payload={"donation_id": donation_id})
    if len(items) >= BULK_ROWS:
        await refresh_statistics("device", "device_event")
    return int(donation_id)


def _device_fields(item: DeviceItem, tag: str, donation_id: int, actor: Actor) -> dict[str, Any]:
    """A declared device's columns. Storage the donor did not mention is what its category
    usually holds (`ordi.domain.categories`): a monitor needs no wipe, a laptop does."""
    has_storage = has_storage_by_default(item.category) if item.has_storage is None else item.has_storage
    return {
        "asset_tag": tag,
        "donation": donation_id,
        "donor": actor.organisation_id,
        "category": item.category,
        "brand": item.brand,
        "model": item.model,
        "serial_number": item.serial_number,
        "has_storage": has_storage,
        "weight_kg": item.weight_kg,
        "data_cleared": not has_storage,
        "custodian": actor.organisation_id,
        **(item.specs.as_dict() if item.specs is not None else {}),
    }


def _unique_tags(count: int) -> list[str]:
    tags: set[str] = set()
    while len(tags) < count:
        tags.add(asset_tags.new_tag())
    return list(tags)


#: A declaration of this many devices or more refreshes the planner's statistics (`ordi.db`).
BULK_ROWS = 1_000
#: Serial numbers per query of the duplicate check (an `IN` list on the indexed column).
DUPLICATE_BATCH = 500


async def duplicate_errors(
    items: Sequence[DeviceItem], serial_column: str = "serial_number", job_id: str | None = None
) -> list[dict[str, Any]]:
    """Line errors for the items whose serial number is already on a device in service.

    In service: any donation of any donor, state neither recycled nor lost, same brand (compared
    upper case). A confirmed return (`is_return`) is not checked. One indexed query per batch of
    `DUPLICATE_BATCH` serials; the answer names no other donor nor device.
    """
    serials = sorted({i.serial_number for i in items if i.serial_number and not i.is_return})
    in_service: set[tuple[str, str]] = set()
    terminal = [str(s) for s in TERMINAL_STATES]
    for start in range(0, len(serials), DUPLICATE_BATCH):
        batch = serials[start : start + DUPLICATE_BATCH]
        conditions: list[Any] = [Device.serial_number.is_in(batch), Device.state.not_in(terminal)]
        if job_id is not None:  # not the devices the same job declared (`declare`)
            conditions.append(Device.donation.job.is_null() | (Device.donation.job != job_id))
        rows = await Device.select(Device.serial_number, Device.brand).where(*conditions)
        in_service.update((r["serial_number"], spreadsheet.normalise_brand(r["brand"])) for r in rows)
    if not in_service:
        return []
    return [
        {
            "line": i.line,
            "column": serial_column,
            "key": "cell_serial_in_service",
            "params": {"value": i.serial_number},
        }
        for i in items
        if not i.is_return and (i.serial_number, spreadsheet.normalise_brand(i.brand)) in in_service
    ]


async def check_spreadsheet(actor: Actor, raw: bytes, media_type: str = "") -> spreadsheet.Analysis:
    """The file read and every row checked, the serial numbers in service included; nothing written."""
    require_kind(actor, OrgKind.DONOR)
    sheet, kind = spreadsheet.read(raw, media_type)
    analysis = spreadsheet.analyse(sheet, kind)
    duplicates = await duplicate_errors(analysis.items, analysis.serial_column)
    if duplicates:
        analysis.errors = sorted([*analysis.errors, *duplicates], key=lambda e: int(e["line"]))
        bad_lines = {e["line"] for e in duplicates}
        analysis.items = [i for i in analysis.items if i.line not in bad_lines]
    return analysis


def check_out(analysis: spreadsheet.Analysis, lang: str = "fr") -> ImportCheckOut:
    """The dry run's answer: the mapping, the columns ignored, the rows and every line error."""
    return ImportCheckOut(
        format=analysis.file_format,
        columns=analysis.columns,
        unknown_columns=analysis.unknown_columns,
        rows=analysis.rows,
        valid=not analysis.errors and bool(analysis.items),
        error_count=len(analysis.errors),
        errors=[
            ImportLineError(line=e["line"], column=e["column"], key=e["key"], message=e["message"])
            for e in translated_errors(analysis.errors, "en" if lang == "en" else "fr")
        ],
    )


async def import_spreadsheet(
    actor: Actor,
    raw: bytes,
    background: bool,
    lang: str = "fr",
    *,
    media_type: str = "",
    dry_run: bool = False,
    **options: str,
) -> ImportedDonationOut | ImportCheckOut | str:
    """A donor's spreadsheet (CSV, `.xlsx`, `.ods`): declared now (the donation), queued (the job
    id) when `background`, or only checked (`dry_run`: what the file says, nothing written).

    A queued file is re-read by the job (a workbook as the CSV of its first sheet, same lines),
    which reports line errors the same way.
    """
    require_kind(actor, OrgKind.DONOR)
    if background and not dry_run:
        if spreadsheet.is_workbook(raw, media_type):
            text = spreadsheet.to_csv(spreadsheet.read(raw, media_type)[0])
        else:
            text = spreadsheet.decode(raw)
        job_id = await jobs.create(actor, "donation_import", {"csv": text, **options})
        dispatch(job_id)  # only now that the job's transaction has committed
        return job_id
    analysis = await check_spreadsheet(actor, raw, media_type)
    if dry_run:
        return check_out(analysis, lang)
    donation = await declare(
        actor,
        spreadsheet.valid_items(analysis),
        lang=lang,
        pickup_address=options.get("pickup_address", ""),
        pickup_postcode=options.get("pickup_postcode", ""),
        notes=options.get("notes", ""),
        serials_checked=True,
    )
    return ImportedDonationOut(
        **msgspec.structs.asdict(donation),
        format=analysis.file_format,
        columns=analysis.columns,
        unknown_columns=analysis.unknown_columns,
    )


#: How many devices a donation's answer lists; the others are paged (`devices_url`, `devices_next`).
DEVICES_SHOWN = 100


async def get_donation(actor: Actor, donation_id: int, lang: str = "fr", with_devices: bool = False) -> DonationOut:
    """A donation; `with_devices`: its first devices, its counts per state and the way to the rest."""
    condition = scoping.combine(scoping.donations(actor), Donation.id == donation_id)
    row = await Donation.select(*DONATION_COLUMNS).where(condition).first()
    if row is None:
        raise NotFound("donation_not_found")
    out = _donation_out(row)
    if with_devices:
        device_condition = scoping.combine(scoping.devices(actor), Device.donation == donation_id)
        first = await paging.keyset(
            Device,
            ledger.device_columns(),
            device_condition,
            PageRequest(limit=DEVICES_SHOWN),
            key=Device.id,
            list_name="devices",
            out=lambda r: device_out(r, lang),
            total=row["device_count"],
        )
        counts = (
            await Device.select(Device.state, Count(Device.id, alias="n"))
            .where(device_condition)
            .group_by(Device.state)
        )
        out.devices = first.items
        out.devices_next = first.next
        out.state_counts = {r["state"]: int(r["n"]) for r in counts}
    return out


async def list_donations(actor: Actor, request: PageRequest) -> Page:
    """The caller's donations, newest first."""
    return await paging.keyset(
        Donation,
        DONATION_COLUMNS,
        scoping.donations(actor),
        request,
        key=Donation.id,
        list_name="donations",
        out=_donation_out,
        descending=True,
    )


# --- correct and cancel (issue 9, item 6) ------------------------------------------------------

#: States of a donation's devices that leave it the donor's to edit: nothing collected yet.
_BEFORE_COLLECTION = (State.DECLARED.value, State.WITHDRAWN.value)


def still_editable(donation: DonationOut) -> bool:
    """Whether its donor may still edit or cancel it (what the pages offer; `_editable` decides)."""
    return donation.cancelled_at is None and set(donation.state_counts or {}) <= set(_BEFORE_COLLECTION)


async def _editable(actor: Actor, donation_id: int) -> dict[str, Any]:
    """The donation row, locked, for its donor's edit: 404 to whoever may not edit it, 403 to the
    operator (who sees it), 409 once cancelled or once a device of it was collected."""
    row = await for_update(Donation.select(*DONATION_COLUMNS).where(Donation.id == donation_id)).first()
    if row is None or not scoping.record_editable(actor, row["donor"]):
        raise NotFound("donation_not_found")
    if actor.kind is not OrgKind.DONOR:
        raise Forbidden("only_donor_edits", action="edit")
    if row["cancelled_at"] is not None:
        raise Conflict("donation_cancelled")
    await _check_nothing_collected(donation_id)
    return dict(row)


async def _check_nothing_collected(donation_id: int) -> None:
    collected = await Device.count().where(
        (Device.donation == donation_id) & Device.state.not_in(list(_BEFORE_COLLECTION))
    )
    if collected:
        raise TransitionNotAllowed("donation_collected", count=collected)


async def update_donation(actor: Actor, donation_id: int, data: DonationEditIn, lang: str = "fr") -> DonationOut:
    """The donor corrects its donation's own fields (pickup address, postcode, notes) before collection."""
    changes = {k: v.strip() for k, v in msgspec.structs.asdict(data).items() if v is not None}
    async with write_transaction():
        await _editable(actor, donation_id)
        if changes:
            await Donation.update({getattr(Donation, k): v for k, v in changes.items()}).where(
                Donation.id == donation_id
            )
    return await get_donation(actor, donation_id, lang, with_devices=True)


async def cancel_donation(actor: Actor, donation_id: int, reason: str = "", lang: str = "fr") -> DonationOut:
    """The donor cancels its whole donation before collection: every declared device withdrawn (an
    entry each, in bulk), the donation marked cancelled. An open pickup that named only cancelled
    donations is cancelled with it; one that has others collects nothing of this one
    (`ordi.pickups.service.collect`)."""
    at = now()
    async with write_transaction() as tx:
        # Rows locked in the order a collect takes them: its pickups, the donation, its devices.
        naming = PickupDonation.select(PickupDonation.pickup).where(PickupDonation.donation == donation_id)
        open_pickups = await for_update(
            Pickup.select(Pickup.id)
            .where(Pickup.id.is_in(naming) & Pickup.state.is_in(sorted(s.value for s in OPEN_STATES)))
            .order_by(Pickup.id)
        )
        await _editable(actor, donation_id)
        rows = await ledger.declared_of_donations_locked([donation_id])
        await _check_nothing_collected(donation_id)  # again, now that its devices are locked
        await corrections.withdraw_rows(tx, actor, rows, reason, at)
        await Donation.update({Donation.cancelled_at: at}).where(Donation.id == donation_id)
        for pickup in open_pickups:
            named = PickupDonation.select(PickupDonation.donation).where(PickupDonation.pickup == pickup["id"])
            others = await Donation.count().where(Donation.id.is_in(named) & Donation.cancelled_at.is_null())
            if not others:
                await pickups.cancel(actor, pickup["id"], message("pickup_cancelled_with_donations"), lang)
    return await get_donation(actor, donation_id, lang, with_devices=True)


async def state_counts(actor: Actor, donation_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Devices per state of each of these donations (those the caller may see): one grouped query
    for a whole page of donations (the donor's list, `ordi.web`)."""
    if not donation_ids:
        return {}
    condition = scoping.combine(scoping.devices(actor), Device.donation.is_in(list(donation_ids)))
    rows = (
        await Device.select(Device.donation, Device.state, Count(Device.id, alias="n"))
        .where(condition)
        .group_by(Device.donation, Device.state)
    )
    counts: dict[int, dict[str, int]] = {}
    for r in rows:
        counts.setdefault(int(r["donation"]), {})[r["state"]] = int(r["n"])
    return counts
