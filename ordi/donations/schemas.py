"""Donation requests and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from ordi.devices.schemas import DeviceOut
from ordi.donations.spreadsheet import CATEGORIES

Category = Annotated[str, msgspec.Meta(pattern="^(" + "|".join(CATEGORIES) + ")$")]


class DonationItemIn(msgspec.Struct, forbid_unknown_fields=True):
    category: Category
    brand: Annotated[str, msgspec.Meta(max_length=100)] = ""
    model: Annotated[str, msgspec.Meta(max_length=150)] = ""
    serial_number: Annotated[str, msgspec.Meta(max_length=100)] = ""
    has_storage: bool = True
    weight_kg: Annotated[float, msgspec.Meta(gt=0, le=500)] | None = None


class DonationIn(msgspec.Struct, forbid_unknown_fields=True):
    items: list[DonationItemIn]
    pickup_address: Annotated[str, msgspec.Meta(max_length=300)] = ""
    pickup_postcode: Annotated[str, msgspec.Meta(max_length=5)] = ""
    notes: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class DonationOut(msgspec.Struct):
    id: int
    reference: str
    donor_id: int
    device_count: int
    pickup_address: str
    pickup_postcode: str
    notes: str
    created_at: datetime
    devices: list[DeviceOut] | None = None
