"""The donation traceability report's data: one row per device and what is printed before the rows.

Built by :mod:`ordi.donations.report` from the database, rendered by :mod:`ordi.donations.report_pdf`
and :mod:`ordi.donations.report_export`. No personal data by construction: a beneficiary appears
only as a département and a category.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

__all__ = [
    "BENEFICIARY_LABELS_FR",
    "STATE_LABELS_FR",
    "DeviceFateRow",
    "DonationReportHeader",
    "DonationTotals",
    "ImpactFactor",
    "ImpactSummary",
    "beneficiary_fr",
    "state_fr",
]

STATE_LABELS_FR: dict[str, str] = {
    "declared": "déclaré",
    "collected": "collecté",
    "received": "réceptionné",
    "wiped": "effacé",
    "ready": "prêt",
    "reserved": "réservé",
    "shipped": "expédié",
    "delivered": "livré",
    "handed_over": "remis",
    "returned": "retourné",
    "recycled": "recyclé",
    "lost": "perdu",
}
BENEFICIARY_LABELS_FR: dict[str, str] = {
    "job_seeker": "demandeur d'emploi",
    "student": "étudiant",
    "senior": "senior",
    "disability": "situation de handicap",
    "low_income": "faibles revenus",
    "asylum_refugee": "demandeur d'asile ou réfugié",
    "other": "autre",
}


def state_fr(state: str) -> str:
    return STATE_LABELS_FR.get(state, state)


def beneficiary_fr(category: str | None) -> str:
    return "" if not category else BENEFICIARY_LABELS_FR.get(category, category)


@dataclass(frozen=True, slots=True)
class DeviceFateRow:
    """One device of a donation and what became of it. No personal data by construction."""

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

    @property
    def steps(self) -> tuple[date | datetime | None, ...]:
        """The dates of the journey's steps, in the order of the report's columns."""
        return (
            self.declared_at,
            self.collected_at,
            self.received_at,
            self.wiped_at,
            self.ready_at,
            self.handed_over_at,
            self.recycled_at,
        )


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
