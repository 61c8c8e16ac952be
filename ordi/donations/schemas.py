"""Donation requests and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from ordi.devices.schemas import DeviceOut, SpecsIn
from ordi.donations.report_model import DonationReportHeader, ImpactFactor
from ordi.donations.spreadsheet import CATEGORIES, MAX_ROWS
from ordi.http.openapi import PageOut, bounds

Category = Annotated[str, msgspec.Meta(pattern="^(" + "|".join(CATEGORIES) + ")$", examples=["laptop"])]
PickupAddress = Annotated[str, msgspec.Meta(max_length=300)]
PickupPostcode = Annotated[str, msgspec.Meta(max_length=5)]
Notes = Annotated[str, msgspec.Meta(max_length=2000)]


class DonationItemIn(msgspec.Struct, forbid_unknown_fields=True):
    category: Category
    brand: Annotated[str, msgspec.Meta(max_length=100)] = ""
    model: Annotated[str, msgspec.Meta(max_length=150)] = ""
    serial_number: Annotated[str, msgspec.Meta(max_length=100)] = ""
    #: Absent: what the category usually holds (a laptop has storage, a monitor none); given, it wins.
    has_storage: bool | None = None
    weight_kg: Annotated[float, bounds(gt=0, le=500)] | None = None
    #: A device the donor gave before, coming back: its serial number may be on a device in service.
    is_return: bool = False
    #: What the device is made of, as far as the donor knows (the workshop confirms it).
    specs: SpecsIn | None = None


class DonationIn(msgspec.Struct, forbid_unknown_fields=True):
    items: Annotated[list[DonationItemIn], msgspec.Meta(min_length=1, max_length=MAX_ROWS)]
    pickup_address: PickupAddress = ""
    pickup_postcode: PickupPostcode = ""
    notes: Notes = ""


class DonationEditIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """`PATCH /donations/{id}`: the donation's own fields, before collection; those left out stay."""

    pickup_address: PickupAddress | None = None
    pickup_postcode: PickupPostcode | None = None
    notes: Notes | None = None


class DonationOut(msgspec.Struct):
    id: int
    reference: str
    donor_id: int
    device_count: int
    pickup_address: str
    pickup_postcode: str
    notes: str
    created_at: datetime
    #: When its donor cancelled it before collection (its declared devices withdrawn); null otherwise.
    cancelled_at: datetime | None = None
    #: The first devices (at most `DEVICES_SHOWN`) in tag-creation order; the rest by `devices_next`.
    devices: list[DeviceOut] | None = None
    #: Devices per state (those the caller may see), on the donation's own answers.
    state_counts: dict[str, int] | None = None
    #: The paged list of all its devices, and the cursor that follows `devices`.
    devices_url: str = ""
    devices_next: str | None = None


ImportFormat = Annotated[str, msgspec.Meta(pattern="^(csv|xlsx|ods)$", examples=["csv"])]
#: Each column of the file the import read, by its name in the file, and the field it fills.
ImportColumns = Annotated[
    dict[str, str],
    msgspec.Meta(examples=[{"N° de série": "serial_number", "Catégorie": "category"}]),
]


class ImportedDonationOut(DonationOut, kw_only=True):
    """A spreadsheet's donation, with how its columns were read (the unknown ones ignored)."""

    format: ImportFormat
    columns: ImportColumns
    unknown_columns: list[str]


class ImportLineError(msgspec.Struct):
    """A bad cell: its line in the file (from 1, the header's line included), its column's name."""

    line: int
    column: str
    key: str
    message: str


class ImportCheckOut(msgspec.Struct):
    """`dry_run=true`: what the import would read, and every line error; nothing written."""

    format: ImportFormat
    columns: ImportColumns
    unknown_columns: list[str]
    #: Data rows (blank lines aside).
    rows: int
    #: True when the import would declare the donation.
    valid: bool
    error_count: int
    errors: list[ImportLineError]


class DonationPage(PageOut, kw_only=True):
    items: list[DonationOut]


#: A day (`2026-03-12`) or an instant (`2026-03-12T08:14:02+00:00`), as the report writes it.
Moment = Annotated[str, msgspec.Meta(description="Date ISO 8601 (jour, ou date et heure)")]


class ReportDevice(msgspec.Struct):
    """`ordi.donations.report_model.DeviceFateRow`: one device and what became of it, as codes."""

    asset_tag: str
    category: str
    model: str
    serial_number: str
    state: str
    declared_at: Moment | None
    collected_at: Moment | None
    received_at: Moment | None
    wiped_at: Moment | None
    ready_at: Moment | None
    handed_over_at: Moment | None
    recycled_at: Moment | None
    certificate_number: str | None
    grade: str | None
    recycle_channel: str | None
    recycle_weight_kg: float | None
    departement: str | None
    beneficiary_category: str | None


class ReportTotals(msgspec.Struct):
    devices: int
    by_state: dict[str, int]
    redistributed: int
    recycled: int
    lost: int
    wipe_certificates: int
    recycled_weight_kg: float
    reuse_rate: float | None


class ReportImpact(msgspec.Struct):
    kg_ewaste_avoided: float
    kg_co2e_avoided: float
    factors: list[ImpactFactor]
    method_note: str


class DonationReportDocument(msgspec.Struct):
    """`GET /api/v1/donations/{id}/report.json` (`ordi.donations.report_export`): codes, ISO 8601 dates."""

    schema: str
    header: DonationReportHeader
    totals: ReportTotals
    impact: ReportImpact
    devices: list[ReportDevice]
