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
    #: The first devices (at most `DEVICES_SHOWN`) in tag-creation order; the rest by `devices_next`.
    devices: list[DeviceOut] | None = None
    #: Devices per state (those the caller may see), on the donation's own answers.
    state_counts: dict[str, int] | None = None
    #: The paged list of all its devices, and the cursor that follows `devices`.
    devices_url: str = ""
    devices_next: str | None = None
