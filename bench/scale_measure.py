"""Server time of the list pages, in-process through the real Litestar app (run by `bench/scale.py`).

One database per run: `bench/scale.py` starts this script once per database with ORDI_DATABASE_URL
(and the Redis settings) in the environment, so that `ordi` is imported with the right engine.
It picks four callers from the data (the operator, the workshop with the most devices, the donor
with the most devices, the association with the most devices), gives each a real bearer token
(`ordi.auth.tokens.issue_token`, as the tests do), and times each page with `AsyncTestClient`
(the app's lifespan runs, so the connection pool is the production one): warm-up, then median and
p90 of the repetitions. One more, untimed, request per page records the SQL it ran, so that
`--explain` can show the plans of the slowest pages.

    ORDI_DATABASE_URL=postgresql://… .venv/bin/python bench/scale_measure.py --out result.json [--explain]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import sys
import time
from typing import Any
from urllib.parse import quote

LIMIT = 50
SLOW_REQUEST_S = 1.0  # beyond this, fewer repetitions (at least MIN_REPS) to stay within PAGE_BUDGET_S
MIN_REPS = 5
PAGE_BUDGET_S = 25.0
DEEP_HOPS = 10  # cursor pages followed from the first one when no middle page gives a cursor

PAGES = [
    "GET /devices offset 0",
    "GET /devices offset middle",
    "GET /devices offset end",
    "GET /devices offset, largest accepted",
    "GET /devices cursor, 2nd page",
    "GET /devices cursor, deep",
    "GET /donations first page",
    "GET /donations cursor, 2nd page",
    "GET /devices/{tag}",
    "GET /devices/{tag}/events",
]
ROLES = ["operator", "workshop", "donor", "association"]

_capture: list[tuple[str, list[Any], float]] | None = None  # (SQL, arguments, ms in the app)


def _install_capture() -> None:
    """Record the SQL of one request: Piccolo's queries and the hand-written hot-path ones."""
    from piccolo.engine.postgres import PostgresEngine

    import ordi.db

    original = PostgresEngine.run_querystring

    async def run_querystring(self: Any, querystring: Any, in_pool: bool = True) -> Any:
        if _capture is None:
            return await original(self, querystring, in_pool)
        sql, args = querystring.compile_string(engine_type=self.engine_type)
        started = time.perf_counter()
        result = await original(self, querystring, in_pool)
        _capture.append((sql, list(args), (time.perf_counter() - started) * 1000))
        return result

    PostgresEngine.run_querystring = run_querystring  # type: ignore[method-assign]
    fetch_on = getattr(ordi.db, "_fetch_on", None)
    if fetch_on is not None:

        async def _fetch_on(connection: Any, sql: str, args: tuple[Any, ...], *rest: Any, **kw: Any) -> Any:
            if _capture is None:
                return await fetch_on(connection, sql, args, *rest, **kw)
            started = time.perf_counter()
            result = await fetch_on(connection, sql, args, *rest, **kw)
            _capture.append((sql, list(args), (time.perf_counter() - started) * 1000))
            return result

        ordi.db._fetch_on = _fetch_on  # type: ignore[attr-defined]


async def _pick_callers(dsn: str) -> dict[str, dict[str, Any]]:
    """The four callers and, for each, the visible device with the longest history."""
    import asyncpg

    scopes = {
        "operator": ("TRUE", None),
        "workshop": ("(refurbisher = $1 OR state = 'declared')", "refurbisher"),
        "donor": ("donor = $1", "donor"),
        "association": ("association = $1", "association"),
    }
    kinds = {"operator": "operator", "workshop": "refurbisher", "donor": "donor", "association": "association"}
    conn = await asyncpg.connect(dsn)
    try:
        callers: dict[str, dict[str, Any]] = {}
        for role in ROLES:
            where, column = scopes[role]
            org_id = None
            if column is not None:
                org_id = await conn.fetchval(
                    f"SELECT {column} FROM device WHERE {column} IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
                )
            if org_id is None:
                org_id = await conn.fetchval("SELECT min(id) FROM organisation WHERE kind = $1", kinds[role])
            org = await conn.fetchrow(
                "SELECT o.id, o.name, o.kind, o.label_valid_from, o.label_valid_until, "
                "(SELECT min(u.id) FROM app_user u WHERE u.organisation = o.id) AS user_id "
                "FROM organisation o WHERE o.id = $1",
                org_id,
            )
            args = [] if column is None else [org_id]
            tag = await conn.fetchval(
                f"SELECT asset_tag FROM device WHERE {where} ORDER BY event_count DESC, id LIMIT 1", *args
            )
            callers[role] = {**dict(org), "tag": tag}
        return callers
    finally:
        await conn.close()


def _headers(caller: dict[str, Any]) -> dict[str, str]:
    from ordi.auth.tokens import issue_token
    from ordi.domain.lifecycle import Actor, OrgKind

    actor = Actor(
        user_id=caller["user_id"],
        organisation_id=caller["id"],
        kind=OrgKind(caller["kind"]),
        is_manager=True,
        label_valid_from=caller["label_valid_from"],
        label_valid_until=caller["label_valid_until"],
    )
    token, _ = issue_token(actor)
    return {"Authorization": f"Bearer {token}"}


class Timer:
    def __init__(self, client: Any, reps: int, warmup: int) -> None:
        self.client = client
        self.reps = reps
        self.warmup = warmup

    async def get(self, url: str, headers: dict[str, str]) -> tuple[int, Any, float]:
        started = time.perf_counter()
        response = await self.client.get(url, headers=headers)
        elapsed = time.perf_counter() - started
        try:
            body = response.json()
        except ValueError:
            body = None
        return response.status_code, body, elapsed

    async def measure(self, url: str, headers: dict[str, str]) -> dict[str, Any]:
        global _capture
        status, body, elapsed = await self.get(url, headers)
        result: dict[str, Any] = {"url": url, "status": status}
        if status >= 400:
            detail = body.get("detail") if isinstance(body, dict) else None
            result["detail"] = detail
            return result
        for _ in range(self.warmup - 1):
            _, _, elapsed = await self.get(url, headers)
        reps = self.reps
        if elapsed > SLOW_REQUEST_S:
            reps = max(MIN_REPS, min(reps, int(PAGE_BUDGET_S / elapsed)))
        samples = []
        for _ in range(reps):
            _, _, elapsed = await self.get(url, headers)
            samples.append(elapsed * 1000)
        _capture = []
        await self.get(url, headers)
        result["sql"], _capture = _capture, None
        samples.sort()
        result.update(
            n=len(samples),
            median_ms=statistics.median(samples),
            p90_ms=samples[min(len(samples) - 1, round(0.9 * (len(samples) - 1)))],
        )
        if isinstance(body, dict):
            result["total"] = body.get("total")
            result["items"] = len(body.get("items") or [])
            result["has_next_field"] = "next" in body
            result["next"] = body.get("next")
            estimated = {k: v for k, v in body.items() if "estimat" in k.lower()}
            if estimated:
                result["estimated"] = estimated
        return result


def _cursor_url(path: str, cursor: str) -> str:
    return f"{path}?limit={LIMIT}&cursor={quote(cursor, safe='')}"


async def _measure_caller(timer: Timer, caller: dict[str, Any]) -> dict[str, Any]:
    headers = _headers(caller)
    rows: dict[str, Any] = {}
    devices = "/api/v1/devices"
    first = await timer.measure(f"{devices}?limit={LIMIT}&offset=0", headers)
    rows[PAGES[0]] = first
    total = first.get("total") or 0
    middle = (total // 2) // LIMIT * LIMIT
    end = max(0, total - LIMIT)
    rows[PAGES[1]] = await timer.measure(f"{devices}?limit={LIMIT}&offset={middle}", headers)
    rows[PAGES[2]] = await timer.measure(f"{devices}?limit={LIMIT}&offset={end}", headers)
    refused = [o for o, page in ((middle, PAGES[1]), (end, PAGES[2])) if rows[page].get("status", 200) >= 400]
    deepest = rows[PAGES[1]]
    if refused:
        largest = await _largest_offset(timer, headers, devices, min(refused))
        rows[PAGES[3]] = await timer.measure(f"{devices}?limit={LIMIT}&offset={largest}", headers)
        if rows[PAGES[1]].get("status", 200) >= 400:
            deepest = rows[PAGES[3]]
    else:
        rows[PAGES[3]] = {"na": "n/a: no offset refused"}
    cursor_supported = bool(first.get("has_next_field"))
    if not cursor_supported:
        note = "n/a: no `next` in the list response (cursor paging not there yet)"
        rows[PAGES[4]] = {"na": note}
        rows[PAGES[5]] = {"na": note}
    elif not first.get("next"):
        rows[PAGES[4]] = {"na": "n/a: a single page (next is null)"}
        rows[PAGES[5]] = {"na": "n/a: a single page (next is null)"}
    else:
        second = await timer.measure(_cursor_url(devices, first["next"]), headers)
        rows[PAGES[4]] = second
        rows[PAGES[5]] = await _deep_cursor(timer, headers, devices, deepest, second)
    donations = "/api/v1/donations"
    first_donations = await timer.measure(f"{donations}?limit={LIMIT}", headers)
    rows[PAGES[6]] = first_donations
    if first_donations["status"] >= 400:
        rows[PAGES[7]] = {"status": first_donations["status"], "detail": first_donations.get("detail")}
    elif not first_donations.get("has_next_field"):
        rows[PAGES[7]] = {"na": "n/a: no `next` in the list response (cursor paging not there yet)"}
    elif not first_donations.get("next"):
        rows[PAGES[7]] = {"na": "n/a: a single page (next is null)"}
    else:
        rows[PAGES[7]] = await timer.measure(_cursor_url(donations, first_donations["next"]), headers)
    tag = caller.get("tag")
    if tag is None:
        rows[PAGES[8]] = rows[PAGES[9]] = {"na": "n/a: no visible device"}
    else:
        rows[PAGES[8]] = await timer.measure(f"{devices}/{tag}", headers)
        rows[PAGES[9]] = await timer.measure(f"{devices}/{tag}/events", headers)
    return rows


async def _largest_offset(timer: Timer, headers: dict[str, str], path: str, refused: int) -> int:
    """The largest offset (a multiple of LIMIT) the API accepts, by bisection below a refused one."""
    accepted, low_refused = 0, refused // LIMIT
    while low_refused - accepted > 1:
        probe = (accepted + low_refused) // 2
        status, _, _ = await timer.get(f"{path}?limit={LIMIT}&offset={probe * LIMIT}", headers)
        if status == 200:
            accepted = probe
        else:
            low_refused = probe
    return accepted * LIMIT


async def _deep_cursor(
    timer: Timer, headers: dict[str, str], path: str, deepest: dict[str, Any], second: dict[str, Any]
) -> dict[str, Any]:
    """A cursor page deep in the list: after the deepest offset page accepted, else DEEP_HOPS pages in."""
    if second.get("status") != 200:
        return {"status": second.get("status"), "detail": second.get("detail")}
    if deepest.get("status") == 200 and deepest.get("next"):
        result = await timer.measure(_cursor_url(path, deepest["next"]), headers)
        result["how"] = f"the `next` of the page at {deepest['url'].split('?', 1)[1]}"
        return result
    cursor = second.get("next")
    hops = 2
    url = second["url"]
    while cursor and hops < DEEP_HOPS + 1:
        status, body, _ = await timer.get(_cursor_url(path, cursor), headers)
        if status != 200 or not isinstance(body, dict):
            break
        url = _cursor_url(path, cursor)
        cursor = body.get("next")
        hops += 1
    result = await timer.measure(url, headers)
    result["how"] = f"page {hops} by following `next` from the first page"
    return result


async def _explain(dsn: str, results: dict[str, Any], top: int) -> list[dict[str, Any]]:
    """EXPLAIN (ANALYZE, BUFFERS) of every statement of the `top` slowest pages."""
    import asyncpg

    timed = [
        (row["median_ms"], role, page, row)
        for role, pages in results.items()
        for page, row in pages.items()
        if row.get("median_ms") is not None and row.get("sql")
    ]
    timed.sort(key=lambda t: -t[0])
    explained = []
    conn = await asyncpg.connect(dsn)
    try:
        for median, role, page, row in timed[:top]:
            statements = []
            for sql, args, in_app_ms in row["sql"]:
                if not sql.lstrip().upper().startswith("SELECT"):
                    statements.append({"sql": sql, "args": [str(a) for a in args], "in_app_ms": in_app_ms})
                    continue
                plan_rows = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS) " + sql, *args)
                plan = [r[0] for r in plan_rows]
                execution = next((line for line in plan if line.startswith("Execution Time")), "")
                statements.append(
                    {
                        "sql": sql,
                        "args": [str(a) for a in args],
                        "in_app_ms": in_app_ms,
                        "plan": plan,
                        "execution": execution,
                    }
                )
            explained.append(
                {"role": role, "page": page, "url": row["url"], "median_ms": median, "statements": statements}
            )
    finally:
        await conn.close()
    return explained


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    from litestar.testing import AsyncTestClient

    from ordi.app import create_app

    dsn = os.environ["ORDI_DATABASE_URL"]
    _install_capture()
    callers = await _pick_callers(dsn)
    results: dict[str, Any] = {}
    app = create_app()
    for name in ("httpx", "piccolo"):  # one line per request otherwise
        logging.getLogger(name).setLevel(logging.WARNING)
    async with AsyncTestClient(app=app, base_url="http://ordi.bench") as client:
        timer = Timer(client, args.reps, args.warmup)
        for role in ROLES:
            started = time.perf_counter()
            results[role] = await _measure_caller(timer, callers[role])
            print(f"    {role}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    explained = await _explain(dsn, results, args.explain) if args.explain else []
    for pages in results.values():
        for row in pages.values():
            row.pop("sql", None)
    public_callers = {
        role: {"id": c["id"], "name": c["name"], "kind": c["kind"], "tag": c["tag"]} for role, c in callers.items()
    }
    return {"callers": public_callers, "results": results, "explain": explained}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="JSON file to write")
    parser.add_argument("--reps", type=int, default=20, help="timed repetitions per page (default 20)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests first (default 2)")
    parser.add_argument("--explain", type=int, default=0, help="EXPLAIN the N slowest pages (default 0)")
    args = parser.parse_args()
    result = asyncio.run(main_async(args))
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(result, handle, ensure_ascii=False, indent=1, default=str)


if __name__ == "__main__":
    main()
