"""Storage with a reason: the history's keys refuse deletes, every key leads an index, and the
database holds the keys and indexes the Piccolo tables declare (on both engines)."""

from __future__ import annotations

import sqlite3
from typing import Any

import asyncpg
import pytest

from tests.fixtures import Api, World

REFUSED = (asyncpg.ForeignKeyViolationError, sqlite3.IntegrityError)
DUPLICATE = (asyncpg.UniqueViolationError, sqlite3.IntegrityError)
_PG_ACTIONS = {"r": "RESTRICT", "c": "CASCADE", "a": "NO ACTION", "n": "SET NULL", "d": "SET DEFAULT"}

# The keys of the append-only history and of the proof: never CASCADE.
HISTORY_AND_PROOF = [
    ("device_event", "device"),
    ("device_event", "actor_user"),
    ("device_event", "actor_organisation"),
    ("device", "donation"),
    ("device", "donor"),
    ("device", "custodian"),
    ("device", "refurbisher"),
    ("device", "association"),
    ("donation", "donor"),
    ("donation", "declared_by"),
    ("wipe_certificate", "device"),
    ("wipe_certificate", "workshop"),
    ("wipe_certificate", "wipe_event"),
    ("wipe_certificate", "tool_report"),
    ("wipe_tool_report", "device"),
    ("wipe_tool_report", "workshop"),
    ("equipment_request", "association"),
    ("equipment_request", "requested_by"),
    ("equipment_request", "decided_by"),
    ("app_user", "organisation"),
]


def _tables() -> list[Any]:
    from ordi.piccolo_app import TABLES

    return list(TABLES)


async def _keys_in_database() -> dict[tuple[str, str], str]:
    """(table, column) -> the ON DELETE action of its foreign key, as the database has it."""
    from ordi.db import fetch_all, is_postgres

    if is_postgres():
        rows = await fetch_all(
            "SELECT c.conrelid::regclass::text AS tbl, a.attname AS col, c.confdeltype::text AS action "
            "FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
            "WHERE c.contype = 'f'"
        )
        return {(r["tbl"], r["col"]): _PG_ACTIONS[r["action"]] for r in rows}
    keys: dict[tuple[str, str], str] = {}
    for table in _tables():
        name = table._meta.tablename
        for r in await fetch_all(f"SELECT * FROM pragma_foreign_key_list('{name}')"):  # noqa: S608
            keys[(name, r["from"])] = r["on_delete"]
    return keys


async def _indexes_in_database() -> dict[str, tuple[str, str, bool]]:
    """index name -> (table, leading column, partial)."""
    from ordi.db import fetch_all, is_postgres

    if is_postgres():
        rows = await fetch_all(
            "SELECT x.relname AS name, t.relname AS tbl, a.attname AS col, i.indpred IS NOT NULL AS partial "
            "FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
            "WHERE t.relnamespace = 'public'::regnamespace"
        )
        return {r["name"]: (r["tbl"], r["col"], bool(r["partial"])) for r in rows}
    indexes: dict[str, tuple[str, str, bool]] = {}
    for table in _tables():
        name = table._meta.tablename
        for index in await fetch_all(f"SELECT name, partial FROM pragma_index_list('{name}')"):  # noqa: S608
            first = await fetch_all(
                f"SELECT name FROM pragma_index_info('{index['name']}') WHERE seqno = 0"  # noqa: S608
            )
            indexes[index["name"]] = (name, first[0]["name"], bool(index["partial"]))
    return indexes


async def test_the_database_keys_are_those_the_tables_declare(db: None) -> None:
    declared = {
        (table._meta.tablename, column._meta.db_column_name): column._foreign_key_meta.on_delete.value
        for table in _tables()
        for column in table._meta.foreign_key_columns
    }
    assert await _keys_in_database() == declared
    assert all(declared[key] == "RESTRICT" for key in HISTORY_AND_PROOF)


async def test_every_key_leads_an_index_and_piccolo_knows_its_indexes(db: None) -> None:
    indexes = await _indexes_in_database()
    leading = {(table, column) for table, column, partial in indexes.values() if not partial}
    for table in _tables():
        name = table._meta.tablename
        for column in table._meta.foreign_key_columns:
            assert (name, column._meta.db_column_name) in leading, f"{name}.{column._meta.db_column_name}"
        for column in table._meta.columns:
            piccolo_name = f"{name}_{column._meta.db_column_name}"  # what `index=True` creates
            assert (piccolo_name in indexes) == bool(column._meta.index), piccolo_name


async def test_the_unused_and_redundant_indexes_are_gone(db: None) -> None:
    indexes = await _indexes_in_database()
    for gone in ("device_event_action_time", "device_event_idempotency", "job_file_chunk_job", "job_status"):
        assert gone not in indexes
    assert indexes["device_event_idempotency_keyed"] == ("device_event", "actor_organisation", True)
    assert indexes["job_unpurged_created_at"] == ("job", "created_at", True)


async def _event(device_id: int, seq: int, organisation_id: int, key: str | None) -> None:
    from ordi.devices.tables import DeviceEvent

    await DeviceEvent.insert(
        DeviceEvent(
            device=device_id,
            seq=seq,
            action="label_printed",
            to_state="declared",
            actor_organisation=organisation_id,
            idempotency_key=key,
        )
    )


async def test_an_idempotency_key_is_unique_per_organisation_and_null_keys_are_many(api: Api, world: World) -> None:
    from ordi.devices.tables import Device, DeviceEvent

    donation = await api.declare(world.donor, [{"category": "laptop"}])
    tag = donation["devices"][0]["asset_tag"]
    device_id = (await Device.select(Device.id).where(Device.asset_tag == tag).first())["id"]
    donor, workshop = world.donor.organisation_id, world.workshop.organisation_id
    for seq in range(10, 15):
        await _event(device_id, seq, donor, None)
    await _event(device_id, 20, donor, "cle-1")
    await _event(device_id, 21, workshop, "cle-1")  # another organisation may use the same key
    with pytest.raises(DUPLICATE):
        await _event(device_id, 22, donor, "cle-1")
    assert await DeviceEvent.count().where(DeviceEvent.idempotency_key.is_null()) == 7  # 5 + declare and assign
    # The API's replay still finds the first event through the partial index.
    headers = {**world.workshop.headers, "Idempotency-Key": "collecte-1"}
    first = await api.client.post(f"/api/v1/devices/{tag}/events", json={"action": "collect"}, headers=headers)
    again = await api.client.post(f"/api/v1/devices/{tag}/events", json={"action": "collect"}, headers=headers)
    assert first.status_code == 201, first.text
    assert again.json()["event"]["id"] == first.json()["event"]["id"]


async def test_a_person_or_an_organisation_named_by_the_history_cannot_be_deleted(api: Api, world: World) -> None:
    from ordi.devices.tables import Device, DeviceEvent
    from ordi.donations.tables import Donation
    from ordi.organisations.tables import Organisation, User

    tag = await api.ready_device(world)  # declared by the donor, collected ... refurbished by the workshop
    events = await DeviceEvent.count()
    for member in (world.donor, world.workshop):
        with pytest.raises(REFUSED):
            await User.delete().where(User.id == member.actor.user_id)
        with pytest.raises(REFUSED):
            await Organisation.delete().where(Organisation.id == member.organisation_id)
    with pytest.raises(REFUSED):
        await Donation.delete().where(Donation.id > 0)
    with pytest.raises(REFUSED):
        await Device.delete().where(Device.asset_tag == tag)
    assert await DeviceEvent.count() == events
    assert await User.exists().where(User.id == world.workshop.actor.user_id)


async def test_a_person_and_an_organisation_the_history_does_not_name_can_be_deleted(world: World) -> None:
    from ordi.organisations.tables import Organisation, User

    committee = world.committee
    with pytest.raises(REFUSED):  # its people go first, on purpose
        await Organisation.delete().where(Organisation.id == committee.organisation_id)
    await User.delete().where(User.id == committee.actor.user_id)
    await Organisation.delete().where(Organisation.id == committee.organisation_id)
    assert not await Organisation.exists().where(Organisation.id == committee.organisation_id)
