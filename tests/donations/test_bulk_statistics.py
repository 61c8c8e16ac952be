"""A big declaration refreshes the planner's statistics (PostgreSQL): plans made while `device`
was small must not outlive its growth (ordi.db.refresh_statistics)."""

from __future__ import annotations

import pytest

from ordi.db import fetch_row
from ordi.donations import service as donations
from ordi.donations.spreadsheet import DeviceItem
from tests.conftest import BACKEND
from tests.fixtures import World

pytestmark = pytest.mark.skipif(BACKEND != "postgres", reason="statistiques du planificateur : PostgreSQL")


async def _analyzed() -> int:
    row = await fetch_row(
        "SELECT analyze_count + autoanalyze_count AS n FROM pg_stat_user_tables WHERE relname = {}", "device"
    )
    return int(row["n"]) if row else 0


async def test_a_declaration_of_a_thousand_devices_analyzes_the_device_table(world: World) -> None:
    before = await _analyzed()
    small = [DeviceItem(category="monitor", serial_number=f"S-{i}") for i in range(3)]
    await donations.declare(world.donor.actor, small)
    assert await _analyzed() == before
    items = [DeviceItem(category="monitor", serial_number=f"B-{i:05d}") for i in range(donations.BULK_ROWS)]
    await donations.declare(world.donor.actor, items)
    assert await _analyzed() == before + 1
