"""The rollups' pure parts: deltas, levels, the period's months and days, percentiles, small cells."""

from __future__ import annotations

from datetime import UTC, date, datetime

from ordi.stats import rollups
from ordi.stats.service import buckets, percentile, segments, suppress

BEFORE = {
    "id": 7,
    "donor": 3,
    "refurbisher": 5,
    "category": "laptop",
    "grade": None,
    "state": "wiped",
    "state_changed_at": datetime(2025, 3, 2, 10, tzinfo=UTC),
    "created_at": datetime(2025, 2, 1, 10, tzinfo=UTC),
    "request": None,
}
AFTER = {**BEFORE, "grade": "A", "state": "ready", "state_changed_at": datetime(2025, 3, 5, 9, tzinfo=UTC)}
REFURBISH = {
    "action": "refurbish",
    "outcome": "done",
    "occurred_at": datetime(2025, 3, 5, 9, tzinfo=UTC),
    "payload": {"grade": "A", "labour_minutes": 45},
}


def test_a_step_counts_once_per_grain_and_moves_the_stock() -> None:
    deltas = [*rollups.event_deltas(REFURBISH, AFTER, lead_days=4), *rollups.stock_move(BEFORE, AFTER)]
    rows = rollups.merged(deltas)
    counts = rows["stats_count"]
    assert len(counts) == 12  # D, M and Y rows at levels W, N, G, A
    per_grade = [r for r in counts if r[0] == "G"]
    assert {r[1] for r in per_grade} == {"D", "M", "Y"} and all(r[8] == "A" for r in per_grade)
    assert all(r[-2:] == (1, 45) for r in counts)
    assert {r[2] for r in counts} == {date(2025, 3, 5), date(2025, 3, 1), date(2025, 1, 1)}
    leads = rows["stats_lead"]
    assert len(leads) == 15 and all(r[4] == 4 for r in leads)  # the lead times also at level T, the total
    assert {(r[7], r[9]) for r in leads if r[0] == "T"} == {("*", "*")}
    stock = rows["stats_stock"]
    assert sorted(r[-1] for r in stock) == [-1] * 7 + [1] * 7  # W, N, G, A by age; w, n, g without it
    assert {r[-2] for r in stock if r[0] in ("w", "n", "g")} == {rollups.NO_SINCE}
    n = [r for r in counts if r[0] == "N"]
    assert all(r[5] == 3 and r[6] == -1 and r[8] == "*" for r in n)
    w = [r for r in counts if r[0] == "W"]
    assert all(r[5] == -1 and r[6] == 5 and r[8] == "*" for r in w)  # no donor once in a workshop, no grade
    a = [r for r in counts if r[0] == "A"]
    assert all(r[5] == -1 and r[6] == -1 for r in a)


def test_a_correction_is_the_opposite_delta() -> None:
    forward = rollups.event_deltas(REFURBISH, AFTER, lead_days=4) + rollups.stock_move(BEFORE, AFTER)
    backward = rollups.event_deltas(REFURBISH, AFTER, lead_days=4, sign=-1) + rollups.stock_move(AFTER, BEFORE)
    assert rollups.merged(forward + backward) == {}


LOGGED = {
    "action": "refurbish",
    "outcome": "done",
    "at": datetime(2025, 3, 5, 9, tzinfo=UTC),
    "donor": 3,
    "workshop": 5,
    "category": "laptop",
    "grade": "A",
    "beneficiary": "",
    "minutes": 45,
    "created_at": datetime(2025, 2, 1, 10, tzinfo=UTC),
    "received_at": datetime(2025, 3, 1, 9, tzinfo=UTC),
    "refurbished_at": datetime(2025, 3, 5, 9, tzinfo=UTC),
    "decided_at": None,
    "ended_at": None,
}


def test_a_revision_moves_only_what_the_log_counts_differently() -> None:
    correct = {**LOGGED, "action": "correct", "minutes": 0, "at": datetime(2025, 3, 9, 9, tzinfo=UTC)}
    fixed = {**LOGGED, "grade": "B", "minutes": 30}
    rows = rollups.merged(rollups.revision([LOGGED], [fixed, {**correct, "grade": "B"}]))
    counts = rows["stats_count"]
    refurbished = {(r[0], r[8]): r[-2:] for r in counts if r[3] == "refurbish" and r[1] == "D"}
    # Grade A's refurbishment moves to B (G level); the levels without the grade only lose 15 minutes.
    assert refurbished == {
        ("G", "A"): (-1, -45),
        ("G", "B"): (1, 30),
        ("W", "*"): (0, -15),
        ("N", "*"): (0, -15),
        ("A", "*"): (0, -15),
    }
    assert {r[3] for r in counts} == {"refurbish", "correct"}  # the correction counts once, as itself
    assert sorted(r[-1] for r in rows["stats_lead"] if r[0] == "G") == [-1] * 3 + [1] * 3  # its lead time moves along
    assert rollups.merged(rollups.revision([LOGGED], [LOGGED])) == {}


def test_a_return_closes_the_hand_over() -> None:
    handed = {**AFTER, "state": "handed_over", "state_changed_at": datetime(2025, 4, 1, 12, tzinfo=UTC)}
    back = {"action": "return", "outcome": "done", "occurred_at": datetime(2025, 5, 2, 8, tzinfo=UTC), "payload": {}}
    rows = rollups.merged(rollups.fate_ended(handed, back))["stats_fate"]
    closed = [r for r in rows if r[-1] == 1]
    assert {r[4] for r in closed} == {date(2025, 5, 2)}
    assert {r[4] for r in rows if r[-1] == -1} == {rollups.NOT_YET}
    assert rollups.fate_ended({**handed, "state": "delivered"}, back) == []


def test_a_period_reads_whole_months_and_loose_days() -> None:
    assert segments(date(2025, 1, 1), date(2025, 12, 31)) == [("M", date(2025, 1, 1), date(2025, 12, 1))]
    assert segments(date(2025, 3, 15), date(2025, 6, 10)) == [
        ("D", date(2025, 3, 15), date(2025, 3, 31)),
        ("M", date(2025, 4, 1), date(2025, 5, 1)),
        ("D", date(2025, 6, 1), date(2025, 6, 10)),
    ]
    assert segments(date(2025, 3, 2), date(2025, 3, 30)) == [("D", date(2025, 3, 2), date(2025, 3, 30))]
    assert segments(date(2025, 1, 31), date(2025, 2, 28)) == [
        ("D", date(2025, 1, 31), date(2025, 1, 31)),
        ("M", date(2025, 2, 1), date(2025, 2, 1)),
    ]
    assert segments(date(2023, 12, 3), date(2026, 12, 2), years=True) == [
        ("D", date(2023, 12, 3), date(2023, 12, 31)),
        ("Y", date(2024, 1, 1), date(2025, 1, 1)),
        ("M", date(2026, 1, 1), date(2026, 11, 1)),
        ("D", date(2026, 12, 1), date(2026, 12, 2)),
    ]
    assert segments(date(2025, 2, 1), date(2026, 12, 31), years=True) == [
        ("M", date(2025, 2, 1), date(2025, 12, 1)),
        ("Y", date(2026, 1, 1), date(2026, 1, 1)),
    ]
    assert segments(date(2025, 2, 1), date(2025, 12, 31), years=True) == [("M", date(2025, 2, 1), date(2025, 12, 1))]
    assert [b[0].month for b in buckets(date(2025, 2, 10), date(2025, 9, 3), "quarter")] == [2, 4, 7]


def test_percentiles_by_nearest_rank() -> None:
    assert percentile({}, 0.5) is None
    assert percentile({1: 1, 2: 1, 3: 1, 4: 1}, 0.5) == 2
    assert percentile({1: 9, 30: 1}, 0.9) == 1
    assert percentile({1: 8, 30: 2}, 0.9) == 30


def test_small_cells_take_their_complement_along() -> None:
    assert suppress({"a": 20, "b": 4, "c": 12}) == {"a": 20, "b": "< 11", "c": "< 11"}
    assert suppress({"a": 20, "b": 4, "c": 3}) == {"a": 20, "b": "< 11", "c": "< 11"}
    assert suppress({"a": 20, "b": 0, "c": 15}) == {"a": 20, "b": 0, "c": 15}
    assert suppress({"a": 6, "b": 0}) == {"a": "< 11", "b": "< 11"}


def test_a_journal_row_reads_back_as_its_delta() -> None:
    deltas = [
        *rollups.event_deltas(REFURBISH, AFTER, lead_days=4),
        *rollups.stock_move(BEFORE, AFTER),
        *rollups.fate_ended(
            {**AFTER, "state": "handed_over"},
            {"action": "lose", "outcome": "done", "occurred_at": datetime(2025, 6, 1, tzinfo=UTC), "payload": {}},
        ),
    ]
    rows = rollups.journal_rows(deltas)
    assert len(rows) == len(deltas)  # one narrow row per delta, no level nor grain yet
    back = [rollups.journal_delta({"tbl": t, "key": k, "n": n, "minutes": m}) for t, k, n, m in rows]
    assert rollups.merged(back) == rollups.merged(deltas)
    assert rollups.journal_rows([*deltas, *(rollups.Delta(d.table, d.key, -d.n, -d.minutes) for d in deltas)]) == []


async def test_entries_wait_in_the_journal_until_a_fold_adds_them(db: None) -> None:
    from ordi.db import fetch_all, write_transaction
    from ordi.periodic import service as periodic

    assert "stats_fold" in periodic.tasks()  # the workers fold every minute
    deltas = [*rollups.event_deltas(REFURBISH, AFTER, lead_days=4), *rollups.stock_move(BEFORE, AFTER)]
    async with write_transaction():
        await rollups.apply(deltas)
    assert not await fetch_all("SELECT id FROM stats_count")
    assert len(await fetch_all("SELECT id FROM stats_journal")) == 4  # a count, a lead time, a stock move
    assert await rollups.fold() == 4
    assert await rollups.fold() == 0
    assert not await fetch_all("SELECT id FROM stats_journal")
    rows = await fetch_all("SELECT level, grain, n, minutes FROM stats_count")
    assert len(rows) == 12 and {(int(r["n"]), int(r["minutes"])) for r in rows} == {(1, 45)}
    assert len(await fetch_all("SELECT id FROM stats_stock")) == 14


def test_old_stock_is_merged_only_past_the_oldest_age_bucket() -> None:
    from ordi.periodic import service as periodic
    from ordi.stats import service

    # Merged rows read as the oldest bucket: their days are past its start, with a day to spare.
    assert service.AGE_BUCKETS[-1] == (rollups.OLD_STOCK_DAYS - 1, None)
    assert "stats_age" in periodic.tasks()  # merged every hour by the workers
