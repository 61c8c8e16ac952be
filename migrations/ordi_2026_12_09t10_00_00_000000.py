"""Correct and cancel (issue 9, item 6): correcting events, and cancelled donations.

- device_event.corrects (nullable BIGINT): on a correcting event, the entry of the same device it
  corrects; the unique index `device_event_corrected_once` (corrects) WHERE corrects IS NOT NULL holds only
  the correcting events (a few rows), lets an entry be corrected once (two corrections of it at
  once: one wins), and serves the figures that read the last correction of each record.
- donation.cancelled_at (nullable TIMESTAMPTZ): when its donor cancelled it before collection.

PostgreSQL: nullable columns added with IF NOT EXISTS (no rewrite), the index built CONCURRENTLY
(an invalid leftover of a failed build is dropped and built again), so the running version keeps
writing. SQLite: one IMMEDIATE transaction. The column operations are declared for Piccolo's
snapshot; this manager runs the SQL below instead of Piccolo's.
"""

from __future__ import annotations

from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import BigInt, Timestamptz
from piccolo.columns.indexes import IndexMethod
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine

ID = "2026-12-09T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "correcting events and cancelled donations"

COLUMNS = (("device_event", "corrects", "BIGINT"), ("donation", "cancelled_at", "TIMESTAMPTZ"))
INDEX = "device_event_corrected_once"
CREATE_INDEX = (
    "CREATE UNIQUE INDEX {concurrently} IF NOT EXISTS device_event_corrected_once ON device_event (corrects) "
    "WHERE corrects IS NOT NULL"
)


async def _postgres(engine: PostgresEngine, backwards: bool) -> None:
    connection = await engine.get_new_connection()
    try:
        if backwards:
            await connection.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
            for table, column, _ in COLUMNS:
                await connection.execute(f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS "{column}"')
            return
        for table, column, kind in COLUMNS:
            await connection.execute(f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS "{column}" {kind} DEFAULT null')
        invalid = await connection.fetchval(
            "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = $1 AND NOT i.indisvalid",
            INDEX,
        )
        if invalid:
            await connection.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
        await connection.execute(CREATE_INDEX.format(concurrently="CONCURRENTLY"))
    finally:
        await connection.close()


async def _columns(connection: Any, table: str) -> set[str]:
    async with connection.execute(f'PRAGMA table_info("{table}")') as cursor:
        return {row["name"] for row in await cursor.fetchall()}


async def _sqlite(engine: Any, backwards: bool) -> None:
    connection = await engine.get_connection()  # autocommit mode: BEGIN/COMMIT are ours
    try:
        await connection.execute("BEGIN IMMEDIATE")
        try:
            if backwards:
                await connection.execute(f"DROP INDEX IF EXISTS {INDEX}")
            for table, column, kind in COLUMNS:
                present = column in await _columns(connection, table)
                if backwards and present:
                    await connection.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
                elif not backwards and not present:
                    await connection.execute(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {kind} DEFAULT null')
            if not backwards:
                await connection.execute(CREATE_INDEX.format(concurrently=""))
        except BaseException:
            await connection.execute("ROLLBACK")
            raise
        await connection.execute("COMMIT")
    finally:
        await connection.close()


class CorrectionsMigration(MigrationManager):
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


def _params() -> dict[str, Any]:
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
    }


async def forwards() -> MigrationManager:
    manager = CorrectionsMigration(migration_id=ID, app_name="ordi", description=DESCRIPTION, wrap_in_transaction=False)
    manager.add_column(
        table_class_name="DeviceEvent",
        tablename="device_event",
        column_name="corrects",
        db_column_name="corrects",
        column_class_name="BigInt",
        column_class=BigInt,
        params=_params(),
        schema=None,
    )
    manager.add_column(
        table_class_name="Donation",
        tablename="donation",
        column_name="cancelled_at",
        db_column_name="cancelled_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params=_params(),
        schema=None,
    )
    return manager
