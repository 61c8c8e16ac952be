"""What clients send and receive about pickups (msgspec structs; field names in English)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec

from ordi.http.openapi import PageOut, text_list

Id = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
Text = Annotated[str, msgspec.Meta(max_length=300)]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
Aware = Annotated[datetime, msgspec.Meta(tz=True)]
#: Devices one pickup may take: a van's load, and what its receipt pages and streams.
MAX_PICKUP_DEVICES = 10_000


class Window(msgspec.Struct, forbid_unknown_fields=True, rename={"start": "from", "end": "to"}):
    """When someone is there to hand the equipment over."""

    start: Aware
    end: Aware


class Contact(msgspec.Struct, forbid_unknown_fields=True):
    """A work contact at the donor's (personal data: emptied when the pickup's retention ends)."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    phone: Annotated[str, msgspec.Meta(max_length=30)] = ""
    email: Annotated[str, msgspec.Meta(max_length=254)] = ""
    role: Annotated[str, msgspec.Meta(max_length=100)] = ""


class PickupIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    donation_ids: Annotated[
        list[Id],
        msgspec.Meta(
            min_length=1,
            max_length=100,
            extra_json_schema={"extra": {"items": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}},
        ),
    ]
    postcode: Annotated[str, msgspec.Meta(pattern=r"^\d{5}$", examples=["76000"])]
    contact: Contact
    address: Text = ""
    city: Annotated[str, msgspec.Meta(max_length=100)] = ""
    access_notes: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    windows: Annotated[list[Window], msgspec.Meta(max_length=20)] = []
    estimated_devices: Annotated[int, msgspec.Meta(ge=0, le=MAX_PICKUP_DEVICES)] = 0
    #: `drop_off`: the donor brings the donations to `workshop_id`, which is in charge at once.
    mode: Literal["pickup", "drop_off"] = "pickup"
    workshop_id: Id | None = None


class AssignIn(msgspec.Struct, forbid_unknown_fields=True):
    workshop_id: Id


class ScheduleIn(msgspec.Struct, forbid_unknown_fields=True):
    date: date


class ReasonIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Reason


class Person(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    role: Annotated[str, msgspec.Meta(max_length=100)] = ""


class ExtraDevice(msgspec.Struct, forbid_unknown_fields=True):
    """A device found on the donor's shelf that was not declared: it joins the donation."""

    category: Annotated[str, msgspec.Meta(max_length=20, examples=["laptop"])]
    brand: Annotated[str, msgspec.Meta(max_length=100)] = ""
    model: Annotated[str, msgspec.Meta(max_length=150)] = ""
    serial_number: Annotated[str, msgspec.Meta(max_length=100)] = ""
    donation_id: Id | None = None


class CollectIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The custody hand-off: who gave, the tags taken, what was there and not declared."""

    handed_over_by: Person
    tags: Annotated[list[Annotated[str, msgspec.Meta(max_length=20)]], text_list(MAX_PICKUP_DEVICES, 20)]
    extra: Annotated[list[ExtraDevice], msgspec.Meta(max_length=1000)] = []
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class ReceptionIn(msgspec.Struct, forbid_unknown_fields=True):
    """The lot as it arrives at the workshop, checked against the receipt."""

    tags: Annotated[list[Annotated[str, msgspec.Meta(max_length=20)]], text_list(MAX_PICKUP_DEVICES, 20)]


class PickupOut(msgspec.Struct):
    id: int
    state: str
    state_label: str
    mode: str
    donor_id: int
    postcode: str
    city: str
    departement: str
    region: str
    windows: list[dict[str, Any]]
    estimated_devices: int
    workshop_id: int | None
    scheduled_for: date | None
    reason: str
    created_at: datetime
    #: The donor, the operator and the workshop in charge only (null for a workshop's queue).
    address: str | None = None
    access_notes: str | None = None
    contact: dict[str, Any] | None = None
    donation_ids: list[int] | None = None
    receipt_url: str | None = None


class CollectOut(msgspec.Struct):
    pickup: PickupOut
    receipt_number: str
    collected: int
    missing: list[str]
    extra: list[str]
    receipt_url: str


class ReceptionOut(msgspec.Struct):
    received: int
    already_received: int
    missing: list[str]
    unexpected: list[str]


class ReceiptOut(msgspec.Struct):
    """The signed custody receipt: `content` is what the signature covers (RFC 8785 JSON, Ed25519)."""

    number: str
    content: dict[str, Any]
    signature: dict[str, str]
    public_key_url: str
    pdf_url: str
    intact: bool


PickupStateName = Literal["requested", "scheduled", "collected", "cancelled", "missed"]


class PickupPage(PageOut, kw_only=True):
    items: list[PickupOut]
