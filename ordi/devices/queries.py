"""The device statements on the scanning hot path, as SQL written once (see `ordi.db.fetch_row`).

Everything else about devices goes through the Piccolo tables in `ordi.devices.tables`.
"""

from __future__ import annotations

from typing import Any

import msgspec

from ordi.db import execute_in_transaction, fetch_row, is_postgres

COLUMNS = (
    "id, asset_tag, state, category, brand, model, serial_number, has_storage, data_cleared, grade, donation, "
    "donor, custodian, refurbisher, association, request, event_count, state_changed_at"
)
_BY_TAG = f"SELECT {COLUMNS} FROM device WHERE asset_tag = {{}}"  # noqa: S608 - constant columns
_FOR_STEP = (
    "SELECT " + ", ".join(f"d.{c.strip()}" for c in COLUMNS.split(",")) + ", "
    "o.label_valid_from AS caller_label_from, o.label_valid_until AS caller_label_until "
    "FROM device d LEFT JOIN organisation o ON o.id = {} WHERE d.asset_tag = {}"
)


async def device_by_tag(tag: str) -> dict[str, Any] | None:
    """One device row by its (normalised) tag."""
    return await fetch_row(_BY_TAG, tag)


async def device_for_step(tag: str, caller_organisation_id: int) -> dict[str, Any] | None:
    """The device row, locked, with the caller's label as it is now (one round trip)."""
    lock = " FOR UPDATE OF d" if is_postgres() else ""
    return await fetch_row(_FOR_STEP + lock, caller_organisation_id, tag)


#: The columns of a history entry, in the order bulk writers (donation import, label prints) give them.
EVENT_COLUMNS = [
    "device",
    "seq",
    "action",
    "outcome",
    "from_state",
    "to_state",
    "actor_user",
    "actor_organisation",
    "occurred_at",
    "payload",
    "idempotency_key",
]

_INSERT_EVENT = (
    "INSERT INTO device_event (device, seq, action, outcome, from_state, to_state, actor_user, "
    "actor_organisation, occurred_at, payload, idempotency_key) "
    "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})"
)
_UPDATE_DEVICE = (
    "UPDATE device SET state = {}, has_storage = {}, data_cleared = {}, custodian = {}, refurbisher = {}, "
    "association = {}, request = {}, grade = {}, event_count = {}, state_changed_at = {} WHERE id = {}"
)
# PostgreSQL appends the event and updates the projection in one statement (one round trip).
_STEP_POSTGRES = f"WITH ev AS ({_INSERT_EVENT} RETURNING id) {_UPDATE_DEVICE} RETURNING (SELECT id FROM ev) AS id"  # noqa: S608


async def record_step(event: dict[str, Any], device: dict[str, Any]) -> int:
    """Append one event and write the device's new projection (its row is locked by the caller)."""
    event_args = (
        device["id"],
        event["seq"],
        event["action"],
        event["outcome"],
        event["from_state"],
        event["to_state"],
        event["actor_user"],
        event["actor_organisation"],
        event["occurred_at"],
        msgspec.json.encode(event["payload"]).decode(),
        event["idempotency_key"],
    )
    device_args = (
        device["state"],
        device["has_storage"],
        device["data_cleared"],
        device["custodian"],
        device["refurbisher"],
        device["association"],
        device["request"],
        device["grade"],
        device["event_count"],
        device["state_changed_at"],
        device["id"],
    )
    if is_postgres():
        row = await execute_in_transaction(_STEP_POSTGRES, *event_args, *device_args)
    else:
        row = await execute_in_transaction(_INSERT_EVENT + " RETURNING id", *event_args)
        await execute_in_transaction(_UPDATE_DEVICE, *device_args)
    assert row is not None
    return int(row["id"])
