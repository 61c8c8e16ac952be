"""The rollups' journal: stats_journal (ordi.stats.tables.StatsJournal).

An entry's deltas are appended here, one narrow row each, in the entry's own statement, and folded
into the rollups in bulk (`ordi.stats.rollups.fold`): the step no longer upserts a dozen rows into
tables of millions. The table starts empty and needs no rebuild: the rollups it feeds are already
up to date with the log.
"""

from __future__ import annotations

from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer, Serial, Text, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-10T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "journal of the committee rollups"

COLUMNS: dict[str, tuple[str, Any, dict[str, Any]]] = {
    "tbl": ("Varchar", Varchar, {"length": 1, "default": ""}),
    "key": ("Text", Text, {"default": ""}),
    "n": ("Integer", Integer, {"default": 0}),
    "minutes": ("Integer", Integer, {"default": 0}),
}


def _params(extra: dict[str, Any], *, primary_key: bool = False) -> dict[str, Any]:
    return {
        **extra,
        "null": False,
        "primary_key": primary_key,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
    }


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ordi", description=DESCRIPTION)
    manager.add_table(class_name="StatsJournal", tablename="stats_journal", schema=None, columns=None)
    manager.add_column(
        table_class_name="StatsJournal",
        tablename="stats_journal",
        column_name="id",
        db_column_name="id",
        column_class_name="Serial",
        column_class=Serial,
        params=_params({}, primary_key=True),
        schema=None,
    )
    for name, (column_class_name, column_class, extra) in COLUMNS.items():
        manager.add_column(
            table_class_name="StatsJournal",
            tablename="stats_journal",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class_name,
            column_class=column_class,
            params=_params(extra),
            schema=None,
        )
    return manager
