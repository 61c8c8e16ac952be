"""Device specs and request minimums (issue 9, item 7).

- device: cpu, ram_gb, storage_gb, storage_kind, screen_inches, year, os_licence (all nullable:
  null is "nobody said"), and specs_confirmed (false until the workshop confirms them at
  refurbishment).
- request_item.min_specs (JSON, nullable): the line's minimum specs.

Plain ADD COLUMN on both engines: null defaults (and a constant false) rewrite no table on
PostgreSQL 11+, and SQLite adds a column in place.
"""

from __future__ import annotations

from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSONB, Boolean, DoublePrecision, Integer, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-09T11:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "device specs and request minimums"


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


DEVICE_COLUMNS: tuple[tuple[str, type, dict[str, Any]], ...] = (
    ("cpu", Varchar, _params(length=200)),
    ("ram_gb", DoublePrecision, _params()),
    ("storage_gb", Integer, _params()),
    ("storage_kind", Varchar, _params(length=10)),
    ("screen_inches", DoublePrecision, _params()),
    ("year", Integer, _params()),
    ("os_licence", Varchar, _params(length=10)),
    ("specs_confirmed", Boolean, _params(default=False, null=False)),
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ordi", description=DESCRIPTION)
    for name, column_class, params in DEVICE_COLUMNS:
        manager.add_column(
            table_class_name="Device",
            tablename="device",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    manager.add_column(
        table_class_name="RequestItem",
        tablename="request_item",
        column_name="min_specs",
        db_column_name="min_specs",
        column_class_name="JSONB",
        column_class=JSONB,
        params=_params(),
        schema=None,
    )
    return manager
