"""The donor's traceability report: what became of every device of one donation.

Rows come from the database in batches of `BATCH` devices (keyset pagination on the device id),
with their events and certificate numbers fetched per batch; they are spooled to a temporary file
(kept in memory while small) while the totals are summed, then rendered from that spool in a worker
thread (`ordi.donations.report_pdf`, `ordi.donations.report_export`). Memory therefore stays bounded
by one batch plus what the PDF library keeps of finished pages, whatever the donation's size.

Small donations (`INLINE_MAX_DEVICES` devices or fewer) are answered in the request; larger ones
by a background job with progress (`ordi.donations.jobs.donation_report`). The report never names a
person: beneficiaries appear as a département and a category only.
"""

from __future__ import annotations

import asyncio
import io
import struct
import tempfile
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any, BinaryIO

import msgspec

from ordi import scoping
from ordi.certificates.tables import WipeCertificate
from ordi.clock import now
from ordi.config import impact_factors
from ordi.devices.tables import Device, DeviceEvent
from ordi.domain import impact
from ordi.domain.errors import InvalidRecord, NotFound
from ordi.domain.lifecycle import Actor
from ordi.donations.report_export import iter_donation_report_json, write_donation_report_csv
from ordi.donations.report_model import (
    DeviceFateRow,
    DonationReportHeader,
    DonationTotals,
    ImpactFactor,
    ImpactSummary,
)
from ordi.donations.report_pdf import render_donation_report_pdf
from ordi.donations.tables import Donation
from ordi.i18n import Lang, category_name, word
from ordi.jobs import service as jobs
from ordi.jobs.dispatch import dispatch

INLINE_MAX_DEVICES = 200
BATCH = 500
SPOOL_IN_MEMORY = 4 * 1024 * 1024
PROGRESS_EVERY = 100

FORMATS: dict[str, str] = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}

Progress = Callable[[int, int], Awaitable[None]]


class _Fate(msgspec.Struct, array_like=True):
    """One row of the report as spooled (codes, not words; instants in UTC)."""

    asset_tag: str
    category: str
    model: str
    serial_number: str
    state: str
    declared_at: datetime | None = None
    collected_at: datetime | None = None
    received_at: datetime | None = None
    wiped_at: datetime | None = None
    ready_at: datetime | None = None
    handed_over_at: datetime | None = None
    recycled_at: datetime | None = None
    certificate_number: str | None = None
    grade: str | None = None
    recycle_channel: str | None = None
    recycle_weight_kg: float | None = None
    departement: str | None = None
    beneficiary_category: str | None = None

    def row(self) -> DeviceFateRow:
        return DeviceFateRow(**msgspec.structs.asdict(self))


_STEP_FIELDS = {
    "declare": "declared_at",
    "collect": "collected_at",
    "receive": "received_at",
    "refurbish": "ready_at",
    "hand_over": "handed_over_at",
    "recycle": "recycled_at",
}


@dataclass
class _Sums:
    devices: int = 0
    by_state: Counter[str] = field(default_factory=Counter)
    certificates: int = 0
    recycled_weight_kg: float = 0.0
    redistributed_by_category: Counter[str] = field(default_factory=Counter)
    categories: set[str] = field(default_factory=set)


def _payload(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        value = msgspec.json.decode(value)
    return value if isinstance(value, dict) else {}


def _fate(device: dict[str, Any], events: list[dict[str, Any]], certificate: str | None) -> _Fate:
    fate = _Fate(
        asset_tag=device["asset_tag"],
        category=device["category"],
        model=f"{device['brand']} {device['model']}".strip(),
        serial_number=device["serial_number"] or "",
        state=device["state"],
        grade=device["grade"],
        certificate_number=certificate,
    )
    for event in events:  # in order: the last occurrence of a step wins (a returned device comes back)
        action, at = event["action"], event["occurred_at"]
        if action == "wipe":
            if event["outcome"] == "done":
                fate.wiped_at = at
            continue
        name = _STEP_FIELDS.get(action)
        if name is None or (action == "declare" and fate.declared_at is not None):
            continue
        setattr(fate, name, at)
        if action == "recycle":
            payload = _payload(event["payload"])
            fate.recycle_channel = payload.get("channel")
            weight = payload.get("weight_kg")
            fate.recycle_weight_kg = float(weight) if weight is not None else None
        elif action == "hand_over":
            beneficiary = _payload(event["payload"]).get("beneficiary") or {}
            fate.departement = beneficiary.get("departement")
            fate.beneficiary_category = beneficiary.get("category")
    if device["state"] != "recycled":
        fate.recycle_channel, fate.recycle_weight_kg, fate.recycled_at = None, None, None
    if device["state"] not in ("handed_over",):
        fate.departement, fate.beneficiary_category = None, None
    return fate


async def _batches(donation_id: int) -> AsyncIterator[list[tuple[_Fate, int]]]:
    """Yield (fate, number of certificates) for `BATCH` devices at a time, in device id order."""
    last_id = 0
    while True:
        devices = (
            await Device.select(
                Device.id,
                Device.asset_tag,
                Device.category,
                Device.brand,
                Device.model,
                Device.serial_number,
                Device.state,
                Device.grade,
            )
            .where((Device.donation == donation_id) & (Device.id > last_id))
            .order_by(Device.id)
            .limit(BATCH)
        )
        if not devices:
            return
        ids = [d["id"] for d in devices]
        events = (
            await DeviceEvent.select(
                DeviceEvent.device,
                DeviceEvent.action,
                DeviceEvent.outcome,
                DeviceEvent.occurred_at,
                DeviceEvent.payload,
            )
            .where(DeviceEvent.device.is_in(ids))
            .order_by(DeviceEvent.device, DeviceEvent.seq)
        )
        by_device: dict[int, list[dict[str, Any]]] = {}
        for event in events:
            by_device.setdefault(event["device"], []).append(event)
        certificates: dict[int, str] = {}
        count: Counter[int] = Counter()
        for cert in (
            await WipeCertificate.select(WipeCertificate.device, WipeCertificate.number)
            .where(WipeCertificate.device.is_in(ids))
            .order_by(WipeCertificate.id)
        ):
            certificates[cert["device"]] = cert["number"]  # the latest one
            count[cert["device"]] += 1
        yield [(_fate(d, by_device.get(d["id"], []), certificates.get(d["id"])), count[d["id"]]) for d in devices]
        last_id = ids[-1]


# --------------------------------------------------------------------------- spool

_LEN = struct.Struct(">I")


def _spool_rows(spool: IO[bytes]) -> Iterator[DeviceFateRow]:
    decoder = msgspec.msgpack.Decoder(_Fate)
    spool.seek(0)
    while header := spool.read(_LEN.size):
        (size,) = _LEN.unpack(header)
        yield decoder.decode(spool.read(size)).row()


# --------------------------------------------------------------------------- impact


def _source(source: impact.FactorSource) -> str:
    parts = [source.title, source.publisher, str(source.year) if source.year else "", source.url]
    text = ", ".join(p for p in parts if p)
    return f"{text} — {source.note}" if source.note else text


def _impact(sums: _Sums, lang: Lang) -> ImpactSummary:
    factors = impact_factors()
    totals = impact.impact_of(dict(sums.redistributed_by_category), factors)
    listed = sorted({c if c in factors else impact.FALLBACK_CATEGORY for c in sums.categories})
    return ImpactSummary(
        kg_ewaste_avoided=round(totals.kg_ewaste_avoided, 3),
        kg_co2e_avoided=round(totals.kg_co2e_avoided, 3),
        factors=[
            ImpactFactor(
                category=category_name(c, lang),
                kg_per_device=factors[c].weight_kg,
                co2e_per_device=factors[c].co2e_kg_avoided,
                source=word(
                    "report.factor_source",
                    lang,
                    weight=_source(factors[c].source_weight),
                    co2e=_source(factors[c].source_co2e),
                ),
            )
            for c in listed
        ],
        method_note=word("report.impact_method", lang),
    )


# --------------------------------------------------------------------------- access and entry points


async def donation_for_report(actor: Actor, donation_id: int) -> dict[str, Any]:
    """The donation, if this caller may read its per-device report (404 otherwise, 403 by role)."""
    row = (
        await Donation.select(
            Donation.id,
            Donation.reference,
            Donation.donor,
            Donation.device_count,
            Donation.created_at,
            Donation.donor._.name.as_alias("donor_name"),
        )
        .where(Donation.id == donation_id)
        .first()
    )
    if not scoping.donation_report_visible(actor, row or {"donor": None}) or row is None:
        raise NotFound("donation_not_found")
    return row


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise InvalidRecord("report_format_unknown", format=fmt[:10])
    return fmt


def filename(donation: dict[str, Any], fmt: str, lang: Lang = "fr") -> str:
    reference = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in donation["reference"])
    return f"{word('report.file_name', lang, reference=reference)}.{fmt}"


async def render(
    donation: dict[str, Any], fmt: str, out: BinaryIO, progress: Progress | None = None, lang: Lang = "fr"
) -> int:
    """Write the report of `donation` in `fmt` to `out`, in French unless `lang`; returns the number of devices."""
    total_steps = 2 * max(donation["device_count"], 1)
    sums = _Sums()
    encoder = msgspec.msgpack.Encoder()
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as spool:
        async for batch in _batches(donation["id"]):
            for fate, certificates in batch:
                data = encoder.encode(fate)
                spool.write(_LEN.pack(len(data)) + data)
                sums.devices += 1
                sums.by_state[fate.state] += 1
                sums.certificates += certificates
                sums.categories.add(fate.category)
                if fate.state == "handed_over":
                    sums.redistributed_by_category[fate.category] += 1
                if fate.recycle_weight_kg:
                    sums.recycled_weight_kg += fate.recycle_weight_kg
            if progress is not None:
                await progress(sums.devices, total_steps)
        header = DonationReportHeader(
            donation_id=str(donation["id"]),
            reference=donation["reference"],
            donor_name=donation["donor_name"] or "",
            declared_on=donation["created_at"].date(),
            generated_at=now(),
        )
        totals = DonationTotals(
            devices=sums.devices,
            by_state=dict(sorted(sums.by_state.items())),
            redistributed=sums.by_state["handed_over"],
            recycled=sums.by_state["recycled"],
            lost=sums.by_state["lost"],
            wipe_certificates=sums.certificates,
            recycled_weight_kg=round(sums.recycled_weight_kg, 3),
        )
        summary = _impact(sums, lang)
        loop = asyncio.get_running_loop()
        done_reading = sums.devices

        async def report_rendered(count: int) -> None:
            if progress is not None:
                await progress(done_reading + count, total_steps)

        def rendered(count: int) -> None:  # called from the rendering thread
            asyncio.run_coroutine_threadsafe(report_rendered(count), loop).result()

        await asyncio.to_thread(_write, fmt, header, _spool_rows(spool), totals, summary, out, rendered, lang)
    return sums.devices


def _counted(rows: Iterator[DeviceFateRow], progress: Callable[[int], None]) -> Iterator[DeviceFateRow]:
    count = 0
    for row in rows:
        yield row
        count += 1
        if count % PROGRESS_EVERY == 0:
            progress(count)
    progress(count)


def _write(
    fmt: str,
    header: DonationReportHeader,
    rows: Iterator[DeviceFateRow],
    totals: DonationTotals,
    summary: ImpactSummary,
    out: BinaryIO,
    progress: Callable[[int], None],
    lang: Lang,
) -> None:
    if fmt == "pdf":
        render_donation_report_pdf(header, rows, totals, summary, out, progress, lang)
    elif fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        write_donation_report_csv(_counted(rows, progress), text, lang)
        text.flush()
        text.detach()
    else:
        for chunk in iter_donation_report_json(header, _counted(rows, progress), totals, summary):
            out.write(chunk)


async def request_report(actor: Actor, donation_id: int, fmt: str, lang: Lang = "fr") -> tuple[bytes, str] | str:
    """A small donation's report at once (bytes, file name); a large one queued (the job id)."""
    donation = await donation_for_report(actor, donation_id)
    if donation["device_count"] > INLINE_MAX_DEVICES:
        params = {"donation_id": donation_id, "format": fmt, "lang": lang}
        job_id = await jobs.create(actor, "donation_report", params, total=2 * donation["device_count"])
        dispatch(job_id)  # only now that the job's transaction has committed
        return job_id
    out = io.BytesIO()
    await render(donation, fmt, out, lang=lang)
    return out.getvalue(), filename(donation, fmt, lang)
