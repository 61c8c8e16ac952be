"""Postcode and département rules of ordi.domain.geography."""

from __future__ import annotations

import pytest

from ordi.domain.geography import (
    COM_REGION_CODE,
    DEPARTEMENTS,
    REGIONS,
    Location,
    UnknownDepartement,
    UnknownPostcode,
    departement,
    locate,
    normalise_departement,
    region_name,
)

# One real postcode per région, with the département it must give.
ONE_POSTCODE_PER_REGION = [
    ("97110", "971", "01"),  # Pointe-à-Pitre
    ("97200", "972", "02"),  # Fort-de-France
    ("97300", "973", "03"),  # Cayenne
    ("97400", "974", "04"),  # Saint-Denis
    ("97600", "976", "06"),  # Mamoudzou
    ("75011", "75", "11"),  # Paris
    ("45000", "45", "24"),  # Orléans
    ("21000", "21", "27"),  # Dijon
    ("14000", "14", "28"),  # Caen
    ("59000", "59", "32"),  # Lille
    ("67000", "67", "44"),  # Strasbourg
    ("44000", "44", "52"),  # Nantes
    ("35000", "35", "53"),  # Rennes
    ("33000", "33", "75"),  # Bordeaux
    ("31000", "31", "76"),  # Toulouse
    ("69001", "69", "84"),  # Lyon
    ("13001", "13", "93"),  # Marseille
    ("20000", "2A", "94"),  # Ajaccio
]


def test_reference_tables_have_the_101_departements_and_18_regions() -> None:
    assert len(DEPARTEMENTS) == 101
    assert len(REGIONS) == 18
    assert {region for _, region in DEPARTEMENTS.values()} == set(REGIONS)


@pytest.mark.parametrize(("postcode", "departement_code", "region_code"), ONE_POSTCODE_PER_REGION)
def test_locate_gives_departement_and_region(postcode: str, departement_code: str, region_code: str) -> None:
    location = locate(postcode)
    assert (location.departement_code, location.region_code) == (departement_code, region_code)


def test_every_region_is_covered_by_the_examples() -> None:
    assert {region for _, _, region in ONE_POSTCODE_PER_REGION} == set(REGIONS)


def test_locate_returns_official_names() -> None:
    assert locate("76000") == Location("76", "Seine-Maritime", "28", "Normandie")


def test_locate_strips_surrounding_spaces() -> None:
    assert locate(" 14000 ").departement_code == "14"


@pytest.mark.parametrize(
    ("postcode", "expected"),
    [
        ("20000", "2A"),
        ("20167", "2A"),
        ("20199", "2A"),
        ("20200", "2B"),
        ("20600", "2B"),
        ("20250", "2B"),  # Corte
    ],
)
def test_corsica_split_at_20200(postcode: str, expected: str) -> None:
    location = locate(postcode)
    assert (location.departement_code, location.region_name) == (expected, "Corse")


@pytest.mark.parametrize(
    ("postcode", "code", "name"),
    [
        ("97500", "975", "Saint-Pierre-et-Miquelon"),
        ("97133", "977", "Saint-Barthélemy"),
        ("97150", "978", "Saint-Martin"),
        ("98600", "986", "Wallis-et-Futuna"),
        ("98714", "987", "Polynésie française"),
        ("98800", "988", "Nouvelle-Calédonie"),
    ],
)
def test_overseas_collectivities_are_located_outside_regions(postcode: str, code: str, name: str) -> None:
    assert locate(postcode) == Location(code, name, COM_REGION_CODE, "Collectivités d'outre-mer")


def test_guadeloupe_postcode_next_to_saint_barthelemy_stays_in_guadeloupe() -> None:
    assert locate("97134").departement_code == "971"


@pytest.mark.parametrize(
    "postcode",
    ["1400", "140000", "14 000", "14O00", "abcde", "", "00000", "00100", "96000", "99000", "97000", "97700"],
)
def test_locate_rejects_what_is_no_french_postcode(postcode: str) -> None:
    with pytest.raises(UnknownPostcode):
        locate(postcode)


def test_monaco_is_rejected_with_a_french_message() -> None:
    with pytest.raises(UnknownPostcode, match="Monaco"):
        locate("98000")


def test_unknown_postcode_is_a_value_error() -> None:
    assert issubclass(UnknownPostcode, ValueError)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("2a", "2A"), ("2B", "2B"), ("1", "01"), ("01", "01"), (" 971 ", "971"), ("95", "95")],
)
def test_normalise_departement(typed: str, expected: str) -> None:
    assert normalise_departement(typed) == expected


@pytest.mark.parametrize("typed", ["20", "96", "00", "975", "2C", "", "abc", "100"])
def test_normalise_departement_rejects_unknown_codes(typed: str) -> None:
    with pytest.raises(UnknownDepartement, match=r"département|Corse"):
        normalise_departement(typed)


def test_departement_gives_name_and_region() -> None:
    assert departement("2b") == ("Haute-Corse", "94")


def test_region_name() -> None:
    assert (region_name("28"), region_name("94"), region_name("1")) == ("Normandie", "Corse", "Guadeloupe")


def test_region_name_rejects_unknown_code() -> None:
    with pytest.raises(ValueError, match="région"):
        region_name("05")
