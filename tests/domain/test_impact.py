"""Impact computation and factor overrides of ordi.domain.impact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ordi.domain.impact import (
    CATEGORIES,
    DEFAULT_FACTORS,
    FactorSource,
    ImpactFactor,
    ImpactFactorsError,
    impact_of,
    labour_hours,
    load_factors,
)

SOURCE = FactorSource(title="Test", publisher="Comité", year=2025, url="https://example.org/")


def _factor(category: str, weight: float, co2e: float) -> ImpactFactor:
    return ImpactFactor(category, weight, co2e, SOURCE, SOURCE)


FACTORS = {
    "laptop": _factor("laptop", 2.0, 50.0),
    "smartphone": _factor("smartphone", 0.2, 25.0),
    "other": _factor("other", 1.0, 0.0),
}


def _write(tmp_path: Path, content: object) -> str:
    path = tmp_path / "facteurs.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    return str(path)


def test_defaults_cover_every_category_with_sources() -> None:
    assert set(DEFAULT_FACTORS) == set(CATEGORIES)
    for category, factor in DEFAULT_FACTORS.items():
        assert factor.category == category
        assert factor.source_weight.title and factor.source_co2e.title


def test_defaults_not_taken_from_a_publication_say_estimation() -> None:
    published = {"laptop", "smartphone"}
    for category, factor in DEFAULT_FACTORS.items():
        assert "Estimation" in factor.source_weight.note
        if category not in published:
            assert "Estimation" in factor.source_co2e.note or "0 par prudence" in factor.source_co2e.note
        else:
            assert factor.source_co2e.publisher == "ADEME" and factor.source_co2e.year == 2022


def test_totals_are_sums_of_count_times_factor() -> None:
    totals = impact_of({"laptop": 3, "smartphone": 10}, FACTORS)
    assert totals.devices == 13
    assert totals.kg_ewaste_avoided == pytest.approx(3 * 2.0 + 10 * 0.2)
    assert totals.kg_co2e_avoided == pytest.approx(3 * 50.0 + 10 * 25.0)


def test_per_category_breakdown() -> None:
    totals = impact_of({"laptop": 3}, FACTORS)
    assert totals.per_category["laptop"].kg_co2e_avoided == pytest.approx(150.0)
    assert totals.per_category["laptop"].devices == 3


def test_unknown_category_falls_back_to_other() -> None:
    totals = impact_of({"fax": 2, "other": 1}, FACTORS)
    assert set(totals.per_category) == {"other"}
    assert totals.per_category["other"].devices == 3
    assert totals.kg_ewaste_avoided == pytest.approx(3.0)


def test_default_factors_are_used_when_none_given() -> None:
    laptop = DEFAULT_FACTORS["laptop"]
    assert impact_of({"laptop": 2}).kg_co2e_avoided == pytest.approx(2 * laptop.co2e_kg_avoided)


def test_no_devices_gives_zero() -> None:
    totals = impact_of({}, FACTORS)
    assert (totals.devices, totals.kg_ewaste_avoided, totals.kg_co2e_avoided) == (0, 0.0, 0.0)


def test_same_inputs_in_another_order_give_identical_totals() -> None:
    counts = {"laptop": 7, "smartphone": 13, "tablet": 3}
    reordered = dict(reversed(list(counts.items())))
    assert impact_of(counts) == impact_of(reordered)


@pytest.mark.parametrize("count", [-1, 1.5, True])
def test_invalid_counts_are_rejected(count: object) -> None:
    with pytest.raises(ValueError, match="Nombre d'appareils invalide"):
        impact_of({"laptop": count}, FACTORS)  # type: ignore[dict-item]


def test_labour_hours_from_minutes() -> None:
    assert impact_of({}, FACTORS, labour_minutes=90).labour_hours == 1.5
    assert labour_hours(45) == 0.75


def test_negative_labour_minutes_are_rejected() -> None:
    with pytest.raises(ValueError, match="négatif"):
        labour_hours(-1)


def test_no_file_gives_the_defaults() -> None:
    assert load_factors(None) == DEFAULT_FACTORS


def test_override_file_merges_partially(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {
            "laptop": {
                "co2e_kg_avoided": 60,
                "source_co2e": {"title": "Étude X", "year": 2024, "url": "https://x"},
            }
        },
    )
    factors = load_factors(path)
    assert factors["laptop"].co2e_kg_avoided == 60.0
    assert factors["laptop"].source_co2e == FactorSource(title="Étude X", year=2024, url="https://x")
    assert factors["laptop"].weight_kg == DEFAULT_FACTORS["laptop"].weight_kg
    assert factors["laptop"].source_weight == DEFAULT_FACTORS["laptop"].source_weight
    assert factors["desktop"] == DEFAULT_FACTORS["desktop"]


def test_override_source_may_be_a_plain_title(tmp_path: Path) -> None:
    path = _write(tmp_path, {"printer": {"weight_kg": 9.5, "source_weight": "Pesées atelier 2025"}})
    assert load_factors(path)["printer"].source_weight.title == "Pesées atelier 2025"


def test_loading_does_not_change_the_defaults(tmp_path: Path) -> None:
    before = DEFAULT_FACTORS["monitor"]
    load_factors(_write(tmp_path, {"monitor": {"weight_kg": 99, "source_weight": "x"}}))
    assert DEFAULT_FACTORS["monitor"] == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ([1, 2], "objet JSON"),
        ({"labtop": {"weight_kg": 2, "source_weight": "x"}}, "Catégorie inconnue"),
        ({"laptop": 2}, "objet JSON"),
        ({"laptop": {"poids": 2}}, "champ"),
        ({"laptop": {"weight_kg": 2}}, "source exigée"),
        ({"laptop": {"weight_kg": "2", "source_weight": "x"}}, "nombre"),
        ({"laptop": {"weight_kg": -1, "source_weight": "x"}}, "positif"),
        ({"laptop": {"weight_kg": True, "source_weight": "x"}}, "nombre"),
        ({"laptop": {"weight_kg": 2, "source_weight": {"url": "https://x"}}}, "titre"),
        ({"laptop": {"weight_kg": 2, "source_weight": {"title": "x", "year": "2024"}}}, "année"),
        ({"laptop": {"weight_kg": 2, "source_weight": {"title": "x", "auteur": "y"}}}, "champ"),
        ({"laptop": {"weight_kg": 2, "source_weight": 3}}, "texte ou un objet"),
    ],
)
def test_bad_override_is_rejected_with_a_french_message(tmp_path: Path, content: object, message: str) -> None:
    with pytest.raises(ImpactFactorsError, match=message):
        load_factors(_write(tmp_path, content))


def test_invalid_json_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "facteurs.json"
    path.write_text("{pas du json", encoding="utf-8")
    with pytest.raises(ImpactFactorsError, match="JSON invalide"):
        load_factors(str(path))


def test_infinite_value_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "facteurs.json"
    path.write_text('{"laptop": {"weight_kg": Infinity, "source_weight": "x"}}', encoding="utf-8")
    with pytest.raises(ImpactFactorsError, match="positif"):
        load_factors(str(path))


def test_missing_file_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ImpactFactorsError, match="illisible"):
        load_factors(str(tmp_path / "absent.json"))


def test_factors_without_other_are_refused_by_impact_of() -> None:
    with pytest.raises(ValueError, match="other"):
        impact_of({"laptop": 1}, {"laptop": FACTORS["laptop"]})
