"""The one writer of `device` and `device_event`, and the reads that feed its writes.

Every change to a device and every entry of its history goes through here:

* `declare`: a donation's new devices and their `declare` entries, in bulk (COPY on PostgreSQL);
* `record_step`: one step of the journey — the event appended and the projection rewritten;
* `record_entries`: entries that record without moving the device (a label printed);
* `record_stays`: entries that set the same columns on many devices (assigned, withdrawn).

The column lists and the SQL are derived from the Piccolo tables (`ordi.devices.tables`), so a
column added to a table is read and written by every path at once; `reshape` lets a test prove
it with a throwaway subclass. The `seq` rule lives here only: a device's next entry is its
`event_count + 1`, taken under the device row's lock held by the caller's transaction.

The hot statements are plain SQL written once (see `ordi.db.fetch_row`): building a Piccolo
query costs more CPU than the database round trip on a scan.

The committee's rollups (`ordi.stats.rollups`) are written here too, in the same transaction as
the entries: each write hands them the device's projection before and after.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import msgspec
from piccolo.columns import Column
from piccolo.columns.defaults.base import Default
from piccolo.table import Table

from ordi.db import bulk_insert, execute_in_transaction, fetch_all, fetch_row, is_postgres
from ordi.devices.tables import Device, DeviceEvent
from ordi.domain.lifecycle import Action, Actor, State
from ordi.stats import rebuild, rollups


def _default(column: Column) -> Any:
    value = column.get_default_value()
    return value.python() if isinstance(value, Default) else value


class _Shape:
    """Column lists and statements of one pair of tables (the real ones, or a test's)."""

    def __init__(self, device: type[Table], event: type[Table]) -> None:
        self.device_table = device
        self.event_table = event
        self.device_columns: tuple[Column, ...] = tuple(device._meta.columns)
        self.device_names = tuple(c._meta.db_column_name for c in self.device_columns)
        self.device_defaults = {c._meta.db_column_name: c for c in self.device_columns if not c._meta.primary_key}
        self.event_columns: tuple[Column, ...] = tuple(event._meta.columns)
        names = tuple(c._meta.db_column_name for c in self.event_columns if not c._meta.primary_key)
        self.event_names = names
        self.event_defaults = {c._meta.db_column_name: c for c in self.event_columns if not c._meta.primary_key}
        d_table = device._meta.tablename
        e_table = event._meta.tablename
        listed = ", ".join(f'"{n}"' for n in self.device_names)
        self.by_tag = f'SELECT {listed} FROM "{d_table}" WHERE asset_tag = {{}}'  # noqa: S608
        self.by_donations = (
            f'SELECT {listed} FROM "{d_table}" WHERE donation IN ({{donations}}) '  # noqa: S608
            "AND state = 'declared' ORDER BY id"
        )
        self.by_id = f'SELECT {listed} FROM "{d_table}" WHERE id = {{}}'  # noqa: S608
        self.by_ids = f'SELECT {listed} FROM "{d_table}" WHERE id IN ({{ids}}) ORDER BY id'  # noqa: S608
        self.for_step = (
            "SELECT "
            + ", ".join(f'd."{n}"' for n in self.device_names)
            + ", o.label_valid_from AS caller_label_from, o.label_valid_until AS caller_label_until "
            f'FROM "{d_table}" d LEFT JOIN organisation o ON o.id = {{}} WHERE d.asset_tag = {{}}'
        )
        self.insert_event = (
            f'INSERT INTO "{e_table}" ({", ".join(f"{chr(34)}{n}{chr(34)}" for n in names)}) '  # noqa: S608
            f"VALUES ({', '.join('{}' for _ in names)})"
        )
        self.projection = tuple(n for n in self.device_names if n != "id")
        self.update_device = (
            f'UPDATE "{d_table}" SET '  # noqa: S608
            + ", ".join(f'"{n}" = {{}}' for n in self.projection)
            + " WHERE id = {}"
        )
        # PostgreSQL appends the event and rewrites the projection in one statement (one round trip).
        self.step_postgres = (
            f"WITH ev AS ({self.insert_event} RETURNING id) {self.update_device} RETURNING (SELECT id FROM ev) AS id"  # noqa: S608
        )


_shape = _Shape(Device, DeviceEvent)
_CHUNK = 1_000


def reshape(device: type[Table] = Device, event: type[Table] = DeviceEvent) -> None:
    """Derive everything from other table classes (a test's subclass with one more column)."""
    global _shape
    _shape = _Shape(device, event)


def device_columns() -> tuple[Column, ...]:
    """Every column of the device row: what a read that may feed a write selects."""
    return _shape.device_columns


def event_columns() -> tuple[Column, ...]:
    """Every column of a history entry."""
    return _shape.event_columns


def device_table() -> type[Table]:
    return _shape.device_table


# --- reads that feed a write ---------------------------------------------------------------


async def device_by_tag(tag: str) -> dict[str, Any] | None:
    """One device row by its (normalised) tag."""
    return await fetch_row(_shape.by_tag, tag)


async def device_by_id(device_id: int) -> dict[str, Any] | None:
    return await fetch_row(_shape.by_id, device_id)


async def device_for_step(tag: str, caller_organisation_id: int, *, nowait: bool = False) -> dict[str, Any] | None:
    """The device row, locked, with the caller's label as it is now (one round trip).

    `nowait`: a row another transaction holds raises at once (asyncpg's LockNotAvailableError)
    instead of waiting on a pooled connection; the caller waits without one and tries again.
    """
    lock = (" FOR UPDATE OF d NOWAIT" if nowait else " FOR UPDATE OF d") if is_postgres() else ""
    return await fetch_row(_shape.for_step + lock, caller_organisation_id, tag)


async def declared_of_donations_locked(donation_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The still-declared devices of some donations, locked in id order (a pickup's lot)."""
    if not donation_ids:
        return []
    placeholders = ", ".join("{}" for _ in donation_ids)
    lock = " FOR UPDATE" if is_postgres() else ""
    sql = _shape.by_donations.replace("{donations}", placeholders)
    return await fetch_all(sql + lock, *donation_ids)


async def devices_locked(ids: Sequence[int]) -> list[dict[str, Any]]:
    """Device rows by id, locked in id order (two batches over the same devices queue, never deadlock)."""
    if not ids:
        return []
    placeholders = ", ".join("{}" for _ in ids)
    lock = " FOR UPDATE" if is_postgres() else ""
    return await fetch_all(_shape.by_ids.replace("{ids}", placeholders) + lock, *ids)


# --- entries -------------------------------------------------------------------------------


def next_seq(device: Mapping[str, Any]) -> int:
    """The `seq` of a device's next history entry (its row locked by the caller)."""
    return int(device["event_count"]) + 1


def entry(
    device_id: int,
    seq: int,
    action: Action,
    *,
    actor: Actor,
    from_state: str | None,
    to_state: str,
    at: datetime,
    payload: Mapping[str, Any],
    outcome: str = "done",
    idempotency_key: str | None = None,
    request_sha256: str | None = None,
    corrects: int | None = None,
) -> dict[str, Any]:
    """One history entry, every column given (the table's defaults for the others); `corrects`:
    the entry a correcting event corrects."""
    values: dict[str, Any] = {}
    values.update(
        device=device_id,
        seq=seq,
        action=action.value,
        outcome=outcome,
        from_state=from_state,
        to_state=to_state,
        actor_user=actor.user_id or None,
        actor_organisation=actor.organisation_id,
        occurred_at=at,
        payload=payload,
        idempotency_key=idempotency_key,
        request_sha256=request_sha256,
    )
    if corrects is not None:
        values["corrects"] = corrects
    # Only a column this function does not know (a test's added one) takes its default: Piccolo's
    # default lookup costs about 30 µs of CPU per column, on every step.
    for name in _shape.event_defaults.keys() - values.keys():
        values[name] = _default(_shape.event_defaults[name])
    return values


def _event_args(event: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(
        msgspec.json.encode(event[name]).decode() if name == "payload" else event[name] for name in _shape.event_names
    )


# --- writes --------------------------------------------------------------------------------


async def record_step(event: Mapping[str, Any], device: Mapping[str, Any], *, before: Mapping[str, Any]) -> int:
    """Append one entry and rewrite the device's projection (its row locked by the caller).

    `device` is the whole row as it is after the step: every column is written back; `before`
    the row as it was (the rollups' delta). On PostgreSQL the rollups' upserts ride in the same
    statement as the entry and the projection. A revising entry (a donor's edit, a correction) may
    move what the device's earlier entries count under: its rollups are the device's rows as the
    log counts them after it minus before it (`rollups.revision`), and its stock move.
    """
    event_args = _event_args(event)
    device_args = (*(device[name] for name in _shape.projection), device["id"])
    revising = event["action"] in rollups.REVISING
    if revising:
        logged = await rebuild.device_entries(int(device["id"]))
        deltas = rollups.stock_move(before, device)
    else:
        deltas = await rollups.step_deltas(event, before, device)
    if is_postgres():
        ctes, rollup_args = rollups.postgres_ctes(deltas)
        sql = _shape.step_postgres if not ctes else _shape.step_postgres.replace(") UPDATE", f"), {ctes} UPDATE", 1)
        row = await execute_in_transaction(sql, *event_args, *rollup_args, *device_args)
    else:
        row = await execute_in_transaction(_shape.insert_event + " RETURNING id", *event_args)
        await execute_in_transaction(_shape.update_device, *device_args)
        await rollups.apply(deltas)
    if revising:
        await rollups.apply(rollups.revision(logged, await rebuild.device_entries(int(device["id"]))))
    assert row is not None
    return int(row["id"])


async def record_entries(tx: Any, entries: Sequence[Mapping[str, Any]]) -> None:
    """Append entries that do not move their devices (each device at most once, rows locked)."""
    if not entries:
        return
    await _append(tx, entries)
    table = _shape.device_table
    ids = [e["device"] for e in entries]
    await table.update({table.event_count: table.event_count + 1}).where(table.id.is_in(ids))  # type: ignore[attr-defined]


async def record_stays(tx: Any, entries: Sequence[Mapping[str, Any]], changes: Mapping[str, Any]) -> None:
    """Entries that set the same projection columns on each of their devices: a pickup's workshop
    put in charge, or a cancelled donation's devices withdrawn; each device at most once, rows
    locked by the caller."""
    if not entries:
        return
    unknown = set(changes) - set(_shape.projection)
    assert not unknown, f"colonnes inconnues : {unknown}"
    await _append(tx, entries)
    ids = [e["device"] for e in entries]
    table = _shape.device_table._meta.tablename
    await rollups.apply(rollups.stays_moves(await _rows_of(ids), changes, entries))
    assignments = ", ".join(f'"{name}" = {{}}' for name in changes)
    for start in range(0, len(ids), _CHUNK):  # within every engine's limit of bound parameters
        chunk = ids[start : start + _CHUNK]
        placeholders = ", ".join("{}" for _ in chunk)
        await execute_in_transaction(
            f'UPDATE "{table}" SET {assignments}, event_count = event_count + 1 WHERE id IN ({placeholders})',  # noqa: S608
            *changes.values(),
            *chunk,
        )


async def declare(
    tx: Any, devices: Sequence[Mapping[str, Any]], *, actor: Actor, at: datetime, payload: Mapping[str, Any]
) -> list[int]:
    """New devices in state `declared`, each with its first entry; returns their ids in order.

    Each mapping gives the device's own fields (tag, donation, category…); the rest takes the
    table's defaults. Ids are drawn first (a sequence on PostgreSQL, after the highest under
    SQLite's write lock), so nothing is read back.
    """
    if not devices:
        return []
    ids = await _new_ids(len(devices))
    declared = State.DECLARED.value
    rows = []
    for device_id, fields in zip(ids, devices, strict=True):
        values = {name: _default(column) for name, column in _shape.device_defaults.items()}
        values.update(fields)
        values.update(id=device_id, state=declared, event_count=1, state_changed_at=at, created_at=at)
        rows.append(tuple(values[name] for name in _shape.device_names))
    await bulk_insert(tx, _shape.device_table._meta.tablename, list(_shape.device_names), rows)
    entries = [
        entry(device_id, 1, Action.DECLARE, actor=actor, from_state=None, to_state=declared, at=at, payload=payload)
        for device_id in ids
    ]
    await _append(tx, entries)
    await rollups.apply(rollups.declared(entries, [dict(zip(_shape.device_names, r, strict=True)) for r in rows]))
    return ids


async def _rows_of(ids: Sequence[int]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows.extend(await fetch_all(_shape.by_ids.replace("{ids}", ", ".join("{}" for _ in chunk)), *chunk))
    return rows


async def _append(tx: Any, entries: Sequence[Mapping[str, Any]]) -> None:
    rows = [_event_args(e) for e in entries]
    await bulk_insert(tx, _shape.event_table._meta.tablename, list(_shape.event_names), rows)


async def _new_ids(count: int) -> list[int]:
    table = _shape.device_table._meta.tablename
    if is_postgres():
        rows = await fetch_all(
            f"SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'id')) AS id FROM generate_series(1, {{}})",  # noqa: S608
            count,
        )
        return [int(r["id"]) for r in rows]
    row = await fetch_row(f'SELECT COALESCE(MAX(id), 0) AS top FROM "{table}"')  # noqa: S608 - under the write lock
    top = int(row["top"]) if row else 0
    return list(range(top + 1, top + 1 + count))
