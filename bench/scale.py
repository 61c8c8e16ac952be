"""`make bench-scale`: the list pages and the storage of a national programme, next to the demo database.

PRODUCT.md §9 promises 100 workshops, 2,000 associations, 500,000 devices a year and 10 million events
kept, with every list paged and every hot query indexed. This benchmark checks it on the local
PostgreSQL (never in CI, never from the tests):

1. builds `ordi_bench_scale` (or reuses it with `--reuse`): migrated with the project's own
   migrations (`python -m ordi.cli migrate`), then filled with PostgreSQL COPY (asyncpg
   `copy_records_to_table`), never through the API: 1 operator, 1 committee, 100 labelled
   workshops and 2,000 labelled associations spread over the départements, 500 donors (one national
   firm with ~5 % of the devices), ~20,000 donations, 1,000,000 devices in a realistic mix of states
   and ~9.7 million events, each device's history following `ordi.domain.lifecycle` and its row
   being the fold of that history (`bench/scale_data.py`). Secondary indexes and foreign keys are
   set aside during the load and recreated exactly as the migrations made them, then VACUUM ANALYZE;
2. seeds `ordi_bench_demo` with the project's demo seed (`python -m ordi.cli seed-demo`);
3. times the list pages in-process through the real app for four callers (operator, the busiest
   workshop, the national donor, the busiest association) on both databases (`bench/scale_measure.py`)
   and prints median and p90 with the ratio, plus EXPLAIN (ANALYZE, BUFFERS) of the slowest pages;
4. prints the storage of `device` and `device_event`: table and index bytes, per device and per event,
   for the current index set and for the baseline set of commit ce7cfed (baseline indexes that are
   missing now are built for the measure under a temporary name, then dropped);
5. the committee's figures (`bench/stats_measure.py`): the rollups built from the log when empty
   (`ordi rebuild-stats`, timed), then the summary for one year and for three years and the bilan's
   data, next to the hand-written raw SQL GROUP BY over the log, on the big database and on one of
   about 100,000 events (`ordi_bench_stats_small`, built the same way), and the rollups' cost on a
   step (reserve then release, with and without them) on the small one.

    .venv/bin/python bench/scale.py [--devices 1000000] [--reuse] [--drop] [--reps 20] [--explain 3]

`--devices 20000` is a quick try (about a minute). PostgreSQL: BENCH_PG_ADMIN_DSN (default
postgresql://postgres@127.0.0.1:5432/postgres); Redis (the broker, so that the app runs with its
connection pool as in production): BENCH_REDIS_URL (default redis://127.0.0.1:6379/0); without Redis
the app runs with its embedded worker, which opens a connection per query (said in the output).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import operator
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
ADMIN_DSN = os.environ.get("BENCH_PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
SCALE_DB = "ordi_bench_scale"
DEMO_DB = "ordi_bench_demo"
SMALL_DB = "ordi_bench_stats_small"
SMALL_DEVICES = 10_300  # about 100,000 events
SEED = 2026
PASSWORD = "ordi-bench-2026"  # the bench accounts' password (the bench logs in with tokens, not with it)
CHUNK_DEVICES = 10_000
LOADED_TABLES = ["organisation", "app_user", "donation", "device", "device_event"]
BIG_TABLES = ["device", "device_event"]  # indexes and foreign keys set aside during the load

# The index set of commit ce7cfed (`git show ce7cfed:migrations/…`, `git show ce7cfed:ordi/devices/tables.py`):
# Piccolo's `unique=True` makes `<table>_<column>_key`, `index=True` makes `<table>_<column>`, and the
# "constraints and composite indexes" migration adds the composite ones. (table, name, key columns, unique)
BASELINE_INDEXES: list[tuple[str, str, tuple[str, ...], bool]] = [
    ("device", "device_pkey", ("id",), True),
    ("device", "device_asset_tag_key", ("asset_tag",), True),
    ("device", "device_donation", ("donation",), False),
    ("device", "device_donor", ("donor",), False),
    ("device", "device_category", ("category",), False),
    ("device", "device_serial_number", ("serial_number",), False),
    ("device", "device_custodian", ("custodian",), False),
    ("device", "device_refurbisher", ("refurbisher",), False),
    ("device", "device_association", ("association",), False),
    ("device", "device_state_category_since", ("state", "category", "state_changed_at"), False),
    ("device_event", "device_event_pkey", ("id",), True),
    ("device_event", "device_event_actor_organisation", ("actor_organisation",), False),
    ("device_event", "device_event_occurred_at", ("occurred_at",), False),
    ("device_event", "device_event_device_seq", ("device", "seq"), True),
    ("device_event", "device_event_idempotency", ("actor_organisation", "idempotency_key"), True),
    ("device_event", "device_event_action_time", ("action", "occurred_at"), False),
]


def dsn(database: str) -> str:
    parsed = urlparse(ADMIN_DSN)
    return urlunparse(parsed._replace(path="/" + database))


def say(message: str) -> None:
    print(message, flush=True)


def _env(database: str) -> dict[str, str]:
    env = {**os.environ, "ORDI_DATABASE_URL": dsn(database), "ORDI_ENV": "development"}
    if _redis_answers():
        env.update(ORDI_REDIS_URL=REDIS_URL, ORDI_EMBEDDED_WORKER="0", ORDI_REDIS_NAMESPACE=f"ordi-bench-{database}")
    else:
        env.pop("ORDI_REDIS_URL", None)
        env["ORDI_EMBEDDED_WORKER"] = "1"
    return env


def _redis_answers() -> bool:
    parsed = urlparse(REDIS_URL)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def _ordi(database: str, *command: str) -> str:
    """`python -m ordi.cli …` against one database (ORDI_DATABASE_URL set before ordi is imported)."""
    done = subprocess.run(
        [sys.executable, "-m", "ordi.cli", *command],
        cwd=ROOT,
        env=_env(database),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"ordi {' '.join(command)} a échoué sur {database} :\n{done.stdout}{done.stderr}")
    return done.stdout.strip()


# --- databases ---------------------------------------------------------------------------------


async def _admin() -> Any:
    import asyncpg

    return await asyncpg.connect(ADMIN_DSN)


async def database_comment(name: str) -> str | None:
    """None when the database does not exist, else its comment ('' when none)."""
    conn = await _admin()
    try:
        row = await conn.fetchrow(
            "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1", name
        )
        return None if row is None else (row["comment"] or "")
    finally:
        await conn.close()


async def recreate_database(name: str) -> None:
    conn = await _admin()
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def drop_databases(*names: str) -> None:
    conn = await _admin()
    try:
        for name in names:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def build_marker(devices: int) -> str:
    return f"ordi bench-scale: devices={devices} seed={SEED} complete"


# --- COPY column lists from the Piccolo tables -----------------------------------------------


@dataclass
class CopyPlan:
    table: str
    columns: list[str]
    project: Callable[[tuple[Any, ...]], tuple[Any, ...]] | None  # None: the generator's tuples as they are

    def rows(self, rows: list[tuple[Any, ...]]) -> Any:
        return rows if self.project is None else map(self.project, rows)


def _piccolo_tables() -> dict[str, Any]:
    from ordi.devices.tables import Device, DeviceEvent
    from ordi.donations.tables import Donation
    from ordi.organisations.tables import Organisation, User

    return {t._meta.tablename: t for t in (Organisation, User, Donation, Device, DeviceEvent)}


async def copy_plans(conn: Any) -> dict[str, CopyPlan]:
    """The columns to copy: those the generator fills that both the Piccolo table and the database have.

    A column added to a table later is left to its database default when it has one (or is
    nullable), else filled with the Piccolo column's plain default; anything else stops the bench
    with the column's name, instead of loading rows the service would not write.
    """
    import scale_data

    fields_of = {
        "organisation": scale_data.ORGANISATION_FIELDS,
        "app_user": scale_data.USER_FIELDS,
        "donation": scale_data.DONATION_FIELDS,
        "device": scale_data.DEVICE_FIELDS,
        "device_event": scale_data.EVENT_FIELDS,
    }
    plans = {}
    for table, piccolo_table in _piccolo_tables().items():
        fields = fields_of[table]
        piccolo_columns = {c._meta.db_column_name: c for c in piccolo_table._meta.columns}
        db_columns = {
            r["column_name"]: r
            for r in await conn.fetch(
                "SELECT column_name, is_nullable, column_default FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name = $1",
                table,
            )
        }
        columns = [f for f in fields if f in piccolo_columns and f in db_columns]
        skipped = [f for f in fields if f not in columns]
        if skipped:
            say(f"  note: {table}: columns not in the table any more, not copied: {', '.join(skipped)}")
        constants: list[tuple[str, Any]] = []
        for name, column in piccolo_columns.items():
            if name in columns or name not in db_columns:
                continue
            info = db_columns[name]
            if info["column_default"] is not None or info["is_nullable"] == "YES":
                say(f"  note: {table}.{name} is not generated: left to its database default")
                continue
            default = getattr(column, "default", None)
            if isinstance(default, str | int | float | bool):
                constants.append((name, default))
                say(f"  note: {table}.{name} is not generated: filled with {default!r}")
                continue
            raise SystemExit(f"{table}.{name} : colonne NOT NULL sans défaut que le bench ne sait pas remplir")
        indices = [fields.index(c) for c in columns]
        project: Callable[[tuple[Any, ...]], tuple[Any, ...]] | None = None
        if indices != list(range(len(fields))) or constants:
            pick = operator.itemgetter(*indices)
            extra = tuple(value for _, value in constants)
            if len(indices) == 1:
                project = lambda row, pick=pick, extra=extra: (pick(row), *extra)  # noqa: E731
            else:
                project = lambda row, pick=pick, extra=extra: (*pick(row), *extra)  # noqa: E731
        plans[table] = CopyPlan(table, columns + [name for name, _ in constants], project)
    return plans


# --- the load ------------------------------------------------------------------------------------


@dataclass
class SetAside:
    """Indexes and constraints of the big tables, dropped for the load and recreated as they were."""

    indexes: list[tuple[str, str, str]]  # (table, index name, CREATE INDEX statement)
    unique_constraints: list[tuple[str, str]]  # (table, constraint name) over an index of `indexes`
    foreign_keys: list[tuple[str, str, str]]  # (table, constraint name, definition)


async def set_aside(conn: Any, tables: list[str]) -> SetAside:
    constraints = await conn.fetch(
        "SELECT c.conrelid::regclass::text AS tbl, c.conname, c.contype::text AS contype, "
        "pg_get_constraintdef(c.oid) AS def, "
        "c.conindid::regclass::text AS index_name FROM pg_constraint c "
        "WHERE c.conrelid = ANY($1::regclass[]) AND c.contype IN ('f', 'u') ORDER BY c.conname",
        tables,
    )
    indexes = await conn.fetch(
        "SELECT t.relname AS tbl, ic.relname AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i "
        "JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid "
        "WHERE i.indrelid = ANY($1::regclass[]) AND NOT i.indisprimary ORDER BY ic.relname",
        tables,
    )
    saved = SetAside(
        indexes=[(r["tbl"], r["name"], r["def"]) for r in indexes],
        unique_constraints=[(r["tbl"], r["conname"]) for r in constraints if r["contype"] == "u"],
        foreign_keys=[(r["tbl"], r["conname"], r["def"]) for r in constraints if r["contype"] == "f"],
    )
    for table, name, _ in saved.foreign_keys:
        await conn.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for table, name in saved.unique_constraints:
        await conn.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for _, name, _ in saved.indexes:
        await conn.execute(f'DROP INDEX IF EXISTS "{name}"')
    return saved


async def _tune(conn: Any) -> None:
    await conn.execute(
        "SET maintenance_work_mem = '1GB'; SET max_parallel_maintenance_workers = 0; SET synchronous_commit = off"
    )


async def restore(database: str, saved: SetAside) -> None:
    """The indexes on two connections at once (2 cores), then the constraints over them."""
    import asyncpg

    connections = [await asyncpg.connect(dsn(database)) for _ in range(2)]
    try:
        for conn in connections:
            await _tune(conn)
        pending = sorted(saved.indexes, key=lambda i: (i[0] != "device_event", i[1]))

        async def worker(conn: Any) -> None:
            while pending:
                _, name, statement = pending.pop(0)
                started = time.perf_counter()
                await conn.execute(statement)
                say(f"  index {name}: {time.perf_counter() - started:.1f} s")

        await asyncio.gather(*(worker(c) for c in connections))
        conn = connections[0]
        for table, name in saved.unique_constraints:
            await conn.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" UNIQUE USING INDEX "{name}"')
        for table, name, definition in saved.foreign_keys:
            await conn.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition} NOT VALID')
        by_table: dict[str, list[str]] = {}
        for table, name, _ in saved.foreign_keys:
            by_table.setdefault(table, []).append(name)

        async def validate(conn: Any, table: str, names: list[str]) -> None:
            for name in names:
                started = time.perf_counter()
                await conn.execute(f'ALTER TABLE "{table}" VALIDATE CONSTRAINT "{name}"')
                say(f"  foreign key {name}: {time.perf_counter() - started:.1f} s")

        # One table per connection: validations of two different tables do not block each other.
        groups = list(by_table.items())
        await asyncio.gather(
            *(
                _validate_many(connections[i], groups[i :: len(connections)], validate)
                for i in range(min(len(groups), len(connections)))
            )
        )
    finally:
        for conn in connections:
            await conn.close()


async def _validate_many(conn: Any, groups: list[tuple[str, list[str]]], validate: Any) -> None:
    for table, names in groups:
        await validate(conn, table, names)


class Progress:
    def __init__(self, total_devices: int) -> None:
        self.total = total_devices
        self.started = time.perf_counter()
        self.last = 0.0
        self.devices = 0
        self.events = 0

    def add(self, devices: int, events: int) -> None:
        self.devices += devices
        self.events += events
        now = time.perf_counter()
        if now - self.last >= 5 or self.devices >= self.total:
            self.last = now
            elapsed = now - self.started
            say(
                f"  {self.devices:>10,} devices {self.events:>11,} events  {elapsed:6.1f} s  "
                f"{self.devices / elapsed:>9,.0f} devices/s {self.events / elapsed:>10,.0f} events/s "
                f"({100 * self.devices / self.total:.0f} %)"
            )


async def load(devices: int, big_donation: int = 0) -> dict[str, Any]:
    import asyncpg
    import scale_data

    from ordi.auth.passwords import hash_password

    timings: dict[str, float] = {}
    started = time.perf_counter()
    world = scale_data.plan_world(devices, hash_password(PASSWORD), seed=SEED, big_donation=big_donation)
    conn = await asyncpg.connect(dsn(SCALE_DB))
    try:
        await _tune(conn)
        plans = await copy_plans(conn)
        saved = await set_aside(conn, BIG_TABLES)
        say(
            f"  set aside for the load: {len(saved.indexes)} indexes, {len(saved.foreign_keys)} foreign keys "
            "(recreated afterwards from their own definitions)"
        )
        for table, rows in (
            ("organisation", world.organisations),
            ("app_user", world.users),
            ("donation", world.donations),
        ):
            plan = plans[table]
            await conn.copy_records_to_table(table, records=plan.rows(rows), columns=plan.columns)
        say(
            f"  {len(world.organisations):,} organisations, {len(world.users):,} users, "
            f"{len(world.donations):,} donations"
        )
        progress = Progress(devices)
        device_plan, event_plan = plans["device"], plans["device_event"]
        chunks = scale_data.device_chunks(world, CHUNK_DEVICES)
        # The next chunk is drawn in a thread while the current one is copied: PostgreSQL works on
        # one core while Python draws and encodes on the other.
        chunk = await asyncio.to_thread(_next, chunks)
        while chunk is not None:
            following = asyncio.create_task(asyncio.to_thread(_next, chunks))
            device_rows, event_rows = chunk
            await conn.copy_records_to_table(
                "device", records=device_plan.rows(device_rows), columns=device_plan.columns
            )
            await conn.copy_records_to_table(
                "device_event", records=event_plan.rows(event_rows), columns=event_plan.columns
            )
            progress.add(len(device_rows), len(event_rows))
            chunk = await following
        timings["copy"] = time.perf_counter() - started
        for table in LOADED_TABLES:
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM \"{table}\"))"
            )
    finally:
        await conn.close()
    step = time.perf_counter()
    await restore(SCALE_DB, saved)
    timings["indexes and constraints"] = time.perf_counter() - step
    step = time.perf_counter()
    conn = await asyncpg.connect(dsn(SCALE_DB))
    try:
        await _tune(conn)
        for table in LOADED_TABLES:
            await conn.execute(f'VACUUM (ANALYZE) "{table}"')
        timings["vacuum analyze"] = time.perf_counter() - step
        counts = {t: await conn.fetchval(f'SELECT count(*) FROM "{t}"') for t in LOADED_TABLES}
        check = await conn.fetchval(
            "SELECT count(*) FROM device d WHERE d.event_count <> "
            "(SELECT count(*) FROM device_event e WHERE e.device = d.id)"
        )
        declared = await conn.fetchval("SELECT count(*) FROM device WHERE state = 'declared'")
        keyed = await conn.fetchval("SELECT count(*) FROM device_event WHERE idempotency_key IS NOT NULL")
        no_user = await conn.fetchval("SELECT count(*) FROM device_event WHERE actor_user IS NULL")
        await conn.execute(f"COMMENT ON DATABASE \"{SCALE_DB}\" IS '{build_marker(devices)}'")
    finally:
        await conn.close()
    timings["total"] = time.perf_counter() - started
    return {
        "counts": counts,
        "event_count_mismatches": check,
        "declared": declared,
        "idempotency_keys": keyed,
        "events_without_user": no_user,
        "timings": timings,
    }


def _next(chunks: Iterator[Any]) -> Any:
    return next(chunks, None)


async def describe(database: str) -> dict[str, Any]:
    import asyncpg

    conn = await asyncpg.connect(dsn(database))
    try:
        states = await conn.fetch("SELECT state, count(*) AS n FROM device GROUP BY 1 ORDER BY 2 DESC")
        counts = {t: await conn.fetchval(f'SELECT count(*) FROM "{t}"') for t in LOADED_TABLES}
        kinds = await conn.fetch("SELECT kind, count(*) AS n FROM organisation GROUP BY 1 ORDER BY 1")
        return {"states": [(r["state"], r["n"]) for r in states], "counts": counts, "kinds": dict(kinds)}
    finally:
        await conn.close()


# --- measures ----------------------------------------------------------------------------------


def measure(database: str, reps: int, explain: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "result.json"
        command = [sys.executable, str(BENCH / "scale_measure.py"), "--out", str(out), "--reps", str(reps)]
        if explain:
            command += ["--explain", str(explain)]
        done = subprocess.run(command, cwd=ROOT, env=_env(database), check=False)
        if done.returncode != 0:
            raise SystemExit(f"la mesure a échoué sur {database}")
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return result


def _cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return "—"
    if "na" in row:
        return "n/a"
    status = row.get("status")
    if status is not None and status >= 400:
        return f"HTTP {status}"
    return f"{row['median_ms']:.1f} ({row['p90_ms']:.1f})"


def print_timings(scale: dict[str, Any], demo: dict[str, Any], devices: int) -> None:
    from scale_measure import PAGES, ROLES

    say("")
    say("Server time in ms, median (p90), in-process through the app (AsyncTestClient), limit=50")
    say("")
    header = f"| page | {devices:,} devices | demo database | ratio |"
    say(header)
    say("|---|---:|---:|---:|")
    notes: dict[str, list[str]] = {}  # reason -> the rows it concerns
    scale_label = f"{devices:,} devices"
    for role in ROLES:
        for page in PAGES:
            big = scale["results"][role].get(page)
            small = demo["results"][role].get(page)
            ratio = ""
            if big and small and big.get("median_ms") and small.get("median_ms"):
                ratio = f"{big['median_ms'] / small['median_ms']:.1f}×"
            say(f"| {role}: {page} | {_cell(big)} | {_cell(small)} | {ratio} |")
            for label, row in ((scale_label, big), ("demo", small)):
                if not row:
                    continue
                where = f"{role}: {page} ({label})"
                if "na" in row:
                    notes.setdefault(row["na"], []).append(where)
                if row.get("status", 200) >= 400:
                    notes.setdefault(f"HTTP {row['status']} {row.get('detail') or ''}".rstrip(), []).append(where)
                if row.get("how"):
                    notes.setdefault(f"deep cursor page reached by {row['how']}", []).append(where)
                if row.get("n") and row["n"] < 20:
                    notes.setdefault(f"{row['n']} repetitions only (slow page)", []).append(where)
    say("")
    for role in ROLES:
        for label, result in (("scale", scale), ("demo", demo)):
            caller = result["callers"][role]
            first = result["results"][role].get(PAGES[0]) or {}
            middle = result["results"][role].get(PAGES[1]) or {}
            end = result["results"][role].get(PAGES[2]) or {}
            estimated = ", ".join(f"{k}={v}" for k, v in (first.get("estimated") or {}).items())
            say(
                f"  {label:5} {role:11}: {caller['name']} (id {caller['id']}), devices total={first.get('total')}"
                f"{f' ({estimated})' if estimated else ''}, pages: {middle.get('url', '')} {end.get('url', '')}, "
                f"device {caller['tag']}"
            )
    if notes:
        say("")
        for reason, rows in notes.items():
            say(f"  - {reason}: {'; '.join(rows)}")


def print_explain(scale: dict[str, Any], devices: int) -> None:
    if not scale.get("explain"):
        return
    say("")
    say(f"EXPLAIN (ANALYZE, BUFFERS) of the slowest pages ({devices:,} devices), each statement of the request")
    for entry in scale["explain"]:
        say("")
        say(f"### {entry['role']}: {entry['page']} — {entry['url']} — median {entry['median_ms']:.1f} ms")
        for statement in entry["statements"]:
            say(f"  SQL: {statement['sql']}")
            if statement["args"]:
                say(f"  args: {statement['args']}")
            explained = statement.get("execution", "not explained")
            say(f"  in the app (one request): {statement['in_app_ms']:.1f} ms round trip; {explained}")
            for line in statement.get("plan", []):
                if not line.startswith(("Planning", "Execution")):
                    say(f"    {line}")


# --- storage -------------------------------------------------------------------------------------

_INDEXES = """
SELECT t.relname AS tbl, ic.relname AS name, i.indisunique AS is_unique, i.indpred IS NOT NULL AS partial,
       i.indexprs IS NOT NULL AS expressions, am.amname AS method, pg_relation_size(i.indexrelid) AS bytes,
       pg_get_indexdef(i.indexrelid) AS def,
       ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
             WHERE k.ord <= i.indnkeyatts ORDER BY k.ord)::text[] AS columns
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_am am ON am.oid = ic.relam
WHERE t.relname = ANY($1::text[]) AND t.relnamespace = 'public'::regnamespace
ORDER BY t.relname, ic.relname
"""


def _mb(value: float) -> str:
    return f"{value / 1024**2:,.1f} MB"


async def storage() -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn(SCALE_DB))
    try:
        await _tune(conn)
        current = [dict(r) for r in await conn.fetch(_INDEXES, BIG_TABLES)]
        rows = {t: await conn.fetchval(f'SELECT count(*) FROM "{t}"') for t in BIG_TABLES}
        heap = {t: await conn.fetchval("SELECT pg_table_size($1::regclass)", t) for t in BIG_TABLES}
        baseline: list[dict[str, Any]] = []
        temporary: list[str] = []
        try:
            for table, name, columns, unique in BASELINE_INDEXES:
                match = next(
                    (
                        c
                        for c in current
                        if c["tbl"] == table
                        and tuple(c["columns"]) == columns
                        and not c["partial"]
                        and not c["expressions"]
                        and c["method"] == "btree"
                    ),
                    None,
                )
                if match is not None:
                    baseline.append({"tbl": table, "name": name, "bytes": match["bytes"], "same_as": match["name"]})
                    continue
                temp = f"bench_baseline_{name}"[:63]
                cols = ", ".join(f'"{c}"' for c in columns)
                started = time.perf_counter()
                await conn.execute(f'DROP INDEX IF EXISTS "{temp}"')
                try:
                    await conn.execute(f'CREATE {"UNIQUE " if unique else ""}INDEX "{temp}" ON "{table}" ({cols})')
                except asyncpg.UniqueViolationError:
                    await conn.execute(f'CREATE INDEX "{temp}" ON "{table}" ({cols})')
                temporary.append(temp)
                size = await conn.fetchval("SELECT pg_relation_size($1::regclass)", temp)
                say(f"  baseline index {name} missing now: built as {temp} in {time.perf_counter() - started:.1f} s")
                baseline.append({"tbl": table, "name": name, "bytes": size, "same_as": None})
        finally:
            for temp in temporary:
                await conn.execute(f'DROP INDEX IF EXISTS "{temp}"')
    finally:
        await conn.close()

    say("")
    say("Storage (pg_relation_size of each index; table = pg_table_size: heap + TOAST + maps), after VACUUM")
    for table in BIG_TABLES:
        unit = "device" if table == "device" else "event"
        say("")
        say(
            f"{table}: {rows[table]:,} rows, table {_mb(heap[table])} "
            f"({heap[table] / max(rows[table], 1):.1f} B/{unit})"
        )
        say("")
        say("| index | definition | bytes | baseline ce7cfed | current |")
        say("|---|---|---:|:---:|:---:|")
        baseline_same = {b["same_as"] for b in baseline if b["tbl"] == table and b["same_as"]}
        for c in (c for c in current if c["tbl"] == table):
            in_base = "yes" if c["name"] in baseline_same else "no"
            definition = c["def"].split(" USING ", 1)[-1]
            say(f"| {c['name']} | {definition} | {_mb(c['bytes'])} | {in_base} | yes |")
        for b in (b for b in baseline if b["tbl"] == table and not b["same_as"]):
            entry = next(e for e in BASELINE_INDEXES if e[1] == b["name"])
            definition = f"btree ({', '.join(entry[2])})" + (" unique" if entry[3] else "")
            say(f"| {b['name']} (measured as a temporary copy) | {definition} | {_mb(b['bytes'])} | yes | no |")
        before = sum(b["bytes"] for b in baseline if b["tbl"] == table)
        after = sum(c["bytes"] for c in current if c["tbl"] == table)
        n = max(rows[table], 1)
        say("")
        say(f"| {table} | baseline ce7cfed | current | change |")
        say("|---|---:|---:|---:|")
        say(f"| table | {_mb(heap[table])} | {_mb(heap[table])} | |")
        count_before = sum(1 for b in baseline if b["tbl"] == table)
        count_after = sum(1 for c in current if c["tbl"] == table)
        say(f"| indexes | {_mb(before)} ({count_before}) | {_mb(after)} ({count_after}) | {_mb(after - before)} |")
        say(
            f"| total | {_mb(heap[table] + before)} | {_mb(heap[table] + after)} | "
            f"{100 * (after - before) / (heap[table] + before):+.1f} % |"
        )
        say(
            f"| bytes per {unit} | {(heap[table] + before) / n:,.1f} | {(heap[table] + after) / n:,.1f} | "
            f"{(after - before) / n:+,.1f} |"
        )
        say(f"| index bytes per {unit} | {before / n:,.1f} | {after / n:,.1f} | |")


# --- the committee's figures ---------------------------------------------------------------------


def build_small(devices: int) -> None:
    """A second database built like the big one (same generator, fewer devices), unless it is there."""
    global SCALE_DB
    if asyncio.run(database_comment(SMALL_DB)) == build_marker(devices):
        _ordi(SMALL_DB, "migrate")  # reused: brought to the code's schema, as the big one is
        return
    saved = SCALE_DB
    SCALE_DB = SMALL_DB  # load() and its helpers work on SCALE_DB
    try:
        asyncio.run(recreate_database(SMALL_DB))
        _ordi(SMALL_DB, "migrate")
        asyncio.run(load(devices))
    finally:
        SCALE_DB = saved


def measure_stats(database: str, reps: int, write_steps: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "stats.json"
        command = [sys.executable, str(BENCH / "stats_measure.py"), "--out", str(out), "--reps", str(reps)]
        command += ["--write-steps", str(write_steps)]
        done = subprocess.run(command, cwd=ROOT, env=_env(database), check=False)
        if done.returncode != 0:
            raise SystemExit(f"la mesure des chiffres du comité a échoué sur {database}")
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return result


def print_stats(big: dict[str, Any], small: dict[str, Any]) -> None:
    say("")
    for label, r in (("big", big), ("small", small)):
        rebuilt = f", rollups rebuilt from the log in {r['rebuild_s']:.1f} s" if "rebuild_s" in r else ""
        say(f"  {label}: {r['events']:,} events, rollup rows {r['rollup_rows']}{rebuilt}; periods {r['periods']}")
        if "rollup_mb" in r:
            say(f"  {label}: MB with indexes {r['rollup_mb']}")
    say("")
    say(f"| figures, median (p90) ms | {big['events']:,} events | {small['events']:,} events | ratio |")
    say("|---|---:|---:|---:|")
    for name in big["timings"]:
        b, s_ = big["timings"][name], small["timings"].get(name)
        ratio = f"{b['median_ms'] / s_['median_ms']:.1f}×" if s_ else ""
        small_cell = f"{s_['median_ms']:.1f} ({s_['p90_ms']:.1f})" if s_ else "—"
        say(f"| {name} | {b['median_ms']:.1f} ({b['p90_ms']:.1f}) | {small_cell} | {ratio} |")
    t = big["timings"]
    for rollup, raw in (
        ("summary one year", "raw SQL one year"),
        ("summary three years", "raw SQL three years"),
        ("bilan data (year by month, by région, by workshop)", "raw SQL bilan data"),
    ):
        say(f"  {rollup}: {t[raw]['median_ms'] / t[rollup]['median_ms']:.0f}× faster than the raw SQL at scale")
    w = small.get("write")
    if w and "ratio" in w:
        say(
            "  one step (reserve or release, in-process perform): "
            f"with rollups {w['with rollups']['median_ms']:.2f} ms, "
            f"without {w['without rollups']['median_ms']:.2f} ms (median of {w['with rollups']['n']} and "
            f"{w['without rollups']['n']}): {w['ratio']:.2f}× (means: {w.get('mean_ratio', 0):.2f}×)"
        )
    if w and "fold" in w:
        f = w["fold"]
        per_step = f["ms"] / max(f["steps"], 1)
        say(
            f"  the journal of those {f['steps']} steps ({f['rows']} rows) folded into the rollups in "
            f"{f['ms']:.1f} ms: {per_step:.3f} ms per step, off the step's path"
        )


# --- main ----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="bench/scale.py",
        description="National-scale benchmark: list pages and storage at 1 M devices / ~9.7 M events, "
        "next to the demo database (PostgreSQL on 127.0.0.1; never in CI).",
        epilog=f"Databases: {SCALE_DB} (built with COPY) and {DEMO_DB} (the demo seed).",
    )
    parser.add_argument(
        "--devices",
        type=int,
        default=1_000_000,
        help="devices to build (default 1,000,000; 20000 for a quick try); events are ~9.7 per device",
    )
    parser.add_argument(
        "--reuse", action="store_true", help=f"keep {SCALE_DB} if it already holds the data for --devices"
    )
    parser.add_argument("--drop", action="store_true", help=f"drop {SCALE_DB} and {DEMO_DB} at the end")
    parser.add_argument("--reps", type=int, default=20, help="timed repetitions per page after a warm-up (20)")
    parser.add_argument("--explain", type=int, default=3, help="EXPLAIN (ANALYZE, BUFFERS) the N slowest pages (3)")
    parser.add_argument("--stats-reps", type=int, default=10, help="timed repetitions of each committee figure (10)")
    parser.add_argument("--write-steps", type=int, default=600, help="steps timed for the rollups' write cost (600)")
    parser.add_argument("--only-stats", action="store_true", help="skip the list pages and the storage (steps 2-4)")
    args = parser.parse_args()

    # ORDI_DATABASE_URL before anything of ordi is imported (its engine is made at import time).
    os.environ["ORDI_DATABASE_URL"] = dsn(SCALE_DB)
    sys.path.insert(0, str(BENCH))
    sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    say(f"bench-scale: {args.devices:,} devices, PostgreSQL {urlparse(ADMIN_DSN).netloc}")
    if not _redis_answers():
        say(f"  Redis does not answer at {REDIS_URL}: the app runs with its embedded worker (no connection pool)")

    # The app must import before minutes of building (the work tree may be half-way through a change).
    check = subprocess.run(
        [sys.executable, "-c", "import ordi.app"], cwd=ROOT, env=_env(DEMO_DB), capture_output=True, text=True
    )
    if check.returncode != 0:
        raise SystemExit(f"ordi.app ne s'importe pas, rien n'est construit :\n{check.stderr[-2000:]}")
    comment = asyncio.run(database_comment(SCALE_DB))
    reuse = args.reuse and comment == build_marker(args.devices)
    if args.reuse and not reuse:
        say(f"  --reuse: {SCALE_DB} does not hold {args.devices:,} devices ({comment!r}): building it")
    if reuse:
        say(f"1. {SCALE_DB}: reused ({comment}); {_ordi(SCALE_DB, 'migrate')}")
    else:
        say(f"1. {SCALE_DB}: create, migrate, COPY")
        asyncio.run(recreate_database(SCALE_DB))
        say(f"  {_ordi(SCALE_DB, 'migrate')}")
        built = asyncio.run(load(args.devices))
        t = built["timings"]
        say(
            f"  built in {t['total']:.0f} s: COPY {t['copy']:.0f} s, indexes and constraints "
            f"{t['indexes and constraints']:.0f} s, VACUUM ANALYZE {t['vacuum analyze']:.0f} s"
        )
        say(
            f"  rows: {built['counts']}; devices with event_count different from their events: "
            f"{built['event_count_mismatches']}"
        )
        n_events = max(built["counts"]["device_event"], 1)
        say(
            f"  declared devices {100 * built['declared'] / args.devices:.1f} %, events with an idempotency key "
            f"{100 * built['idempotency_keys'] / n_events:.1f} %, without actor_user "
            f"{100 * built['events_without_user'] / n_events:.1f} %"
        )
    facts = asyncio.run(describe(SCALE_DB))
    say(f"  {facts['counts']}; organisations {facts['kinds']}")
    say("  states: " + ", ".join(f"{s} {100 * n / max(args.devices, 1):.1f} %" for s, n in facts["states"]))

    if args.only_stats:
        say("5. the committee's figures")
        build_small(SMALL_DEVICES)
        print_stats(
            measure_stats(SCALE_DB, args.stats_reps, 0), measure_stats(SMALL_DB, args.stats_reps, args.write_steps)
        )
        say(f"\nbench-scale done in {time.perf_counter() - started:.0f} s")
        return

    say(f"2. {DEMO_DB}: the demo seed")
    if not (args.reuse and asyncio.run(database_comment(DEMO_DB)) is not None):
        asyncio.run(recreate_database(DEMO_DB))
    say(f"  {_ordi(DEMO_DB, 'migrate')} {_ordi(DEMO_DB, 'seed-demo')}")

    say("3. timings (each page: warm-up, then the repetitions)")
    say(f"  {SCALE_DB}:")
    scale = measure(SCALE_DB, args.reps, args.explain)
    say(f"  {DEMO_DB}:")
    demo = measure(DEMO_DB, args.reps, 0)
    print_timings(scale, demo, args.devices)
    print_explain(scale, args.devices)

    say("")
    say("4. storage")
    asyncio.run(storage())

    say("")
    say("5. the committee's figures")
    build_small(SMALL_DEVICES)
    big = measure_stats(SCALE_DB, args.stats_reps, 0)
    small = measure_stats(SMALL_DB, args.stats_reps, args.write_steps)
    print_stats(big, small)

    if args.drop:
        asyncio.run(drop_databases(SCALE_DB, DEMO_DB, SMALL_DB))
        say(f"\n{SCALE_DB} and {DEMO_DB} dropped.")
    say(f"\nbench-scale done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
