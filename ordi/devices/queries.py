"""The device statements on the scanning hot path, as SQL written once (see `ordi.db.fetch_row`).

Everything else about devices goes through the Piccolo tables in `ordi.devices.tables`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from ordi.db import execute_in_transaction, fetch_row, lock_clause

COLUMNS = (
    "id, asset_tag, state, category, brand, model, serial_number, has_storage, data_cleared, grade, donation, "
    "donor, custodian, refurbisher, association, request, event_count, state_changed_at"
)
_BY_TAG = f"SELECT {COLUMNS} FROM device WHERE asset_tag = {{}}"  # noqa: S608 - constant columns


async def device_by_tag(tag: str, *, lock: bool = False) -> dict[str, Any] | None:
    """One device row by its (normalised) tag; `lock=True` inside a write transaction."""
    return await fetch_row(_BY_TAG + (lock_clause() if lock else ""), tag)


async def organisation_label(organisation_id: int) -> dict[str, Any] | None:
    return await fetch_row(
        "SELECT kind, label_valid_from, label_valid_until FROM organisation WHERE id = {}", organisation_id
    )


async def append_event(
    *,
    device_id: int,
    seq: int,
    action: str,
    outcome: str,
    from_state: str,
    to_state: str,
    actor_user: int | None,
    actor_organisation: int,
    at: datetime,
    payload: dict[str, Any],
    idempotency_key: str | None,
) -> int:
    row = await execute_in_transaction(
        "INSERT INTO device_event (device, seq, action, outcome, from_state, to_state, actor_user, "
        "actor_organisation, occurred_at, payload, idempotency_key) "
        "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}) RETURNING id",
        device_id,
        seq,
        action,
        outcome,
        from_state,
        to_state,
        actor_user,
        actor_organisation,
        at,
        msgspec.json.encode(payload).decode(),
        idempotency_key,
    )
    assert row is not None
    return int(row["id"])


async def save_projection(device: dict[str, Any]) -> None:
    """Write the device's projected facts back (the row is locked by the caller)."""
    await execute_in_transaction(
        "UPDATE device SET state = {}, data_cleared = {}, custodian = {}, refurbisher = {}, association = {}, "
        "request = {}, grade = {}, event_count = {}, state_changed_at = {} WHERE id = {}",
        device["state"],
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
