"""The committee's figures (PRODUCT.md §5), read from the rollups (ordi.stats.tables).

`figures(actor, query)` is the one entry point: the API, the CSV exports, the bilan and the
dashboard all call it. Each question reads the smallest level of rollups that holds its
dimensions (A: category and beneficiary only; W: and workshop, région, département; N: and donor,
donor kind; G: and grade), its whole years from the year rows (what has no monthly series), its
whole months from the month rows and its other days from the day rows: a few narrow queries run
together, each grouped by the database to the few rows the answer needs (lead-time percentiles
included), whatever the size of the log. The journal is folded in first (`rollups.fold`). No
personal data is read; cells that count people are suppressed below the threshold (`small_cells`).
"""

from __future__ import annotations

import asyncio
import calendar
import dataclasses
import hashlib
import json
from collections.abc import Coroutine, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, get_args

import msgspec

from ordi.config import get_settings, impact_factors
from ordi.db import engine, execute_in_transaction, fetch_all, is_postgres, write_transaction
from ordi.domain import geography, impact
from ordi.domain.errors import InvalidRecord
from ordi.domain.lifecycle import Actor, OrgKind, State
from ordi.domain.records import BeneficiaryCategory
from ordi.i18n import Lang, word
from ordi.organisations.service import region_name_of
from ordi.organisations.tables import Organisation
from ordi.scoping import require_kind
from ordi.stats import rollups
from ordi.stats.schemas import (
    AgeBucket,
    FactorOut,
    FactorSourceOut,
    Figures,
    Group,
    Impact,
    LeadTime,
    Period,
    RegionStock,
    RequestFigures,
    Reuse,
    SeriesPoint,
    SmallCells,
    StatsQuery,
    Stock,
)

# Stage name for the committee -> (action, outcome) in the event log.
STAGES: dict[str, tuple[str, str]] = {
    "declared": ("declare", "done"),
    "collected": ("collect", "done"),
    "received": ("receive", "done"),
    "wiped": ("wipe", "done"),
    "wipe_failed": ("wipe", "failed"),
    "refurbished": ("refurbish", "done"),
    "reserved": ("reserve", "done"),
    "shipped": ("ship", "done"),
    "delivered": ("deliver", "done"),
    "redistributed": ("hand_over", "done"),
    "returned": ("return", "done"),
    "recycled": ("recycle", "done"),
    "lost": ("lose", "done"),
    "withdrawn": ("withdraw", "done"),
}
_STAGE_OF = {key: name for name, key in STAGES.items()}
#: The programme's stock: a positive list (an index reads only these states).
IN_STOCK: tuple[str, ...] = (
    State.DECLARED.value,
    State.COLLECTED.value,
    State.RECEIVED.value,
    State.WIPED.value,
    State.READY.value,
    State.RESERVED.value,
    State.SHIPPED.value,
    State.DELIVERED.value,
    State.RETURNED.value,
)
LEAD_METRICS = ("declared_collected", "received_ready", "ready_handed_over", "approved_delivered")
#: Age buckets of the stock, in days since the last step: (low, high or None).
AGE_BUCKETS: tuple[tuple[int, int | None], ...] = ((0, 7), (8, 30), (31, 90), (91, 180), (181, 365), (366, None))
BENEFICIARY_CATEGORIES: tuple[str, ...] = get_args(BeneficiaryCategory)
SMALL_CELL = 11
SUPPRESSED = f"< {SMALL_CELL}"
_LEVEL_A = frozenset({"category", "beneficiary_category"})
#: Level -> the dimensions it holds (ordi.stats.rollups.LEVELS), smallest first.
_LEVEL_DIMENSIONS: tuple[tuple[str, frozenset[str]], ...] = (
    ("A", _LEVEL_A),
    ("G", _LEVEL_A | {"grade"}),
    ("N", _LEVEL_A | {"donor", "donor_kind"}),
    ("W", _LEVEL_A | {"refurbisher", "region", "departement"}),
)
_NOT_YET = date(9999, 12, 31)


def period(start: date | None, end: date | None) -> tuple[datetime, datetime]:
    """[from 00:00, day after `to` 00:00) in UTC; defaults to the current calendar year."""
    first, last = days_of(start, end)
    return datetime.combine(first, time.min, UTC), datetime.combine(last + timedelta(days=1), time.min, UTC)


def days_of(start: date | None, end: date | None) -> tuple[date, date]:
    today = datetime.now(UTC).date()
    first = start or date(today.year, 1, 1)
    last = end or today
    if last < first:
        raise InvalidRecord("period_invalid")
    return first, last


# --- the plan of one question ----------------------------------------------------------------


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def segments(first: date, last: date, *, years: bool = False) -> list[tuple[str, date, date]]:
    """The period as whole years (Y rows, with `years`), whole months (M rows) and loose days
    (D rows): (grain, from, to) inclusive, the row days of each grain."""
    months = _month_segments(first, last)
    if not years:
        return months
    out = []
    for grain, low, high in months:
        first_year = low.year if low.month == 1 else low.year + 1
        last_year = high.year if high.month == 12 else high.year - 1
        if grain != "M" or first_year > last_year:
            out.append((grain, low, high))
            continue
        if low.year < first_year:
            out.append(("M", low, date(low.year, 12, 1)))
        out.append(("Y", date(first_year, 1, 1), date(last_year, 1, 1)))
        if high.year > last_year:
            out.append(("M", date(high.year, 1, 1), high))
    return out


def _month_segments(first: date, last: date) -> list[tuple[str, date, date]]:
    out: list[tuple[str, date, date]] = []
    month = first if first.day == 1 else _next_month(first)
    if month > last or _month_end(month) > last:
        return [("D", first, last)]
    if first < month:
        out.append(("D", first, month - timedelta(days=1)))
    last_full = month
    while _month_end(_next_month(last_full)) <= last:
        last_full = _next_month(last_full)
    out.append(("M", month, last_full))
    if _month_end(last_full) < last:
        out.append(("D", _month_end(last_full) + timedelta(days=1), last))
    return out


def level_for(query: StatsQuery) -> str:
    used = {name for name, value in msgspec.structs.asdict(query.filters).items() if value is not None}
    if query.group_by:
        used.add(query.group_by)
    for level, dimensions in _LEVEL_DIMENSIONS:
        if used <= dimensions:
            return level
    raise InvalidRecord("stats_dimensions_unsupported", used=", ".join(sorted(used)))


@dataclass
class _Where:
    """The joins, conditions and arguments of one rollup query."""

    joins: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    args: list[Any] = field(default_factory=list)

    def sql(self) -> str:
        return " ".join(self.joins) + (" WHERE " + " AND ".join(self.conditions) if self.conditions else "")


_PLACE = "CASE WHEN t.workshop > 0 THEN t.workshop ELSE t.donor END"


def _group_expression(dimension: str | None) -> str:
    return {
        None: "''",
        "donor_kind": "COALESCE(dn.subkind, '')",
        "donor": "t.donor",
        "refurbisher": "t.workshop",
        "region": "COALESCE(p.region, '')",
        "departement": "COALESCE(p.departement, '')",
        "category": "t.category",
        "grade": "t.grade",
        "beneficiary_category": "t.beneficiary",
    }[dimension]


def _where(
    query: StatsQuery,
    level: str,
    *,
    periodic: tuple[date, date] | None,
    beneficiary: bool,
    region_join: bool = False,
    years: bool = False,
) -> _Where:
    w = _Where(conditions=["t.level = {}"], args=[level])
    f = query.filters
    dims = {query.group_by} | {k for k, v in msgspec.structs.asdict(f).items() if v is not None}
    if region_join or dims & {"region", "departement"}:
        w.joins.append(f"LEFT JOIN organisation p ON p.id = {_PLACE}")
    if "donor_kind" in dims:
        w.joins.append("LEFT JOIN organisation dn ON dn.id = t.donor")
    if periodic is not None:
        parts = []
        for grain, low, high in segments(*periodic, years=years):
            parts.append("(t.grain = {} AND t.day >= {} AND t.day <= {})")
            w.args.extend([grain, low, high])
        w.conditions.append("(" + " OR ".join(parts) + ")")
    simple = {"donor": "t.donor", "refurbisher": "t.workshop", "category": "t.category", "grade": "t.grade"}
    for name, column in simple.items():
        value = getattr(f, name)
        if value is not None:
            w.conditions.append(f"{column} = {{}}")
            w.args.append(value)
    if f.region is not None:
        w.conditions.append("p.region = {}")
        w.args.append(f.region)
    if f.departement is not None:
        w.conditions.append("p.departement = {}")
        w.args.append(_departement(f.departement))
    if f.donor_kind is not None:
        w.conditions.append("dn.subkind = {}")
        w.args.append(f.donor_kind)
    if beneficiary and f.beneficiary_category is not None:
        w.conditions.append("t.beneficiary = {}")
        w.args.append(f.beneficiary_category)
    return w


def _departement(code: str) -> str:
    try:
        return geography.normalise_departement(code)
    except (KeyError, ValueError):
        return code.upper()  # no such département: matches nothing


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# --- series buckets --------------------------------------------------------------------------


def buckets(first: date, last: date, grain: str) -> list[tuple[date, date]]:
    """The months, quarters or years of the period, cut to it at both ends."""
    out = []
    start = first
    while start <= last:
        if grain == "year":
            end = date(start.year, 12, 31)
        elif grain == "quarter":
            q_end_month = ((start.month - 1) // 3 + 1) * 3
            end = _month_end(date(start.year, q_end_month, 1))
        else:
            end = _month_end(start)
        end = min(end, last)
        out.append((start, end))
        start = end + timedelta(days=1)
    return out


def _bucket_label(start: date, grain: str) -> str:
    if grain == "year":
        return str(start.year)
    if grain == "quarter":
        return f"{start.year}-T{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def _bucket_index(spans: list[tuple[date, date]], day: date) -> int:
    for i, (low, high) in enumerate(spans):
        if low <= day <= high:
            return i
    return -1


# --- pure figures ----------------------------------------------------------------------------


def percentile(distribution: Mapping[int, int], p: float) -> int | None:
    """Nearest rank: the smallest value v such that at least p of the observations are ≤ v."""
    total = sum(distribution.values())
    if total <= 0:
        return None
    rank = max(1, -(-int(p * 100) * total // 100))  # ceil(p × total), exact for p in hundredths
    seen = 0
    for value in sorted(distribution):
        seen += distribution[value]
        if seen >= rank:
            return value
    return max(distribution)  # pragma: no cover - rank ≤ total


def lead_time(label: str, distribution: Mapping[int, int]) -> LeadTime:
    return LeadTime(
        label=label,
        count=sum(distribution.values()),
        median_days=percentile(distribution, 0.5),
        p90_days=percentile(distribution, 0.9),
    )


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def suppress(cells: Mapping[str, int]) -> dict[str, int | str]:
    """Small cells of people: 1 to 10 shows "< 11"; a lone hidden cell takes the smallest other with it;
    a table whose total is under 11 hides every cell (zeros too: "all were job seekers" is a disclosure)."""
    total = sum(cells.values())
    if 0 < total < SMALL_CELL:
        return {k: SUPPRESSED for k in cells}
    hidden = {k for k, v in cells.items() if 0 < v < SMALL_CELL}
    if len(hidden) == 1:
        others = sorted((v, k) for k, v in cells.items() if v > 0 and k not in hidden)
        if others:
            hidden.add(others[0][1])
    return {k: (SUPPRESSED if k in hidden else v) for k, v in cells.items()}


def factor_set_version(factors: Mapping[str, impact.ImpactFactor]) -> str:
    """Which factors were used: the default set or the file, and a digest of every value and source."""
    canonical = json.dumps(
        {k: dataclasses.asdict(v) for k, v in sorted(factors.items())}, sort_keys=True, ensure_ascii=False
    )
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:12]
    path = get_settings().impact_factors_path
    name = "défaut" if path is None else path.rsplit("/", 1)[-1]
    return f"{name}-{digest}"


def _reuse(rows: Iterable[tuple[str, date, int]], end: date) -> tuple[int, int]:
    """(redistributed, recycled) by last fate: a hand-over counts if its device stayed past `end`."""
    handed = recycled = 0
    for fate, until, n in rows:
        if fate == "recycle":
            recycled += n
        elif until > end:
            handed += n
    return handed, recycled


# --- the figures -----------------------------------------------------------------------------


async def figures(actor: Actor, query: StatsQuery, lang: Lang = "fr", *, group_leads: bool = True) -> Figures:
    """Every figure of PRODUCT.md §5 for one question (committee and operator only)."""
    require_kind(actor, OrgKind.COMMITTEE, OrgKind.OPERATOR)
    return await compute(query, lang, group_leads=group_leads)


async def compute(query: StatsQuery, lang: Lang = "fr", *, group_leads: bool = True) -> Figures:
    """The figures without the role check (the bilan's job, which checked it when asked).

    `group_leads=False`: the groups' lead times are left empty (count 0), for a caller that does
    not show them (the bilan's tables by région and workshop): the costliest read of a grouping."""
    await rollups.fold()  # the entries not yet in the rollups: the figures are those of now
    first, last = days_of(query.start, query.end)
    level = level_for(query)
    spans = buckets(first, last, query.grain)
    group = _group_expression(query.group_by)
    people_view = query.group_by == "beneficiary_category" or query.filters.beneficiary_category is not None

    grouped = query.group_by is not None
    no_people = "''" if query.group_by == "beneficiary_category" else group
    # The answer's own figures depend on its filters only: read at their level (A without any),
    # the groups' at the level of the grouping, from their year rows where they can.
    whole = msgspec.structs.replace(query, group_by=None)
    whole_level = level_for(whole)
    place_level = "w" if level == "A" else level.lower()  # the stock without its age (rollups.SINCELESS)
    reads = [
        _counts(whole, whole_level, first, last),
        _handed(query, level, first, last, group),
        _fates(whole, whole_level, first, last),
        _leads(whole, whole_level, first, last, "''"),
        _stock(whole, whole_level),
        _stock_places(query, place_level, no_people),
    ]
    if grouped:
        reads += [
            _group_counts(query, level, first, last, group),
            _group_fates(query, level, first, last, no_people),
        ]
        if group_leads:
            reads.append(_leads(query, level, first, last, group))
    counts, handed_rows, fates, leads, stock_rows, place_rows, *by_group = await _together(*reads)
    g_counts, g_fate_rows, g_lead_rows = (*by_group, [])[:3] if grouped else ([], [], [])

    stages = {name: 0 for name in STAGES}
    minutes = 0
    series_stages = [{name: 0 for name in STAGES} for _ in spans]
    series_minutes = [0 for _ in spans]
    for r in counts:
        name = _STAGE_OF.get((r["action"], r["outcome"]))
        n, m = int(r["n"]), int(r["minutes"] or 0)
        minutes += m
        i = _bucket_index(spans, _day(r["day"]))
        if i >= 0:
            series_minutes[i] += m
        if name is None:
            continue
        stages[name] += n
        if i >= 0:
            series_stages[i][name] += n
    g_stages: dict[str, dict[str, int]] = {}
    g_minutes: dict[str, int] = {}
    for r in g_counts:
        name = _STAGE_OF.get((r["action"], r["outcome"]))
        key = str(r["g"])
        g_minutes[key] = g_minutes.get(key, 0) + int(r["minutes"] or 0)
        if name is not None:
            g_stages.setdefault(key, {s: 0 for s in STAGES})[name] += int(r["n"])
    by_category: dict[str, int] = {}
    by_beneficiary: dict[str, int] = {}
    g_people: dict[str, int] = {}
    for r in handed_rows:
        n = int(r["n"])
        by_category[r["category"]] = by_category.get(r["category"], 0) + n
        benef = r["beneficiary"] or "unknown"
        by_beneficiary[benef] = by_beneficiary.get(benef, 0) + n
        if grouped:
            g_people[str(r["g"])] = g_people.get(str(r["g"]), 0) + n

    handed, recycled = _reuse(((r["fate"], _day(r["until"]), int(r["n"])) for r in fates), last)
    final_by_category: dict[str, int] = {}
    s_fates: list[list[tuple[str, date, int]]] = [[] for _ in spans]
    for r in fates:
        row = (r["fate"], _day(r["until"]), int(r["n"]))
        if row[0] == "hand_over" and row[1] > last:
            final_by_category[r["category"]] = final_by_category.get(r["category"], 0) + row[2]
        i = _bucket_index(spans, _day(r["day"]))
        if i >= 0:
            s_fates[i].append(row)
    g_fates: dict[str, list[tuple[str, date, int]]] = {}
    for r in g_fate_rows:  # `stays`: the device had not come back by the period's end
        until = _NOT_YET if int(r["stays"]) else last
        g_fates.setdefault(str(r["g"]), []).append((r["fate"], until, int(r["n"])))

    lead_all = _lead_figures(leads, lang).get("", {})
    g_leads = _lead_figures(g_lead_rows, lang)
    lead_times = {m: lead_all.get(m) or _no_lead(m, lang) for m in LEAD_METRICS}

    stock, stock_age, g_stock = _stock_figures(stock_rows, place_rows, lang)
    requests = await _requests(query, first, last, lead_times["approved_delivered"], lang)

    factors = impact_factors()
    totals = impact.impact_of(final_by_category, factors, labour_minutes=minutes)
    beneficiary_cells = suppress({**{c: 0 for c in BENEFICIARY_CATEGORIES}, **by_beneficiary})
    if people_view:  # hand-overs then only appear in the suppressed cells
        stages.pop("redistributed")
        for point in series_stages:
            point.pop("redistributed")

    labels = await _labels(query.group_by, set(g_stages) | set(g_fates) | set(g_leads) | set(g_stock), lang)
    group_people = suppress(g_people)
    groups = []
    if query.group_by:
        for key in sorted(set(g_stages) | set(g_fates) | set(g_leads) | set(g_stock), key=lambda k: labels.get(k, k)):
            g_handed, g_recycled = _reuse(g_fates.get(key, []), last)
            g_stage = g_stages.get(key, {s: 0 for s in STAGES})
            if people_view:
                g_stage.pop("redistributed", None)
            per = g_leads.get(key, {})
            groups.append(
                Group(
                    key=key,
                    label=labels.get(key, key),
                    stages=g_stage,
                    reuse=Reuse(g_handed, g_recycled, rate(g_handed, g_handed + g_recycled)),
                    lead_times={m: per.get(m) or _no_lead(m, lang) for m in LEAD_METRICS},
                    stock_in_programme=g_stock.get(key, 0),
                    beneficiaries=group_people.get(key, 0),
                    insertion_labour_hours=round(g_minutes.get(key, 0) / 60, 1),
                )
            )
    series = []
    for i, (low, high) in enumerate(spans):
        s_handed, s_recycled = _reuse(s_fates[i], high)
        series.append(
            SeriesPoint(
                start=low,
                end=high,
                label=_bucket_label(low, query.grain),
                stages=series_stages[i],
                reuse=Reuse(s_handed, s_recycled, rate(s_handed, s_handed + s_recycled)),
                insertion_labour_hours=round(series_minutes[i] / 60, 1),
            )
        )
    wiped, failed = stages["wiped"], stages["wipe_failed"]
    reuse = Reuse(handed, recycled, rate(handed, handed + recycled))
    return Figures(
        period=Period(from_=first, to=last),
        stages=stages,
        stock=stock,
        redistributed_by_category=by_category,
        redistributed_by_beneficiary_category=beneficiary_cells,
        reuse_rate=reuse.rate,
        wipe_failure_rate=rate(failed, wiped + failed),
        impact=Impact(
            kg_ewaste_avoided=round(totals.kg_ewaste_avoided, 1),
            kg_co2e_avoided=round(totals.kg_co2e_avoided, 1),
            insertion_labour_hours=round(totals.labour_hours, 1),
            factors=[_factor_out(f) for f in factors.values()],
            factor_set_version=factor_set_version(factors),
            devices=totals.devices,
        ),
        grain=query.grain,
        group_by=query.group_by,
        filters=query.filters,
        reuse=reuse,
        stock_age=stock_age,
        lead_times=lead_times,
        requests=requests,
        series=series,
        groups=groups,
        small_cells=SmallCells(
            threshold=SMALL_CELL,
            shown_as=SUPPRESSED,
            rule=word("stats.small_cells.rule", lang, limit=SMALL_CELL - 1, threshold=SMALL_CELL),
        ),
        methodology={
            key: word(f"stats.method.{key}", lang)
            for key in ("stages", "reuse", "lead_times", "stock", "dimensions", "requests", "impact", "source")
        },
    )


def _factor_out(f: impact.ImpactFactor) -> FactorOut:
    return FactorOut(
        category=f.category,
        weight_kg=f.weight_kg,
        co2e_kg_avoided=f.co2e_kg_avoided,
        source_weight=FactorSourceOut(**dataclasses.asdict(f.source_weight)),
        source_co2e=FactorSourceOut(**dataclasses.asdict(f.source_co2e)),
    )


async def _together(*reads: Coroutine[Any, Any, list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """The rollup reads at once, each on its pooled connection (PostgreSQL works them on its cores);
    one after the other inside a caller's transaction, which has one connection."""
    if engine().current_transaction.get() is not None:  # type: ignore[attr-defined]
        return [await read for read in reads]
    if not is_postgres():
        return list(await asyncio.gather(*reads))
    return list(await asyncio.gather(*(_tuned(read) for read in reads)))


#: A rollup read is a few index ranges grouped in memory, done in milliseconds: PostgreSQL's JIT
#: (compiled when the planner's estimate is large, as over a few hundred thousand rows) costs it
#: from 50 ms to a second, and a sort that spills to disk more than the read.
_READ_SETTINGS = "SELECT set_config('jit', 'off', true) AS jit, set_config('work_mem', '64MB', true) AS mem"


async def _tuned(read: Coroutine[Any, Any, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One read in a transaction of its own (its pooled connection), its settings local to it."""
    async with write_transaction():
        await execute_in_transaction(_READ_SETTINGS)
        return await read


def _also(group: str) -> str:
    """The grouping's expression in a GROUP BY, if any (PostgreSQL refuses a constant there)."""
    return "" if group == "''" else f", {group}"


def _period_sql(
    query: StatsQuery, level: str, first: date, last: date, *, beneficiary: bool, years: bool = True
) -> _Where:
    """The rows of a period: its whole years from the year rows (the reads without a series, or
    a series by year), its other whole months from the month rows, its loose days from the days'."""
    return _where(query, level, periodic=(first, last), beneficiary=beneficiary, years=years)


async def _counts(query: StatsQuery, level: str, first: date, last: date) -> list[dict[str, Any]]:
    """Steps and labour minutes per day (or month) and stage: the totals and the series."""
    w = _period_sql(query, level, first, last, beneficiary=True, years=query.grain == "year")
    return await fetch_all(
        f"SELECT t.day AS day, t.action AS action, t.outcome AS outcome, SUM(t.n) AS n, "  # noqa: S608
        f"SUM(t.minutes) AS minutes FROM stats_count t {w.sql()} GROUP BY t.day, t.action, t.outcome",
        *w.args,
    )


async def _group_counts(query: StatsQuery, level: str, first: date, last: date, group: str) -> list[dict[str, Any]]:
    """Steps and labour minutes per group and stage."""
    w = _period_sql(query, level, first, last, beneficiary=True)
    return await fetch_all(
        f"SELECT {group} AS g, t.action AS action, t.outcome AS outcome, SUM(t.n) AS n, "  # noqa: S608
        f"SUM(t.minutes) AS minutes FROM stats_count t {w.sql()} GROUP BY {group}, t.action, t.outcome",
        *w.args,
    )


async def _handed(query: StatsQuery, level: str, first: date, last: date, group: str) -> list[dict[str, Any]]:
    """Hand-overs per category, beneficiary category and group (the people's cells)."""
    w = _period_sql(query, level, first, last, beneficiary=True)
    w.conditions += ["t.action = 'hand_over'", "t.outcome = 'done'"]
    return await fetch_all(
        f"SELECT t.category AS category, t.beneficiary AS beneficiary, {group} AS g, SUM(t.n) AS n "  # noqa: S608
        f"FROM stats_count t {w.sql()} GROUP BY t.category, t.beneficiary{_also(group)}",
        *w.args,
    )


async def _fates(query: StatsQuery, level: str, first: date, last: date) -> list[dict[str, Any]]:
    """Fates per series bucket and category. All the reuse rate asks of a hand-over's `until` is
    whether its device had come back by its bucket's end and by the period's end: read as a
    date standing for each answer (`_NOT_YET`, `last`, `date.min`), so the database returns a few
    rows per bucket instead of one per day of return."""
    w = _period_sql(query, level, first, last, beneficiary=False, years=query.grain == "year")
    ends = [high for _, high in buckets(first, last, query.grain)]
    day = "{}::date" if is_postgres() else "{}"  # a parameter PostgreSQL would otherwise read as text
    bucket_end = "CASE " + " ".join(f"WHEN t.day <= {day} THEN {day}" for _ in ends) + f" ELSE {day} END"
    bucket_args = [d for high in ends for d in (high, high)] + [last]
    until = f"CASE WHEN t.until > {day} THEN {day} WHEN t.until > {bucket_end} THEN {day} ELSE {day} END"
    return await fetch_all(
        f"SELECT {bucket_end} AS day, t.fate AS fate, {until} AS until, t.category AS category, "  # noqa: S608
        f"SUM(t.n) AS n FROM stats_fate t {w.sql()} GROUP BY 1, 2, 3, 4",
        *bucket_args,
        last,
        _NOT_YET,
        *bucket_args,
        last,
        date.min,
        *w.args,
    )


async def _group_fates(query: StatsQuery, level: str, first: date, last: date, group: str) -> list[dict[str, Any]]:
    """Fates per group, and whether the device had not come back by the period's end (`stays`)."""
    w = _period_sql(query, level, first, last, beneficiary=False)
    stays = "CASE WHEN t.until > {} THEN 1 ELSE 0 END"
    return await fetch_all(
        f"SELECT {group} AS g, t.fate AS fate, {stays} AS stays, SUM(t.n) AS n "  # noqa: S608
        f"FROM stats_fate t {w.sql()} GROUP BY {_positions(group, 3)}",
        last,
        *w.args,
    )


def _positions(group: str, count: int) -> str:
    """`GROUP BY 1, 2, …` over `count` columns, the first being the group (left out when constant)."""
    return ", ".join(str(i) for i in range(1 if group != "''" else 2, count + 1))


def _grouped_by(group: str) -> str:
    return "" if group == "''" else f"{group}, "


async def _leads(query: StatsQuery, level: str, first: date, last: date, group: str) -> list[dict[str, Any]]:
    """Each lead time's count, median and 90th percentile per group, by nearest rank over its
    distribution by whole day, computed by the database (a few rows out instead of the histogram):
    the median is the smallest `days` whose running count reaches half of the total."""
    if level == "A" and not _uses(query, group, "category", "beneficiary_category"):
        level = rollups.TOTAL  # neither the category nor the beneficiary: the totals' rows
    w = _period_sql(query, level, first, last, beneficiary=True)
    histogram = (
        f"SELECT {group} AS g, t.metric AS metric, t.days AS days, SUM(t.n) AS n FROM stats_lead t {w.sql()} "  # noqa: S608
        f"GROUP BY {_grouped_by(group)}t.metric, t.days HAVING SUM(t.n) <> 0"
    )
    running = (
        "SELECT g, metric, days, SUM(n) OVER (PARTITION BY g, metric ORDER BY days ROWS UNBOUNDED PRECEDING) "  # noqa: S608
        f"AS seen, SUM(n) OVER (PARTITION BY g, metric) AS total FROM ({histogram}) h"
    )
    return await fetch_all(
        "SELECT g, metric, total, MIN(CASE WHEN 100 * seen >= 50 * total THEN days END) AS median, "  # noqa: S608
        f"MIN(CASE WHEN 100 * seen >= 90 * total THEN days END) AS p90 FROM ({running}) c GROUP BY g, metric, total",
        *w.args,
    )


def _uses(query: StatsQuery, group: str, *dimensions: str) -> bool:
    """Whether the question filters on one of `dimensions`, or this read groups by one."""
    named = {"category": "t.category", "beneficiary_category": "t.beneficiary"}
    return any(getattr(query.filters, d) is not None or group == named.get(d) for d in dimensions)


def _lead_figures(rows: list[dict[str, Any]], lang: Lang) -> dict[str, dict[str, LeadTime]]:
    out: dict[str, dict[str, LeadTime]] = {}
    for r in rows:
        total = int(r["total"])
        if total <= 0:
            continue
        out.setdefault(str(r["g"]), {})[r["metric"]] = LeadTime(
            label=word(f"stats.lead.{r['metric']}", lang),
            count=total,
            median_days=int(r["median"]),
            p90_days=int(r["p90"]),
        )
    return out


def _no_lead(metric: str, lang: Lang) -> LeadTime:
    return lead_time(word(f"stats.lead.{metric}", lang), {})


def _age_bucket() -> tuple[str, list[date]]:
    today = datetime.now(UTC).date()
    limits = [today - timedelta(days=high) for _, high in AGE_BUCKETS if high is not None]
    return (
        "CASE " + " ".join(f"WHEN t.since >= {{}} THEN {i}" for i in range(len(limits))) + f" ELSE {len(limits)} END"
    ), limits


async def _stock(query: StatsQuery, level: str) -> list[dict[str, Any]]:
    """The stock per state, age bucket and category (grouped in the database: one row per bucket,
    not per day), at the level of the question's filters (its grouping reads `_stock_places`)."""
    w = _where(query, level, periodic=None, beneficiary=False)
    bucket, limits = _age_bucket()
    return await fetch_all(
        f"SELECT t.state AS state, {bucket} AS bucket, t.category AS category, SUM(t.n) AS n "  # noqa: S608
        f"FROM stats_stock t {w.sql()} GROUP BY 1, 2, 3",
        *limits,
        *w.args,
    )


async def _stock_places(query: StatsQuery, level: str, group: str) -> list[dict[str, Any]]:
    """The programme's stock per région and group, from the rows without age (`w`, `n`, `g`)."""
    w = _where(query, level, periodic=None, beneficiary=False, region_join=True)
    w.conditions.append("t.state IN (" + ", ".join("{}" for _ in IN_STOCK) + ")")
    w.args.extend(IN_STOCK)
    grouped = "1, 2" + (", 3" if group != "''" else "")
    return await fetch_all(
        f"SELECT t.state AS state, COALESCE(p.region, '') AS region, {group} AS g, SUM(t.n) AS n "  # noqa: S608
        f"FROM stats_stock t {w.sql()} GROUP BY {grouped}",
        *w.args,
    )


def _stock_figures(
    rows: list[dict[str, Any]], places: list[dict[str, Any]], lang: Lang
) -> tuple[Stock, list[AgeBucket], dict[str, int]]:
    by_state = {s.value: 0 for s in State}
    by_region: dict[str, int] = {}
    by_category: dict[str, int] = {}
    per_group: dict[str, int] = {}
    ages = [{s: 0 for s in IN_STOCK} for _ in AGE_BUCKETS]
    for r in rows:
        state, n = r["state"], int(r["n"])
        by_state[state] = by_state.get(state, 0) + n
        if state not in IN_STOCK or n == 0:
            continue
        by_category[r["category"]] = by_category.get(r["category"], 0) + n
        ages[int(r["bucket"])][state] += n  # a step dated after today (clock skew): the youngest bucket
    for r in places:
        n = int(r["n"])
        by_region[r["region"]] = by_region.get(r["region"], 0) + n
        per_group[str(r["g"])] = per_group.get(str(r["g"]), 0) + n
    stock = Stock(
        by_state=by_state,
        by_region=[
            RegionStock(region=code, region_name=region_name_of(code), count=n)
            for code, n in sorted(by_region.items())
            if n
        ],
        by_category={k: v for k, v in by_category.items() if v},
    )
    age_buckets = []
    for (low, high), states in reversed(list(zip(AGE_BUCKETS, ages, strict=True))):
        label = (
            word("stats.age.over", lang, low=low - 1)
            if high is None
            else word("stats.age.bucket", lang, low=low, high=high)
        )
        age_buckets.append(
            AgeBucket(label=label, min_days=low, max_days=high, count=sum(states.values()), by_state=states)
        )
    return stock, age_buckets, per_group


async def _requests(query: StatsQuery, first: date, last: date, delivered: LeadTime, lang: Lang) -> RequestFigures:
    """Requests made in the period (small tables: read directly, filtered by the association's place)."""
    since = datetime.combine(first, time.min, UTC)
    until = datetime.combine(last + timedelta(days=1), time.min, UTC)
    conditions = ["q.created_at >= {}", "q.created_at < {}"]
    args: list[Any] = [since, until]
    f = query.filters
    if f.region is not None:
        conditions.append("o.region = {}")
        args.append(f.region)
    if f.departement is not None:
        conditions.append("o.departement = {}")
        args.append(_departement(f.departement))
    item_filter = ""
    if f.category is not None:  # in the JOIN, before the WHERE: its argument goes first
        item_filter = " AND i.category = {}"
        args.insert(0, f.category)
    rows = await fetch_all(
        "SELECT q.id AS id, q.status AS status, q.created_at AS created_at, q.decided_at AS decided_at, "  # noqa: S608
        "COALESCE(SUM(i.quantity), 0) AS quantity, COALESCE(SUM(i.allocated), 0) AS allocated "
        "FROM equipment_request q JOIN organisation o ON o.id = q.association "
        f"LEFT JOIN request_item i ON i.request = q.id{item_filter} WHERE " + " AND ".join(conditions) + " "
        "GROUP BY q.id, q.status, q.created_at, q.decided_at",
        *args,
    )
    by_status: dict[str, int] = {}
    waiting: dict[int, int] = {}
    requested = allocated = 0
    for r in rows:
        if f.category is not None and int(r["quantity"]) == 0:
            continue
        by_status[r["status"]] = by_status.get(r["status"], 0) + 1
        requested += int(r["quantity"])
        allocated += int(r["allocated"])
        if r["decided_at"] is not None:
            days = int((_aware(r["decided_at"]) - _aware(r["created_at"])).total_seconds() // 86_400)
            waiting[days] = waiting.get(days, 0) + 1
    return RequestFigures(
        count=sum(by_status.values()),
        by_status=by_status,
        devices_requested=requested,
        devices_allocated=allocated,
        fulfilment_rate=rate(allocated, requested),
        waiting=lead_time(word("stats.lead.request_decided", lang), waiting),
        approved_to_delivered=delivered,
    )


def _aware(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


async def _labels(dimension: str | None, keys: set[str], lang: Lang) -> dict[str, str]:
    """Names of the groups: organisations by id, régions and départements by code."""
    if dimension in ("donor", "refurbisher"):
        ids = [int(k) for k in keys if k.lstrip("-").isdigit() and int(k) > 0]
        names = {}
        if ids:
            for r in await Organisation.select(Organisation.id, Organisation.name).where(Organisation.id.is_in(ids)):
                names[str(r["id"])] = r["name"]
        return {k: names.get(k, word("stats.none", lang)) for k in keys}
    if dimension == "region":
        return {k: region_name_of(k) if k else word("stats.none", lang) for k in keys}
    if dimension == "departement":
        out = {}
        for k in keys:
            try:
                out[k] = f"{geography.departement(k)[0]} ({k})" if k else word("stats.none", lang)
            except (KeyError, ValueError):
                out[k] = k
        return out
    return {k: k or word("stats.none", lang) for k in keys}


async def summary(actor: Actor, start: date | None, end: date | None) -> Figures:
    """The first summary's call: the figures of a period, per month, without filters."""
    return await figures(actor, StatsQuery(start=start, end=end))
