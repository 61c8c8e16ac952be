"""The committee's figures as the service returns them and the API answers them.

`StatsQuery` is what one asks (a period, a grain, filters, one grouping); `Figures` is every figure
of PRODUCT.md §5 for it. The structs refuse unknown fields: a figure added to the service without
its schema fails the contract test instead of vanishing. `Figures` keeps the fields of the first
summary (`period`, `stages`, `stock`, `redistributed_by_*`, `reuse_rate`, `wipe_failure_rate`,
`impact`) and adds the others.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

import msgspec

Grain = Literal["month", "quarter", "year"]
#: What a figure can be filtered and grouped by. `region` and `departement` are those of the
#: workshop in charge of the device at the event (of its donor before any workshop).
Dimension = Literal[
    "donor_kind", "donor", "refurbisher", "region", "departement", "category", "grade", "beneficiary_category"
]
DIMENSIONS: tuple[str, ...] = (
    "donor_kind",
    "donor",
    "refurbisher",
    "region",
    "departement",
    "category",
    "grade",
    "beneficiary_category",
)
#: A cell about people that may be suppressed: its count, or "< 11".
PeopleCount = int | str


class Filters(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Keep only what matches every given value (ids for donor and refurbisher, codes otherwise)."""

    donor_kind: str | None = None
    donor: int | None = None
    refurbisher: int | None = None
    region: str | None = None
    departement: str | None = None
    category: str | None = None
    grade: str | None = None
    beneficiary_category: str | None = None


class StatsQuery(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """One question of the committee: the days [start, end] (both included), a grain, filters, a grouping."""

    start: date | None = None  # default: 1 January of the current year
    end: date | None = None  # default: today
    grain: Grain = "month"
    group_by: Dimension | None = None
    filters: Filters = msgspec.field(default_factory=Filters)


class Period(msgspec.Struct, forbid_unknown_fields=True):
    from_: date = msgspec.field(name="from")
    to: date


class RegionStock(msgspec.Struct, forbid_unknown_fields=True):
    region: str
    region_name: str
    count: int


class Stock(msgspec.Struct, forbid_unknown_fields=True):
    """Devices in the programme now: per state (all), per région and category (those still in stock)."""

    by_state: dict[str, int]
    by_region: list[RegionStock]
    by_category: dict[str, int]


class AgeBucket(msgspec.Struct, forbid_unknown_fields=True):
    """Devices in stock whose last step is `min_days` to `max_days` days old (null: no upper bound)."""

    label: str
    min_days: int
    max_days: int | None
    count: int
    by_state: dict[str, int]


class LeadTime(msgspec.Struct, forbid_unknown_fields=True):
    """Durations in whole days (floor) of the devices (or requests) that reached the end step in the period.

    Percentiles by nearest rank: the smallest duration d such that at least p % of them took ≤ d days.
    """

    label: str
    count: int
    median_days: int | None
    p90_days: int | None


class Reuse(msgspec.Struct, forbid_unknown_fields=True):
    """Each device counted once, by its last fate in the period (handed over, recycled; returned or lost: neither)."""

    redistributed: int
    recycled: int
    rate: float | None


class RequestFigures(msgspec.Struct, forbid_unknown_fields=True):
    """Requests made in the period: their decisions, what was asked and allocated, and the waits."""

    count: int
    by_status: dict[str, int]
    devices_requested: int
    devices_allocated: int
    #: allocated ÷ requested over the requests of the period; null when nothing was requested.
    fulfilment_rate: float | None
    #: request made → decided (approved or rejected)
    waiting: LeadTime
    #: request approved → device delivered, over the deliveries of the period
    approved_to_delivered: LeadTime


class FactorSourceOut(msgspec.Struct, forbid_unknown_fields=True):
    title: str
    publisher: str
    year: int | None
    url: str
    note: str


class FactorOut(msgspec.Struct, forbid_unknown_fields=True):
    category: str
    #: kg per device
    weight_kg: float
    #: kg CO2e avoided per device
    co2e_kg_avoided: float
    source_weight: FactorSourceOut
    source_co2e: FactorSourceOut


class Impact(msgspec.Struct, forbid_unknown_fields=True):
    kg_ewaste_avoided: float
    kg_co2e_avoided: float
    insertion_labour_hours: float
    factors: list[FactorOut]
    #: The factor set: "défaut" or the file of ORDI_IMPACT_FACTORS, and a digest of its values and sources.
    factor_set_version: str = ""
    #: Devices the impact counts: redistributed by their last fate in the period.
    devices: int = 0


class SmallCells(msgspec.Struct, forbid_unknown_fields=True):
    """The rule applied to every cell that counts people (beneficiaries)."""

    threshold: int
    shown_as: str
    rule: str


class SeriesPoint(msgspec.Struct, forbid_unknown_fields=True):
    """One month, quarter or year of the period (cut to the period at both ends)."""

    start: date
    end: date
    label: str
    stages: dict[str, int]
    reuse: Reuse
    insertion_labour_hours: float


class Group(msgspec.Struct, forbid_unknown_fields=True):
    """The figures of one value of `group_by` (an id or a code, and its name)."""

    key: str
    label: str
    stages: dict[str, int]
    reuse: Reuse
    lead_times: dict[str, LeadTime]
    stock_in_programme: int
    #: hand-overs of the group (people): suppressed below the threshold
    beneficiaries: PeopleCount
    insertion_labour_hours: float


class Figures(msgspec.Struct, forbid_unknown_fields=True):
    """Every figure of PRODUCT.md §5 for one `StatsQuery`."""

    period: Period
    #: Steps recorded in the period, by stage (`declared`, `wiped`, `wipe_failed`, `redistributed`…).
    stages: dict[str, int]
    stock: Stock
    redistributed_by_category: dict[str, int]
    #: Hand-overs by beneficiary category; a cell under the threshold shows "< 11" (see `small_cells`).
    redistributed_by_beneficiary_category: dict[str, PeopleCount]
    #: Redistributed ÷ (redistributed + recycled) by last fate in the period; null when neither happened.
    reuse_rate: float | None
    wipe_failure_rate: float | None
    impact: Impact
    grain: Grain = "month"
    group_by: Dimension | None = None
    filters: Filters = msgspec.field(default_factory=Filters)
    reuse: Reuse = msgspec.field(default_factory=lambda: Reuse(0, 0, None))
    stock_age: list[AgeBucket] = msgspec.field(default_factory=list)
    lead_times: dict[str, LeadTime] = msgspec.field(default_factory=dict)
    requests: RequestFigures | None = None
    series: list[SeriesPoint] = msgspec.field(default_factory=list)
    groups: list[Group] = msgspec.field(default_factory=list)
    small_cells: SmallCells | None = None
    #: How each figure is computed, in French (the bilan's methodology annex repeats it).
    methodology: dict[str, str] = msgspec.field(default_factory=dict)


#: Kept for the first summary's name.
StatsSummary = Figures


class StatsTable(msgspec.Struct, forbid_unknown_fields=True):
    """One table of the figures, as rows of cells (the CSV export has the same columns)."""

    name: str
    title: str
    columns: list[str]
    rows: list[list[str | float | None]]
    notes: list[str] = msgspec.field(default_factory=list)
