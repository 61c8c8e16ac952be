"""Keyset lists per scope: (donor, id), (refurbisher, id), (association, id) on device.

A donor's, a workshop's and an association's device lists are read `WHERE <scope> = ? AND id > ?
ORDER BY id LIMIT n`. With an index on the scope column alone, PostgreSQL walked the primary key
and filtered: at 1 M devices a workshop's page at offset 1,000 read 100,000 rows (58 ms). The
composite indexes serve the page from the index; they replace the single-column ones, of which
they are a prefix (the delete checks and the other lookups use them just as well).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import ForeignKey
from piccolo.table import Table

ID = "2026-12-08T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "device lists by keyset within each scope"

SCOPES = ("donor", "refurbisher", "association")


class RawTable(Table):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ordi", description=DESCRIPTION)

    async def create() -> None:
        for column in SCOPES:
            await RawTable.raw(f"CREATE INDEX IF NOT EXISTS device_{column}_id ON device ({column}, id)")

    manager.add_raw(create)
    for column in SCOPES:
        manager.alter_column(
            table_class_name="Device",
            tablename="device",
            column_name=column,
            db_column_name=column,
            params={"index": False},
            old_params={"index": True},
            column_class=ForeignKey,
            old_column_class=ForeignKey,
            schema=None,
        )
    return manager
