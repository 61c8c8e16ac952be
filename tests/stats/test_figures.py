"""Every figure of the committee, recomputed with plain Python from the pseudonymised export and
compared with the API; the rollups kept step by step equal their rebuild from the log."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.fixtures import Api, World
from tests.stats.history import build_year, install

STAGES = {
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
LEADS = {"collect": "declared_collected", "refurbish": "received_ready", "hand_over": "ready_handed_over"}
OUT = {"handed_over", "recycled", "lost", "withdrawn"}


def parse(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff"), "the export starts with a BOM"
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def at(line: dict[str, str]) -> datetime:
    return datetime.fromisoformat(line["occurred_at"])


def nearest_rank(values: list[int], p: int) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-p * len(ordered) // 100))
    return ordered[rank - 1]


def suppressed(cells: dict[str, int]) -> dict[str, Any]:
    total = sum(cells.values())
    if 0 < total < 11:
        return {k: "< 11" for k in cells}
    hidden = {k for k, v in cells.items() if 0 < v < 11}
    if len(hidden) == 1:
        rest = sorted((v, k) for k, v in cells.items() if v > 0 and k not in hidden)
        if rest:
            hidden.add(rest[0][1])
    return {k: "< 11" if k in hidden else v for k, v in cells.items()}


class Recompute:
    """The figures from the export's lines only, the way a reader with a spreadsheet would."""

    def __init__(self, lines: list[dict[str, str]], requests: list[dict[str, str]]) -> None:
        self.lines = lines
        self.requests = requests
        self.by_device: dict[str, list[dict[str, str]]] = defaultdict(list)
        for line in lines:
            self.by_device[line["device"]].append(line)
        for history in self.by_device.values():
            history.sort(key=lambda line: int(line["seq"]))

    @staticmethod
    def keep(line: dict[str, str], filters: dict[str, str]) -> bool:
        names = {"refurbisher": "workshop"}
        return all(line[names.get(k, k)] == v for k, v in filters.items())

    def window(self, first: date, last: date, filters: dict[str, str]) -> list[dict[str, str]]:
        return [
            line for line in self.lines if first <= at(line).astimezone(UTC).date() <= last and self.keep(line, filters)
        ]

    def stages(self, first: date, last: date, filters: dict[str, str]) -> dict[str, int]:
        counted = Counter((line["action"], line["outcome"]) for line in self.window(first, last, filters))
        return {name: counted[key] for name, key in STAGES.items()}

    def reuse(self, first: date, last: date, filters: dict[str, str]) -> tuple[int, int, dict[str, int]]:
        handed = recycled = 0
        by_category: Counter[str] = Counter()
        for history in self.by_device.values():
            fates = [
                line
                for line in history
                if line["action"] in ("hand_over", "return", "lose", "recycle") and first <= at(line).date() <= last
            ]
            if not fates:
                continue
            final = fates[-1]
            if not self.keep(final, filters):
                continue
            if final["action"] == "hand_over":
                handed += 1
                by_category[final["category"]] += 1
            elif final["action"] == "recycle":
                recycled += 1
        return handed, recycled, dict(by_category)

    def leads(self, first: date, last: date, filters: dict[str, str]) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {m: [] for m in (*LEADS.values(), "approved_delivered")}
        for history in self.by_device.values():
            for i, line in enumerate(history):
                if not (first <= at(line).date() <= last) or not self.keep(line, filters):
                    continue
                start = None
                if line["action"] == "collect":
                    start = at(history[0])
                elif line["action"] == "refurbish":
                    start = max(at(x) for x in history[:i] if x["action"] == "receive")
                elif line["action"] == "hand_over":
                    start = max(at(x) for x in history[:i] if x["action"] == "refurbish")
                elif line["action"] == "deliver" and line["request_approved_at"]:
                    start = datetime.fromisoformat(line["request_approved_at"])
                if start is None:
                    continue
                metric = LEADS.get(line["action"], "approved_delivered")
                out[metric].append(int((at(line) - start).total_seconds() // 86400))
        return out

    def stock(self, filters: dict[str, str]) -> tuple[dict[str, int], dict[str, int]]:
        by_state: Counter[str] = Counter()
        by_category: Counter[str] = Counter()
        for history in self.by_device.values():
            last = history[-1]
            if not self.keep(last, {k: v for k, v in filters.items() if k != "beneficiary_category"}):
                continue
            by_state[last["to_state"]] += 1
            if last["to_state"] not in OUT:
                by_category[last["category"]] += 1
        return dict(by_state), dict(by_category)

    def labour_minutes(self, first: date, last: date, filters: dict[str, str]) -> int:
        return sum(int(x["labour_minutes"]) for x in self.window(first, last, filters) if x["action"] == "refurbish")


QUESTIONS: list[tuple[str, date, date, dict[str, str]]] = [
    ("the year", date(2025, 1, 1), date(2025, 12, 31), {}),
    ("months and loose days", date(2025, 3, 15), date(2026, 1, 20), {}),
    ("Normandie", date(2025, 1, 1), date(2025, 12, 31), {"region": "28"}),
    ("laptops", date(2025, 2, 10), date(2025, 9, 30), {"category": "laptop"}),
    ("grade A", date(2025, 1, 1), date(2025, 12, 31), {"grade": "A"}),
]


@pytest.fixture
async def year(api: Api, world: World, monkeypatch: pytest.MonkeyPatch) -> Any:
    clock = install(monkeypatch)
    return await build_year(api, world, clock)


async def _export(client: AsyncTestClient[Any], world: World) -> Recompute:
    events = await client.get("/api/v1/stats/events.csv", headers=world.committee.headers)
    assert events.status_code == 200, events.text
    assert events.headers["content-type"].startswith("text/csv")
    requests = await client.get("/api/v1/stats/requests.csv", headers=world.committee.headers)
    assert requests.status_code == 200
    return Recompute(parse(events.text), parse(requests.text))


async def test_every_figure_recomputed_from_the_export(client: AsyncTestClient[Any], world: World, year: Any) -> None:
    plain = await _export(client, world)
    lines = plain.lines
    assert len(lines) > 150
    # Nothing that names anyone: no serial, no donor id, no name.
    header = set(lines[0])
    assert not header & {"serial_number", "name", "donor_id", "asset_tag", "full_name"}
    donor_ids = {str(world.donor.organisation_id), str(world.other_donor.organisation_id)}
    assert not {line["donor"] for line in lines} & donor_ids
    assert {line["region"] for line in lines} >= {"28", "84"}
    # A correcting line names the entry it corrects; the lines carry the corrected values.
    corrections = [line for line in lines if line["action"] == "correct"]
    assert len(corrections) == 4
    assert {line["corrects"] for line in corrections} <= {line["event_id"] for line in lines}
    assert {line["action"] for line in lines} >= {"amend", "withdraw"}

    from ordi.stats.exports import pseudonym

    donor = world.donor.organisation_id
    questions = [*QUESTIONS, ("Rouen's donations", date(2025, 1, 1), date(2025, 12, 31), {"donor": str(donor)})]
    for name, first, last, asked in questions:
        query = "&".join(f"{k}={v}" for k, v in asked.items())
        filters = {k: pseudonym("donor", donor, 12) if k == "donor" else v for k, v in asked.items()}
        url = f"/api/v1/stats/summary?from={first}&to={last}&grain=month&{query}"
        response = await client.get(url, headers=world.committee.headers)
        assert response.status_code == 200, response.text
        got = response.json()
        stages = plain.stages(first, last, filters)
        assert got["stages"] == stages, name
        handed, recycled, final_by_category = plain.reuse(first, last, filters)
        assert (got["reuse"]["redistributed"], got["reuse"]["recycled"]) == (handed, recycled), name
        expected_rate = round(handed / (handed + recycled), 4) if handed + recycled else None
        assert got["reuse_rate"] == expected_rate, name
        failed, wiped = stages["wipe_failed"], stages["wiped"]
        assert got["wipe_failure_rate"] == (round(failed / (failed + wiped), 4) if failed + wiped else None)
        window = plain.window(first, last, filters)
        handovers = [x for x in window if x["action"] == "hand_over"]
        assert got["redistributed_by_category"] == dict(Counter(x["category"] for x in handovers)), name
        cells = {c: 0 for c in got["redistributed_by_beneficiary_category"]}
        cells.update(Counter(x["beneficiary_category"] for x in handovers))
        assert got["redistributed_by_beneficiary_category"] == suppressed(cells), name
        for metric, values in plain.leads(first, last, filters).items():
            lead = got["lead_times"][metric]
            assert (lead["count"], lead["median_days"], lead["p90_days"]) == (
                len(values),
                nearest_rank(values, 50),
                nearest_rank(values, 90),
            ), (name, metric)
        minutes = plain.labour_minutes(first, last, filters)
        assert got["impact"]["insertion_labour_hours"] == round(minutes / 60, 1), name
        factors = {f["category"]: f for f in got["impact"]["factors"]}
        kg = sum(n * factors[c]["weight_kg"] for c, n in final_by_category.items())
        assert got["impact"]["kg_ewaste_avoided"] == round(kg, 1), name
        assert got["impact"]["factor_set_version"].startswith("défaut-")
        by_state, by_category = plain.stock(filters)
        assert {k: v for k, v in got["stock"]["by_state"].items() if v} == by_state, name
        assert got["stock"]["by_category"] == by_category, name
        # The series adds up to the period, month by month.
        for point in got["series"]:
            low, high = date.fromisoformat(point["start"]), date.fromisoformat(point["end"])
            assert point["stages"] == plain.stages(low, high, filters), (name, point["label"])
            p_handed, p_recycled, _ = plain.reuse(low, high, filters)
            assert (point["reuse"]["redistributed"], point["reuse"]["recycled"]) == (p_handed, p_recycled)
        assert sum(p["stages"]["declared"] for p in got["series"]) == stages["declared"]


async def test_groups_by_region_and_workshop(client: AsyncTestClient[Any], world: World, year: Any) -> None:
    plain = await _export(client, world)
    first, last = date(2025, 1, 1), date(2025, 12, 31)
    for dimension, column in (("region", "region"), ("refurbisher", "workshop"), ("category", "category")):
        url = f"/api/v1/stats/summary?from={first}&to={last}&grain=quarter&group_by={dimension}"
        got = (await client.get(url, headers=world.committee.headers)).json()
        assert len(got["series"]) == 4
        keys = {line[column] or "0" for line in plain.window(first, last, {})}
        groups = {g["key"]: g for g in got["groups"]}
        assert set(groups) >= keys - {"0"}
        for key, group in groups.items():
            filters = {column: "" if key == "0" else key}
            assert group["stages"] == plain.stages(first, last, filters), (dimension, key)
            handed, recycled, _ = plain.reuse(first, last, filters)
            assert (group["reuse"]["redistributed"], group["reuse"]["recycled"]) == (handed, recycled)


async def test_requests_fulfilment_and_waits(client: AsyncTestClient[Any], world: World, year: Any) -> None:
    plain = await _export(client, world)
    got = (
        await client.get("/api/v1/stats/summary?from=2025-01-01&to=2025-12-31", headers=world.committee.headers)
    ).json()
    rows = plain.requests
    assert got["requests"]["count"] == len({r["request"] for r in rows})
    assert got["requests"]["devices_requested"] == sum(int(r["quantity"]) for r in rows) == 6
    assert got["requests"]["devices_allocated"] == sum(int(r["allocated"]) for r in rows) == 5
    assert got["requests"]["fulfilment_rate"] == round(5 / 6, 4)
    waits = [
        int(
            (datetime.fromisoformat(r["decided_at"]) - datetime.fromisoformat(r["created_at"])).total_seconds() // 86400
        )
        for r in rows
    ]
    assert got["requests"]["waiting"]["median_days"] == nearest_rank(waits, 50) == 2
    assert got["requests"]["approved_to_delivered"]["count"] == 5


async def test_the_rollups_equal_their_rebuild_from_the_log(
    client: AsyncTestClient[Any], world: World, year: Any
) -> None:
    from ordi.db import fetch_all
    from ordi.stats.rebuild import rebuild
    from ordi.stats.tables import COUNTERS, KEYS

    async def snapshot() -> dict[str, dict[tuple[Any, ...], tuple[int, ...]]]:
        out = {}
        for table, key in KEYS.items():
            rows = await fetch_all(f"SELECT {', '.join((*key, *COUNTERS[table]))} FROM {table}")  # noqa: S608
            out[table] = {
                tuple(str(r[c])[:10] if c in ("day", "since", "until") else r[c] for c in key): tuple(
                    int(r[c]) for c in COUNTERS[table]
                )
                for r in rows
                if any(int(r[c]) for c in COUNTERS[table])
            }
        return out

    from ordi.stats.rollups import age_out, fold

    await fold()  # the journal's entries into the rollups, as every reader does first
    assert not await fetch_all("SELECT id FROM stats_journal")
    await age_out()  # the stock rows past the oldest age bucket merged, as the rebuild writes them
    live = await snapshot()
    assert all(live.values())
    counts = await rebuild()
    assert not await fetch_all("SELECT id FROM stats_journal")  # the rebuild leaves nothing to fold
    rebuilt = await snapshot()
    for table in KEYS:
        assert live[table] == rebuilt[table], table
        assert counts[table] >= len(rebuilt[table])


async def test_dimensions_that_do_not_combine_are_refused(client: AsyncTestClient[Any], world: World) -> None:
    url = f"/api/v1/stats/summary?donor={world.donor.organisation_id}&group_by=refurbisher"
    refused = await client.get(url, headers=world.committee.headers)
    assert refused.status_code == 422
    assert "ne se combinent pas" in refused.json()["detail"]


async def test_small_cells_are_suppressed_with_their_complement(
    client: AsyncTestClient[Any], world: World, year: Any
) -> None:
    got = (
        await client.get("/api/v1/stats/summary?from=2025-01-01&to=2025-12-31", headers=world.committee.headers)
    ).json()
    cells = got["redistributed_by_beneficiary_category"]
    # 12 job seekers shown; 3 students and 1 senior hidden, so neither is the total minus the other.
    assert cells["job_seeker"] >= 11
    assert cells["student"] == cells["senior"] == "< 11"
    assert got["small_cells"]["threshold"] == 11 and "< 11" in got["small_cells"]["rule"]
    # Grouped by beneficiary category: the hand-overs appear only as suppressed cells.
    url = "/api/v1/stats/summary?from=2025-01-01&to=2025-12-31&group_by=beneficiary_category"
    grouped = (await client.get(url, headers=world.committee.headers)).json()
    assert "redistributed" not in grouped["stages"]
    people = {g["key"]: g["beneficiaries"] for g in grouped["groups"] if g["key"]}
    assert people["student"] == people["senior"] == "< 11"
    assert all("redistributed" not in g["stages"] for g in grouped["groups"])
    one = "/api/v1/stats/summary?from=2025-01-01&to=2025-12-31&beneficiary_category=senior"
    single = (await client.get(one, headers=world.committee.headers)).json()
    assert set(single["redistributed_by_beneficiary_category"].values()) == {"< 11"}


async def test_csv_is_the_french_spreadsheet_dialect(client: AsyncTestClient[Any], world: World, year: Any) -> None:
    headers = {**world.committee.headers, "Accept": "text/csv"}
    whole = await client.get("/api/v1/stats/summary?from=2025-01-01&to=2025-12-31", headers=headers)
    assert whole.status_code == 200 and whole.headers["content-type"].startswith("text/csv")
    assert whole.content.startswith("\ufeff".encode())
    assert b"\r\n" in whole.content and ";" in whole.text
    reuse = await client.get(
        "/api/v1/stats/tables/reuse.csv?from=2025-01-01&to=2025-12-31", headers=world.committee.headers
    )
    rows = list(csv.reader(io.StringIO(reuse.text[1:]), delimiter=";"))
    assert rows[0] == ["redistributed", "recycled", "reuse_rate", "wipe_failure_rate"]
    assert "," in rows[1][2] and "." not in rows[1][2]  # a decimal comma
    as_json = await client.get(
        "/api/v1/stats/tables/lead_times?from=2025-01-01&to=2025-12-31", headers=world.committee.headers
    )
    assert as_json.json()["columns"] == ["metric", "label", "count", "median_days", "p90_days"]
    assert (await client.get("/api/v1/stats/tables/nope", headers=world.committee.headers)).status_code in (400, 404)


async def test_only_the_committee_and_the_operator_read_the_figures(client: AsyncTestClient[Any], world: World) -> None:
    for path in (
        "/api/v1/stats/summary",
        "/api/v1/stats/events.csv",
        "/api/v1/stats/requests.csv",
        "/api/v1/stats/tables/stages",
        "/api/v1/stats/summary.csv",
    ):
        for member in (world.donor, world.workshop, world.association):
            assert (await client.get(path, headers=member.headers)).status_code == 403, path
        assert (await client.get(path)).status_code == 401, path
        assert (await client.get(path, headers=world.operator.headers)).status_code == 200, path


async def test_a_figure_for_a_period_in_the_future_is_empty(client: AsyncTestClient[Any], world: World) -> None:
    today = datetime.now(UTC).date()
    url = f"/api/v1/stats/summary?from={today + timedelta(days=30)}&to={today + timedelta(days=60)}"
    got = (await client.get(url, headers=world.committee.headers)).json()
    assert set(got["stages"].values()) == {0} and got["reuse_rate"] is None


async def test_the_stock_past_its_oldest_age_is_kept_in_one_row(
    client: AsyncTestClient[Any], api: Api, world: World, year: Any
) -> None:
    """`rollups.age_out` merges the stock rows past the oldest age bucket; the figures do not move,
    and a device leaving a merged row is netted by the next merge, as a rebuild writes it."""
    from ordi.db import fetch_all
    from ordi.stats.rebuild import rebuild
    from ordi.stats.rollups import NO_SINCE, age_out, old_stock_cutoff

    year.clock.at = datetime(2025, 3, 3, 9, tzinfo=UTC)  # two devices on a shelf since March 2025
    shelf = await api.declare(world.donor, [{"category": "laptop"}, {"category": "tablet"}], in_charge=None)
    year.clock.at = datetime.now(UTC)
    old = "SELECT COUNT(*) AS n FROM stats_stock WHERE level = 'A' AND since > {} AND since < {}"
    before = (await client.get("/api/v1/stats/summary", headers=world.committee.headers)).json()
    assert before["stock_age"][0]["min_days"] == 366 and before["stock_age"][0]["count"] == 2  # oldest first
    assert (await fetch_all(old, NO_SINCE, old_stock_cutoff()))[0]["n"] == 2
    assert await age_out() > 0
    assert (await fetch_all(old, NO_SINCE, old_stock_cutoff()))[0]["n"] == 0
    after = (await client.get("/api/v1/stats/summary", headers=world.committee.headers)).json()
    assert (after["stock_age"], after["stock"]) == (before["stock_age"], before["stock"])

    tag = shelf["devices"][0]["asset_tag"]
    answer = await client.delete(f"/api/v1/devices/{tag}", headers=world.donor.headers)  # kept back by its donor
    assert answer.status_code == 200, answer.text
    moved = (await client.get("/api/v1/stats/summary", headers=world.committee.headers)).json()
    assert moved["stock_age"][0]["count"] == 1
    negative = "SELECT COUNT(*) AS n FROM stats_stock WHERE since > {} AND since < {} AND n < 0"
    assert (await fetch_all(negative, NO_SINCE, old_stock_cutoff()))[0]["n"] > 0  # its old day's row, netted next
    await age_out()
    columns = "level, state, donor, workshop, category, grade, since, n"
    live = await fetch_all(f"SELECT {columns} FROM stats_stock WHERE n <> 0")  # noqa: S608
    await rebuild()
    rebuilt = await fetch_all(f"SELECT {columns} FROM stats_stock WHERE n <> 0")  # noqa: S608
    assert sorted(map(_row, live)) == sorted(map(_row, rebuilt))


def _row(r: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(v)[:10] for v in r.values())
