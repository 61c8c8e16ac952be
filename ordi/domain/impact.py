"""Impact figures for the steering committee (brief §5): e-waste and CO2e avoided, insertion hours.

Every factor is configurable and carries its source, because the committee must be able to say where
each number comes from, and figures must be reproducible from the event log: the computation is a
pure function of the counts of redistributed devices, the labour minutes and the factors.

Model, per redistributed device of a category:

* e-waste avoided (kg) = the device's typical mass: reusing it keeps it out of the WEEE stream for
  another life;
* CO2e avoided (kg) = the greenhouse-gas emissions avoided by using a reused device instead of buying
  a new one, as published by ADEME for refurbished equipment.

Honesty about the defaults: only the laptop and smartphone CO2e figures come straight from a
published source. Every other default says "Estimation" in its source note, with how it was
derived; the committee should confirm or replace them (file named by ``ORDI_IMPACT_FACTORS``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

__all__ = [
    "CATEGORIES",
    "DEFAULT_FACTORS",
    "FALLBACK_CATEGORY",
    "CategoryImpact",
    "FactorSource",
    "ImpactFactor",
    "ImpactFactorsError",
    "ImpactTotals",
    "impact_of",
    "labour_hours",
    "load_factors",
]

CATEGORIES: tuple[str, ...] = ("laptop", "desktop", "tablet", "smartphone", "monitor", "printer", "other")
FALLBACK_CATEGORY = "other"


class ImpactFactorsError(ValueError):
    """An impact-factor override file is unreadable or invalid (French message for the operator)."""


@dataclass(frozen=True, slots=True)
class FactorSource:
    """Where a factor comes from, printed next to the figure in the yearly report."""

    title: str
    publisher: str = ""
    year: int | None = None
    url: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class ImpactFactor:
    """Per-device factors of one category, each with its source."""

    WEIGHT_UNIT: ClassVar[str] = "kg par appareil"
    CO2E_UNIT: ClassVar[str] = "kg CO2e évités par appareil"

    category: str
    weight_kg: float
    co2e_kg_avoided: float
    source_weight: FactorSource
    source_co2e: FactorSource


@dataclass(frozen=True, slots=True)
class CategoryImpact:
    """Impact of the devices of one category."""

    devices: int
    kg_ewaste_avoided: float
    kg_co2e_avoided: float


@dataclass(frozen=True, slots=True)
class ImpactTotals:
    """The committee's impact figures for a period."""

    devices: int
    kg_ewaste_avoided: float
    kg_co2e_avoided: float
    labour_hours: float
    per_category: dict[str, CategoryImpact] = field(default_factory=dict)


# --- default factors -------------------------------------------------------------------------------

_ADEME_REFURBISHED = FactorSource(
    title="Évaluation de l'impact environnemental d'un ensemble de produits reconditionnés",
    publisher="ADEME",
    year=2022,
    url=(
        "https://librairie.ademe.fr/dechets-economie-circulaire/"
        "5241-evaluation-de-l-impact-environnemental-d-un-ensemble-de-produits-reconditionnes.html"
    ),
)
_DINUM_AVOIDED = (
    "Valeur reprise du guide de bonnes pratiques « Évaluer les impacts environnementaux évités » "
    "(DINUM, Mission interministérielle numérique responsable, 2023 : {tonnes} t CO2e évitées pour "
    "1 000 {what} reconditionnés achetés au lieu de neufs), qui cite l'étude ADEME 2022 "
    "(https://ecoresponsable.numerique.gouv.fr/publications/bonnes-pratiques/mesure-et-evaluation/"
    "impacts-environnementaux-evites/)."
)
_IMPACT_CO2 = "https://impactco2.fr/outils/numerique"
_MASS_NOTE = (
    "Estimation : masse typique d'un appareil de cette catégorie, à confirmer par des pesées des "
    "ateliers ou les statistiques DEEE (UNU-KEYS, registre DEEE de l'ADEME)."
)


def _estimate(note: str) -> FactorSource:
    return FactorSource(title="Estimation du programme Ordi 2.0", publisher="Ordi 2.0", note=note)


def _mass(typical: str) -> FactorSource:
    return _estimate(f"{_MASS_NOTE} Hypothèse : {typical}.")


DEFAULT_FACTORS: dict[str, ImpactFactor] = {
    "laptop": ImpactFactor(
        "laptop",
        2.0,
        54.9,
        _mass("ordinateur portable 13 à 15 pouces, 1,5 à 2,5 kg"),
        replace(_ADEME_REFURBISHED, note=_DINUM_AVOIDED.format(tonnes="54,9", what="ordinateurs portables")),
    ),
    "desktop": ImpactFactor(
        "desktop",
        7.5,
        54.9,
        _mass("unité centrale de bureau sans écran, 5 à 10 kg"),
        _estimate(
            "Estimation : même valeur que l'ordinateur portable (54,9 kg CO2e), l'étude ADEME 2022 "
            "donnant la même fourchette de réduction d'impact (43 à 97 %) pour les ordinateurs fixes et "
            "portables ; la valeur propre aux fixes figure dans le rapport complet et reste à reporter ici."
        ),
    ),
    "tablet": ImpactFactor(
        "tablet",
        0.5,
        25.0,
        _mass("tablette 10 pouces, 0,4 à 0,6 kg"),
        _estimate(
            "Estimation : fabrication d'une tablette neuve ≈ 84 kg CO2e (ADEME, Impact CO2, "
            f"{_IMPACT_CO2}/tabletteclassique), multipliée par le rapport évité/fabrication de "
            "l'ordinateur portable (54,9 / 182 ≈ 0,30). L'étude ADEME 2022 donne 46 à 80 % d'impact "
            "annuel évité pour les tablettes."
        ),
    ),
    "smartphone": ImpactFactor(
        "smartphone",
        0.18,
        25.5,
        _mass("smartphone, 0,15 à 0,2 kg"),
        replace(_ADEME_REFURBISHED, note=_DINUM_AVOIDED.format(tonnes="25,5", what="smartphones")),
    ),
    "monitor": ImpactFactor(
        "monitor",
        4.5,
        20.0,
        _mass("écran plat LCD 22 à 24 pouces avec pied, 3,5 à 5,5 kg"),
        _estimate(
            "Estimation : fabrication d'un écran neuf ≈ 66 kg CO2e (ADEME, Impact CO2, "
            f"{_IMPACT_CO2}/ecran), multipliée par le rapport évité/fabrication de l'ordinateur "
            "portable (≈ 0,30). Les écrans ne font pas partie de l'étude ADEME 2022 sur le reconditionné."
        ),
    ),
    "printer": ImpactFactor(
        "printer",
        8.0,
        0.0,
        _mass("imprimante de bureau, jet d'encre 5 kg à laser 15 kg"),
        _estimate(
            "Aucune valeur publiée retenue pour les imprimantes reconditionnées : 0 par prudence, "
            "à renseigner par le comité."
        ),
    ),
    "other": ImpactFactor(
        "other",
        1.0,
        0.0,
        _mass("petit équipement divers (clavier, box, disque externe...)"),
        _estimate("Catégorie hétérogène sans valeur publiée : 0 par prudence."),
    ),
}

# --- computation -----------------------------------------------------------------------------------


def labour_hours(minutes: int) -> float:
    """Insertion labour hours from the refurbishment records' labour minutes (not rounded)."""
    if minutes < 0:
        raise ValueError("Le temps de travail ne peut pas être négatif.")
    return minutes / 60


def impact_of(
    counts_redistributed: dict[str, int],
    factors: dict[str, ImpactFactor] | None = None,
    *,
    labour_minutes: int = 0,
) -> ImpactTotals:
    """Impact of the devices redistributed in a period.

    Categories without a factor are counted as ``other``. Categories are summed in a fixed order so
    the same inputs always give the same floating-point totals.
    """
    table = DEFAULT_FACTORS if factors is None else factors
    if FALLBACK_CATEGORY not in table:
        raise ValueError(f"Les facteurs d'impact doivent définir la catégorie « {FALLBACK_CATEGORY} ».")
    devices_by_category: dict[str, int] = {}
    for category, count in counts_redistributed.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"Nombre d'appareils invalide pour « {category} » : {count!r}.")
        key = category if category in table else FALLBACK_CATEGORY
        devices_by_category[key] = devices_by_category.get(key, 0) + count

    per_category: dict[str, CategoryImpact] = {}
    for key in sorted(devices_by_category):
        count = devices_by_category[key]
        factor = table[key]
        per_category[key] = CategoryImpact(count, count * factor.weight_kg, count * factor.co2e_kg_avoided)
    return ImpactTotals(
        devices=sum(item.devices for item in per_category.values()),
        kg_ewaste_avoided=math.fsum(item.kg_ewaste_avoided for item in per_category.values()),
        kg_co2e_avoided=math.fsum(item.kg_co2e_avoided for item in per_category.values()),
        labour_hours=labour_hours(labour_minutes),
        per_category=per_category,
    )


# --- overrides -------------------------------------------------------------------------------------

_VALUE_SOURCE = {"weight_kg": "source_weight", "co2e_kg_avoided": "source_co2e"}
_SOURCE_FIELDS = {"title", "publisher", "year", "url", "note"}


def load_factors(path: str | None) -> dict[str, ImpactFactor]:
    """Default factors, overridden by a JSON file (the ``ORDI_IMPACT_FACTORS`` setting) if given.

    The file maps categories to the fields they change, for example::

        {"laptop": {"co2e_kg_avoided": 60.0,
                    "source_co2e": {"title": "...", "publisher": "...", "year": 2024, "url": "..."}}}

    Categories and fields not mentioned keep their defaults. A changed value must come with its
    source, so that no figure is ever printed with the source of another one.
    """
    factors = dict(DEFAULT_FACTORS)
    if path is None:
        return factors
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except OSError as exc:
        raise ImpactFactorsError(f"Fichier de facteurs d'impact illisible « {path} » : {exc.strerror}.") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ImpactFactorsError(f"Fichier de facteurs d'impact « {path} » : JSON invalide ({exc}).") from exc
    if not isinstance(document, dict):
        raise ImpactFactorsError(f"Fichier de facteurs d'impact « {path} » : un objet JSON est attendu.")
    for category, override in document.items():
        factors[category] = _apply_override(factors, category, override)
    return factors


def _apply_override(factors: dict[str, ImpactFactor], category: str, override: Any) -> ImpactFactor:
    where = f"facteurs d'impact, catégorie « {category} »"
    if category not in factors:
        known = ", ".join(CATEGORIES)
        raise ImpactFactorsError(f"Catégorie inconnue « {category} » (catégories connues : {known}).")
    if not isinstance(override, dict):
        raise ImpactFactorsError(f"{where} : un objet JSON est attendu.")
    allowed = set(_VALUE_SOURCE) | set(_VALUE_SOURCE.values())
    unknown = sorted(set(override) - allowed)
    if unknown:
        raise ImpactFactorsError(f"{where} : champ(s) inconnu(s) {', '.join(unknown)}.")
    changes: dict[str, Any] = {}
    for value_field, source_field in _VALUE_SOURCE.items():
        if value_field in override:
            changes[value_field] = _number(override[value_field], f"{where}, {value_field}")
            if source_field not in override:
                raise ImpactFactorsError(f"{where} : {value_field} modifié sans {source_field} (source exigée).")
        if source_field in override:
            changes[source_field] = _source(override[source_field], f"{where}, {source_field}")
    return replace(factors[category], **changes)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ImpactFactorsError(f"{where} : un nombre est attendu, pas {value!r}.")
    if not math.isfinite(value) or value < 0:
        raise ImpactFactorsError(f"{where} : un nombre positif ou nul est attendu, pas {value!r}.")
    return float(value)


def _source(value: Any, where: str) -> FactorSource:
    if isinstance(value, str):
        value = {"title": value}
    if not isinstance(value, dict):
        raise ImpactFactorsError(f"{where} : un texte ou un objet {{title, publisher, year, url, note}} est attendu.")
    unknown = sorted(set(value) - _SOURCE_FIELDS)
    if unknown:
        raise ImpactFactorsError(f"{where} : champ(s) inconnu(s) {', '.join(unknown)}.")
    title = value.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ImpactFactorsError(f"{where} : le titre (title) de la source est obligatoire.")
    year = value.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise ImpactFactorsError(f"{where} : l'année (year) doit être un entier.")
    texts = {}
    for name in ("publisher", "url", "note"):
        text = value.get(name, "")
        if not isinstance(text, str):
            raise ImpactFactorsError(f"{where} : {name} doit être un texte.")
        texts[name] = text
    return FactorSource(title=title.strip(), year=year, **texts)
