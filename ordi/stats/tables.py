"""The committee's rollups: counters kept in the same transaction as each history entry.

They are a cache of the event log, never a source: `ordi rebuild-stats` recomputes them from
`device_event` and `device` (ordi.stats.rebuild), and the tests prove both ways agree.

Every rollup row is keyed by the dimensions of PRODUCT.md §5 as organisation ids and codes:
`donor` (the device's donor), `workshop` (the workshop in charge of the device after the event, 0
before any), `category`, `grade` ('' before refurbishment) and, for hand-overs, `beneficiary` (the
beneficiary's category, '' otherwise). The région and département are those of the workshop, or of
the donor before any workshop, read from `organisation` when the figures are asked.

Each delta is written at four levels (`level`, see `ordi.stats.rollups.levels`): W per workshop, N
per donor, G per grade, A with none of the three; -1 and '*' stand for "all" in a masked column;
the stock also as w, n, g: W, N, G without the age. The counters by period have three grains: `D`
rows count one day, `M` rows one calendar month (their `day` is the 1st), `Y` rows one year
(January 1st). A period takes its whole years from the `Y` rows when it needs no monthly series,
its whole months from the `M` rows and its other days from the `D` rows, so a year reads one row
per key instead of 365. No column is nullable: a unique key over NULLs would not merge (0 and ''
stand for "none"). The ledger does not write these tables: it appends to `stats_journal`, which
`ordi.stats.rollups.fold` moves into them.
"""

from __future__ import annotations

from piccolo.columns import BigInt, Date, Integer, Serial, Text, Varchar
from piccolo.table import Table


class StatsCount(Table, tablename="stats_count"):
    """Steps per day or month, action and outcome, and dimension; with the labour minutes they record."""

    id: Serial  # the implicit primary key, named for type checkers only
    level = Varchar(length=1)
    grain = Varchar(length=1)
    day = Date(default=None)
    action = Varchar(length=20)
    outcome = Varchar(length=10)
    donor = Integer()
    workshop = Integer()
    category = Varchar(length=20)
    grade = Varchar(length=1)
    beneficiary = Varchar(length=30)
    n = BigInt()
    minutes = BigInt()


class StatsStock(Table, tablename="stats_stock"):
    """Devices now per state and dimension, by the day of their last step (`since`).

    Devices out of the programme (handed over, recycled, lost) are kept under one `since`
    (1970-01-01): their age is no figure, and the table stays small.
    """

    id: Serial  # the implicit primary key, named for type checkers only
    level = Varchar(length=1)
    state = Varchar(length=20)
    donor = Integer()
    workshop = Integer()
    category = Varchar(length=20)
    grade = Varchar(length=1)
    since = Date(default=None)
    n = BigInt()


class StatsLead(Table, tablename="stats_lead"):
    """Lead-time distributions: how many devices reached the end of `metric` that day (or month)
    after `days` whole days (declared→collected, received→ready, ready→handed over, approved→delivered)."""

    id: Serial  # the implicit primary key, named for type checkers only
    level = Varchar(length=1)
    grain = Varchar(length=1)
    day = Date(default=None)
    metric = Varchar(length=30)
    days = Integer()
    donor = Integer()
    workshop = Integer()
    category = Varchar(length=20)
    grade = Varchar(length=1)
    beneficiary = Varchar(length=30)
    n = BigInt()


class StatsFate(Table, tablename="stats_fate"):
    """Fates for the reuse rate: hand-overs and recycling per day (or month) and dimension.

    A hand-over row also says `until`, the day the device came back or was lost (9999-12-31: not
    yet), so that a period counts each device once, by its last fate in the period: a hand-over
    counts when its `until` is after the period's end.
    """

    id: Serial  # the implicit primary key, named for type checkers only
    level = Varchar(length=1)
    grain = Varchar(length=1)
    day = Date(default=None)
    fate = Varchar(length=20)
    until = Date(default=None)
    donor = Integer()
    workshop = Integer()
    category = Varchar(length=20)
    grade = Varchar(length=1)
    n = BigInt()


class StatsJournal(Table, tablename="stats_journal"):
    """Deltas not yet folded into the rollups (ordi.stats.rollups, "the journal"): one narrow row
    per delta, appended in the entry's own statement, no index but its id; `fold` moves them into
    the four tables above and deletes them."""

    id: Serial  # the implicit primary key, named for type checkers only
    tbl = Varchar(length=1)  # c: stats_count, l: stats_lead, f: stats_fate, s: stats_stock
    key = Text()  # the delta's key as JSON, without level and grain
    n = Integer()
    minutes = Integer()


#: The tables of the committee's rollups, with their journal (ordi.piccolo_app lists them).
ROLLUP_TABLES = (StatsCount, StatsStock, StatsLead, StatsFate, StatsJournal)

#: The unique key of each rollup table (its upsert's conflict target), without its counters.
KEYS: dict[str, tuple[str, ...]] = {
    "stats_count": (
        "level",
        "grain",
        "day",
        "action",
        "outcome",
        "donor",
        "workshop",
        "category",
        "grade",
        "beneficiary",
    ),
    "stats_stock": ("level", "state", "donor", "workshop", "category", "grade", "since"),
    "stats_lead": ("level", "grain", "day", "metric", "days", "donor", "workshop", "category", "grade", "beneficiary"),
    "stats_fate": ("level", "grain", "day", "fate", "until", "donor", "workshop", "category", "grade"),
}
#: Counters added on conflict.
COUNTERS: dict[str, tuple[str, ...]] = {
    "stats_count": ("n", "minutes"),
    "stats_stock": ("n",),
    "stats_lead": ("n",),
    "stats_fate": ("n",),
}
