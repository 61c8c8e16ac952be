"""The lead times' total rows (level T of stats_lead, ordi.stats.rollups.TOTAL).

A question without a category or a beneficiary category reads them: a year's distribution in a few
hundred rows instead of one per category and beneficiary. They are grouped here from the A rows
already kept, at every grain, as `ordi rebuild-stats` would (the journal's deltas folded after this
migration are written at level T too). Run it with the service stopped, as every migration.
"""

from __future__ import annotations

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-11T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "lead times' total rows"
#: The SQL of `ordi.stats.rebuild.lead_totals`, as it was when this migration was written.
TOTALS = (
    "INSERT INTO stats_lead (level, grain, day, metric, days, donor, workshop, category, grade, beneficiary, n) "
    "SELECT 'T', grain, day, metric, days, donor, workshop, '*', grade, '*', SUM(n) FROM stats_lead "
    "WHERE level = 'A' GROUP BY grain, day, metric, days, donor, workshop, grade"
)


class RawTable(Table):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ordi", description=DESCRIPTION)

    async def run() -> None:
        await RawTable.raw("DELETE FROM stats_lead WHERE level = 'T'")
        await RawTable.raw(TOTALS)

    manager.add_raw(run)
    return manager
