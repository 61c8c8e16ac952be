"""Composite unique constraints and indexes, as plain SQL that both SQLite and PostgreSQL accept.

Piccolo's `Unique` constraint is added with ALTER TABLE … ADD CONSTRAINT, which SQLite lacks;
a unique index gives the same guarantee on both engines.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T00:56:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "constraints and composite indexes"

STATEMENTS = [
    # One history per device, in order, with no gap nor duplicate step.
    "CREATE UNIQUE INDEX IF NOT EXISTS device_event_device_seq ON device_event (device, seq)",
    # A retried request with the same Idempotency-Key cannot record a second event.
    "CREATE UNIQUE INDEX IF NOT EXISTS device_event_idempotency ON device_event (actor_organisation, idempotency_key)",
    "CREATE UNIQUE INDEX IF NOT EXISTS job_file_chunk_job_seq ON job_file_chunk (job, seq)",
    # Committee figures: events of one action in a period.
    "CREATE INDEX IF NOT EXISTS device_event_action_time ON device_event (action, occurred_at)",
    # Allocation: ready devices of a category, oldest first.
    "CREATE INDEX IF NOT EXISTS device_state_category_since ON device (state, category, state_changed_at)",
    "CREATE INDEX IF NOT EXISTS beneficiary_contact_purge ON beneficiary_contact (purge_after)",
]


class RawTable(Table):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ordi", description=DESCRIPTION)

    async def run() -> None:
        for statement in STATEMENTS:
            await RawTable.raw(statement)

    manager.add_raw(run)
    return manager
