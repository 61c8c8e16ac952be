"""An association's request for equipment, and what was allocated to it."""

from __future__ import annotations

from piccolo.columns import JSONB, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from ordi.organisations.tables import Organisation, User


class EquipmentRequest(Table, tablename="equipment_request"):
    id: Serial  # the implicit primary key, named for type checkers only
    # Requests feed the committee's fulfilment figures and devices point at them: restrict.
    association = ForeignKey(Organisation, index=True, on_delete=OnDelete.restrict)
    requested_by = ForeignKey(User, index=True, on_delete=OnDelete.restrict)
    status = Varchar(length=20, default="pending", index=True)  # pending, approved, rejected, fulfilled
    reason = Text()
    decision_reason = Text(default="")
    decided_by = ForeignKey(User, null=True, default=None, index=True, on_delete=OnDelete.restrict)
    decided_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)


class RequestItem(Table, tablename="request_item"):
    id: Serial  # the implicit primary key, named for type checkers only
    request = ForeignKey(EquipmentRequest, index=True)
    category = Varchar(length=20)
    quantity = Integer()
    allocated = Integer(default=0)
    #: The line's minimum specs (`ordi.domain.specs.MinSpecs.as_dict`), or null: any device.
    min_specs = JSONB(null=True, default=None)
