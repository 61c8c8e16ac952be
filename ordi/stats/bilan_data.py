"""The one adapter between the committee's figures and what the bilan PDF and the `/comite` page draw.

Everything the drawings need is :class:`BilanData` (plain values, words not yet chosen); how it is
obtained is this module's business only. Today it is built on `ordi.stats.service.summary` (called
once for the whole period and once per month, quarter or year of the series, so the key figures are
the API's own), plus a few interim queries for what the summary does not give yet: stock age, lead
times, figures by workshop and by région. When the figures service with rollups lands
(`ordi.stats.service` with `lead_times`, `stock_age`, `series`…), only :func:`gather` changes.

The small-cell rule (:mod:`ordi.domain.disclosure`) is applied here, to every count of people
(hand-overs: one beneficiary each) broken down by a dimension, so both drawings show the same cells.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Count

from ordi.clock import now
from ordi.db import fetch_all
from ordi.devices.tables import Device
from ordi.domain import disclosure
from ordi.domain.errors import InvalidRecord
from ordi.domain.lifecycle import Actor, OrgKind, State
from ordi.organisations.service import region_name_of
from ordi.scoping import require_kind
from ordi.stats import service

__all__ = [
    "AGE_BUCKETS",
    "GRAINS",
    "SERIES_STAGES",
    "STOCK_STATES",
    "AgeBucket",
    "AreaRow",
    "BilanData",
    "Factor",
    "LeadTime",
    "Point",
    "WorkshopRow",
    "gather",
    "year_period",
]

GRAINS = ("month", "quarter", "year")
#: The stages the series draws (the others are in the totals).
SERIES_STAGES = ("declared", "collected", "wiped", "refurbished", "redistributed", "recycled")
#: Devices in the programme's hands, by state: a positive list (no `NOT IN` over the device table).
STOCK_STATES = (
    State.DECLARED,
    State.COLLECTED,
    State.RECEIVED,
    State.WIPED,
    State.READY,
    State.RESERVED,
    State.SHIPPED,
    State.DELIVERED,
    State.RETURNED,
)
#: Age since the last step, in days: [low, high), oldest bucket first as the committee reads it.
AGE_BUCKETS: tuple[tuple[int, int | None], ...] = ((365, None), (180, 365), (90, 180), (30, 90), (0, 30))
#: At most this many points in a series (five years by month).
MAX_POINTS = 60

Progress = Callable[[int, int], Awaitable[None]]


@dataclass(frozen=True)
class Point:
    """One month, quarter or year of the series: its first day, and the steps counted in it."""

    start: date
    end: date  # last day
    stages: dict[str, int]
    reuse_rate: float | None


@dataclass(frozen=True)
class AgeBucket:
    low_days: int
    high_days: int | None
    count: int


@dataclass(frozen=True)
class LeadTime:
    """Days between two steps of the same device, for the devices whose second step is in the period."""

    key: str  # declared_collected, received_ready, ready_handed_over, approved_delivered
    count: int
    median_days: float | None
    p90_days: float | None


@dataclass(frozen=True)
class AreaRow:
    """One région: its workshops' steps in the period and the stock they hold now."""

    code: str
    name: str
    collected: int
    wiped: int
    refurbished: int
    redistributed: int | None  # people: None when suppressed (small cell)
    recycled: int
    stock: int


@dataclass(frozen=True)
class WorkshopRow:
    name: str
    region_name: str
    collected: int
    wiped: int
    wipe_failed: int
    refurbished: int
    redistributed: int | None  # people: None when suppressed
    recycled: int
    labour_hours: float


@dataclass(frozen=True)
class Factor:
    category: str
    weight_kg: float
    co2e_kg_avoided: float
    source_weight: dict[str, Any]
    source_co2e: dict[str, Any]


@dataclass
class BilanData:
    """What the bilan and the dashboard draw, for one period and grain."""

    start: date
    end: date
    grain: str
    generated_at: datetime
    stages: dict[str, int]
    series: list[Point]
    stock_by_state: dict[str, int]
    stock_age: list[AgeBucket]
    lead_times: list[LeadTime]
    reuse_rate: float | None
    wipe_failure_rate: float | None
    regions: list[AreaRow]
    workshops: list[WorkshopRow]
    #: Beneficiary category -> people (None: suppressed), and their total.
    beneficiaries: dict[str, int | None]
    beneficiaries_total: int | None
    redistributed_by_category: dict[str, int]
    kg_ewaste_avoided: float
    kg_co2e_avoided: float
    insertion_labour_hours: float
    co2e_by_category: dict[str, float]
    factors: list[Factor]
    factor_set_version: str
    small_cell: int = disclosure.SMALL_CELL
    totals: dict[str, int | None] = field(default_factory=dict)

    @property
    def stock_total(self) -> int:
        return sum(self.stock_by_state.get(s.value, 0) for s in STOCK_STATES)


def year_period(year: int) -> tuple[date, date]:
    """The calendar year, up to today if it is the current one."""
    today = now().date()
    if not 2000 <= year <= today.year:
        raise InvalidRecord("bilan_year_invalid", max=today.year)
    return date(year, 1, 1), min(date(year, 12, 31), today)


def buckets(start: date, end: date, grain: str) -> list[tuple[date, date]]:
    """The months (quarters, years) that cover [start, end], each clipped to the period."""
    if grain not in GRAINS:
        raise InvalidRecord("bilan_grain_invalid")
    step = {"month": 1, "quarter": 3, "year": 12}[grain]
    month0 = ((start.month - 1) // step) * step + 1
    cursor = date(start.year, month0, 1)
    out: list[tuple[date, date]] = []
    while cursor <= end:
        year, month = divmod(cursor.month - 1 + step, 12)
        nxt = date(cursor.year + year, month + 1, 1)
        out.append((max(cursor, start), min(nxt - timedelta(days=1), end)))
        cursor = nxt
    if len(out) > MAX_POINTS:
        raise InvalidRecord("bilan_series_too_long", max=MAX_POINTS)
    return out


def _rate(done: int, other: int) -> float | None:
    return round(done / (done + other), 4) if done + other else None


async def gather(
    actor: Actor, start: date | None, end: date | None, grain: str = "month", progress: Progress | None = None
) -> BilanData:
    """The figures of [start, end] (the current year by default) and their series by `grain`."""
    require_kind(actor, OrgKind.COMMITTEE, OrgKind.OPERATOR)
    whole = await service.summary(actor, start, end)
    first, last = date.fromisoformat(whole["period"]["from"]), date.fromisoformat(whole["period"]["to"])
    spans = buckets(first, last, grain)
    steps = len(spans) + 2
    series: list[Point] = []
    for i, (a, b) in enumerate(spans):
        part = await service.summary(actor, a, b)
        stages = part["stages"]
        series.append(Point(a, b, stages, _rate(stages["redistributed"], stages["recycled"])))
        if progress is not None:
            await progress(i + 1, steps)

    since = datetime(first.year, first.month, first.day, tzinfo=UTC)
    until = datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=1)
    workshops, regions = await _by_workshop_and_region(since, until, whole)
    stock_age = await _stock_age()
    lead_times = await _lead_times(since, until)
    if progress is not None:
        await progress(steps - 1, steps)

    raw_beneficiaries = {k: int(v) for k, v in whole["redistributed_by_beneficiary_category"].items()}
    impact = whole["impact"]
    factors = [Factor(**f) for f in impact["factors"]]
    by_factor = {f.category: f for f in factors}
    co2e_by_category = {
        category: round(n * by_factor[category].co2e_kg_avoided, 1)
        for category, n in whole["redistributed_by_category"].items()
        if category in by_factor
    }
    return BilanData(
        start=first,
        end=last,
        grain=grain,
        generated_at=now(),
        stages=dict(whole["stages"]),
        series=series,
        stock_by_state=dict(whole["stock"]["by_state"]),
        stock_age=stock_age,
        lead_times=lead_times,
        reuse_rate=whole["reuse_rate"],
        wipe_failure_rate=whole["wipe_failure_rate"],
        regions=regions,
        workshops=workshops,
        beneficiaries=disclosure.suppress(raw_beneficiaries),
        beneficiaries_total=disclosure.suppressed_total(sum(raw_beneficiaries.values())),
        redistributed_by_category=dict(whole["redistributed_by_category"]),
        kg_ewaste_avoided=impact["kg_ewaste_avoided"],
        kg_co2e_avoided=impact["kg_co2e_avoided"],
        insertion_labour_hours=impact["insertion_labour_hours"],
        co2e_by_category=co2e_by_category,
        factors=factors,
        factor_set_version=str(impact.get("factor_set_version") or _fingerprint(impact["factors"])),
    )


def _fingerprint(factors: list[dict[str, Any]]) -> str:
    """Until the figures service names its factor set: a short digest of the factors and their
    sources, so that two bilans computed with the same factors say the same word."""
    digest = hashlib.sha256(json.dumps(factors, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return f"#{digest[:8]}"


# --- interim figures, until the figures service gives them (see the module's docstring) -------


def _when(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


_WORKSHOP_STAGES = {
    ("collect", "done"): "collected",
    ("wipe", "done"): "wiped",
    ("wipe", "failed"): "wipe_failed",
    ("refurbish", "done"): "refurbished",
    ("recycle", "done"): "recycled",
}


async def _by_workshop_and_region(
    since: datetime, until: datetime, whole: dict[str, Any]
) -> tuple[list[WorkshopRow], list[AreaRow]]:
    """Each workshop's steps in the period (its own events), and its devices handed over."""
    steps = await fetch_all(
        "SELECT o.id AS org, o.name AS name, o.region AS region, e.action AS action, e.outcome AS outcome, "
        "COUNT(*) AS count FROM device_event e JOIN organisation o ON o.id = e.actor_organisation "
        "WHERE e.occurred_at >= {} AND e.occurred_at < {} AND o.kind = 'refurbisher' "
        "AND e.action IN ('collect', 'wipe', 'refurbish', 'recycle') "
        "GROUP BY o.id, o.name, o.region, e.action, e.outcome",
        since,
        until,
    )
    handed = await fetch_all(
        "SELECT o.id AS org, o.name AS name, o.region AS region, COUNT(*) AS count FROM device_event e "
        "JOIN device d ON d.id = e.device JOIN organisation o ON o.id = d.refurbisher "
        "WHERE e.action = 'hand_over' AND e.occurred_at >= {} AND e.occurred_at < {} "
        "GROUP BY o.id, o.name, o.region",
        since,
        until,
    )
    minutes = service._json_text("e.payload", "labour_minutes")
    labour = await fetch_all(
        f"SELECT e.actor_organisation AS org, COALESCE(SUM(CAST({minutes} AS INTEGER)), 0) AS minutes "  # noqa: S608
        "FROM device_event e WHERE e.action = 'refurbish' AND e.occurred_at >= {} AND e.occurred_at < {} "
        "GROUP BY e.actor_organisation",
        since,
        until,
    )
    shops: dict[int, dict[str, Any]] = {}

    def shop(row: dict[str, Any]) -> dict[str, Any]:
        return shops.setdefault(
            int(row["org"]), {"name": row["name"], "region": row["region"] or "", "counts": defaultdict(int)}
        )

    for row in steps:
        stage = _WORKSHOP_STAGES.get((row["action"], row["outcome"]))
        if stage:
            shop(row)["counts"][stage] += int(row["count"])
    for row in handed:
        shop(row)["counts"]["redistributed"] += int(row["count"])
    minutes_by_org = {int(r["org"]): int(r["minutes"] or 0) for r in labour}

    ordered = sorted(shops.items(), key=lambda item: (item[1]["region"], item[1]["name"]))
    people = disclosure.suppress({str(org): s["counts"]["redistributed"] for org, s in ordered})
    workshops = [
        WorkshopRow(
            name=s["name"],
            region_name=region_name_of(s["region"]),
            collected=s["counts"]["collected"],
            wiped=s["counts"]["wiped"],
            wipe_failed=s["counts"]["wipe_failed"],
            refurbished=s["counts"]["refurbished"],
            redistributed=people[str(org)],
            recycled=s["counts"]["recycled"],
            labour_hours=round(minutes_by_org.get(org, 0) / 60, 1),
        )
        for org, s in ordered
    ]

    per_region: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for s in shops.values():
        for stage, n in s["counts"].items():
            per_region[s["region"]][stage] += n
    stock = {r["region"]: int(r["count"]) for r in whole["stock"]["by_region"]}
    codes = sorted(set(per_region) | set(stock))
    region_people = disclosure.suppress({code: per_region[code]["redistributed"] for code in codes})
    regions = [
        AreaRow(
            code=code,
            name=region_name_of(code),
            collected=per_region[code]["collected"],
            wiped=per_region[code]["wiped"],
            refurbished=per_region[code]["refurbished"],
            redistributed=region_people[code],
            recycled=per_region[code]["recycled"],
            stock=stock.get(code, 0),
        )
        for code in codes
    ]
    return workshops, regions


async def _stock_age() -> list[AgeBucket]:
    """Devices in stock now, by days since their last step."""
    today = now()
    in_stock = Device.state.is_in([s.value for s in STOCK_STATES])
    out: list[AgeBucket] = []
    for low, high in AGE_BUCKETS:
        where = in_stock & (Device.state_changed_at <= today - timedelta(days=low))
        if high is not None:
            where = where & (Device.state_changed_at > today - timedelta(days=high))
        rows = await Device.select(Count()).where(where)
        out.append(AgeBucket(low, high, int(rows[0]["count"]) if rows else 0))
    return out


#: Lead time -> (first action, second action, second step's condition).
_LEAD_TIMES: dict[str, tuple[str, str, str]] = {
    "declared_collected": ("declare", "collect", ""),
    "received_ready": ("receive", "refurbish", "AND b.to_state = 'ready'"),
    "ready_handed_over": ("refurbish", "hand_over", ""),
}


def quantile(days: list[float], q: float) -> float | None:
    """Nearest-rank quantile (the median of 4 values is the 2nd): a value that was observed."""
    if not days:
        return None
    ordered = sorted(days)
    return round(ordered[max(0, math.ceil(q * len(ordered)) - 1)], 1)


async def _lead_times(since: datetime, until: datetime) -> list[LeadTime]:
    out: list[LeadTime] = []
    for key, (first, second, condition) in _LEAD_TIMES.items():
        rows = await fetch_all(
            "SELECT b.occurred_at AS b_at, (SELECT MAX(a.occurred_at) FROM device_event a "  # noqa: S608
            "WHERE a.device = b.device AND a.action = {} AND a.outcome = 'done' AND a.seq < b.seq) AS a_at "
            "FROM device_event b WHERE b.action = {} AND b.outcome = 'done' "
            f"AND b.occurred_at >= {{}} AND b.occurred_at < {{}} {condition}",
            first,
            second,
            since,
            until,
        )
        days = [(_when(r["b_at"]) - _when(r["a_at"])).total_seconds() / 86400 for r in rows if r["a_at"] is not None]
        out.append(LeadTime(key, len(days), quantile(days, 0.5), quantile(days, 0.9)))
    rows = await fetch_all(
        "SELECT e.occurred_at AS b_at, r.decided_at AS a_at FROM device_event e JOIN device d ON d.id = e.device "
        "JOIN equipment_request r ON r.id = d.request WHERE e.action = 'deliver' AND e.outcome = 'done' "
        "AND r.decided_at IS NOT NULL AND r.status IN ('approved', 'fulfilled') "
        "AND e.occurred_at >= {} AND e.occurred_at < {}",
        since,
        until,
    )
    days = [(_when(r["b_at"]) - _when(r["a_at"])).total_seconds() / 86400 for r in rows]
    out.append(LeadTime("approved_delivered", len(days), quantile(days, 0.5), quantile(days, 0.9)))
    return out
