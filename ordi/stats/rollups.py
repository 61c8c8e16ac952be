"""The rollups' deltas, written by `ordi.devices.ledger` in the same transaction as each entry.

A step is a delta from the device's projection before to after: its counts (+1 for the entry),
its stock move (−1 under the old state and dimensions, +1 under the new), a lead time when it ends
one, and its fate for the reuse rate. Deltas of one write are summed per key and appended to the
journal (`stats_journal`, one narrow row per delta; on PostgreSQL inside the step's own statement:
no extra round trip); `fold` adds them to the rollups in bulk, at every grain and level.

Edits and corrections (issue 9 item 6) use corrected values, and these are the dimensions they move:

* every entry counts under its device's category **as it is now**: a donor's `amend` or a
  `correct` of the declaration that changes the category moves the device's whole history (its
  counts, lead times and fates) and its stock row to the new category;
* a refurbishment counts with the grade and labour minutes of its **last correction**, and the
  entries after it until the next refurbishment (ship, hand-over and its fate, return…) take that
  grade: later entries do not keep the grade they were written under. A correction of an earlier
  refurbishment of a device refurbished since moves that span only (the device's grade stays the
  later one's);
* the donor, the workshop in charge, the day and the beneficiary of an entry never move (nothing
  corrects them); the correcting entry itself counts once as `correct`, an edit as `amend` (no
  stage: a correction is not a second refurbishment), a removal as `withdraw` (the stage
  `withdrawn`; no workshop in charge after it, so the donor's région), and `withdrawn` is out of
  the programme (`OUT_OF_PROGRAMME`, and not in the figures' stock list).

A revising entry (`REVISING`: `amend`, `correct`) therefore does not add a step's delta: the
ledger reads the device's entries as the rebuild reads them from the log (`rebuild.device_entries`)
before and after writing it, and `revision` takes the first away and adds the second (keys that
do not change cancel out in `merged`), plus the stock move between the two projections. A
cancelled donation's withdrawals are written in bulk (`stays_moves`, with their entries).

`ordi.stats.rebuild` computes the same rows from the log with SQL; the tests compare both, over a
history with edits, removals, a cancelled donation and corrections.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import msgspec

from ordi import clock
from ordi.db import engine, execute_in_transaction, fetch_all, fetch_row, is_postgres, write_transaction
from ordi.stats.tables import COUNTERS, KEYS

#: States whose devices are no longer the programme's stock: kept under one `since`.
OUT_OF_PROGRAMME = frozenset({"handed_over", "recycled", "lost", "withdrawn"})
NO_SINCE = date(1970, 1, 1)
NOT_YET = date(9999, 12, 31)
#: Entries that are no step of the journey (label printed, workshop put in charge): no count.
NOT_COUNTED = frozenset({"label_printed", "assign"})
#: Entries that revise what the device's earlier entries count under (see the module's docstring).
REVISING = frozenset({"amend", "correct"})
#: Lead-time metric -> the action that ends it.
LEAD_ENDS = {
    "collect": "declared_collected",
    "refurbish": "received_ready",
    "hand_over": "ready_handed_over",
    "deliver": "approved_delivered",
}
DAY = 86_400


@dataclass(frozen=True, slots=True)
class Delta:
    table: str
    key: tuple[Any, ...]
    n: int
    minutes: int = 0


def utc_day(at: datetime) -> date:
    return at.astimezone(UTC).date() if at.tzinfo else at.date()


def whole_days(start: datetime, end: datetime) -> int:
    """Whole days from start to end (floor), the unit of every lead time."""
    return int((end - start).total_seconds() // DAY)


def _as_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def dims(row: Mapping[str, Any]) -> tuple[int, int, str, str]:
    """(donor, workshop, category, grade) of a device row: the dimensions every rollup shares."""
    return (int(row["donor"]), int(row["refurbisher"] or 0), str(row["category"]), str(row["grade"] or ""))


def stock_key(row: Mapping[str, Any]) -> tuple[Any, ...]:
    state = str(row["state"])
    since = NO_SINCE if state in OUT_OF_PROGRAMME else utc_day(_as_datetime(row["state_changed_at"]))
    return (state, *dims(row), since)


def stock_move(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> list[Delta]:
    """The stock rows a projection change moves (none when the key did not change)."""
    old = stock_key(before) if before is not None else None
    new = stock_key(after) if after is not None else None
    if old == new:
        return []
    moves = []
    if old is not None:
        moves.append(Delta("stats_stock", old, -1))
    if new is not None:
        moves.append(Delta("stats_stock", new, 1))
    return moves


def _payload(event: Mapping[str, Any]) -> Mapping[str, Any]:
    payload = event.get("payload") or {}
    return payload if isinstance(payload, Mapping) else {}


def beneficiary_of(event: Mapping[str, Any]) -> str:
    if event["action"] != "hand_over":
        return ""
    beneficiary = _payload(event).get("beneficiary") or {}
    return str(beneficiary.get("category") or "") if isinstance(beneficiary, Mapping) else ""


def labour_minutes_of(event: Mapping[str, Any]) -> int:
    if event["action"] != "refurbish":
        return 0
    value = _payload(event).get("labour_minutes") or 0
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def event_deltas(
    event: Mapping[str, Any], after: Mapping[str, Any], *, lead_days: int | None = None, sign: int = 1
) -> list[Delta]:
    """The counts, lead time and fate of one entry, under the dimensions of the device after it."""
    action = str(event["action"])
    if action in NOT_COUNTED:
        return []
    day = utc_day(_as_datetime(event["occurred_at"]))
    donor, workshop, category, grade = dims(after)
    beneficiary = beneficiary_of(event)
    minutes = labour_minutes_of(event)
    key = (day, action, str(event["outcome"]), donor, workshop, category, grade, beneficiary)
    deltas = [Delta("stats_count", key, sign, sign * minutes)]
    if lead_days is not None and action in LEAD_ENDS:
        deltas.append(
            Delta(
                "stats_lead", (day, LEAD_ENDS[action], lead_days, donor, workshop, category, grade, beneficiary), sign
            )
        )
    if action in ("hand_over", "recycle") and event["outcome"] == "done":
        deltas.append(Delta("stats_fate", (day, action, NOT_YET, donor, workshop, category, grade), sign))
    return deltas


def fate_ended(before: Mapping[str, Any], event: Mapping[str, Any], *, sign: int = 1) -> list[Delta]:
    """A handed-over device comes back or is lost: its hand-over row learns its `until` day.

    Nothing moves a handed-over device but that step, so the hand-over's day is the row's
    `state_changed_at` and its dimensions are those of the row before the step.
    """
    if before.get("state") != "handed_over" or event["action"] not in ("return", "lose"):
        return []
    handed = utc_day(_as_datetime(before["state_changed_at"]))
    until = utc_day(_as_datetime(event["occurred_at"]))
    donor, workshop, category, grade = dims(before)
    return [
        Delta("stats_fate", (handed, "hand_over", NOT_YET, donor, workshop, category, grade), -sign),
        Delta("stats_fate", (handed, "hand_over", until, donor, workshop, category, grade), sign),
    ]


async def lead_days(event: Mapping[str, Any], before: Mapping[str, Any]) -> int | None:
    """The lead time an entry ends, in whole days, read from the log where the start is not on the row."""
    action = event["action"]
    if action not in LEAD_ENDS or event["outcome"] != "done":
        return None
    end = _as_datetime(event["occurred_at"])
    start: Any = None
    if action == "collect":
        start = before["created_at"]
    elif action == "refurbish":
        if before["state"] == "received":
            start = before["state_changed_at"]
        else:
            start = await _last_of(int(before["id"]), "receive")
    elif action == "hand_over":
        start = await _last_of(int(before["id"]), "refurbish")
    elif action == "deliver" and before.get("request"):
        row = await fetch_row("SELECT decided_at FROM equipment_request WHERE id = {}", int(before["request"]))
        start = row["decided_at"] if row else None
    if start is None:
        return None
    return whole_days(_as_datetime(start), end)


async def _last_of(device_id: int, action: str) -> Any:
    row = await fetch_row(
        "SELECT occurred_at FROM device_event WHERE device = {} AND action = {} ORDER BY seq DESC LIMIT 1",
        device_id,
        action,
    )
    return row["occurred_at"] if row else None


async def step_deltas(event: Mapping[str, Any], before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Delta]:
    """Every delta of one step of the journey (`ledger.record_step`)."""
    return [
        *event_deltas(event, after, lead_days=await lead_days(event, before)),
        *fate_ended(before, event),
        *stock_move(before, after),
    ]


#: Position of donor, workshop and grade in each table's key (the level aside).
_MASKED = {table: tuple(key.index(c) - 1 for c in ("donor", "workshop", "grade")) for table, key in KEYS.items()}
#: Tables whose rows count a period: a delta's key starts with its day, written at both grains.
PERIODIC = frozenset({"stats_count", "stats_lead", "stats_fate"})


#: The levels of detail every delta is written at: which of donor, workshop and grade each keeps.
#: W: per workshop (the donor only before any workshop, for the région of a declared device);
#: N: per donor; G: per grade; A: none of them. Category and beneficiary are in every level.
LEVELS = ("W", "N", "G", "A")
#: The stock's levels: the same four by the day of the devices' last step (their age), and W, N,
#: G again as `w`, `n`, `g` without it (`since` 1970-01-01): the stock per région or group reads
#: those (one row per state, place and category instead of one per day too).
SINCELESS = ("w", "n", "g")
STOCK_LEVELS = (*LEVELS, *SINCELESS)
#: The lead times also as T, the total: A without the category and the beneficiary's ('*'), what
#: a question without either reads (a year's distribution in a few hundred rows, not thousands).
TOTAL = "T"
LEAD_LEVELS = (*LEVELS, TOTAL)
#: Position of the category and the beneficiary in the lead times' key (the level aside).
_LEAD_TOTALLED = tuple(KEYS["stats_lead"].index(c) - 1 for c in ("category", "beneficiary"))


def grains(delta: Delta) -> Iterator[tuple[Any, ...]]:
    """A delta's key at each grain: its day (`D`), its month (`M`, the 1st) and its year (`Y`,
    January 1st); the stock has none."""
    if delta.table not in PERIODIC:
        yield delta.key
        return
    day = delta.key[0]
    yield ("D", day, *delta.key[1:])
    yield ("M", day.replace(day=1), *delta.key[1:])
    yield ("Y", day.replace(month=1, day=1), *delta.key[1:])


def levels(delta: Delta) -> Iterator[tuple[tuple[Any, ...], int, int]]:
    """A delta at each grain and level (`LEVELS`); a question reads the smallest level that has
    its dimensions (ordi.stats.service). No level has donor × workshop × grade: that cube would
    hold about one row per event, as big as the log it summarises."""
    i_donor, i_workshop, i_grade = _MASKED[delta.table]
    stock = delta.table == "stats_stock"
    chosen = STOCK_LEVELS if stock else LEAD_LEVELS if delta.table == "stats_lead" else LEVELS
    for key in grains(delta):
        for level in chosen:
            row = list(key)
            if level in SINCELESS:  # the stock now, without its age: W, N, G rows without `since`
                row[-1] = NO_SINCE
                level = level.upper()
                mark = level.lower()
            else:
                mark = level
            if level == "W":
                if key[i_workshop] != 0:
                    row[i_donor] = -1
                row[i_grade] = "*"
            elif level == "N":
                row[i_workshop] = -1
                row[i_grade] = "*"
            elif level == "G":
                row[i_donor] = -1
                row[i_workshop] = -1
            else:
                row[i_donor] = -1
                row[i_workshop] = -1
                row[i_grade] = "*"
                if level == TOTAL:
                    for i in _LEAD_TOTALLED:
                        row[i] = "*"
            yield (mark, *row), delta.n, delta.minutes


def declared(entries: Sequence[Mapping[str, Any]], devices: Sequence[Mapping[str, Any]]) -> list[Delta]:
    """New devices (`ledger.declare`): their `declare` counts and their first stock rows."""
    deltas: list[Delta] = []
    for entry, device in zip(entries, devices, strict=True):
        # A declaration counts before any workshop, as the log reads it (a device found at a
        # pickup is declared with its workshop already in charge, which its next step records).
        deltas.extend(event_deltas(entry, {**device, "refurbisher": None}))
        deltas.extend(stock_move(None, device))
    return deltas


def stays_moves(
    rows: Sequence[Mapping[str, Any]], changes: Mapping[str, Any], entries: Sequence[Mapping[str, Any]] = ()
) -> list[Delta]:
    """Devices that stay in their state while some columns change (a workshop put in charge), or
    that all take one step (a cancelled donation's devices withdrawn): their entries' counts under
    the row after, and their stock moves."""
    deltas: list[Delta] = []
    by_device = {int(e["device"]): e for e in entries}
    for row in rows:
        after = {**row, **changes}
        if (entry := by_device.get(int(row["id"]))) is not None:
            deltas.extend(event_deltas(entry, after))
        deltas.extend(stock_move(row, after))
    return deltas


def logged_deltas(entry: Mapping[str, Any], *, sign: int = 1) -> list[Delta]:
    """The counts, lead time and fate of one entry as `ordi.stats.rebuild` reads it from the log
    (`rebuild.device_entries`: its dimensions, and the times its lead time and fate need)."""
    action = str(entry["action"])
    if action in NOT_COUNTED:
        return []
    at = _as_datetime(entry["at"])
    day = utc_day(at)
    donor, workshop, category, grade = (
        int(entry["donor"]),
        int(entry["workshop"] or 0),
        str(entry["category"]),
        str(entry["grade"] or ""),
    )
    beneficiary = str(entry["beneficiary"] or "")
    done = entry["outcome"] == "done"
    start = {
        "collect": entry["created_at"],
        "refurbish": entry["received_at"],
        "hand_over": entry["refurbished_at"],
        "deliver": entry["decided_at"],
    }.get(action)
    lead = whole_days(_as_datetime(start), at) if done and start is not None else None
    until = utc_day(_as_datetime(entry["ended_at"])) if action == "hand_over" and entry["ended_at"] else NOT_YET
    key = (day, action, str(entry["outcome"]), donor, workshop, category, grade, beneficiary)
    deltas = [Delta("stats_count", key, sign, sign * int(entry["minutes"] or 0))]
    if lead is not None:
        metric = LEAD_ENDS[action]
        deltas.append(Delta("stats_lead", (day, metric, lead, donor, workshop, category, grade, beneficiary), sign))
    if action in ("hand_over", "recycle") and done:
        deltas.append(Delta("stats_fate", (day, action, until, donor, workshop, category, grade), sign))
    return deltas


def revision(before: Iterable[Mapping[str, Any]], after: Iterable[Mapping[str, Any]]) -> list[Delta]:
    """A revising entry (`REVISING`): the device's rows as the log counted them before it, taken
    away, and as it counts them after it (with the new entry), added; `merged` drops what is equal."""
    return [
        *(d for e in before for d in logged_deltas(e, sign=-1)),
        *(d for e in after for d in logged_deltas(e)),
    ]


def merged(deltas: Iterable[Delta]) -> dict[str, list[tuple[Any, ...]]]:
    """Deltas at every level, summed per table and key (zeros dropped), keys sorted: upserts lock
    rows in one order."""
    sums: dict[tuple[str, tuple[Any, ...]], list[int]] = {}
    for d in deltas:
        for key, n, minutes in levels(d):
            total = sums.setdefault((d.table, key), [0, 0])
            total[0] += n
            total[1] += minutes
    rows: dict[str, list[tuple[Any, ...]]] = {}
    for (table, key), (n, minutes) in sorted(sums.items(), key=lambda item: (item[0][0], _order(item[0][1]))):
        if n == 0 and minutes == 0:
            continue
        counters = (n, minutes) if len(COUNTERS[table]) == 2 else (n,)
        rows.setdefault(table, []).append((*key, *counters))
    return rows


def _order(key: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(str(k) for k in key)


def upsert_sql(table: str, count: int) -> str:
    """A multi-row upsert of `count` rows (`{}` placeholders), adding the counters on conflict."""
    columns = (*KEYS[table], *COUNTERS[table])
    row = "(" + ", ".join("{}" for _ in columns) + ")"
    names = ", ".join(columns)
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in COUNTERS[table])
    return (
        f"INSERT INTO {table} ({names}) VALUES {', '.join(row for _ in range(count))} "  # noqa: S608
        f"ON CONFLICT ({', '.join(KEYS[table])}) DO UPDATE SET {updates}"
    )


_MAX_ROWS = 500  # per statement: within every engine's limit of bound parameters


async def upsert(deltas: Iterable[Delta]) -> None:
    """Add deltas to the rollups, at every grain and level (the fold and the tests)."""
    for table, rows in merged(deltas).items():
        for start in range(0, len(rows), _MAX_ROWS):
            chunk = rows[start : start + _MAX_ROWS]
            await execute_in_transaction(upsert_sql(table, len(chunk)), *(v for r in chunk for v in r))


# --- the journal ---------------------------------------------------------------------------
# An entry's deltas are not added to the rollups by the entry's own transaction: that was a
# dozen upserts into tables of millions of rows on every step (about half again the cost of the
# step). They are appended, one narrow row per delta and no index but the id, to `stats_journal`
# (on PostgreSQL inside the step's own statement); `fold` moves them into the rollups in bulk,
# summed per key. Every reader folds first (`ordi.stats.service.compute`), and a periodic task
# folds every minute, so the journal stays a few minutes of entries at most.

#: The journal's one-letter name of each rollup table, and the types of its key (to read it back).
_CODE = {"stats_count": "c", "stats_lead": "l", "stats_fate": "f", "stats_stock": "s"}
_TABLE = {code: table for table, code in _CODE.items()}
_KEY_TYPES: dict[str, Any] = {
    "stats_count": tuple[date, str, str, int, int, str, str, str],
    "stats_lead": tuple[date, str, int, int, int, str, str, str],
    "stats_fate": tuple[date, str, date, int, int, str, str],
    "stats_stock": tuple[str, int, int, str, str, date],
}
_JOURNAL_ROW = "({}, {}, {}, {})"
#: Every fold and the rebuild take this lock (PostgreSQL): one at a time.
FOLD_LOCK = 5_318_008
FOLD_EVERY_SECONDS = 60.0


def journal_rows(deltas: Iterable[Delta]) -> list[tuple[str, str, int, int]]:
    """The journal rows of some deltas: summed per key first, zeros dropped (a revision's
    unchanged rows cancel out)."""
    sums: dict[tuple[str, tuple[Any, ...]], list[int]] = {}
    for d in deltas:
        total = sums.setdefault((d.table, d.key), [0, 0])
        total[0] += d.n
        total[1] += d.minutes
    return [
        (_CODE[table], msgspec.json.encode(key).decode(), n, minutes)
        for (table, key), (n, minutes) in sums.items()
        if n or minutes
    ]


def journal_sql(count: int) -> str:
    return "INSERT INTO stats_journal (tbl, key, n, minutes) VALUES " + ", ".join(  # noqa: S608 - constants
        _JOURNAL_ROW for _ in range(count)
    )


async def apply(deltas: Iterable[Delta]) -> None:
    """Journal deltas in the caller's transaction (bulk paths: declare, assign entries, revisions)."""
    rows = journal_rows(deltas)
    for start in range(0, len(rows), _MAX_ROWS):
        chunk = rows[start : start + _MAX_ROWS]
        await execute_in_transaction(journal_sql(len(chunk)), *(v for r in chunk for v in r))


def postgres_ctes(deltas: Iterable[Delta]) -> tuple[str, tuple[Any, ...]]:
    """The journal's insert as a data-modifying CTE to prepend to the step's own statement (PostgreSQL)."""
    rows = journal_rows(deltas)
    if not rows:
        return "", ()
    return f"j AS ({journal_sql(len(rows))})", tuple(v for r in rows for v in r)


def journal_delta(row: Mapping[str, Any]) -> Delta:
    table = _TABLE[str(row["tbl"])]
    key = msgspec.json.decode(row["key"], type=_KEY_TYPES[table])
    return Delta(table, tuple(key), int(row["n"]), int(row["minutes"]))


async def fold() -> int:
    """Move the journal into the rollups (its rows are deleted in the same transaction); returns
    how many rows it moved. Reading an empty journal is one indexed look-up, no transaction."""
    if await fetch_row("SELECT id FROM stats_journal LIMIT 1") is None:
        return 0
    if engine().current_transaction.get() is not None:  # type: ignore[attr-defined]
        return await fold_in_transaction()
    async with write_transaction():
        return await fold_in_transaction()


async def fold_in_transaction() -> int:
    """The fold in the caller's transaction. The DELETE takes exactly the rows its snapshot sees
    (all of an entry's rows, or none: they were written by one transaction); rows committed
    meanwhile stay for the next fold."""
    if is_postgres():
        await execute_in_transaction("SELECT pg_advisory_xact_lock({})", FOLD_LOCK)
    rows = await fetch_all("DELETE FROM stats_journal RETURNING tbl, key, n, minutes")
    await upsert(journal_delta(r) for r in rows)
    return len(rows)


# --- the stock's old rows -------------------------------------------------------------------
#: The stock's age is read in buckets whose oldest starts at 366 days (ordi.stats.service
#: AGE_BUCKETS). A stock row older than `OLD_STOCK_DAYS` is merged into its key's row at
#: NO_SINCE, which that bucket counts, so that the stock keeps a row per day of the last year and
#: not one per day since the programme began (at 10 M events, 45 % of the A rows). A step that
#: moves a device out of a merged row leaves a negative row at its old day; the next merge nets it.
OLD_STOCK_DAYS = 367  # a day more than the bucket's start: a reader's "today" may be a day behind
AGE_EVERY_SECONDS = 3600.0
_AGED_LEVELS = ", ".join(f"'{level}'" for level in LEVELS)  # the sinceless levels have no age
_AGED_KEY = "level, state, donor, workshop, category, grade"


def old_stock_cutoff() -> date:
    """Stock rows whose `since` is before this day are merged (`age_out`)."""
    return clock.now().astimezone(UTC).date() - timedelta(days=OLD_STOCK_DAYS)


async def age_out() -> int:
    """Merge the stock rows past the oldest age bucket (periodic task `stats_age`, registered in
    ordi.wiring); returns how many rows it merged into."""
    async with write_transaction():
        if is_postgres():
            await execute_in_transaction("SELECT pg_advisory_xact_lock({})", FOLD_LOCK)
        old = f"level IN ({_AGED_LEVELS}) AND since > {{}} AND since < {{}}"
        cutoff = old_stock_cutoff()
        rows = await fetch_all(
            f"SELECT {_AGED_KEY}, SUM(n) AS n FROM stats_stock WHERE {old} GROUP BY {_AGED_KEY}",  # noqa: S608
            NO_SINCE,
            cutoff,
        )
        if not rows:
            return 0
        await execute_in_transaction(f"DELETE FROM stats_stock WHERE {old}", NO_SINCE, cutoff)  # noqa: S608
        merged_rows = [
            (r["level"], r["state"], r["donor"], r["workshop"], r["category"], r["grade"], NO_SINCE, int(r["n"]))
            for r in rows
            if int(r["n"])
        ]
        for start in range(0, len(merged_rows), _MAX_ROWS):
            chunk = merged_rows[start : start + _MAX_ROWS]
            await execute_in_transaction(upsert_sql("stats_stock", len(chunk)), *(v for r in chunk for v in r))
    return len(rows)
