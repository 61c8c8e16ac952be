"""Jobs that survive: the outbox, the lease, and a donation keyed by the job that declared it.

- job.dispatched_at (null: not yet handed to the broker), job.send_after (the dispatcher sends a
  job not dispatched from then on) and job.lease_until (a running attempt renews it; past it, the
  job is taken back); the index `job_unfinished` (status, created_at) WHERE status IN ('queued',
  'running') serves the dispatcher, the lease sweeper and /health, which read only unfinished jobs.
- donation.job, nullable, with the unique index `donation_job_key`: a retried import finds the
  donation its earlier attempt committed. SQLite cannot add a UNIQUE column (ALTER TABLE ADD COLUMN
  … UNIQUE is refused), so both engines get a plain column and a unique index, which is the same
  guarantee (NULLs are never equal: declarations made in a request keep a null job).
- Jobs left by the previous version: a `queued` one has no dispatched_at, so the dispatcher sends it
  (it may have been lost; a duplicate message is refused by the claim); a `running` one gets a lease
  of GRACE from the migration, after which it is taken back if nothing renewed it.

PostgreSQL: columns added with IF NOT EXISTS (no rewrite: null defaults), indexes built
CONCURRENTLY (an invalid leftover of a failed build is dropped and built again), so the running
version keeps writing. SQLite: one IMMEDIATE transaction. Piccolo's own ADD COLUMN … UNIQUE would
fail on SQLite, so this manager runs the SQL below; the column operations are still declared, so
Piccolo's snapshot matches the table classes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import UUID, Timestamptz
from piccolo.columns.indexes import IndexMethod
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine

ID = "2026-12-08T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "jobs that survive: outbox, lease, donation keyed by its job"

JOB_COLUMNS = ("dispatched_at", "send_after", "lease_until")
GRACE = timedelta(minutes=10)

INDEXES = {
    "donation_job_key": "CREATE UNIQUE INDEX {concurrently} IF NOT EXISTS donation_job_key ON donation (job)",
    "job_unfinished": (
        "CREATE INDEX {concurrently} IF NOT EXISTS job_unfinished ON job (status, created_at) "
        "WHERE status IN ('queued', 'running')"
    ),
}
RUNNING_WITHOUT_LEASE = "UPDATE job SET lease_until = {at} WHERE status = 'running' AND lease_until IS NULL"


# --- PostgreSQL --------------------------------------------------------------------------------


async def _postgres(engine: PostgresEngine, backwards: bool) -> None:
    connection = await engine.get_new_connection()
    try:
        if backwards:
            for name in INDEXES:
                await connection.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
            await connection.execute('ALTER TABLE "donation" DROP COLUMN IF EXISTS "job"')
            drops = ", ".join(f'DROP COLUMN IF EXISTS "{c}"' for c in JOB_COLUMNS)
            await connection.execute(f'ALTER TABLE "job" {drops}')
            return
        adds = ", ".join(f'ADD COLUMN IF NOT EXISTS "{c}" TIMESTAMPTZ DEFAULT null' for c in JOB_COLUMNS)
        await connection.execute(f'ALTER TABLE "job" {adds}')
        await connection.execute('ALTER TABLE "donation" ADD COLUMN IF NOT EXISTS "job" UUID DEFAULT null')
        await connection.execute(RUNNING_WITHOUT_LEASE.format(at="$1"), datetime.now(UTC) + GRACE)
        for name, sql in INDEXES.items():
            invalid = await connection.fetchval(
                "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE c.relname = $1 AND NOT i.indisvalid",
                name,
            )
            if invalid:
                await connection.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
            await connection.execute(sql.format(concurrently="CONCURRENTLY"))
    finally:
        await connection.close()


# --- SQLite ------------------------------------------------------------------------------------


async def _columns(connection: Any, table: str) -> set[str]:
    async with connection.execute(f'PRAGMA table_info("{table}")') as cursor:
        return {row["name"] for row in await cursor.fetchall()}


async def _sqlite(engine: Any, backwards: bool) -> None:
    connection = await engine.get_connection()  # autocommit mode: BEGIN/COMMIT are ours
    try:
        await connection.execute("BEGIN IMMEDIATE")
        try:
            job_columns = await _columns(connection, "job")
            donation_columns = await _columns(connection, "donation")
            if backwards:
                for name in INDEXES:
                    await connection.execute(f"DROP INDEX IF EXISTS {name}")
                if "job" in donation_columns:
                    await connection.execute('ALTER TABLE "donation" DROP COLUMN "job"')
                for column in JOB_COLUMNS:
                    if column in job_columns:
                        await connection.execute(f'ALTER TABLE "job" DROP COLUMN "{column}"')
            else:
                for column in JOB_COLUMNS:
                    if column not in job_columns:
                        await connection.execute(f'ALTER TABLE "job" ADD COLUMN "{column}" TIMESTAMPTZ DEFAULT null')
                if "job" not in donation_columns:
                    await connection.execute('ALTER TABLE "donation" ADD COLUMN "job" UUID DEFAULT null')
                # Stored as Piccolo stores a timestamptz on SQLite: str() of the UTC datetime.
                await connection.execute(RUNNING_WITHOUT_LEASE.format(at="?"), (str(datetime.now(UTC) + GRACE),))
                for sql in INDEXES.values():
                    await connection.execute(sql.format(concurrently=""))
        except BaseException:
            await connection.execute("ROLLBACK")
            raise
        await connection.execute("COMMIT")
    finally:
        await connection.close()


# --- the migration -----------------------------------------------------------------------------


class JobsSurviveMigration(MigrationManager):
    """Declares the new columns for Piccolo's snapshot; runs the SQL above instead of Piccolo's."""

    async def run(self, backwards: bool = False) -> None:
        print(f"  - {self.migration_id} [{'backwards' if backwards else 'forwards'}]... ", end="")
        if self.preview:
            return
        engine = engine_finder()
        assert engine is not None, "ordi.piccolo_conf introuvable"
        if isinstance(engine, PostgresEngine):
            await _postgres(engine, backwards)
        else:
            await _sqlite(engine, backwards)


def _params(**changes: Any) -> dict[str, Any]:
    return {
        "default": None,
        "null": True,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
        **changes,
    }


async def forwards() -> MigrationManager:
    manager = JobsSurviveMigration(migration_id=ID, app_name="ordi", description=DESCRIPTION, wrap_in_transaction=False)
    for column in JOB_COLUMNS:
        manager.add_column(
            table_class_name="Job",
            tablename="job",
            column_name=column,
            db_column_name=column,
            column_class_name="Timestamptz",
            column_class=Timestamptz,
            params=_params(),
            schema=None,
        )
    manager.add_column(
        table_class_name="Donation",
        tablename="donation",
        column_name="job",
        db_column_name="job",
        column_class_name="UUID",
        column_class=UUID,
        params=_params(unique=True),
        schema=None,
    )
    return manager
