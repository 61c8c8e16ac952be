"""The committee's figures at scale, and what their rollups cost a step (run by `bench/scale.py`).

One database per run (ORDI_DATABASE_URL set before `ordi` is imported). It builds the rollups
from the log when they are empty (`ordi.stats.rebuild`, timed), then times in-process
`ordi.stats.service.compute` (the summary for the last full year, for three years) and the
bilan's data (`ordi.stats.bilan_data.gather`: the year by month, by région and by workshop),
next to the hand-written raw SQL GROUP BY over `device_event` that gives the same stage counts;
with `--write-steps`, one step through `ordi.devices.service.perform` (reserve, then release,
of ready devices: steps that can be repeated) with the rollups and without them (their deltas
switched off), interleaved, then the fold of the journal those steps wrote
(`ordi.stats.rollups.fold`, its cost per step).

    ORDI_DATABASE_URL=postgresql://… .venv/bin/python bench/stats_measure.py --out r.json [--write-steps 400]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RAW_YEAR = """
SELECT e.action, e.outcome, d.category, e.payload->'beneficiary'->>'category' AS beneficiary,
       count(*) AS n, sum(CASE WHEN e.action = 'refurbish' THEN (e.payload->>'labour_minutes')::int END) AS minutes
FROM device_event e JOIN device d ON d.id = e.device
WHERE e.occurred_at >= $1 AND e.occurred_at < $2
GROUP BY 1, 2, 3, 4
"""
RAW_BILAN = """
SELECT o.region, d.refurbisher, date_trunc('month', e.occurred_at) AS month, e.action, e.outcome, count(*) AS n
FROM device_event e JOIN device d ON d.id = e.device LEFT JOIN organisation o ON o.id = d.refurbisher
WHERE e.occurred_at >= $1 AND e.occurred_at < $2
GROUP BY 1, 2, 3, 4, 5
"""


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": statistics.median(ordered),
        "p90_ms": ordered[max(0, int(len(ordered) * 0.9 + 0.5) - 1)],
        "n": len(ordered),
    }


async def _timed(call: Any, reps: int) -> dict[str, float]:
    await call()  # warm-up
    samples = []
    for _ in range(reps):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    return _stats(samples)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--write-steps", type=int, default=0)
    args = parser.parse_args()

    import asyncpg

    from ordi.config import get_settings
    from ordi.db import close_pool, fetch_all, start_pool
    from ordi.stats import service
    from ordi.stats.rebuild import rebuild
    from ordi.stats.schemas import StatsQuery

    result: dict[str, Any] = {}
    await start_pool()
    try:
        rows = await fetch_all("SELECT count(*) AS n FROM stats_count")
        events = (await fetch_all("SELECT count(*) AS n FROM device_event"))[0]["n"]
        result["events"] = int(events)
        if not rows[0]["n"]:
            started = time.perf_counter()
            result["rebuild_rows"] = await rebuild()
            result["rebuild_s"] = time.perf_counter() - started
        from ordi.stats.rollups import age_out

        result["aged_out"] = await age_out()  # what the hourly task `stats_age` does on a reused database
        span = (await fetch_all("SELECT min(occurred_at) AS a, max(occurred_at) AS b FROM device_event"))[0]
        last = span["b"].date()
        year = last.year - 1
        one = (date(year, 1, 1), date(year, 12, 31))
        three = (span["a"].date(), last)
        result["periods"] = {"one_year": [str(d) for d in one], "three_years": [str(d) for d in three]}
        result["rollup_rows"] = {
            t: int((await fetch_all(f"SELECT count(*) AS n FROM {t}"))[0]["n"])
            for t in ("stats_count", "stats_stock", "stats_lead", "stats_fate")
        }
        result["rollup_mb"] = {
            t: round(int((await fetch_all(f"SELECT pg_total_relation_size('{t}') AS b"))[0]["b"]) / 2**20, 1)
            for t in ("stats_count", "stats_stock", "stats_lead", "stats_fate", "device_event")
        }

        async def summary(first: date, end: date) -> None:
            await service.compute(StatsQuery(start=first, end=end))

        from ordi.domain.lifecycle import Actor, OrgKind
        from ordi.stats import bilan_data

        committee = Actor(user_id=0, organisation_id=0, kind=OrgKind.COMMITTEE)

        async def bilan() -> None:  # what the PDF and /comite draw: the year by month, by région, by workshop
            await bilan_data.gather(committee, one[0], one[1], "month")

        timings = {
            "summary one year": await _timed(lambda: summary(*one), args.reps),
            "summary three years": await _timed(lambda: summary(*three), max(3, args.reps // 2)),
            "bilan data (year by month, by région, by workshop)": await _timed(bilan, max(3, args.reps // 2)),
        }
        connection = await asyncpg.connect(get_settings().database_url)
        try:
            await connection.execute("SET statement_timeout = 0")

            def raw(sql: str, first: date, end: date) -> Any:
                from datetime import UTC, datetime, time, timedelta

                low = datetime.combine(first, time.min, UTC)
                high = datetime.combine(end + timedelta(days=1), time.min, UTC)
                return lambda: connection.fetch(sql, low, high)

            raw_reps = max(2, args.reps // 4)
            timings["raw SQL one year"] = await _timed(raw(RAW_YEAR, *one), raw_reps)
            timings["raw SQL three years"] = await _timed(raw(RAW_YEAR, *three), 2)
            timings["raw SQL bilan data"] = await _timed(raw(RAW_BILAN, *one), 2)
        finally:
            await connection.close()
        result["timings"] = timings
        if args.write_steps:
            result["write"] = await _write_cost(args.write_steps)
    finally:
        await close_pool()
    await asyncio.to_thread(Path(args.out).write_text, json.dumps(result, default=str), encoding="utf-8")


async def _write_cost(steps: int) -> dict[str, Any]:
    """Reserve then release ready devices, in blocks alternating with and without the rollups."""
    import msgspec

    from ordi.db import fetch_all
    from ordi.devices import service as devices
    from ordi.devices.schemas import EventRequest
    from ordi.domain.lifecycle import Actor, OrgKind
    from ordi.stats import rollups
    from ordi.stats.rebuild import rebuild

    operator = (
        await fetch_all(
            "SELECT o.id, u.id AS user_id FROM organisation o JOIN app_user u ON u.organisation = o.id "
            "WHERE o.kind = 'operator' ORDER BY o.id LIMIT 1"
        )
    )[0]
    association = (
        await fetch_all(
            "SELECT id FROM organisation WHERE kind = 'association' AND label_valid_until >= CURRENT_DATE "
            "ORDER BY id LIMIT 1"
        )
    )[0]["id"]
    actor = Actor(user_id=operator["user_id"], organisation_id=operator["id"], kind=OrgKind.OPERATOR)
    tags = [
        r["asset_tag"]
        for r in await fetch_all("SELECT asset_tag FROM device WHERE state = 'ready' ORDER BY id LIMIT {}", steps // 2)
    ]
    reserve = msgspec.convert({"action": "reserve", "association_id": association}, EventRequest)
    release = msgspec.convert({"action": "release"}, EventRequest)
    real = rollups.step_deltas

    async def none(*_: Any) -> list[Any]:
        return []

    samples: dict[str, list[float]] = {"with rollups": [], "without rollups": []}
    block = 10
    for start in range(0, len(tags), block):
        with_rollups = (start // block) % 2 == 0
        rollups.step_deltas = real if with_rollups else none  # type: ignore[assignment]
        for tag in tags[start : start + block]:
            for request in (reserve, release):
                began = time.perf_counter()
                await devices.perform(actor, tag, request)
                samples["with rollups" if with_rollups else "without rollups"].append(
                    (time.perf_counter() - began) * 1000
                )
    rollups.step_deltas = real  # type: ignore[assignment]
    # The steps' journal folded into the rollups, as the periodic task and the readers do: its cost
    # spread over the steps that wrote it.
    began = time.perf_counter()
    folded = await rollups.fold()
    fold_ms = (time.perf_counter() - began) * 1000
    await rebuild()  # the steps taken without their rollups: bring them back in line with the log
    out: dict[str, Any] = {k: _stats(v) for k, v in samples.items() if v}
    if len(out) == 2:
        out["ratio"] = out["with rollups"]["median_ms"] / out["without rollups"]["median_ms"]
        out["mean_ratio"] = statistics.mean(samples["with rollups"]) / statistics.mean(samples["without rollups"])
    out["fold"] = {"rows": folded, "ms": fold_ms, "steps": len(samples["with rollups"])}
    return out


if __name__ == "__main__":
    asyncio.run(main())
