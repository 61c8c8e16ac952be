# ruff: noqa: S608 - every statement is built from this module's constants and the tables' keys
"""`ordi rebuild-stats`: the rollups recomputed from the event log, in SQL, in one transaction.

The second way to the same rows as `ordi.stats.rollups` (which the ledger keeps step by step):
the tests compare both. One pass over `device_event` in (device, seq) order gives each entry the
dimensions of its device after it (the workshop in charge: the last `assign`, `collect` or
`receive`, none after a `withdraw`; the grade: the last `refurbish`, as its last correction says;
the category: the device's now) and the times a lead time needs (the last receive,
the last refurbishment, the next return or loss) in a temporary table; each level's day rows are
grouped from it (A from G's), the month rows from the day rows and the year rows from the
month rows, the stock from the device projection (and its rows without age from those by day).
Readers see the old rows until the transaction commits. The same pass over one device
(`device_entries`) is what the ledger reads around a revising entry (ordi.stats.rollups).
"""

from __future__ import annotations

from typing import Any

from ordi.db import execute_in_transaction, fetch_all, is_postgres, write_transaction
from ordi.stats.rollups import (
    FOLD_LOCK,
    LEVELS,
    NO_SINCE,
    NOT_YET,
    OUT_OF_PROGRAMME,
    SINCELESS,
    TOTAL,
    old_stock_cutoff,
)
from ordi.stats.tables import COUNTERS, KEYS

_OUT = ", ".join(f"'{s}'" for s in sorted(OUT_OF_PROGRAMME))


def _micros(column: str) -> str:
    """Microseconds since the epoch of a SQLite timestamp (text 'YYYY-MM-DD HH:MM:SS[.ffffff]+00:00')."""
    fraction = f"CASE WHEN substr({column}, 20, 1) = '.' THEN CAST(substr({column}, 21, 6) AS INTEGER) ELSE 0 END"
    return f"CAST(strftime('%s', {column}) AS INTEGER) * 1000000 + {fraction}"


class _Sql:
    """The few expressions that differ between the engines."""

    def __init__(self, postgres: bool) -> None:
        self.postgres = postgres

    def text(self, column: str, *path: str) -> str:
        if self.postgres:
            return column + "".join(f"->'{p}'" for p in path[:-1]) + f"->>'{path[-1]}'"
        return f"json_extract({column}, '$.{'.'.join(path)}')"

    def integer(self, expression: str) -> str:
        return f"CAST({expression} AS INTEGER)"

    def day(self, column: str) -> str:
        return f"(({column}) AT TIME ZONE 'UTC')::date" if self.postgres else f"date({column})"

    def month(self, column: str) -> str:
        if self.postgres:
            return f"date_trunc('month', ({column}) AT TIME ZONE 'UTC')::date"
        return f"date({column}, 'start of month')"

    def days_between(self, start: str, end: str) -> str:
        if self.postgres:
            return f"floor(extract(epoch FROM ({end}) - ({start})) / 86400)::int"
        # Microseconds, as Python's `whole_days` counts them: strftime('%s') alone drops the fraction,
        # so 16 days 23:59:59.6 between x.7 s and y.3 s would count 17 days here and 16 live.
        return f"(({_micros(end)}) - ({_micros(start)})) / 86400000000"

    def month_of(self, column: str) -> str:
        """The first of the month of a date column."""
        return f"date_trunc('month', {column})::date" if self.postgres else f"date({column}, 'start of month')"

    def year_of(self, column: str) -> str:
        """January 1st of the year of a date column."""
        return f"date_trunc('year', {column})::date" if self.postgres else f"date({column}, 'start of year')"

    def date(self, value: Any) -> str:
        return f"DATE '{value.isoformat()}'" if self.postgres else f"'{value.isoformat()}'"


async def rebuild() -> dict[str, int]:
    """Replace every rollup row by its recomputation from the log; returns the rows per table.

    The journal (`ordi.stats.rollups.fold`) is emptied in the same snapshot as the log and the
    devices are read (PostgreSQL: one statement; SQLite: the write lock), so that an entry
    written meanwhile is either in the rebuild or still in the journal, never both; folds wait."""
    sql = _Sql(is_postgres())
    async with write_transaction():
        if sql.postgres:
            await execute_in_transaction("SET LOCAL statement_timeout = 0")
            await execute_in_transaction("SET LOCAL work_mem = '256MB'")
            await execute_in_transaction("SELECT pg_advisory_xact_lock({})", FOLD_LOCK)
        for table in KEYS:
            await execute_in_transaction(f"DELETE FROM {table}")
        for statement in _captured(sql):
            await execute_in_transaction(statement)
        for level in ("W", "N", "G"):  # from the entries: one pass each
            for statement in _day_rows(sql, level):
                await execute_in_transaction(statement)
        for table in KEYS:
            await execute_in_transaction(_coarser(table, "A", "G"))  # A is G without the grade
        await execute_in_transaction(lead_totals("D"))
        for level in SINCELESS:  # the stock without its age (see rollups.STOCK_LEVELS)
            await execute_in_transaction(_sinceless(sql, level))
        for table in ("stats_count", "stats_lead", "stats_fate"):
            for level in (*LEVELS, TOTAL) if table == "stats_lead" else LEVELS:
                await execute_in_transaction(_coarser_grain(sql, table, level, "M", "D"))
                await execute_in_transaction(_coarser_grain(sql, table, level, "Y", "M"))
        await execute_in_transaction("DROP TABLE stats_rebuild_entry")
        await execute_in_transaction("DROP TABLE stats_rebuild_device")
        for table in KEYS:
            await execute_in_transaction(f"ANALYZE {table}")  # the planner sees the new rows at once
        counts = {}
        for table in KEYS:
            rows = await fetch_all(f"SELECT COUNT(*) AS n FROM {table}")
            counts[table] = int(rows[0]["n"])
    return counts


_DEVICE_COLUMNS = "state, donor, refurbisher, category, grade, state_changed_at"


def _captured(sql: _Sql) -> list[str]:
    """Every entry with its device's dimensions after it, and the devices' projection, in two
    temporary tables, and the journal emptied: all of it in one snapshot."""
    if not sql.postgres:
        return [
            f"CREATE TEMP TABLE stats_rebuild_entry AS {entries_select(sql)}",
            f"CREATE TEMP TABLE stats_rebuild_device AS SELECT {_DEVICE_COLUMNS} FROM device",
            "DELETE FROM stats_journal",
        ]
    return [
        f"CREATE TEMP TABLE stats_rebuild_entry ON COMMIT DROP AS {entries_select(sql)} WITH NO DATA",
        f"CREATE TEMP TABLE stats_rebuild_device ON COMMIT DROP AS SELECT {_DEVICE_COLUMNS} FROM device WITH NO DATA",
        "WITH gone AS (DELETE FROM stats_journal RETURNING id), "
        f"e AS (INSERT INTO stats_rebuild_entry SELECT * FROM ({entries_select(sql)}) x), "
        f"d AS (INSERT INTO stats_rebuild_device SELECT {_DEVICE_COLUMNS} FROM device) "
        "SELECT COUNT(*) AS n FROM gone",
    ]


def entries_select(sql: _Sql, *, one_device: bool = False) -> str:
    """The entries with their dimensions, of every device (or of the one `{}` names).

    A refurbishment counts with its last correction's grade and labour minutes (`fixes`), and the
    entries after it until the next refurbishment take that grade; every entry takes the device's
    category as it is now (a corrected or amended category moves its whole history).
    """
    on_device = " AND e.device = {}" if one_device else ""
    on_fixed = " AND c.device = {}" if one_device else ""
    root = sql.text("c.payload", "original_event")
    graded = (
        f"CASE WHEN f.root IS NULL THEN {sql.text('e.payload', 'grade')} "
        f"ELSE {sql.text('f.payload', 'values', 'grade')} END"
    )
    laboured = (
        f"CASE WHEN f.root IS NULL THEN {sql.text('e.payload', 'labour_minutes')} "
        f"ELSE {sql.text('f.payload', 'values', 'labour_minutes')} END"
    )
    workshop_set = (
        f"CASE WHEN e.action = 'assign' THEN COALESCE({sql.integer(sql.text('e.payload', 'workshop_id'))}, 0) "
        "WHEN e.action IN ('collect', 'receive') THEN e.actor_organisation WHEN e.action = 'withdraw' THEN 0 END"
    )
    grade_set = f"CASE WHEN e.action = 'refurbish' THEN COALESCE({graded}, '') END"
    minutes = f"CASE WHEN e.action = 'refurbish' THEN COALESCE({sql.integer(laboured)}, 0) ELSE 0 END"
    beneficiary = (
        f"CASE WHEN e.action = 'hand_over' THEN COALESCE({sql.text('e.payload', 'beneficiary', 'category')}, '') "
        "ELSE '' END"
    )
    window = "PARTITION BY e.device ORDER BY e.seq"
    return f"""
WITH fixes AS (
  SELECT root, payload FROM (
    SELECT {sql.integer(root)} AS root, c.payload,
           ROW_NUMBER() OVER (PARTITION BY c.device, {root} ORDER BY c.seq DESC) AS rn
    FROM device_event c
    WHERE c.action = 'correct' AND {sql.text("c.payload", "corrected_action")} = 'refurbish'{on_fixed}
  ) last_fix WHERE rn = 1
),
marked AS (
  SELECT e.device, e.seq, e.action, e.outcome, e.occurred_at AS at, e.payload,
         d.donor, d.category, d.created_at,
         {workshop_set} AS workshop_set, {grade_set} AS grade_set, {minutes} AS minutes, {beneficiary} AS beneficiary,
         COUNT({workshop_set}) OVER w AS workshop_group,
         COUNT({grade_set}) OVER w AS grade_group,
         MAX(CASE WHEN e.action = 'receive' THEN e.occurred_at END) OVER w AS received_at,
         MAX(CASE WHEN e.action = 'refurbish' THEN e.occurred_at END) OVER w AS refurbished_at,
         MIN(CASE WHEN e.action IN ('return', 'lose') THEN e.occurred_at END)
           OVER (PARTITION BY e.device ORDER BY e.seq ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS ended_at
  FROM device_event e JOIN device d ON d.id = e.device LEFT JOIN fixes f ON f.root = e.id
  WHERE 1 = 1{on_device}
  WINDOW w AS ({window} ROWS UNBOUNDED PRECEDING)
)
SELECT device, seq, action, outcome, at, {sql.day("at")} AS day, {sql.month("at")} AS month,
       donor, category, created_at, received_at, refurbished_at, ended_at, minutes, beneficiary,
       CASE WHEN action = 'deliver' THEN {sql.integer(sql.text("prev_reserve", "request_id"))} END AS request,
       CASE WHEN action = 'declare' THEN 0
            ELSE COALESCE(MAX(workshop_set) OVER (PARTITION BY device, workshop_group), 0) END AS workshop,
       COALESCE(MAX(grade_set) OVER (PARTITION BY device, grade_group), '') AS grade
FROM (
  SELECT m.*, (SELECT r.payload FROM device_event r WHERE r.device = m.device AND r.action = 'reserve'
               AND r.seq < m.seq ORDER BY r.seq DESC LIMIT 1) AS prev_reserve
  FROM marked m WHERE m.action = 'deliver'
  UNION ALL
  SELECT m.*, NULL AS prev_reserve FROM marked m WHERE m.action <> 'deliver'
) x
"""


async def device_entries(device_id: int) -> list[dict[str, Any]]:
    """One device's entries as the rebuild reads them, with the approval day a delivery's lead
    starts from: `ordi.stats.rollups.revision` turns them into the rows they count in."""
    sql = _Sql(is_postgres())
    return await fetch_all(
        f"SELECT x.*, q.decided_at FROM ({entries_select(sql, one_device=True)}) x "
        "LEFT JOIN equipment_request q ON q.id = x.request ORDER BY x.seq",
        device_id,
        device_id,
    )


def _masks(level: str, prefix: str = "") -> dict[str, str]:
    """The donor, workshop and grade of one level (the same masks as `rollups.levels`)."""
    workshop = f"{prefix}workshop"
    return {
        "donor": {"W": f"CASE WHEN {workshop} <> 0 THEN -1 ELSE {prefix}donor END", "N": f"{prefix}donor"}.get(
            level, "-1"
        ),
        "workshop": workshop if level == "W" else "-1",
        "grade": f"{prefix}grade" if level == "G" else "'*'",
    }


def _grouped(*columns: str) -> str:
    """A GROUP BY list without the constants (SQLite reads -1 as a column position)."""
    return ", ".join(c for c in columns if c not in ("-1", "'*'"))


def _day_rows(sql: _Sql, level: str) -> list[str]:
    """One level's day rows of every table, grouped from the entries (and its stock from the devices)."""
    m = _masks(level, "e.")
    dims = (m["donor"], m["workshop"], "e.category", m["grade"])
    lead = (
        "CASE e.action WHEN 'collect' THEN 'declared_collected' WHEN 'refurbish' THEN 'received_ready' "
        "WHEN 'hand_over' THEN 'ready_handed_over' WHEN 'deliver' THEN 'approved_delivered' END"
    )
    start = (
        "CASE e.action WHEN 'collect' THEN e.created_at WHEN 'refurbish' THEN e.received_at "
        "WHEN 'hand_over' THEN e.refurbished_at WHEN 'deliver' THEN q.decided_at END"
    )
    days = sql.days_between(start, "e.at")
    not_yet = sql.date(NOT_YET)
    until = f"CASE WHEN e.action = 'hand_over' THEN COALESCE({sql.day('e.ended_at')}, {not_yet}) ELSE {not_yet} END"
    d = _masks(level, "")
    stock_dims = (
        d["donor"].replace("workshop", "COALESCE(refurbisher, 0)"),
        "COALESCE(refurbisher, 0)" if level == "W" else "-1",
        "category",
        "COALESCE(grade, '')" if level == "G" else "'*'",
    )
    # Out of the programme, or older than the oldest age bucket: one row (rollups.age_out).
    old = f"{sql.day('state_changed_at')} < {sql.date(old_stock_cutoff())}"
    since = f"CASE WHEN state IN ({_OUT}) OR {old} THEN {sql.date(NO_SINCE)} ELSE {sql.day('state_changed_at')} END"
    listed = {t: ", ".join((*KEYS[t], *COUNTERS[t])) for t in KEYS}
    return [
        f"""INSERT INTO stats_count ({listed["stats_count"]})
SELECT '{level}', 'D', e.day, e.action, e.outcome, {", ".join(dims)}, e.beneficiary, COUNT(*), SUM(e.minutes)
FROM stats_rebuild_entry e WHERE e.action NOT IN ('label_printed', 'assign')
GROUP BY {_grouped("e.day", "e.action", "e.outcome", *dims, "e.beneficiary")}""",
        f"""INSERT INTO stats_lead ({listed["stats_lead"]})
SELECT '{level}', 'D', e.day, {lead}, {days}, {", ".join(dims)}, e.beneficiary, COUNT(*)
FROM stats_rebuild_entry e LEFT JOIN equipment_request q ON q.id = e.request
WHERE e.action IN ('collect', 'refurbish', 'hand_over', 'deliver') AND e.outcome = 'done' AND {start} IS NOT NULL
GROUP BY {_grouped("e.day", lead, days, *dims, "e.beneficiary")}""",
        f"""INSERT INTO stats_fate ({listed["stats_fate"]})
SELECT '{level}', 'D', e.day, e.action, {until}, {", ".join(dims)}, COUNT(*)
FROM stats_rebuild_entry e WHERE e.action IN ('hand_over', 'recycle') AND e.outcome = 'done'
GROUP BY {_grouped("e.day", "e.action", until, *dims)}""",
        f"""INSERT INTO stats_stock ({listed["stats_stock"]})
SELECT '{level}', state, {", ".join(stock_dims)}, {since}, COUNT(*)
FROM stats_rebuild_device GROUP BY {_grouped("state", *stock_dims, since)}""",
    ]


def _coarser_grain(sql: _Sql, table: str, level: str, grain: str, source: str) -> str:
    """A level's month rows grouped from its day rows, or its year rows from its month rows."""
    first = sql.month_of("day") if grain == "M" else sql.year_of("day")
    columns = [first if c == "day" else c for c in KEYS[table][2:]]
    sums = ", ".join(f"SUM({c})" for c in COUNTERS[table])
    return (
        f"INSERT INTO {table} ({', '.join((*KEYS[table], *COUNTERS[table]))}) "
        f"SELECT level, '{grain}', {', '.join(columns)}, {sums} FROM {table} "
        f"WHERE level = '{level}' AND grain = '{source}' GROUP BY level, {', '.join(columns)}"
    )


def _coarser(table: str, level: str, source: str) -> str:
    """The rows of a coarser level, grouped from those of another (A from G: the grade masked)."""
    columns = [("'*'" if c == "grade" else c) for c in KEYS[table][1:]]
    sums = ", ".join(f"SUM({c})" for c in COUNTERS[table])
    return (
        f"INSERT INTO {table} ({', '.join((*KEYS[table], *COUNTERS[table]))}) "
        f"SELECT '{level}', {', '.join(columns)}, {sums} FROM {table} WHERE level = '{source}' "
        f"GROUP BY {_grouped(*columns)}"
    )


def lead_totals(grain: str | None) -> str:
    """The lead times' T rows (ordi.stats.rollups.TOTAL) of one grain (None: all), from its A rows."""
    columns = [("'*'" if c in ("category", "beneficiary") else c) for c in KEYS["stats_lead"][1:]]
    which = f" AND grain = '{grain}'" if grain else ""
    return (
        f"INSERT INTO stats_lead ({', '.join((*KEYS['stats_lead'], 'n'))}) "
        f"SELECT '{TOTAL}', {', '.join(columns)}, SUM(n) FROM stats_lead WHERE level = 'A'{which} "
        f"GROUP BY {_grouped(*columns)}"
    )


def _sinceless(sql: _Sql, level: str) -> str:
    """The stock rows of a level without their age, grouped from that level's rows by day."""
    columns = KEYS["stats_stock"][1:-1]
    return (
        f"INSERT INTO stats_stock ({', '.join((*KEYS['stats_stock'], 'n'))}) "
        f"SELECT '{level}', {', '.join(columns)}, {sql.date(NO_SINCE)}, SUM(n) FROM stats_stock "
        f"WHERE level = '{level.upper()}' GROUP BY {', '.join(columns)}"
    )
