"""What clients send and receive about devices (msgspec structs; field names in English)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec

from ordi.domain.records import (
    AgeBand,
    BeneficiaryCategory,
    Grade,
    MediumKind,
    MediumResult,
    RecycleChannel,
    WipeLevel,
)

Text100 = msgspec.Meta(max_length=100)
Text500 = msgspec.Meta(max_length=500)


class _Event(msgspec.Struct, tag_field="action", kw_only=True, forbid_unknown_fields=True):
    note: str | None = None


class Collect(_Event, tag="collect"):
    pass


class Receive(_Event, tag="receive"):
    has_storage: bool | None = None  # what the workshop found: overrides the donor's declaration


class MediumIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: MediumKind
    serial: str
    result: MediumResult
    capacity_gb: float | None = None
    model: str | None = None


class Wipe(_Event, tag="wipe"):
    level: WipeLevel
    method: str
    tool: str
    media: list[MediumIn]
    tool_version: str | None = None
    operator: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    verification: str | None = None


class Refurbish(_Event, tag="refurbish"):
    grade: Grade
    labour_minutes: int
    os: str | None = None
    checks: list[str] = msgspec.field(default_factory=list)
    parts_replaced: list[str] = msgspec.field(default_factory=list)


class Recycle(_Event, tag="recycle"):
    reason: str
    weight_kg: float
    channel: RecycleChannel


class Reserve(_Event, tag="reserve"):
    association_id: int
    request_id: int | None = None


class Release(_Event, tag="release"):
    pass


class Ship(_Event, tag="ship"):
    carrier: str | None = None
    tracking_number: str | None = None


class Deliver(_Event, tag="deliver"):
    pass


class BeneficiaryIn(msgspec.Struct, forbid_unknown_fields=True):
    category: BeneficiaryCategory
    age_band: AgeBand
    departement: str


class WarrantyContact(msgspec.Struct, forbid_unknown_fields=True):
    """Only when the association needs it for a warranty; purged after the retention period."""

    full_name: str
    phone: str = ""


class HandOver(_Event, tag="hand_over"):
    beneficiary: BeneficiaryIn
    warranty_contact: WarrantyContact | None = None


class Return(_Event, tag="return"):
    reason: str | None = None


class Lose(_Event, tag="lose"):
    note: str


EventRequest = (
    Collect | Receive | Wipe | Refurbish | Recycle | Reserve | Release | Ship | Deliver | HandOver | Return | Lose
)


class DeviceOut(msgspec.Struct):
    asset_tag: str
    state: str
    state_label: str
    category: str
    brand: str
    model: str
    serial_number: str
    has_storage: bool
    data_cleared: bool
    grade: str | None
    donation_id: int
    donor_id: int
    custodian_id: int
    refurbisher_id: int | None
    association_id: int | None
    state_changed_at: datetime
    url: str


class EventOut(msgspec.Struct):
    id: int
    seq: int
    action: str
    outcome: str
    from_state: str | None
    to_state: str
    occurred_at: datetime
    actor_organisation_id: int
    actor_user_id: int | None
    payload: dict[str, Any]


class EventResult(msgspec.Struct):
    event: EventOut
    device: DeviceOut
    replayed: bool = False


class ScanResult(msgspec.Struct):
    device: DeviceOut
    actions: list[str]
    action_labels: dict[str, str]


StateName = Literal[
    "declared",
    "collected",
    "received",
    "wiped",
    "ready",
    "reserved",
    "shipped",
    "delivered",
    "handed_over",
    "returned",
    "recycled",
    "lost",
]
