"""Issue 12: the web pages' server time next to the JSON API calls that read the same data.

At 100,000 devices (~970,000 events) in PostgreSQL, built with COPY by `bench/scale.py`'s builder
(`scale.load`, the generator of `bench/scale_data.py` with one 10,000-device donation of the
national donor), in a database of its own, `ordi_bench_pages`, kept between runs (`--rebuild` to
build it again; its comment says what it holds):

* the workshop queue `/atelier` (the pickups to claim and scheduled, the devices in custody per
  state) of the workshop in charge of that donation (30 pickups asked in its région and 15 it
  scheduled are added, the builder draws none), next to its API calls:
  `GET /api/v1/pickups?state=requested&limit=20`, `…?state=scheduled&limit=20` and the first page of
  its device list `GET /api/v1/devices?limit=50`;
* the donor's page of that donation `/dons/{id}` (its counts per state, the first page of its paged
  device list, their certificates, its pickups), next to `GET /api/v1/donations/{id}` and the
  first page of its devices `GET /api/v1/devices?donation={id}&limit=50`.

The pages are read with the session cookie of a login through `/connexion` (the form and its CSRF
token), the API with the bearer token of `POST /api/v1/auth/token`: the same person each time. Each
measure is the time from sending the request(s) to the last byte of the answer(s), on one
keep-alive loopback connection to one uvicorn worker; page and API alternate, after a warm-up,
and the median of `--reps` is reported with the ratio (goal ≤ 1.5×).

    .venv/bin/python bench/bench_pages.py [--reps 30] [--rebuild] [--drop] [--json out.json]
    .venv/bin/python bench/run.py --only pages      # the same, from `make bench`'s runner
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

import scale  # noqa: E402 - bench/ on the path first

DATABASE = "ordi_bench_pages"
DEVICES = 100_000
BIG_DONATION = 10_000
HOST = "127.0.0.1"
GOAL = 1.5
PICKUPS = (30, 15)  # requested in the workshop's région, scheduled for it: its queue's two lists
MARKER = f"ordi bench-pages: devices={DEVICES} donation={BIG_DONATION} pickups={PICKUPS} seed={scale.SEED} complete"


def say(message: str) -> None:
    print(f"[pages {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def build(rebuild: bool) -> None:
    """The database, unless it already holds what MARKER says."""
    if not rebuild and asyncio.run(scale.database_comment(DATABASE)) == MARKER:
        say(f"{DATABASE}: reused ({MARKER})")
        say(scale._ordi(DATABASE, "migrate"))
        return
    say(f"{DATABASE}: create, migrate, COPY {DEVICES:,} devices (one donation of {BIG_DONATION:,})")
    started = time.perf_counter()
    asyncio.run(scale.recreate_database(DATABASE))
    say(scale._ordi(DATABASE, "migrate"))
    scale.SCALE_DB = DATABASE  # scale.load and its helpers work on SCALE_DB
    with contextlib.redirect_stdout(sys.stderr):  # its progress lines: the table alone on stdout
        built = asyncio.run(scale.load(DEVICES, big_donation=BIG_DONATION))
    asyncio.run(_pickups())
    asyncio.run(_comment(MARKER))
    say(f"built in {time.perf_counter() - started:.0f} s: {built['counts']}")


async def _comment(text: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(scale.dsn(DATABASE))
    try:
        await conn.execute(f"COMMENT ON DATABASE \"{DATABASE}\" IS '{text}'")
    finally:
        await conn.close()


async def _pickups() -> None:
    """Pickups for the queue of the 10,000-device donation's workshop (the builder draws none):
    some asked in its région by the donors there, some it scheduled."""
    import asyncpg

    conn = await asyncpg.connect(scale.dsn(DATABASE))
    try:
        workshop = await _workshop(conn)
        region = await conn.fetchval("SELECT region FROM organisation WHERE id = $1", workshop)
        donations = await conn.fetch(
            "SELECT d.id, d.donor, d.declared_by, o.postcode, o.departement FROM donation d "
            "JOIN organisation o ON o.id = d.donor WHERE o.region = $1 ORDER BY d.id DESC LIMIT $2",
            region,
            sum(PICKUPS),
        )
        contact = json.dumps({"name": "Accueil", "role": "Secrétariat", "phone": "", "email": ""})
        for n, d in enumerate(donations):
            scheduled = n >= PICKUPS[0]
            pickup = await conn.fetchval(
                "INSERT INTO pickup (donor, requested_by, mode, state, postcode, departement, region, contact, "
                "estimated_devices, workshop, scheduled_for, created_at, updated_at) VALUES ($1, $2, 'pickup', $3, "
                "$4, $5, $6, $7::jsonb, 20, $8, CASE WHEN $9 THEN current_date + 7 END, now(), now()) RETURNING id",
                d["donor"],
                d["declared_by"],
                "scheduled" if scheduled else "requested",
                d["postcode"],
                d["departement"],
                region,
                contact,
                workshop if scheduled else None,
                scheduled,
            )
            await conn.execute("INSERT INTO pickup_donation (pickup, donation) VALUES ($1, $2)", pickup, d["id"])
    finally:
        await conn.close()


async def _workshop(conn: Any) -> int:
    """The workshop in charge of most of the 10,000-device donation."""
    return int(
        await conn.fetchval(
            "SELECT refurbisher FROM device WHERE donation = (SELECT id FROM donation WHERE device_count = $1 "
            "ORDER BY id LIMIT 1) AND refurbisher IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
            BIG_DONATION,
        )
    )


async def _who() -> dict[str, Any]:
    """The 10,000-device donation, its donor's first person, the workshop in charge and its first person."""
    import asyncpg

    conn = await asyncpg.connect(scale.dsn(DATABASE))
    try:
        donation = await conn.fetchrow(
            "SELECT id, donor FROM donation WHERE device_count = $1 ORDER BY id LIMIT 1", BIG_DONATION
        )
        workshop = await _workshop(conn)
        first = "SELECT email FROM app_user WHERE organisation = $1 ORDER BY id LIMIT 1"
        custody = await conn.fetchval(
            "SELECT count(*) FROM device WHERE custodian = $1 AND state NOT IN ('recycled', 'lost', 'withdrawn')",
            workshop,
        )
        return {
            "donation": int(donation["id"]),
            "donor_email": await conn.fetchval(first, donation["donor"]),
            "workshop": int(workshop),
            "workshop_email": await conn.fetchval(first, workshop),
            "workshop_custody": int(custody),
        }
    finally:
        await conn.close()


# --- the server and the two ways in ------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def serve(port: int) -> subprocess.Popen[bytes]:
    env = {**scale._env(DATABASE), "ORDI_SCHEDULE": "0", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "uvicorn", "ordi.app:app", "--host", HOST, "--port", str(port)]
    process = subprocess.Popen([*command, "--no-access-log", "--log-level", "warning"], cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit("le serveur n'a pas démarré") from None
            time.sleep(0.2)
    process.kill()
    raise SystemExit("le serveur n'a pas démarré en 60 s")


class Client:
    """One keep-alive connection; the cookies it was given, sent back."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection(HOST, port, timeout=120)
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}

    def call(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Any:
        sent = {**self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body, headers=sent)
        response = self.conn.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, data


def page_session(port: int, email: str) -> Client:
    """Logged in through the login form (its CSRF token), as a person does."""
    client = Client(port)
    status, data = client.call("GET", "/connexion")
    found = re.search(rb'name="csrf" value="([^"]+)"', data)
    if status != 200 or not found:
        raise SystemExit(f"GET /connexion: HTTP {status}, pas de jeton CSRF")
    form = urlencode({"email": email, "password": scale.PASSWORD, "csrf": found.group(1).decode(), "suivant": "/"})
    status, data = client.call(
        "POST", "/connexion", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
    )
    if status not in (200, 302, 303) or "ordi_session" not in "".join(client.cookies):
        raise SystemExit(f"POST /connexion {email}: HTTP {status} {data[:300]!r}")
    return client


def api_session(port: int, email: str) -> Client:
    client = Client(port)
    body = json.dumps({"email": email, "password": scale.PASSWORD}).encode()
    status, data = client.call("POST", "/api/v1/auth/token", body, {"Content-Type": "application/json"})
    if status != 200:
        raise SystemExit(f"POST /api/v1/auth/token {email}: HTTP {status} {data[:300]!r}")
    client.headers["Authorization"] = f"Bearer {json.loads(data)['access_token']}"
    return client


# --- measures ----------------------------------------------------------------------------------


def timed(client: Client, paths: list[str]) -> tuple[float, int]:
    """Seconds to read every path in turn, and the bytes read."""
    size = 0
    started = time.perf_counter()
    for path in paths:
        status, data = client.call("GET", path)
        if status != 200:
            raise SystemExit(f"GET {path}: HTTP {status} {data[:300]!r}")
        size += len(data)
    return time.perf_counter() - started, size


def compare(page: Client, page_paths: list[str], api: Client, api_paths: list[str], reps: int) -> dict[str, Any]:
    for _ in range(5):  # warm-up: caches, the pools' connections, the templates
        timed(page, page_paths)
        timed(api, api_paths)
    page_s, api_s = [], []
    page_bytes = api_bytes = 0
    for _ in range(reps):
        t, page_bytes = timed(page, page_paths)
        page_s.append(t)
        t, api_bytes = timed(api, api_paths)
        api_s.append(t)
    page_ms, api_ms = statistics.median(page_s) * 1000, statistics.median(api_s) * 1000
    return {
        "page": page_paths,
        "api": api_paths,
        "page_median_ms": round(page_ms, 2),
        "page_p90_ms": round(sorted(page_s)[int(0.9 * (reps - 1))] * 1000, 2),
        "api_median_ms": round(api_ms, 2),
        "api_p90_ms": round(sorted(api_s)[int(0.9 * (reps - 1))] * 1000, 2),
        "ratio": round(page_ms / api_ms, 2),
        "goal_met": page_ms <= GOAL * api_ms,
        "page_bytes": page_bytes,
        "api_bytes": api_bytes,
        "reps": reps,
    }


def measure(reps: int) -> dict[str, Any]:
    who = asyncio.run(_who())
    say(
        f"donation {who['donation']} ({BIG_DONATION:,} devices) of {who['donor_email']}; workshop "
        f"{who['workshop']} ({who['workshop_custody']:,} devices in custody) as {who['workshop_email']}"
    )
    port = free_port()
    server = serve(port)
    try:
        results: dict[str, Any] = {"who": who}
        workshop_page, workshop_api = (
            page_session(port, who["workshop_email"]),
            api_session(port, who["workshop_email"]),
        )
        results["workshop queue"] = compare(
            workshop_page,
            ["/atelier"],
            workshop_api,
            [
                "/api/v1/pickups?state=requested&limit=20",
                "/api/v1/pickups?state=scheduled&limit=20",
                "/api/v1/devices?limit=50",
            ],
            reps,
        )
        donor_page, donor_api = page_session(port, who["donor_email"]), api_session(port, who["donor_email"])
        donation = who["donation"]
        results["donation page"] = compare(
            donor_page,
            [f"/dons/{donation}"],
            donor_api,
            [f"/api/v1/donations/{donation}", f"/api/v1/devices?donation={donation}&limit=50"],
            reps,
        )
        return results
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def table(results: dict[str, Any]) -> str:
    lines = [
        f"Pages next to their API calls, {DEVICES:,} devices in PostgreSQL, one uvicorn worker, "
        f"median (p90) of {results['donation page']['reps']} after a warm-up:",
        "",
        "| page | page ms | API calls | API ms | page ÷ API | goal ≤ 1.5× |",
        "|---|---:|---|---:|---:|---|",
    ]
    for name in ("workshop queue", "donation page"):
        r = results[name]
        lines.append(
            f"| {name}: `{' + '.join(r['page'])}` | {r['page_median_ms']:.1f} ({r['page_p90_ms']:.1f}) | "
            f"`{' + '.join(r['api'])}` | {r['api_median_ms']:.1f} ({r['api_p90_ms']:.1f}) | {r['ratio']:.2f}× | "
            f"{'met' if r['goal_met'] else 'NOT met'} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=30, help="timed repetitions of each side (30)")
    parser.add_argument("--rebuild", action="store_true", help=f"build {DATABASE} again even if it is there")
    parser.add_argument("--drop", action="store_true", help=f"drop {DATABASE} at the end")
    parser.add_argument("--json", default="", help="also write the results to this file")
    args = parser.parse_args()
    os.environ.setdefault("ORDI_DATABASE_URL", scale.dsn(DATABASE))  # before ordi is imported (scale.load)
    try:
        build(args.rebuild)
        results = measure(args.reps)
    finally:
        if args.drop:
            asyncio.run(scale.drop_databases(DATABASE))
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
