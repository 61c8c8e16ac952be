"""The one adapter between the committee's figures and what the bilan PDF and the `/comite` page draw.

Everything the drawings need is :class:`BilanData` (plain values, words not yet chosen); how it is
obtained is this module's business only: three questions to the figures service
(`ordi.stats.service.figures`, read from its rollups), the whole period with its series, then
grouped by région and by workshop. The cells about people come suppressed by the service ("< 11",
read here as ``None``), so the API, the bilan and the dashboard show the same cells.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import msgspec

from ordi.clock import now
from ordi.domain import disclosure
from ordi.domain.errors import InvalidRecord
from ordi.domain.lifecycle import Actor, OrgKind, State
from ordi.organisations.service import region_name_of
from ordi.organisations.tables import Organisation
from ordi.scoping import require_kind
from ordi.stats import service
from ordi.stats.schemas import StatsQuery

__all__ = [
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


async def gather(
    actor: Actor, start: date | None, end: date | None, grain: str = "month", progress: Progress | None = None
) -> BilanData:
    """The figures of [start, end] (the current year by default) and their series by `grain`.

    Three questions to the figures service (read from its rollups): the whole, by région, by workshop."""
    require_kind(actor, OrgKind.COMMITTEE, OrgKind.OPERATOR)
    if grain not in GRAINS:
        raise InvalidRecord("bilan_grain_invalid")
    query = StatsQuery(start=start, end=end, grain=grain)  # type: ignore[arg-type]
    whole = await service.figures(actor, query)
    if len(whole.series) > MAX_POINTS:
        raise InvalidRecord("bilan_series_too_long", max=MAX_POINTS)
    if progress is not None:
        await progress(1, 4)
    # The tables by région and workshop show no lead times: their groups' are not read.
    by_region = await service.figures(actor, msgspec.structs.replace(query, group_by="region"), group_leads=False)
    if progress is not None:
        await progress(2, 4)
    by_shop = await service.figures(actor, msgspec.structs.replace(query, group_by="refurbisher"), group_leads=False)
    if progress is not None:
        await progress(3, 4)

    def people(value: int | str) -> int | None:
        return None if isinstance(value, str) else int(value)

    stock = {r.region: r.count for r in whole.stock.by_region}
    regions = [
        AreaRow(
            code=g.key,
            name=region_name_of(g.key) or g.label,
            collected=g.stages.get("collected", 0),
            wiped=g.stages.get("wiped", 0),
            refurbished=g.stages.get("refurbished", 0),
            redistributed=people(g.beneficiaries),
            recycled=g.stages.get("recycled", 0),
            stock=stock.get(g.key, g.stock_in_programme),
        )
        for g in by_region.groups
        if g.key
    ]
    shops = [g for g in by_shop.groups if g.key.isdigit() and int(g.key) > 0]  # not "(none)": on a donor's shelf
    region_of = {
        int(r["id"]): r["region"]
        for r in await Organisation.select(Organisation.id, Organisation.region).where(
            Organisation.id.is_in([int(g.key) for g in shops] or [0])
        )
    }
    workshops = [
        WorkshopRow(
            name=g.label,
            region_name=region_name_of(region_of.get(int(g.key), "")),
            collected=g.stages.get("collected", 0),
            wiped=g.stages.get("wiped", 0),
            wipe_failed=g.stages.get("wipe_failed", 0),
            refurbished=g.stages.get("refurbished", 0),
            redistributed=people(g.beneficiaries),
            recycled=g.stages.get("recycled", 0),
            labour_hours=g.insertion_labour_hours,
        )
        for g in shops
    ]
    beneficiaries = {k: people(v) for k, v in whole.redistributed_by_beneficiary_category.items()}
    factors = [Factor(**msgspec.to_builtins(f)) for f in whole.impact.factors]
    by_factor = {f.category: f for f in factors}
    return BilanData(
        start=whole.period.from_,
        end=whole.period.to,
        grain=grain,
        generated_at=now(),
        stages=dict(whole.stages),
        series=[Point(p.start, p.end, dict(p.stages), p.reuse.rate) for p in whole.series],
        stock_by_state=dict(whole.stock.by_state),
        stock_age=[
            AgeBucket(b.min_days, None if b.max_days is None else b.max_days + 1, b.count)
            for b in reversed(whole.stock_age)
        ],
        lead_times=[
            LeadTime(key, lead.count, lead.median_days, lead.p90_days) for key, lead in whole.lead_times.items()
        ],
        reuse_rate=whole.reuse_rate,
        wipe_failure_rate=whole.wipe_failure_rate,
        regions=regions,
        workshops=workshops,
        beneficiaries=beneficiaries,
        beneficiaries_total=disclosure.suppressed_total(whole.stages.get("redistributed", 0)),
        redistributed_by_category=dict(whole.redistributed_by_category),
        kg_ewaste_avoided=whole.impact.kg_ewaste_avoided,
        kg_co2e_avoided=whole.impact.kg_co2e_avoided,
        insertion_labour_hours=whole.impact.insertion_labour_hours,
        co2e_by_category={
            c: round(n * by_factor[c].co2e_kg_avoided, 1)
            for c, n in whole.redistributed_by_category.items()
            if c in by_factor
        },
        factors=factors,
        factor_set_version=whole.impact.factor_set_version,
    )
