"""The donation traceability report's data: one row per device and what is printed before the rows.

Built by :mod:`ordi.donations.report` from the database, rendered by :mod:`ordi.donations.report_pdf`
and :mod:`ordi.donations.report_export`. No personal data by construction: a beneficiary appears
only as a département and a category.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from ordi.i18n import Lang, beneficiary_name, category_name, date_text, number_text, recycle_channel_name, state_name

__all__ = [
    "COLUMNS",
    "DeviceFateRow",
    "DonationReportHeader",
    "DonationTotals",
    "ImpactFactor",
    "ImpactSummary",
    "row_texts",
]

#: The report's columns, in order: fields of :class:`DeviceFateRow` (headings: ``ordi.i18n.column_heading``).
COLUMNS: tuple[str, ...] = (
    "asset_tag",
    "category",
    "model",
    "serial_number",
    "state",
    "declared_at",
    "collected_at",
    "received_at",
    "wiped_at",
    "ready_at",
    "handed_over_at",
    "recycled_at",
    "certificate_number",
    "grade",
    "recycle_channel",
    "recycle_weight_kg",
    "departement",
    "beneficiary_category",
)


@dataclass(frozen=True, slots=True)
class DeviceFateRow:
    """One device of a donation and what became of it, as codes. No personal data by construction."""

    asset_tag: str
    category: str
    model: str
    serial_number: str
    state: str
    declared_at: date | datetime | None = None
    collected_at: date | datetime | None = None
    received_at: date | datetime | None = None
    wiped_at: date | datetime | None = None
    ready_at: date | datetime | None = None
    handed_over_at: date | datetime | None = None
    recycled_at: date | datetime | None = None
    certificate_number: str | None = None
    grade: str | None = None
    recycle_channel: str | None = None
    recycle_weight_kg: float | None = None
    departement: str | None = None
    beneficiary_category: str | None = None


@dataclass(frozen=True, slots=True)
class DonationReportHeader:
    """Who gave what, and when this report was produced."""

    donation_id: str
    reference: str
    donor_name: str
    declared_on: date
    generated_at: datetime


@dataclass(frozen=True, slots=True)
class DonationTotals:
    """Aggregates computed by the caller (in SQL), printed before the rows."""

    devices: int
    by_state: Mapping[str, int] = field(default_factory=dict)
    redistributed: int = 0
    recycled: int = 0
    lost: int = 0
    wipe_certificates: int = 0
    recycled_weight_kg: float = 0.0

    @property
    def reuse_rate(self) -> float | None:
        """Redistributed ÷ (redistributed + recycled), the committee's reuse rate."""
        done = self.redistributed + self.recycled
        return self.redistributed / done if done else None


@dataclass(frozen=True, slots=True)
class ImpactFactor:
    """Per-device factor for one category, with the source it comes from (printed)."""

    category: str
    kg_per_device: float
    co2e_per_device: float
    source: str


@dataclass(frozen=True, slots=True)
class ImpactSummary:
    """Avoided e-waste and emissions for the redistributed devices, with their factors."""

    kg_ewaste_avoided: float
    kg_co2e_avoided: float
    factors: Sequence[ImpactFactor | tuple[str, float, float, str]] = ()
    method_note: str = ""

    def factor_list(self) -> list[ImpactFactor]:
        """Factors as :class:`ImpactFactor`, accepting plain 4-tuples from configuration."""
        return [f if isinstance(f, ImpactFactor) else ImpactFactor(*f) for f in self.factors]


def row_texts(row: DeviceFateRow, zone: tzinfo, lang: Lang = "fr", short: bool = False) -> list[str]:
    """The cells of one row as a person reads them, in the order of `COLUMNS` (dates in ``zone``;
    ``short`` dates for the narrow PDF columns)."""
    steps = (
        row.declared_at,
        row.collected_at,
        row.received_at,
        row.wiped_at,
        row.ready_at,
        row.handed_over_at,
        row.recycled_at,
    )
    return [
        row.asset_tag,
        category_name(row.category, lang),
        row.model,
        row.serial_number,
        state_name(row.state, lang),
        *(date_text(at, zone, short, lang) for at in steps),
        row.certificate_number or "",
        row.grade or "",
        recycle_channel_name(row.recycle_channel, lang),
        number_text(row.recycle_weight_kg, 1, lang),
        row.departement or "",
        beneficiary_name(row.beneficiary_category, lang),
    ]
