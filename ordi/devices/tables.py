"""Devices, their append-only history, and the only personal data the service may keep."""

from __future__ import annotations

from piccolo.columns import (
    JSONB,
    BigInt,
    BigSerial,
    Boolean,
    DoublePrecision,
    ForeignKey,
    Integer,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from ordi.donations.tables import Donation
from ordi.organisations.tables import Organisation, User


class Device(Table, tablename="device"):
    """The projection of a device's events: what the hot paths (scan, lists) read.

    Its history and certificates refer to it, and it refers to the organisations that hold or held
    it: none of these rows may disappear as a side effect of a delete (every key: restrict).
    """

    id: Serial  # the implicit primary key, named for type checkers only
    asset_tag = Varchar(length=12, unique=True)
    donation = ForeignKey(Donation, index=True, on_delete=OnDelete.restrict)
    # donor, refurbisher and association lead the (column, id) indexes of the keyset lists (see the
    # "device lists by keyset within each scope" migration), which also serve their lookups.
    donor = ForeignKey(Organisation, index=False, on_delete=OnDelete.restrict)
    category = Varchar(length=20, index=True)
    brand = Varchar(length=100, default="")
    model = Varchar(length=150, default="")
    serial_number = Varchar(length=100, default="", index=True)
    has_storage = Boolean(default=True)
    weight_kg = DoublePrecision(null=True, default=None)
    state = Varchar(length=20)  # indexed with category and age: see the composite-index migration
    data_cleared = Boolean(default=False)
    custodian = ForeignKey(Organisation, index=True, on_delete=OnDelete.restrict)
    refurbisher = ForeignKey(Organisation, null=True, default=None, index=False, on_delete=OnDelete.restrict)
    association = ForeignKey(Organisation, null=True, default=None, index=False, on_delete=OnDelete.restrict)
    request = Integer(null=True, default=None)
    grade = Varchar(length=1, null=True, default=None)
    event_count = Integer(default=0)
    state_changed_at = Timestamptz(default=TimestamptzNow())
    created_at = Timestamptz(default=TimestamptzNow())
    # --- specs (`ordi.domain.specs`): declared by the donor, confirmed at refurbishment; null is
    # "nobody said". ram_gb and storage_kind are what request minimums filter most.
    cpu = Varchar(length=200, null=True, default=None)
    ram_gb = DoublePrecision(null=True, default=None)
    storage_gb = Integer(null=True, default=None)
    storage_kind = Varchar(length=10, null=True, default=None)
    screen_inches = DoublePrecision(null=True, default=None)
    year = Integer(null=True, default=None)
    os_licence = Varchar(length=10, null=True, default=None)
    specs_confirmed = Boolean(default=False)


class DeviceEvent(Table, tablename="device_event"):
    """One step of a device's journey. Never updated, never deleted: every key restricts deletes.

    Raw-SQL indexes (see the migrations): unique (device, seq), unique (actor_organisation,
    idempotency_key) WHERE idempotency_key IS NOT NULL, which holds only the keyed rows, and unique
    (corrects) WHERE corrects IS NOT NULL, which holds only the correcting events.
    """

    id = BigSerial(primary_key=True)
    device = ForeignKey(Device, on_delete=OnDelete.restrict)  # indexed by the unique (device, seq) index
    seq = Integer()
    action = Varchar(length=20)  # the committee's figures filter it after the occurred_at range
    outcome = Varchar(length=10, default="done")
    from_state = Varchar(length=20, null=True, default=None)
    to_state = Varchar(length=20)
    # Indexed for the check a delete of a person or an organisation makes (and refuses).
    actor_user = ForeignKey(User, null=True, default=None, index=True, on_delete=OnDelete.restrict)
    actor_organisation = ForeignKey(Organisation, index=True, on_delete=OnDelete.restrict)
    occurred_at = Timestamptz(default=TimestamptzNow(), index=True)  # the committee's period
    payload = JSONB(default="{}")
    idempotency_key = Varchar(length=100, null=True, default=None)
    #: On keyed steps only: what the key was sent with (a replay with another request is refused).
    request_sha256 = Varchar(length=64, null=True, default=None)
    #: On a correcting event only: the entry of the same device it corrects (kept as it was). Unique
    #: where not null (raw index `device_event_corrected_once`): an entry is corrected once, so two
    #: corrections of it at once never both succeed; a later one corrects the last correction.
    corrects = BigInt(null=True, default=None)


class BeneficiaryContact(Table, tablename="beneficiary_contact"):
    """A beneficiary's name, kept only when the association needs it for warranty, then purged.

    The purge counts from `recorded_at` with the retention in force (`ordi.beneficiaries`), so a
    shorter setting applies to the contacts already kept; `purge_after` is what was planned when
    it was recorded (kept for reading, not the rule).
    """

    id: Serial  # the implicit primary key, named for type checkers only
    device = ForeignKey(Device, index=True)
    association = ForeignKey(Organisation, index=True)
    full_name = Varchar(length=200)
    phone = Varchar(length=30, default="")
    purge_after = Timestamptz(index=True)
    recorded_at = Timestamptz(null=True, default=None, index=True)  # set at the hand-over (null: never, once migrated)
