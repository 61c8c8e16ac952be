"""A donation: one donor's batch of declared devices."""

from __future__ import annotations

from piccolo.columns import UUID, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from ordi.organisations.tables import Organisation, User


class Donation(Table, tablename="donation"):
    id: Serial  # the implicit primary key, named for type checkers only
    reference = Varchar(length=40, unique=True)
    # Devices and their history refer to the donation: its donor and declarer stay (restrict).
    donor = ForeignKey(Organisation, index=True, on_delete=OnDelete.restrict)
    declared_by = ForeignKey(User, index=True, on_delete=OnDelete.restrict)
    pickup_address = Varchar(length=300, default="")
    pickup_postcode = Varchar(length=5, default="")
    notes = Text(default="")
    device_count = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    # The background job that declared it (null for a declaration in a request): unique, so a
    # retried job finds the donation its earlier attempt committed instead of declaring it again.
    job = UUID(null=True, default=None, unique=True)
    #: Cancelled by its donor before collection (its declared devices withdrawn); null otherwise.
    cancelled_at = Timestamptz(null=True, default=None)
