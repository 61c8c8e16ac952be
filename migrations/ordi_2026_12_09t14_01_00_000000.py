"""The unique keys of the committee's rollups: the conflict targets of the ledger's upserts.

Plain SQL, the same on both engines; the tables are new and empty, so the index is built at once.
"""

from __future__ import annotations

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-09T14:01:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique keys of the committee rollups"

KEYS = {
    "stats_count": (
        "level",
        "grain",
        "day",
        "action",
        "outcome",
        "donor",
        "workshop",
        "category",
        "grade",
        "beneficiary",
    ),
    "stats_stock": ("level", "state", "donor", "workshop", "category", "grade", "since"),
    "stats_lead": ("level", "grain", "day", "metric", "days", "donor", "workshop", "category", "grade", "beneficiary"),
    "stats_fate": ("level", "grain", "day", "fate", "until", "donor", "workshop", "category", "grade"),
}


class RawTable(Table):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ordi", description=DESCRIPTION)

    async def unique_keys() -> None:
        for table, key in KEYS.items():
            await RawTable.raw(f"CREATE UNIQUE INDEX IF NOT EXISTS {table}_key ON {table} ({', '.join(key)})")

    manager.add_raw(unique_keys)
    return manager
