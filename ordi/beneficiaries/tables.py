"""The log of what was done with personal data: who, when, which device, what act — never the data."""

from __future__ import annotations

from piccolo.columns import ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from ordi.devices.tables import Device
from ordi.organisations.tables import Organisation, User


class PersonalDataLog(Table, tablename="personal_data_log"):
    id: Serial  # the implicit primary key, named for type checkers only
    at = Timestamptz(default=TimestamptzNow(), index=True)
    #: contact_read, contact_erased (by its association), access, rectification, erasure, objection, purge
    action = Varchar(length=30)
    #: for a purge: warranty_ended, returned, recycled
    reason = Varchar(length=30, default="")
    # Who acted (null for the scheduled purge); a line outlives its person's account.
    actor_user = ForeignKey(User, null=True, default=None, index=True, on_delete=OnDelete.set_null)
    actor_organisation = ForeignKey(Organisation, null=True, default=None, index=True, on_delete=OnDelete.set_null)
    device = ForeignKey(Device, null=True, default=None, index=True, on_delete=OnDelete.restrict)
    #: how many records the act concerned (0: an access request that found nothing)
    records = Integer(default=1)
