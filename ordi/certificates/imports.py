"""Recording a wipe from a wiping tool's own report (nwipe 0.38 text log, also ShredOS's).

The report is parsed strictly (`ordi.certificates.nwipe`), its drives matched by serial number to
the media of the device, and the wipe is recorded through the one devices path
(`ordi.devices.service.perform`), so the rules, the history and the certificate are exactly those
of a typed wipe. The original bytes are stored with the certificate and their SHA-256 is signed in it.

Which drives belong to the device: the serial numbers given by the workshop (`serials`), else the
media of the device's previous wipe (a retry after a failure), else every drive of the report (one
computer on the bench).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

import msgspec

from ordi.certificates import service as certificates
from ordi.certificates.model import Level, MediumRecord, normalise_serial
from ordi.certificates.nwipe import (
    MAX_LOG_BYTES,
    NWIPE_TOOL,
    NwipeReport,
    ReportFormatError,
    media_from_nwipe,
    parse_nwipe_log,
    report_sha256,
    suggested_level,
    verification_summary,
)
from ordi.clock import PARIS
from ordi.devices import service as devices
from ordi.devices.schemas import DeviceOut, EventOut, MediumIn, Wipe
from ordi.devices.tables import DeviceEvent
from ordi.domain.errors import Forbidden, InvalidRecord
from ordi.domain.lifecycle import Actor, OrgKind

REPORT_FORMAT = "nwipe-0.38-log"


class WipeImportResult(msgspec.Struct):
    event: EventOut
    device: DeviceOut
    certificate_number: str | None
    report_sha256: str
    report_format: str
    media: list[str]
    replayed: bool = False


async def _previous_media(device_id: int) -> list[str] | None:
    """Serials of the media recorded at the device's last wipe, if any (read only once the caller
    is known to hold the device: the serials must not leak to anyone else)."""
    last = (
        await DeviceEvent.select(DeviceEvent.payload)
        .where((DeviceEvent.device == device_id) & (DeviceEvent.action == "wipe"))
        .order_by(DeviceEvent.seq, ascending=False)
        .output(load_json=True)
        .first()
    )
    if last is None:
        return None
    payload = last["payload"] if isinstance(last["payload"], dict) else msgspec.json.decode(last["payload"])
    serials = [m.get("serial", "") for m in payload.get("media", []) if isinstance(m, dict)]
    return [s for s in serials if s] or None


def _bounds(media: Sequence[MediumRecord], report: NwipeReport, zone: tzinfo) -> tuple[datetime, datetime]:
    starts = [m.started_at for m in media if m.started_at is not None]
    ends = [m.ended_at for m in media if m.ended_at is not None]
    start = min(starts) if starts else (report.started_at or report.ended_at).replace(tzinfo=zone)
    end = max(ends) if ends else report.ended_at.replace(tzinfo=zone)
    return start, max(start, end)


async def record_nwipe(
    actor: Actor,
    tag: str,
    raw: bytes,
    *,
    level: Level | None = None,
    operator: str | None = None,
    serials: Sequence[str] | None = None,
    idempotency_key: str | None = None,
    lang: str = "fr",
) -> WipeImportResult:
    if not raw.strip():
        raise InvalidRecord("wipe_report_empty")
    if len(raw) > MAX_LOG_BYTES:
        raise InvalidRecord("wipe_report_too_large", max=MAX_LOG_BYTES // (1024 * 1024))
    # Only the workshop that holds the device may attach a report; nothing is read before that
    # (a stranger gets 404, a donor who sees its device 403).
    row = await devices.find_visible(actor, tag)
    if actor.kind is not OrgKind.REFURBISHER or row["custodian"] != actor.organisation_id:
        raise Forbidden("only_custodian_workshop", action="wipe")
    try:
        report = parse_nwipe_log(raw.decode("utf-8", errors="replace"))
        declared = [s for s in (serials or []) if s.strip()] or await _previous_media(row["id"])
        media = media_from_nwipe(report, declared)
    except ReportFormatError as exc:
        raise InvalidRecord("wipe_report_invalid", reason=str(exc)) from exc
    if not media:
        raise InvalidRecord("wipe_report_no_drive")
    chosen = level or suggested_level(report.method)
    if chosen is None:
        raise InvalidRecord("wipe_report_level_unknown", method=report.method)
    zone = PARIS
    started, ended = _bounds(media, report, zone)
    digest = report_sha256(raw)
    request = Wipe(
        level=chosen,
        method=report.method,
        tool=NWIPE_TOOL,
        tool_version=report.tool_version,
        operator=operator or None,
        started_at=started,
        ended_at=ended,
        verification=verification_summary(report),
        media=[
            MediumIn(kind=m.kind, serial=m.serial, result=m.result, capacity_gb=float(m.capacity_gb), model=m.model)
            for m in media
        ],
        note=f"Rapport nwipe joint, SHA-256 {digest}",
    )
    attached = certificates.AttachedReport(
        tool=NWIPE_TOOL,
        format=REPORT_FORMAT,
        raw=raw,
        sha256=digest,
        media={normalise_serial(m.serial): m for m in media},
    )
    result = await devices.perform(actor, tag, request, idempotency_key, lang, attachment=attached)
    number = await certificates.number_for_event(result.event.id)
    return WipeImportResult(
        event=result.event,
        device=result.device,
        certificate_number=number,
        report_sha256=digest,
        report_format=REPORT_FORMAT,
        media=[m.serial for m in media],
        replayed=result.replayed,
    )
