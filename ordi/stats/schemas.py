"""The committee's figures as the API answers them (`GET /api/v1/stats/summary`).

The service's dictionary is converted into these structs, which refuse unknown fields: a figure
added to the service without its schema fails the contract test instead of vanishing.
"""

from __future__ import annotations

from datetime import date

import msgspec


class Period(msgspec.Struct, forbid_unknown_fields=True):
    from_: date = msgspec.field(name="from")
    to: date


class RegionStock(msgspec.Struct, forbid_unknown_fields=True):
    region: str
    region_name: str
    count: int


class Stock(msgspec.Struct, forbid_unknown_fields=True):
    """Devices in the programme now: per state (all), per région and category (those still in stock)."""

    by_state: dict[str, int]
    by_region: list[RegionStock]
    by_category: dict[str, int]


class FactorSourceOut(msgspec.Struct, forbid_unknown_fields=True):
    title: str
    publisher: str
    year: int | None
    url: str
    note: str


class FactorOut(msgspec.Struct, forbid_unknown_fields=True):
    category: str
    #: kg per device
    weight_kg: float
    #: kg CO2e avoided per device
    co2e_kg_avoided: float
    source_weight: FactorSourceOut
    source_co2e: FactorSourceOut


class Impact(msgspec.Struct, forbid_unknown_fields=True):
    kg_ewaste_avoided: float
    kg_co2e_avoided: float
    insertion_labour_hours: float
    factors: list[FactorOut]


class StatsSummary(msgspec.Struct, forbid_unknown_fields=True):
    period: Period
    #: Steps recorded in the period, by stage (`declared`, `wiped`, `wipe_failed`, `redistributed`…).
    stages: dict[str, int]
    stock: Stock
    redistributed_by_category: dict[str, int]
    redistributed_by_beneficiary_category: dict[str, int]
    #: Refurbishments in the period by grade (A, B, C), as corrected by correcting events.
    refurbished_by_grade: dict[str, int]
    #: Redistributed ÷ (redistributed + recycled) in the period; null when neither happened.
    reuse_rate: float | None
    wipe_failure_rate: float | None
    impact: Impact
