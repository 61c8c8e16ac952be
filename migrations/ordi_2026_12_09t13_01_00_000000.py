"""Indexes of the notifications, and the recording date of the warranty contacts already kept.

- notification (recipient, id): a person's list, newest first, read from the index;
- notification (recipient, dedupe_key) unique: an event notifies a person once (ON CONFLICT);
- notification_unsent (email_status, id) WHERE pending or sending: the sweep reads only those;
- notification_preference (person, kind) unique: one choice per person and kind;
- beneficiary_contact.recorded_at: the date of the device's last hand-over (the contact was written
  with it), so that the retention in force applies to the contacts kept before this version.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

from ordi.config import get_settings

ID = "2026-12-09T13:01:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "notification indexes, warranty contacts' recording date"

STATEMENTS = (
    "CREATE INDEX IF NOT EXISTS notification_recipient_id ON notification (recipient, id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS notification_event_key ON notification (recipient, dedupe_key)",
    "CREATE INDEX IF NOT EXISTS notification_unsent ON notification (email_status, id) "
    "WHERE email_status IN ('pending', 'sending')",
    "CREATE UNIQUE INDEX IF NOT EXISTS notification_preference_person_kind ON notification_preference (person, kind)",
    "UPDATE beneficiary_contact SET recorded_at = (SELECT MAX(e.occurred_at) FROM device_event e "
    "WHERE e.device = beneficiary_contact.device AND e.action = 'hand_over') WHERE recorded_at IS NULL",
)
#: A contact without a hand-over in the history (none should exist): its planned purge less the retention.
LEFT_OVER = "SELECT id, purge_after FROM beneficiary_contact WHERE recorded_at IS NULL"


class RawTable(Table):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ordi", description=DESCRIPTION)

    async def run() -> None:
        for statement in STATEMENTS:
            await RawTable.raw(statement)
        retention = timedelta(days=get_settings().beneficiary_contact_retention_days)
        for row in await RawTable.raw(LEFT_OVER):
            purge_after = row["purge_after"]
            if isinstance(purge_after, str):
                purge_after = datetime.fromisoformat(purge_after)
            await RawTable.raw(
                "UPDATE beneficiary_contact SET recorded_at = {} WHERE id = {}", purge_after - retention, row["id"]
            )

    manager.add_raw(run)
    return manager
