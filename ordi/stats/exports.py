"""The committee's tables and files: every table of the figures as rows (JSON or CSV), and the
pseudonymised history anyone can recompute every figure from.

CSV is the French spreadsheet dialect: UTF-8 with a BOM, `;` between cells, a decimal comma,
CRLF line ends, formulas defused. The event export streams the log in (device, seq) order by
keyset pages and folds each device as it goes (the workshop in charge, the grade, the request a
delivery served), so a line carries the dimensions of its device after the step without any
name, serial number, address or donor id: the device is a keyed hash of its tag, the donor a
keyed hash of its id. Corrected values, as the figures use them: a refurbishment's line shows
its last correction's grade and labour minutes (and the lines after it that grade), every line
its device's category as it is now; a correcting line names the entry it corrects (`corrects`).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import msgspec

from ordi.config import get_settings
from ordi.db import fetch_all
from ordi.domain.errors import NotFound
from ordi.domain.lifecycle import Actor, OrgKind
from ordi.i18n import Lang, word
from ordi.scoping import require_kind
from ordi.stats.schemas import Figures, LeadTime, StatsTable

TABLES = (
    "stages",
    "series",
    "stock",
    "stock_age",
    "lead_times",
    "reuse",
    "beneficiaries",
    "requests",
    "impact",
    "groups",
)
_PAGE = 5_000


def _csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value and value[0] in "=+-@\t\r" and not _number_like(value):
        return "'" + value
    return value


def _number_like(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def cell_text(value: Any) -> str:
    """One CSV cell: a decimal comma for numbers, nothing for null."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return repr(value).replace(".", ",") if value == value else ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(_csv_safe(value))


def csv_lines(rows: Iterable[Sequence[Any]], *, bom: bool = True) -> Iterable[str]:
    """Rows as CSV text, line by line (the first with the BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    first = bom
    for row in rows:
        writer.writerow([cell_text(v) for v in row])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        yield ("\ufeff" + text) if first else text
        first = False


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    return "".join(csv_lines(rows)).encode()


# --- the figures as tables -------------------------------------------------------------------


def _lead_rows(name: str, lead: LeadTime) -> list[Any]:
    return [name, lead.label, lead.count, lead.median_days, lead.p90_days]


def table(figures: Figures, name: str, lang: Lang = "fr") -> StatsTable:
    """One table of the figures (`TABLES`), its columns named as in the JSON."""
    notes = [f"{figures.period.from_.isoformat()} – {figures.period.to.isoformat()}"]
    if name == "stages":
        rows: list[list[Any]] = [[k, word(f"stats.stage.{k}", lang), v] for k, v in figures.stages.items()]
        return StatsTable(name, word("stats.table.stages", lang), ["stage", "label", "count"], rows, notes)
    if name == "series":
        stages = list(figures.series[0].stages) if figures.series else []
        columns = ["start", "end", "label", *stages, "reuse_redistributed", "reuse_recycled", "reuse_rate", "hours"]
        rows = [
            [
                p.start.isoformat(),
                p.end.isoformat(),
                p.label,
                *(p.stages.get(s) for s in stages),
                p.reuse.redistributed,
                p.reuse.recycled,
                p.reuse.rate,
                p.insertion_labour_hours,
            ]
            for p in figures.series
        ]
        return StatsTable(name, word("stats.table.series", lang), columns, rows, notes)
    if name == "stock":
        rows = [["state", k, v] for k, v in figures.stock.by_state.items()]
        rows += [["region", f"{r.region} {r.region_name}".strip(), r.count] for r in figures.stock.by_region]
        rows += [["category", k, v] for k, v in figures.stock.by_category.items()]
        return StatsTable(name, word("stats.table.stock", lang), ["by", "key", "count"], rows, notes)
    if name == "stock_age":
        states = list(figures.stock_age[0].by_state) if figures.stock_age else []
        rows = [[b.label, b.min_days, b.max_days, b.count, *(b.by_state[s] for s in states)] for b in figures.stock_age]
        columns = ["label", "min_days", "max_days", "count", *states]
        return StatsTable(name, word("stats.table.stock_age", lang), columns, rows, notes)
    if name == "lead_times":
        rows = [_lead_rows(k, v) for k, v in figures.lead_times.items()]
        if figures.requests is not None:
            rows.append(_lead_rows("request_decided", figures.requests.waiting))
        columns = ["metric", "label", "count", "median_days", "p90_days"]
        return StatsTable(name, word("stats.table.lead_times", lang), columns, rows, notes)
    if name == "reuse":
        r = figures.reuse
        rows = [[r.redistributed, r.recycled, r.rate, figures.wipe_failure_rate]]
        columns = ["redistributed", "recycled", "reuse_rate", "wipe_failure_rate"]
        return StatsTable(name, word("stats.table.reuse", lang), columns, rows, notes)
    if name == "beneficiaries":
        rows = [[k, v] for k, v in figures.redistributed_by_beneficiary_category.items()]
        small = [figures.small_cells.rule] if figures.small_cells else []
        return StatsTable(name, word("stats.table.beneficiaries", lang), ["category", "count"], rows, notes + small)
    if name == "requests":
        q = figures.requests
        rows = []
        if q is not None:
            rows = [["count", q.count], ["devices_requested", q.devices_requested]]
            rows += [["devices_allocated", q.devices_allocated], ["fulfilment_rate", q.fulfilment_rate]]
            rows += [[f"status_{k}", v] for k, v in q.by_status.items()]
            rows += [["waiting_median_days", q.waiting.median_days], ["waiting_p90_days", q.waiting.p90_days]]
        return StatsTable(name, word("stats.table.requests", lang), ["measure", "value"], rows, notes)
    if name == "impact":
        i = figures.impact
        rows = [
            ["kg_ewaste_avoided", i.kg_ewaste_avoided, ""],
            ["kg_co2e_avoided", i.kg_co2e_avoided, ""],
            ["insertion_labour_hours", i.insertion_labour_hours, ""],
            ["devices", i.devices, ""],
        ]
        for f in i.factors:
            rows.append([f"weight_kg.{f.category}", f.weight_kg, f.source_weight.title])
            rows.append([f"co2e_kg_avoided.{f.category}", f.co2e_kg_avoided, f.source_co2e.title])
        notes.append(i.factor_set_version)
        return StatsTable(name, word("stats.table.impact", lang), ["measure", "value", "source"], rows, notes)
    if name == "groups":
        stages = list(figures.groups[0].stages) if figures.groups else []
        leads = list(figures.groups[0].lead_times) if figures.groups else []
        columns = ["key", "label", *stages, "reuse_rate", "stock_in_programme", "beneficiaries", "hours"]
        columns += [f"{m}_median_days" for m in leads]
        rows = [
            [
                g.key,
                g.label,
                *(g.stages.get(s) for s in stages),
                g.reuse.rate,
                g.stock_in_programme,
                g.beneficiaries,
                g.insertion_labour_hours,
                *(g.lead_times[m].median_days for m in leads),
            ]
            for g in figures.groups
        ]
        return StatsTable(name, word("stats.table.groups", lang), columns, rows, notes)
    raise NotFound("stats_table_unknown", name=name, known=", ".join(TABLES))


def every_table_csv(figures: Figures, lang: Lang = "fr") -> bytes:
    """The whole summary as one CSV: each table's title, its header and its rows, a blank line between."""
    rows: list[Sequence[Any]] = []
    for name in TABLES:
        t = table(figures, name, lang)
        rows.append([t.title, *t.notes])
        rows.append(t.columns)
        rows.extend(t.rows)
        rows.append([])
    return csv_bytes(rows)


def table_csv(t: StatsTable) -> bytes:
    return csv_bytes([t.columns, *t.rows])


# --- the pseudonymised history ---------------------------------------------------------------

EVENT_COLUMNS = (
    "event_id",
    "device",
    "seq",
    "action",
    "outcome",
    "from_state",
    "to_state",
    "occurred_at",
    "actor_kind",
    "donor_kind",
    "donor",
    "workshop",
    "region",
    "departement",
    "category",
    "grade",
    "beneficiary_category",
    "labour_minutes",
    "request",
    "request_approved_at",
    "corrects",
)


def pseudonym(kind: str, value: Any, length: int = 16) -> str:
    """A keyed hash (HMAC-SHA-256 with the service's secret): stable, not reversible without the key."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:length]


def _payload(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        decoded = msgspec.json.decode(value)
        return decoded if isinstance(decoded, dict) else {}
    return dict(value) if value else {}


def _aware(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


async def events_csv(actor: Actor, start: date | None, end: date | None) -> AsyncIterator[bytes]:
    """The history as CSV lines (committee and operator), optionally the entries of [start, end] only."""
    require_kind(actor, OrgKind.COMMITTEE, OrgKind.OPERATOR)
    since = datetime.combine(start, time.min, UTC) if start else None
    until = datetime.combine(end + timedelta(days=1), time.min, UTC) if end else None
    return _events(since, until)


async def _events(since: datetime | None, until: datetime | None) -> AsyncIterator[bytes]:
    orgs = {int(r["id"]): r for r in await fetch_all("SELECT id, kind, subkind, region, departement FROM organisation")}
    approved = {
        int(r["id"]): r["decided_at"]
        for r in await fetch_all("SELECT id, decided_at FROM equipment_request WHERE status <> 'rejected'")
    }
    yield "".join(csv_lines([EVENT_COLUMNS])).encode()
    last_device, last_seq = 0, 0
    device = -1
    workshop, grade, request = 0, "", None
    while True:
        rows = await fetch_all(
            "SELECT e.id, e.device, e.seq, e.action, e.outcome, e.from_state, e.to_state, e.occurred_at, "
            "e.actor_organisation, e.payload, e.corrects, d.asset_tag, d.donor, d.category FROM device_event e "
            "JOIN device d ON d.id = e.device WHERE (e.device > {} OR (e.device = {} AND e.seq > {})) "
            "ORDER BY e.device, e.seq LIMIT {}",
            last_device,
            last_device,
            last_seq,
            _PAGE,
        )
        if not rows:
            return
        fixes = await _fixes(int(rows[0]["device"]), int(rows[-1]["device"]))
        out = []
        for r in rows:
            if r["device"] != device:
                device, workshop, grade, request = r["device"], 0, "", None
            action, payload = r["action"], _payload(r["payload"])
            if action == "refurbish" and r["id"] in fixes:
                payload = {**payload, **fixes[r["id"]]}
            if action == "assign":
                workshop = int(payload.get("workshop_id") or 0)
            elif action in ("collect", "receive"):
                workshop = int(r["actor_organisation"])
            elif action == "withdraw":
                workshop = 0
            elif action == "refurbish":
                grade = str(payload.get("grade") or "")
            elif action == "reserve":
                request = payload.get("request_id")
            elif action == "release":
                request = None
            at = _aware(r["occurred_at"])
            if (since is not None and at < since) or (until is not None and at >= until):
                continue
            donor = int(r["donor"])
            shown_workshop = 0 if action == "declare" else workshop
            place = orgs.get(shown_workshop or donor) or {}
            actor_org = orgs.get(int(r["actor_organisation"])) or {}
            beneficiary = payload.get("beneficiary") if action == "hand_over" else None
            out.append(
                (
                    r["id"],
                    pseudonym("device", r["asset_tag"]),
                    r["seq"],
                    action,
                    r["outcome"],
                    r["from_state"],
                    r["to_state"],
                    at,
                    actor_org.get("kind") or "",
                    (orgs.get(donor) or {}).get("subkind") or "",
                    pseudonym("donor", donor, 12),
                    shown_workshop or "",
                    place.get("region") or "",
                    place.get("departement") or "",
                    r["category"],
                    grade,
                    (beneficiary or {}).get("category", "") if isinstance(beneficiary, dict) else "",
                    int(payload.get("labour_minutes") or 0) if action == "refurbish" else "",
                    pseudonym("request", request, 12) if action == "deliver" and request else "",
                    approved.get(int(request)) if action == "deliver" and request else None,
                    r["corrects"] or "",
                )
            )
        last_device, last_seq = int(rows[-1]["device"]), int(rows[-1]["seq"])
        yield "".join(csv_lines(out, bom=False)).encode()


async def _fixes(first: int, last: int) -> dict[int, dict[str, Any]]:
    """A page's refurbishments corrected: entry id -> the values of its last correction (a chain's
    corrections all name their original entry)."""
    rows = await fetch_all(
        "SELECT device, seq, payload FROM device_event WHERE device BETWEEN {} AND {} AND action = 'correct' "
        "ORDER BY device, seq",
        first,
        last,
    )
    fixes: dict[int, dict[str, Any]] = {}
    for r in rows:
        payload = _payload(r["payload"])
        if payload.get("corrected_action") == "refurbish":
            fixes[int(payload["original_event"])] = dict(payload.get("values") or {})
    return fixes


REQUEST_COLUMNS = (
    "request",
    "status",
    "created_at",
    "decided_at",
    "region",
    "departement",
    "category",
    "quantity",
    "allocated",
)


async def requests_csv(actor: Actor) -> bytes:
    """Every request's items, pseudonymised: the association only as its région and département."""
    require_kind(actor, OrgKind.COMMITTEE, OrgKind.OPERATOR)
    rows = await fetch_all(
        "SELECT q.id, q.status, q.created_at, q.decided_at, o.region, o.departement, i.category, i.quantity, "
        "i.allocated FROM equipment_request q JOIN organisation o ON o.id = q.association "
        "LEFT JOIN request_item i ON i.request = q.id ORDER BY q.id, i.id"
    )
    return csv_bytes(
        [
            REQUEST_COLUMNS,
            *(
                (
                    pseudonym("request", r["id"], 12),
                    r["status"],
                    _aware(r["created_at"]),
                    _aware(r["decided_at"]) if r["decided_at"] else None,
                    r["region"],
                    r["departement"],
                    r["category"] or "",
                    r["quantity"] or 0,
                    r["allocated"] or 0,
                )
                for r in rows
            ),
        ]
    )
