"""The committee's rollups: stats_count, stats_stock, stats_lead, stats_fate (ordi.stats.tables).

Counters kept by `ordi.devices.ledger` in the same transaction as each history entry, so that a
year of figures reads a few thousand rows instead of millions of events. Each table gets a unique
index over its key (the conflict target of the ledger's upserts), made by the next migration
(Piccolo runs a migration's raw SQL before its tables). New tables start empty: on a
database that already has a history, run `ordi rebuild-stats` once (it recomputes them from the
log; the release notes say so). Piccolo creates the tables, so its schema snapshot matches the
table classes; the unique indexes are plain SQL, the same on both engines.
"""

from __future__ import annotations

from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import BigInt, Date, Integer, Serial, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-09T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "committee rollups kept with each history entry"

V1, V10, V20, V30 = (("Varchar", Varchar, {"length": n, "default": ""}) for n in (1, 10, 20, 30))
INT = ("Integer", Integer, {"default": 0})
BIG = ("BigInt", BigInt, {"default": 0})
DAY = ("Date", Date, {"default": None})

TABLES: dict[str, tuple[str, dict[str, tuple[str, Any, dict[str, Any]]], tuple[str, ...]]] = {
    "stats_count": (
        "StatsCount",
        {
            "level": V1,
            "grain": V1,
            "day": DAY,
            "action": V20,
            "outcome": V10,
            "donor": INT,
            "workshop": INT,
            "category": V20,
            "grade": V1,
            "beneficiary": V30,
            "n": BIG,
            "minutes": BIG,
        },
        ("level", "grain", "day", "action", "outcome", "donor", "workshop", "category", "grade", "beneficiary"),
    ),
    "stats_stock": (
        "StatsStock",
        {
            "level": V1,
            "state": V20,
            "donor": INT,
            "workshop": INT,
            "category": V20,
            "grade": V1,
            "since": DAY,
            "n": BIG,
        },
        ("level", "state", "donor", "workshop", "category", "grade", "since"),
    ),
    "stats_lead": (
        "StatsLead",
        {
            "level": V1,
            "grain": V1,
            "day": DAY,
            "metric": V30,
            "days": INT,
            "donor": INT,
            "workshop": INT,
            "category": V20,
            "grade": V1,
            "beneficiary": V30,
            "n": BIG,
        },
        ("level", "grain", "day", "metric", "days", "donor", "workshop", "category", "grade", "beneficiary"),
    ),
    "stats_fate": (
        "StatsFate",
        {
            "level": V1,
            "grain": V1,
            "day": DAY,
            "fate": V20,
            "until": DAY,
            "donor": INT,
            "workshop": INT,
            "category": V20,
            "grade": V1,
            "n": BIG,
        },
        ("level", "grain", "day", "fate", "until", "donor", "workshop", "category", "grade"),
    ),
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
    for tablename, (class_name, columns, _) in TABLES.items():
        manager.add_table(class_name=class_name, tablename=tablename, schema=None, columns=None)
        manager.add_column(
            table_class_name=class_name,
            tablename=tablename,
            column_name="id",
            db_column_name="id",
            column_class_name="Serial",
            column_class=Serial,
            params=_params({}, primary_key=True),
            schema=None,
        )
        for name, (column_class_name, column_class, extra) in columns.items():
            manager.add_column(
                table_class_name=class_name,
                tablename=tablename,
                column_name=name,
                db_column_name=name,
                column_class_name=column_class_name,
                column_class=column_class,
                params=_params(extra),
                schema=None,
            )

    return manager
