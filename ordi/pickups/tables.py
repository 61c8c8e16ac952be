"""Pickups, the donations they gather, and the custody receipt of a collection."""

from __future__ import annotations

from piccolo.columns import JSONB, Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from ordi.donations.tables import Donation
from ordi.organisations.tables import Organisation, User


class Pickup(Table, tablename="pickup"):
    """A request that a workshop comes for some donations (or receives them: a drop-off).

    `contact` is a work contact of the donor's (name, phone, e-mail): personal data, emptied at
    `contact_purge_after` (the pickup's end plus the retention, see `ordi.privacy`).
    """

    id: Serial  # the implicit primary key, named for type checkers only
    donor = ForeignKey(Organisation, index=True, on_delete=OnDelete.restrict)
    requested_by = ForeignKey(User, index=True, on_delete=OnDelete.restrict)
    mode = Varchar(length=10, default="pickup")  # pickup, drop_off
    state = Varchar(length=12, default="requested")
    address = Varchar(length=300, default="")
    postcode = Varchar(length=5)
    city = Varchar(length=100, default="")
    departement = Varchar(length=3, index=True)
    region = Varchar(length=2)
    access_notes = Text(default="")
    windows = JSONB(default="[]")
    contact = JSONB(default="{}")
    contact_purge_after = Timestamptz(null=True, default=None)
    estimated_devices = Integer(default=0)
    workshop = ForeignKey(Organisation, null=True, default=None, index=True, on_delete=OnDelete.restrict)
    scheduled_for = Date(null=True, default=None)
    reason = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class PickupDonation(Table, tablename="pickup_donation"):
    """A donation gathered by a pickup; a donation is in at most one open pickup (see the service)."""

    id: Serial  # the implicit primary key, named for type checkers only
    pickup = ForeignKey(Pickup, index=True, on_delete=OnDelete.restrict)
    donation = ForeignKey(Donation, index=True, on_delete=OnDelete.restrict)


class CustodyReceipt(Table, tablename="custody_receipt"):
    """The *bon d'enlèvement*: who handed over, who took, when, what; signed like a certificate.

    `content` is the canonical signed document (RFC 8785 JSON, Ed25519), never updated.
    """

    id: Serial  # the implicit primary key, named for type checkers only
    number = Varchar(length=20, unique=True)
    pickup = ForeignKey(Pickup, unique=True, on_delete=OnDelete.restrict)
    workshop = ForeignKey(Organisation, index=True, on_delete=OnDelete.restrict)
    collected_at = Timestamptz()
    device_count = Integer()
    content = JSONB()
    signature = Varchar(length=100)
    key_id = Varchar(length=40)
