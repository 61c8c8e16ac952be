"""Storage with a reason: every index serves a query or a delete check; the history restricts deletes.

Indexes (the evidence is in the commit message; tests/services/test_storage.py checks the result):

- dropped `device_event_action_time` (action, occurred_at): the committee's figures filter a
  period first; events are appended in time order, so the planner always took
  `device_event_occurred_at` (also the only index the all-stages count can use) and never this one;
- `device_event_idempotency` (actor_organisation, idempotency_key) replaced by the same unique
  index WHERE idempotency_key IS NOT NULL: only keyed steps need the guarantee, and both lookups
  (`idempotency_key = ?`, `idempotency_key IN (…)`) imply the predicate, on both engines;
- kept `device_event_actor_organisation`: once the unique index is partial it no longer covers
  every row, and a delete of an organisation must check the history;
- added an index on every foreign key that had none and that a delete of its parent must check:
  device_event.actor_user, donation.declared_by, equipment_request.requested_by and decided_by,
  job.created_by, api_key.user, wipe_certificate.tool_report;
- dropped `job_file_chunk_job` (a prefix of the unique (job, seq)), `job_status` (no query filters
  jobs by status) and `beneficiary_contact_purge` (the same column as `beneficiary_contact_purge_after`);
- added job.purged_at and `job_unpurged_created_at` (created_at) WHERE purged_at IS NULL, for the
  retention purge, which only ever looks at jobs not yet purged.

Foreign keys: every key of the history and of the proof (device_event, device, donation,
equipment_request, wipe certificates and tool reports, and a person's organisation) becomes
ON DELETE RESTRICT: deleting a person or an organisation that the history names is refused
instead of cascading into it. Keys of temporary or dependent rows keep CASCADE (jobs and their
files, API keys, request items, beneficiary contacts — personal data that must go with its owner).

- PostgreSQL: each constraint is dropped and added again NOT VALID in one short transaction per
  table, then validated separately (VALIDATE takes a lock that lets writes go on); indexes are
  built CONCURRENTLY, so the running version keeps writing during the migration.
- SQLite: Piccolo's SQLite connections run `PRAGMA foreign_keys = 1`, so SQLite does enforce
  these keys, and a CASCADE there would delete history exactly as on PostgreSQL. SQLite can only
  change a key's action by rebuilding the table, which is therefore worth it: the procedure of
  https://www.sqlite.org/lang_altertable.html#otheralter, in one transaction on one connection
  with foreign keys off (DROP TABLE would otherwise run the cascades): new table from the stored
  definition with CASCADE turned into RESTRICT for the listed columns, rows copied, old table
  dropped, new one renamed, its indexes created again, then `PRAGMA foreign_key_check` and the
  keys' actions checked before COMMIT. Embedded databases are small; this takes seconds.

Piccolo's own ALTERs cannot do either (SQLite has no ALTER CONSTRAINT; on PostgreSQL they would
validate under a blocking lock), so this manager runs the SQL below instead. Its column
operations are still declared, so that Piccolo's schema snapshot matches the table classes and
`piccolo migrations new ordi --auto` finds nothing left to do.
"""

from __future__ import annotations

import re
from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import ForeignKey, Timestamptz, Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine

ID = "2026-12-01T19:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "storage with a reason: indexes that serve, deletes that the history restricts"

# (class name, table) -> the foreign keys that become ON DELETE RESTRICT.
RESTRICT: dict[tuple[str, str], tuple[str, ...]] = {
    ("User", "app_user"): ("organisation",),
    ("Donation", "donation"): ("donor", "declared_by"),
    ("Device", "device"): ("donation", "donor", "custodian", "refurbisher", "association"),
    ("DeviceEvent", "device_event"): ("device", "actor_user", "actor_organisation"),
    ("EquipmentRequest", "equipment_request"): ("association", "requested_by", "decided_by"),
    ("WipeToolReport", "wipe_tool_report"): ("device", "workshop"),
    ("WipeCertificate", "wipe_certificate"): ("device", "workshop", "wipe_event", "tool_report"),
}

# Single-column indexes that Piccolo knows by `index=True` (named `<table>_<column>`).
INDEXED: list[tuple[str, str, str]] = [
    ("ApiKey", "api_key", "user"),
    ("Donation", "donation", "declared_by"),
    ("DeviceEvent", "device_event", "actor_user"),
    ("EquipmentRequest", "equipment_request", "requested_by"),
    ("EquipmentRequest", "equipment_request", "decided_by"),
    ("Job", "job", "created_by"),
    ("WipeCertificate", "wipe_certificate", "tool_report"),
]
UNINDEXED: list[tuple[str, str, str, type[Any]]] = [
    ("Job", "job", "status", Varchar),
    ("JobFileChunk", "job_file_chunk", "job", ForeignKey),
]

# Indexes Piccolo does not describe (composite or partial), by name.
CREATE_RAW = {
    "device_event_idempotency_keyed": (
        "CREATE UNIQUE INDEX {concurrently} IF NOT EXISTS device_event_idempotency_keyed "
        "ON device_event (actor_organisation, idempotency_key) WHERE idempotency_key IS NOT NULL"
    ),
    "job_unpurged_created_at": (
        "CREATE INDEX {concurrently} IF NOT EXISTS job_unpurged_created_at ON job (created_at) WHERE purged_at IS NULL"
    ),
}
DROP_RAW = ["device_event_idempotency", "device_event_action_time", "beneficiary_contact_purge"]


def _create_statements(concurrently: str) -> list[tuple[str, str]]:
    statements = [(name, sql.format(concurrently=concurrently)) for name, sql in CREATE_RAW.items()]
    for _, table, column in INDEXED:
        name = f"{table}_{column}"
        statements.append((name, f'CREATE INDEX {concurrently} IF NOT EXISTS {name} ON "{table}" ("{column}")'))
    return statements


def _drop_names() -> list[str]:
    return DROP_RAW + [f"{table}_{column}" for _, table, column, _ in UNINDEXED]


ADD_PURGED_AT = 'ALTER TABLE "job" ADD COLUMN "purged_at" TIMESTAMPTZ DEFAULT null'


# --- PostgreSQL --------------------------------------------------------------------------------


async def _postgres(engine: PostgresEngine) -> None:
    connection = await engine.get_new_connection()
    try:
        await connection.execute(ADD_PURGED_AT.replace("ADD COLUMN", "ADD COLUMN IF NOT EXISTS"))
        to_validate: list[tuple[str, str]] = []
        for (_, table), columns in RESTRICT.items():
            rows = await connection.fetch(
                "SELECT c.conname, a.attname, c.confrelid::regclass::text AS parent, c.confdeltype "
                "FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
                "WHERE c.contype = 'f' AND c.conrelid = to_regclass($1::text) AND cardinality(c.conkey) = 1 "
                "AND a.attname = ANY($2::text[])",
                table,
                list(columns),
            )
            assert {r["attname"] for r in rows} == set(columns), (table, rows)
            changes = [
                f'DROP CONSTRAINT "{r["conname"]}", ADD CONSTRAINT "{r["conname"]}" FOREIGN KEY ("{r["attname"]}") '
                f'REFERENCES {r["parent"]} (id) ON UPDATE CASCADE ON DELETE RESTRICT NOT VALID'
                for r in rows
                if r["confdeltype"] != "r"
            ]
            if changes:
                async with connection.transaction():
                    await connection.execute(f'ALTER TABLE "{table}" ' + ", ".join(changes))
            to_validate += [(table, r["conname"]) for r in rows]
        for table, name in to_validate:
            await connection.execute(f'ALTER TABLE "{table}" VALIDATE CONSTRAINT "{name}"')
        for name, sql in _create_statements("CONCURRENTLY"):
            # A concurrent build that failed leaves an invalid index behind: build it anew.
            invalid = await connection.fetchval(
                "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE c.relname = $1 AND NOT i.indisvalid",
                name,
            )
            if invalid:
                await connection.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
            await connection.execute(sql)
        for name in _drop_names():
            await connection.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
    finally:
        await connection.close()


# --- SQLite ------------------------------------------------------------------------------------

_CREATE_TABLE = re.compile(r'^CREATE TABLE (?:IF NOT EXISTS )?"?(\w+)"?', re.IGNORECASE)


def _restricted(sql: str, table: str, columns: tuple[str, ...]) -> str:
    """The stored CREATE TABLE of `table`, renamed, with the listed keys' ON DELETE made RESTRICT."""
    new_sql, count = _CREATE_TABLE.subn(f'CREATE TABLE "{table}__new"', sql, count=1)
    assert count == 1, sql
    for column in columns:
        # The column's own definition: it starts after "(" or ", " and holds no comma.
        pattern = re.compile(
            rf'(?:(?<=\()|(?<=, ))("{column}"[^,]*?\bREFERENCES\b[^,]*?\bON DELETE )(CASCADE|SET NULL|SET DEFAULT|NO ACTION)'
        )
        new_sql, count = pattern.subn(r"\1RESTRICT", new_sql, count=1)
        assert count == 1, (table, column, sql)
    return new_sql


async def _sqlite(engine: Any) -> None:
    connection = await engine.get_connection()  # autocommit mode: BEGIN/COMMIT are ours
    try:
        await connection.execute("PRAGMA foreign_keys = OFF")  # a no-op inside a transaction
        await connection.execute("BEGIN IMMEDIATE")
        try:
            await _sqlite_steps(connection)
            problems = await (await connection.execute("PRAGMA foreign_key_check")).fetchall()
            assert not problems, problems
        except BaseException:
            await connection.execute("ROLLBACK")
            raise
        await connection.execute("COMMIT")
        await connection.execute("PRAGMA foreign_keys = ON")
    finally:
        await connection.close()


async def _fetch(connection: Any, sql: str, *args: Any) -> list[dict[str, Any]]:
    async with connection.execute(sql, args) as cursor:
        return [dict(row) for row in await cursor.fetchall()]


async def _sqlite_steps(connection: Any) -> None:
    job_columns = {r["name"] for r in await _fetch(connection, 'PRAGMA table_info("job")')}
    if "purged_at" not in job_columns:
        await connection.execute(ADD_PURGED_AT)
    for _, sql in _create_statements(""):
        await connection.execute(sql)
    for name in _drop_names():
        await connection.execute(f"DROP INDEX IF EXISTS {name}")

    for (_, table), columns in RESTRICT.items():
        keys = {r["from"]: r["on_delete"] for r in await _fetch(connection, f'PRAGMA foreign_key_list("{table}")')}
        if all(keys.get(c) == "RESTRICT" for c in columns):
            continue
        (definition,) = await _fetch(connection, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", table)
        indexes = await _fetch(
            connection, "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", table
        )
        await connection.execute(_restricted(definition["sql"], table, columns))
        await connection.execute(f'INSERT INTO "{table}__new" SELECT * FROM "{table}"')  # noqa: S608
        await connection.execute(f'DROP TABLE "{table}"')
        await connection.execute(f'ALTER TABLE "{table}__new" RENAME TO "{table}"')
        for index in indexes:
            await connection.execute(index["sql"])
        keys = {r["from"]: r["on_delete"] for r in await _fetch(connection, f'PRAGMA foreign_key_list("{table}")')}
        assert all(keys[c] == "RESTRICT" for c in columns), (table, keys)


# --- the migration -----------------------------------------------------------------------------


class StorageMigration(MigrationManager):
    """Declares the column changes for Piccolo's snapshot; runs the SQL above instead of Piccolo's."""

    async def run(self, backwards: bool = False) -> None:
        if backwards:
            raise RuntimeError(
                "Cette migration ne se défait pas automatiquement (clés et index : voir sa documentation)."
            )
        print(f"  - {self.migration_id} [forwards]... ", end="")
        if self.preview:
            return
        engine = engine_finder()
        assert engine is not None, "ordi.piccolo_conf introuvable"
        if isinstance(engine, PostgresEngine):
            await _postgres(engine)
        else:
            await _sqlite(engine)


async def forwards() -> MigrationManager:
    manager = StorageMigration(
        migration_id=ID, app_name="ordi", description=DESCRIPTION, wrap_in_transaction=False
    )
    manager.add_column(
        table_class_name="Job",
        tablename="job",
        column_name="purged_at",
        db_column_name="purged_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    changes: dict[tuple[str, str, str], tuple[dict[str, Any], dict[str, Any], type[Any]]] = {}
    for (class_name, table), columns in RESTRICT.items():
        for column in columns:
            changes[(class_name, table, column)] = (
                {"on_delete": OnDelete.restrict},
                {"on_delete": OnDelete.cascade},
                ForeignKey,
            )
    for class_name, table, column in INDEXED:
        new, old, _ = changes.setdefault((class_name, table, column), ({}, {}, ForeignKey))
        new["index"], old["index"] = True, False
    for class_name, table, column, column_class in UNINDEXED:
        changes[(class_name, table, column)] = ({"index": False}, {"index": True}, column_class)
    for (class_name, table, column), (params, old_params, column_class) in changes.items():
        manager.alter_column(
            table_class_name=class_name,
            tablename=table,
            column_name=column,
            db_column_name=column,
            params=params,
            old_params=old_params,
            column_class=column_class,
            old_column_class=column_class,
            schema=None,
        )
    return manager
