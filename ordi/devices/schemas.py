"""What clients send and receive about devices (msgspec structs; field names in English)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from ordi.domain.categories import CATEGORIES
from ordi.domain.records import (
    MAX_CAPACITY_GB,
    MAX_LABOUR_MINUTES,
    MAX_MEDIA,
    MAX_REASON,
    MAX_WEIGHT_KG,
    TEXT_BOUNDS,
    AgeBand,
    BeneficiaryCategory,
    Grade,
    MediumKind,
    MediumResult,
    RecycleChannel,
    WipeLevel,
)
from ordi.domain.specs import (
    FIRST_YEAR,
    MAX_CPU_LENGTH,
    MAX_RAM_GB,
    MAX_SCREEN_INCHES,
    MAX_STORAGE_GB,
    MIN_RAM_GB,
    MIN_SCREEN_INCHES,
    OsLicence,
    StorageKind,
)
from ordi.http.openapi import PageOut, bounds, text_list
from ordi.http.params import MAX_ID

# Every text is bounded, every list counted, every number ranged: a request outside is a 400 before
# any rule runs (the domain records keep the same bounds for other callers).
Note = Annotated[str, msgspec.Meta(max_length=2000)]
Short = Annotated[str, msgspec.Meta(max_length=100)]
Required = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Aware = Annotated[datetime, msgspec.Meta(tz=True)]
AssociationId = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]


class SpecsIn(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """A device's specs, each optional (`ordi.domain.specs`): the donor's declaration, the workshop's
    confirmation at refurbishment. A year after next year is refused by the rule (422)."""

    cpu: Annotated[str, msgspec.Meta(max_length=MAX_CPU_LENGTH, examples=["Intel Core i5-8250U"])] | None = None
    ram_gb: Annotated[float, bounds(ge=MIN_RAM_GB, le=MAX_RAM_GB, examples=[8])] | None = None
    storage_gb: Annotated[int, bounds(ge=1, le=MAX_STORAGE_GB, examples=[256])] | None = None
    storage_kind: StorageKind | None = None
    screen_inches: Annotated[float, bounds(ge=MIN_SCREEN_INCHES, le=MAX_SCREEN_INCHES, examples=[14])] | None = None
    year: Annotated[int, bounds(ge=FIRST_YEAR, le=2100, examples=[2019])] | None = None
    os_licence: OsLicence | None = None


class SpecsOut(msgspec.Struct):
    """A device's specs (null: nobody said); `confirmed`: checked by the workshop at refurbishment."""

    cpu: str | None
    ram_gb: float | None
    storage_gb: int | None
    storage_kind: str | None
    screen_inches: float | None
    year: int | None
    os_licence: str | None
    confirmed: bool


class _Event(msgspec.Struct, tag_field="action", kw_only=True, forbid_unknown_fields=True):
    note: Note | None = None


class Collect(_Event, tag="collect"):
    pass


class Receive(_Event, tag="receive"):
    has_storage: bool | None = None  # what the workshop found: overrides the donor's declaration


class MediumIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: MediumKind
    serial: Annotated[str, msgspec.Meta(min_length=1, max_length=100, examples=["S3Z9NB0K"])]
    result: MediumResult
    capacity_gb: Annotated[float, bounds(gt=0, le=MAX_CAPACITY_GB, examples=[256])] | None = None
    model: Short | None = None


class Wipe(_Event, tag="wipe"):
    level: WipeLevel
    method: Annotated[str, msgspec.Meta(min_length=1, max_length=200, examples=["ATA Secure Erase"])]
    tool: Annotated[str, msgspec.Meta(min_length=1, max_length=100, examples=["nwipe"])]
    media: Annotated[list[MediumIn], msgspec.Meta(min_length=1, max_length=MAX_MEDIA)]
    tool_version: Annotated[str, msgspec.Meta(max_length=50)] | None = None
    operator: Short | None = None
    started_at: Aware | None = None
    ended_at: Aware | None = None
    verification: Annotated[str, msgspec.Meta(max_length=500)] | None = None


Checks = Annotated[list[Annotated[str, msgspec.Meta(max_length=200)]], text_list(50, 200)]


class Refurbish(_Event, tag="refurbish"):
    grade: Grade
    labour_minutes: Annotated[int, bounds(ge=0, le=MAX_LABOUR_MINUTES, examples=[90])]
    os: Short | None = None
    checks: Checks = msgspec.field(default_factory=list)
    parts_replaced: Checks = msgspec.field(default_factory=list)
    #: The specs found on the bench: each given field replaces the declared one, the others are
    #: kept, and the device's specs are then confirmed (an empty object confirms them as declared).
    specs: SpecsIn | None = None


class Recycle(_Event, tag="recycle"):
    reason: Annotated[str, msgspec.Meta(max_length=500)]
    weight_kg: Annotated[float, bounds(gt=0, le=MAX_WEIGHT_KG, examples=[2.1])]
    channel: RecycleChannel


class Reserve(_Event, tag="reserve"):
    association_id: AssociationId
    request_id: AssociationId | None = None


class Release(_Event, tag="release"):
    pass


class Ship(_Event, tag="ship"):
    carrier: Short | None = None
    tracking_number: Short | None = None


class Deliver(_Event, tag="deliver"):
    pass


class BeneficiaryIn(msgspec.Struct, forbid_unknown_fields=True):
    category: BeneficiaryCategory
    age_band: AgeBand
    departement: Annotated[str, msgspec.Meta(min_length=1, max_length=5, examples=["76"])]


class WarrantyContact(msgspec.Struct, forbid_unknown_fields=True):
    """Only when the association needs it for a warranty; purged after the retention period."""

    full_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    phone: Annotated[str, msgspec.Meta(max_length=30)] = ""


class HandOver(_Event, tag="hand_over"):
    beneficiary: BeneficiaryIn
    warranty_contact: WarrantyContact | None = None


class Return(_Event, tag="return"):
    reason: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class Lose(_Event, tag="lose"):
    note: Note


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
    specs: SpecsOut
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
    #: On a correcting event: the id of the entry it corrects (kept in the history as it was).
    corrects: int | None = None


class EventResult(msgspec.Struct):
    event: EventOut
    device: DeviceOut
    replayed: bool = False


class DevicePage(PageOut, kw_only=True):
    items: list[DeviceOut]


class EventPage(PageOut, kw_only=True):
    items: list[EventOut]


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


# --- corrections and cancellations (issue 9, item 6) -----------------------------------------

DeclaredCategory = Annotated[str, msgspec.Meta(pattern="^(" + "|".join(CATEGORIES) + ")$", examples=["laptop"])]
Brand = Annotated[str, msgspec.Meta(max_length=TEXT_BOUNDS["brand"], examples=["Lenovo"])]
Model = Annotated[str, msgspec.Meta(max_length=TEXT_BOUNDS["model"], examples=["ThinkPad T480"])]
Serial = Annotated[str, msgspec.Meta(max_length=TEXT_BOUNDS["serial_number"], examples=["PF1ABC23"])]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_REASON, examples=["Erreur de saisie"])]
#: History entries are numbered by a 64-bit sequence; bounded to the integers JSON keeps exact.
EventId = Annotated[int, msgspec.Meta(ge=1, le=2**53 - 1)]


class DeviceEditIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """`PATCH /devices/{tag}`: the donor's new values for a declared device; the fields left out
    stay. Extension point: `specs` joins here once the device table has their columns (item 7)."""

    category: DeclaredCategory | None = None
    brand: Brand | None = None
    model: Model | None = None
    serial_number: Serial | None = None


class CorrectionChanges(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The right values: declared fields for a declaration (or a donor's edit), grade and labour
    minutes for a refurbishment."""

    category: DeclaredCategory | None = None
    brand: Brand | None = None
    model: Model | None = None
    serial_number: Serial | None = None
    grade: Grade | None = None
    labour_minutes: Annotated[int, bounds(ge=0, le=MAX_LABOUR_MINUTES, examples=[60])] | None = None


class CorrectionIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """`POST /devices/{tag}/corrections`: which entry of the history is wrong, why, the right values.
    An entry already corrected is corrected through its last correction (409 otherwise)."""

    corrects: EventId
    reason: Reason
    changes: CorrectionChanges


class EditResult(msgspec.Struct):
    """The device after a donor's edit, and its history entry (null: nothing changed)."""

    device: DeviceOut
    event: EventOut | None
