"""Labels of the caller's devices: one at a time, in batches, and the print history.

Rules kept here, out of the controllers and the job:

* a label is printed only for a device the caller may see (`ordi.scoping`), 404 otherwise;
* the format must take the media (no PNG of a whole A4 sheet), `skip` only on sheets;
* a batch reads its devices in pages (never the whole table) in a fixed order, so a retried
  job draws the same file byte for byte;
* every print is a `label_printed` entry of the device's history: who, when, format, media,
  and the job for a batch. It is not a transition (from_state == to_state), takes the next
  `seq` under the device row's lock, and a retried job does not record its prints twice.
"""

from __future__ import annotations

import asyncio
import io
import math
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labels import (
    FORMATS,
    LabelContent,
    LabelDoesNotFit,
    LabelFormat,
    UnknownLabelFormat,
    get_format,
    render_pdf,
    render_png,
    render_zpl,
)
from ordi import scoping
from ordi.clock import now
from ordi.db import write_transaction
from ordi.devices import ledger
from ordi.devices.service import find_visible, normalise_tag, public_url
from ordi.devices.tables import Device, DeviceEvent
from ordi.domain.errors import Forbidden, InvalidRecord, NotFound
from ordi.domain.lifecycle import Action, Actor
from ordi.donations.tables import Donation
from ordi.i18n import category_name
from ordi.jobs import service as jobs
from ordi.jobs.dispatch import dispatch
from ordi.jobs.registry import JobContext
from ordi.printing.schemas import LabelFormatList, LabelJobIn

JOB_KIND = "labels"
#: The most labels one batch may hold: about 240 A4 sheets, or a day of a big workshop.
MAX_JOB_LABELS = 10_000
#: Devices read (and prints recorded) per database round trip.
BATCH_SIZE = 500
#: A job writes its progress at most this often (seconds): a roll job has one page per label.
PROGRESS_INTERVAL = 0.25

#: The format used when the request names none, per media type.
DEFAULT_FORMATS: dict[str, str] = {"png": "brother-62x29", "zpl": "zebra-2x1", "pdf": "avery-l7160"}
CONTENT_TYPES: dict[str, str] = {
    "png": "image/png",
    "pdf": "application/pdf",
    "zpl": "application/zpl",
}

_LABEL_COLUMNS = (Device.id, Device.asset_tag, Device.category, Device.brand, Device.model)


@dataclass(frozen=True)
class RenderedLabel:
    data: bytes
    content_type: str
    filename: str


# --- formats and contents ------------------------------------------------------------------


def list_formats() -> LabelFormatList:
    items: list[dict[str, object]] = [fmt.to_dict() for fmt in FORMATS.values()]
    return LabelFormatList(items=items, total=len(items), defaults=dict(DEFAULT_FORMATS))


def resolve_format(name: str | None, media: str) -> LabelFormat:
    """The stock to print on, or a French 422 saying why not."""
    name = name or DEFAULT_FORMATS[media]
    try:
        fmt = get_format(name)
    except UnknownLabelFormat:
        raise InvalidRecord("label_format_unknown", format=name, known=", ".join(sorted(FORMATS))) from None
    if not fmt.supports(media):
        offered = ", ".join(m.upper() for m in fmt.media)
        raise InvalidRecord("label_media_unsupported", format=fmt.name, media=media.upper(), offered=offered)
    return fmt


def check_skip(fmt: LabelFormat, skip: int) -> None:
    if fmt.kind == "roll":
        if skip != 0:
            raise InvalidRecord("label_skip_roll")
    elif not 0 <= skip < fmt.labels_per_page:
        raise InvalidRecord("label_skip_invalid", skip=skip, max=fmt.labels_per_page - 1, format=fmt.name)


def content_for(row: dict[str, Any]) -> LabelContent:
    """What the label of a device says: its public URL, tag, French category, brand and model."""
    tag = row["asset_tag"]
    model = " ".join(part for part in (row["brand"].strip(), row["model"].strip()) if part)
    return LabelContent(url=public_url(tag), tag=tag, category=category_name(row["category"]), model=model)


def batch_media(fmt_name: str, media: str | None) -> str:
    """A batch without a media: ZPL for a stock a Zebra printer takes, PDF otherwise."""
    if media is not None:
        return media
    fmt = FORMATS.get(fmt_name)
    return "zpl" if fmt is not None and fmt.supports("zpl") else "pdf"


# --- one label -----------------------------------------------------------------------------


async def render_one(actor: Actor, tag: str, media: str, format_name: str | None) -> RenderedLabel:
    """One device's label, recorded on its history as printed by the caller."""
    fmt = resolve_format(format_name, media)
    row = await find_visible(actor, tag)
    content = content_for(row)
    try:
        if media == "png":
            data = render_png(content, fmt)
        else:
            out = io.BytesIO()
            if media == "pdf":
                render_pdf([content], fmt, out)
            else:
                render_zpl([content], fmt, out)
            data = out.getvalue()
    except LabelDoesNotFit:
        raise InvalidRecord("label_does_not_fit", tag=row["asset_tag"], format=fmt.name) from None
    await record_prints(actor, [row["id"]], fmt_name=fmt.name, media=media)
    return RenderedLabel(data, CONTENT_TYPES[media], f"etiquette-{row['asset_tag']}-{fmt.name}.{media}")


# --- print history -------------------------------------------------------------------------


def _print_key(job_id: str, device_id: int) -> str:
    """The idempotency key of one print of a batch: a retried job finds it and skips the device."""
    return f"labels:{job_id}:{device_id}"


async def record_prints(
    actor: Actor, device_ids: list[int], *, fmt_name: str, media: str, job_id: str | None = None
) -> int:
    """Append a `label_printed` entry to each device's history; return how many were added.

    One transaction per batch of devices, rows locked in id order (two jobs over the same
    devices queue instead of deadlocking), `seq` = the locked row's event_count + 1.
    """
    payload: dict[str, Any] = {"format": fmt_name, "media": media}
    if job_id is not None:
        payload["job_id"] = job_id
    added = 0
    ordered = sorted(set(device_ids))
    for start in range(0, len(ordered), BATCH_SIZE):
        chunk = ordered[start : start + BATCH_SIZE]
        async with write_transaction() as tx:
            rows = await ledger.devices_locked(chunk)
            done: set[str] = set()
            if job_id is not None:
                keys = [_print_key(job_id, r["id"]) for r in rows]
                existing = await DeviceEvent.select(DeviceEvent.idempotency_key).where(
                    (DeviceEvent.actor_organisation == actor.organisation_id) & DeviceEvent.idempotency_key.is_in(keys)
                )
                done = {e["idempotency_key"] for e in existing}
            at = now()
            entries = [
                ledger.entry(
                    r["id"],
                    ledger.next_seq(r),
                    Action.LABEL_PRINTED,
                    actor=actor,
                    from_state=r["state"],
                    to_state=r["state"],
                    at=at,
                    payload=payload,
                    idempotency_key=_print_key(job_id, r["id"]) if job_id is not None else None,
                )
                for r in rows
                if job_id is None or _print_key(job_id, r["id"]) not in done
            ]
            await ledger.record_entries(tx, entries)
            added += len(entries)
    return added


# --- batches: validation when asked ----------------------------------------------------------


async def create_job(actor: Actor, data: LabelJobIn) -> str:
    """Check everything a batch needs now (a 4xx, not a failed job later), then record the job."""
    if (data.tags is None) == (data.donation_id is None):
        raise InvalidRecord("label_job_target")
    media = batch_media(data.format, data.media)
    fmt = resolve_format(data.format, media)
    check_skip(fmt, data.skip)
    params: dict[str, Any] = {"format": fmt.name, "media": media, "skip": data.skip}
    if data.tags is not None:
        tags = _unique_tags(data.tags)
        await _check_tags_visible(actor, tags)
        params["tags"] = tags
        total = len(tags)
    else:
        assert data.donation_id is not None
        total = await _donation_total(actor, data.donation_id)
        params["donation_id"] = data.donation_id
    job_id = await jobs.create(actor, JOB_KIND, params, total=total)
    dispatch(job_id)  # the job row is committed: a worker may pick it up at once
    return job_id


def _unique_tags(raw: list[str]) -> list[str]:
    if len(raw) > MAX_JOB_LABELS:
        raise InvalidRecord("label_job_too_many", max=MAX_JOB_LABELS, count=len(raw))
    tags = list(dict.fromkeys(normalise_tag(t) for t in raw))  # the caller's order, each tag once
    if not tags:
        raise InvalidRecord("label_job_empty")
    return tags


async def _check_tags_visible(actor: Actor, tags: list[str]) -> None:
    scope = scoping.devices(actor)
    for start in range(0, len(tags), BATCH_SIZE):
        chunk = tags[start : start + BATCH_SIZE]
        rows = await Device.select(Device.asset_tag).where(scoping.combine(scope, Device.asset_tag.is_in(chunk)))
        found = {r["asset_tag"] for r in rows}
        missing = next((t for t in chunk if t not in found), None)
        if missing is not None:
            raise NotFound("device_not_found", tag=missing)


async def _donation_total(actor: Actor, donation_id: int) -> int:
    """How many labels a whole donation takes; every device of it must be visible to the caller."""
    visible = await Donation.exists().where(scoping.combine(scoping.donations(actor), Donation.id == donation_id))
    if not visible:
        raise NotFound("donation_not_found")
    total = await Device.count().where(Device.donation == donation_id)
    shown = await Device.count().where(scoping.combine(scoping.devices(actor), Device.donation == donation_id))
    if total == 0:
        raise InvalidRecord("label_job_empty")
    if shown != total:
        raise Forbidden("label_devices_hidden", count=total - shown)
    if total > MAX_JOB_LABELS:
        raise InvalidRecord("label_job_too_many", max=MAX_JOB_LABELS, count=total)
    return int(total)


# --- batches: the job ----------------------------------------------------------------------


class _DeviceSource:
    """The job's devices in a fixed order, a page at a time: the caller's tag order, or by id."""

    def __init__(self, actor: Actor, params: dict[str, Any]) -> None:
        self.scope = scoping.devices(actor)
        self.tags: list[str] | None = params.get("tags")
        self.donation_id: int | None = params.get("donation_id")
        self._position = 0
        self._last_id = 0

    async def next_page(self) -> list[dict[str, Any]]:
        if self.tags is not None:
            chunk = self.tags[self._position : self._position + BATCH_SIZE]
            self._position += len(chunk)
            if not chunk:
                return []
            rows = await Device.select(*_LABEL_COLUMNS).where(
                scoping.combine(self.scope, Device.asset_tag.is_in(chunk))
            )
            by_tag = {r["asset_tag"]: r for r in rows}
            missing = next((t for t in chunk if t not in by_tag), None)
            if missing is not None:  # moved out of the caller's sight since the job was asked
                raise NotFound("device_not_found", tag=missing)
            return [by_tag[t] for t in chunk]
        condition = (Device.donation == self.donation_id) & (Device.id > self._last_id)
        rows = (
            await Device.select(*_LABEL_COLUMNS)
            .where(scoping.combine(self.scope, condition))
            .order_by(Device.id)
            .limit(BATCH_SIZE)
        )
        if rows:
            self._last_id = rows[-1]["id"]
        return list(rows)


def _bridge(loop: asyncio.AbstractEventLoop) -> Callable[[Awaitable[Any]], Any]:
    """Run a coroutine on the job's event loop from the rendering thread, and wait for it."""

    def call(awaitable: Awaitable[Any]) -> Any:
        async def wrapper() -> Any:
            return await awaitable

        return asyncio.run_coroutine_threadsafe(wrapper(), loop).result()

    return call


async def run_job(context: JobContext) -> dict[str, Any]:
    """Render the batch to a temporary file page by page, store it with the job, record the prints.

    The renderers are synchronous and pull labels one at a time; they run in a thread while this
    event loop serves their page reads and progress updates. Only one page of devices is in
    memory at a time, plus the ids of the devices drawn (at most MAX_JOB_LABELS integers).
    """
    params = context.params
    media = params["media"]
    fmt = resolve_format(params["format"], media)
    skip = int(params.get("skip", 0))
    check_skip(fmt, skip)
    actor = context.actor
    if "tags" in params:
        total = len(params["tags"])
    else:
        total = await _donation_total(actor, int(params["donation_id"]))
    await context.report(0, total)

    source = _DeviceSource(actor, params)
    call = _bridge(asyncio.get_running_loop())
    drawn: list[int] = []
    last_tag = ["?"]  # named in the error when a label does not fit
    last_report = [time.monotonic()]

    def contents() -> Iterator[LabelContent]:
        while page := call(source.next_page()):
            for row in page:
                drawn.append(row["id"])
                last_tag[0] = row["asset_tag"]
                yield content_for(row)

    def progress(done: int) -> None:
        moment = time.monotonic()
        if moment - last_report[0] >= PROGRESS_INTERVAL:
            last_report[0] = moment
            call(context.report(done, total))

    def render(path: Path) -> int:
        with path.open("wb") as out:
            try:
                if media == "zpl":
                    return render_zpl(contents(), fmt, out, progress=progress)
                return render_pdf(contents(), fmt, out, skip=skip, progress=progress)
            except LabelDoesNotFit:
                raise InvalidRecord("label_does_not_fit", tag=last_tag[0], format=fmt.name) from None

    with tempfile.TemporaryDirectory(prefix="ordi-labels-") as directory:
        path = Path(directory) / f"labels.{media}"
        written = await asyncio.to_thread(render, path)
        if written == 0:
            raise InvalidRecord("label_job_empty")
        await context.report(written, total)
        size = await jobs.store_file(
            context.job_id, jobs.read_chunks(str(path)), CONTENT_TYPES[media], _filename(params)
        )
    recorded = await record_prints(actor, drawn, fmt_name=fmt.name, media=media, job_id=context.job_id)
    return {
        "labels": written,
        "pages": _pages(fmt, media, written, skip),
        "format": fmt.name,
        "media": media,
        "skip": skip,
        "size": size,
        "history_recorded": recorded,
    }


def _pages(fmt: LabelFormat, media: str, written: int, skip: int) -> int:
    if media == "zpl" or fmt.kind == "roll":
        return written
    return math.ceil((skip + written) / fmt.labels_per_page)


def _filename(params: dict[str, Any]) -> str:
    what = f"don-{params['donation_id']}" if "donation_id" in params else f"{len(params['tags'])}-appareils"
    return f"etiquettes-{what}-{params['format']}.{params['media']}"
