"""What each bench step records (PRODUCT.md §3), as plain data with its own validation rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from ordi.domain.categories import CATEGORIES
from ordi.domain.errors import InvalidRecord

# Bounds of what a step may record; the API's schemas (msgspec.Meta) refuse the rest with a 400,
# `validate` below keeps them for any other caller (an nwipe report, a job).

#: The programme's calendar: no period, label or wipe date outside it (year 9999 has no next day).
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
#: Storage media in one computer: a workstation with a few disks, never a storage bay.
MAX_MEDIA = 32
#: The largest medium one wipe certifies, in GB (a petabyte).
MAX_CAPACITY_GB = 1_000_000
MAX_WEIGHT_KG = 500
MAX_LABOUR_MINUTES = 24 * 60

WipeLevel = Literal["clear", "purge", "destroy"]
MediumResult = Literal["erased", "failed", "destroyed"]
MediumKind = Literal["hdd", "ssd", "nvme", "emmc", "usb", "other"]
Grade = Literal["A", "B", "C"]
BeneficiaryCategory = Literal["job_seeker", "student", "senior", "disability", "low_income", "asylum_refugee", "other"]
AgeBand = Literal["under_18", "18_25", "26_45", "46_64", "65_plus", "unknown"]
RecycleChannel = Literal["weee_collector", "eco_organism", "manufacturer_take_back", "other"]


class Record:
    """Base of every step record; `validate` raises InvalidRecord when a rule is broken."""

    def validate(self) -> None:  # pragma: no cover - overridden where there is a rule
        return None


@dataclass(frozen=True)
class ReceiveRecord(Record):
    """At reception the workshop may say whether it found storage, overriding the donor's word."""

    has_storage: bool | None = None


@dataclass(frozen=True)
class Medium:
    kind: MediumKind
    serial: str
    result: MediumResult
    capacity_gb: float | None = None
    model: str | None = None


@dataclass(frozen=True)
class WipeRecord(Record):
    """One wipe (or media destruction), per NIST SP 800-88."""

    level: WipeLevel
    method: str
    tool: str
    media: list[Medium]
    tool_version: str | None = None
    operator: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    verification: str | None = None

    @property
    def passed(self) -> bool:
        ok = {"destroyed"} if self.level == "destroy" else {"erased", "destroyed"}
        return bool(self.media) and all(m.result in ok for m in self.media)

    def validate(self) -> None:
        if not self.media:
            raise InvalidRecord("wipe_needs_media")
        if len(self.media) > MAX_MEDIA:
            raise InvalidRecord("wipe_too_many_media", max=MAX_MEDIA)
        for medium in self.media:
            if medium.capacity_gb is not None and not 0 < medium.capacity_gb <= MAX_CAPACITY_GB:
                raise InvalidRecord("capacity_range", max=MAX_CAPACITY_GB)
        for instant in (self.started_at, self.ended_at):
            if instant is not None and not FIRST_DAY <= instant.date() <= LAST_DAY:
                raise InvalidRecord("date_out_of_range", min=FIRST_DAY.isoformat(), max=LAST_DAY.isoformat())
        if self.started_at and self.ended_at and self.ended_at < self.started_at:
            raise InvalidRecord("wipe_end_before_start")
        serials = [m.serial.strip().upper() for m in self.media]
        if len(set(serials)) != len(serials):
            raise InvalidRecord("wipe_duplicate_medium")
        if self.level == "destroy" and any(m.result == "erased" for m in self.media):
            raise InvalidRecord("destroy_level_result")


@dataclass(frozen=True)
class RefurbishRecord(Record):
    grade: Grade
    labour_minutes: int
    os: str | None = None
    checks: list[str] = field(default_factory=list)
    parts_replaced: list[str] = field(default_factory=list)
    #: The specs the workshop confirms or corrects (`ordi.domain.specs.validate`), as given.
    specs: dict[str, Any] | None = None

    def validate(self) -> None:
        if not 0 <= self.labour_minutes <= MAX_LABOUR_MINUTES:
            raise InvalidRecord("labour_minutes_range")


@dataclass(frozen=True)
class RecycleRecord(Record):
    reason: str
    weight_kg: float
    channel: RecycleChannel

    def validate(self) -> None:
        if not 0 < self.weight_kg <= MAX_WEIGHT_KG:
            raise InvalidRecord("weight_range")


@dataclass(frozen=True)
class AssignRecord(Record):
    """A workshop put in charge of collecting a declared device (None: nobody any more)."""

    workshop_id: int | None
    pickup_id: int | None = None


@dataclass(frozen=True)
class ReserveRecord(Record):
    association_id: int
    request_id: int | None = None


@dataclass(frozen=True)
class Beneficiary:
    """Pseudonymous by design: a category, an age band and a département, never a name."""

    category: BeneficiaryCategory
    age_band: AgeBand
    departement: str


@dataclass(frozen=True)
class HandOverRecord(Record):
    beneficiary: Beneficiary


@dataclass(frozen=True)
class LossRecord(Record):
    note: str

    def validate(self) -> None:
        if not self.note.strip():
            raise InvalidRecord("loss_note_required")


# --- corrections and cancellations (issue 9, item 6) -----------------------------------------

#: The declared fields a donor edits before collection, and a correction may fix after it.
#: Extension point for the device specs (issue 9, item 7): once the device table has their columns,
#: add their names here and their checks to `check_value`; the PATCH schema gains `specs`.
DECLARED_FIELDS: tuple[str, ...] = ("category", "brand", "model", "serial_number")
TEXT_BOUNDS: dict[str, int] = {"brand": 100, "model": 150, "serial_number": 100}
GRADES: tuple[str, ...] = ("A", "B", "C")

#: What a correcting event may fix, by the action of the entry it corrects (a correction of a
#: correction fixes the same record, so it takes the original entry's action).
CORRECTABLE: dict[str, tuple[str, ...]] = {
    "declare": DECLARED_FIELDS,
    "amend": DECLARED_FIELDS,
    "refurbish": ("grade", "labour_minutes"),
}
MAX_REASON = 500


def normalise_value(name: str, value: Any) -> Any:
    """A field as the device row keeps it (serial numbers upper case, no surrounding spaces)."""
    if isinstance(value, str):
        value = value.strip()
        if name == "serial_number":
            value = value.upper()
    return value


def check_value(name: str, value: Any) -> None:
    """One changed field's value, whoever sends it (the API's schemas bound them too)."""
    if name == "category":
        if value not in CATEGORIES:
            raise InvalidRecord("edit_value_invalid", field=name)
    elif name in TEXT_BOUNDS:
        if not isinstance(value, str) or len(value) > TEXT_BOUNDS[name]:
            raise InvalidRecord("edit_value_invalid", field=name)
    elif name == "grade":
        if value not in GRADES:
            raise InvalidRecord("edit_value_invalid", field=name)
    elif name == "labour_minutes":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_LABOUR_MINUTES:
            raise InvalidRecord("labour_minutes_range")
    else:
        raise InvalidRecord("edit_field_unknown", field=name)


def _check_changes(changes: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    if not changes:
        raise InvalidRecord("edit_nothing")
    for name, value in changes.items():
        if name not in allowed:
            raise InvalidRecord("edit_field_not_correctable", field=name, allowed=", ".join(allowed))
        check_value(name, value)


@dataclass(frozen=True)
class AmendRecord(Record):
    """The donor edits a declared device before collection: the new values of some fields."""

    changes: Mapping[str, Any]

    def validate(self) -> None:
        _check_changes(self.changes, DECLARED_FIELDS)


@dataclass(frozen=True)
class WithdrawRecord(Record):
    """The donor removes a declared device, or cancels its whole donation (`donation_cancelled`)."""

    reason: str = ""
    donation_cancelled: bool = False

    def validate(self) -> None:
        if len(self.reason) > MAX_REASON:
            raise InvalidRecord("reason_too_long", max=MAX_REASON)


@dataclass(frozen=True)
class CorrectionRecord(Record):
    """A correcting event: which entry it corrects, of which kind, why, and the right values."""

    corrects: int
    corrected_action: str
    reason: str
    changes: Mapping[str, Any]

    def validate(self) -> None:
        if not self.reason.strip() or len(self.reason) > MAX_REASON:
            raise InvalidRecord("correction_reason_required", max=MAX_REASON)
        allowed = CORRECTABLE.get(self.corrected_action)
        if allowed is None:
            raise InvalidRecord("correction_target_invalid", action=self.corrected_action)
        _check_changes(self.changes, allowed)
