"""Device specs and request minimums (`ordi.domain.specs`): ranges, kinds, cells, and the matching rule."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from ordi import i18n
from ordi.domain import specs
from ordi.domain.errors import InvalidRecord
from ordi.domain.specs import MinSpecs, Specs

YEAR = 2026


def test_a_full_declaration_is_read_into_specs() -> None:
    given = {
        "cpu": "  Intel   Core i5-8250U ",
        "ram_gb": 8,
        "storage_gb": 256,
        "storage_kind": "ssd",
        "screen_inches": 14,
        "year": 2019,
        "os_licence": "windows",
    }
    found = specs.validate(given, YEAR)
    assert found == Specs("Intel Core i5-8250U", 8.0, 256, "ssd", 14.0, 2019, "windows")
    assert specs.validate({}, YEAR).empty


@pytest.mark.parametrize(
    ("given", "key", "field"),
    [
        ({"ram_gb": 0}, "spec_ram_gb", "ram_gb"),
        ({"ram_gb": 8192}, "spec_ram_gb", "ram_gb"),
        ({"ram_gb": "8"}, "spec_ram_gb", "ram_gb"),
        ({"ram_gb": True}, "spec_ram_gb", "ram_gb"),
        ({"storage_gb": 0}, "spec_storage_gb", "storage_gb"),
        ({"storage_gb": 12.5}, "spec_storage_gb", "storage_gb"),
        ({"screen_inches": 1}, "spec_screen_inches", "screen_inches"),
        ({"screen_inches": 150}, "spec_screen_inches", "screen_inches"),
        ({"year": 1979}, "spec_year", "year"),
        ({"year": YEAR + 2}, "spec_year", "year"),
        ({"storage_kind": "floppy"}, "spec_storage_kind", "storage_kind"),
        ({"os_licence": "beos"}, "spec_os_licence", "os_licence"),
        ({"cpu": "x" * 201}, "spec_cpu_too_long", "cpu"),
        ({"cpu": 5}, "spec_text", "cpu"),
        ({"gpu": "RTX"}, "spec_unknown", "gpu"),
        ({"storage_kind": "none", "storage_gb": 128}, "spec_storage_none", "storage_gb"),
    ],
)
def test_a_bad_spec_names_its_field(given: dict[str, Any], key: str, field: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        specs.validate(given, YEAR)
    assert caught.value.key == key and caught.value.params["field"] == field
    assert i18n.message(key, **caught.value.params) != key  # a French message for it


def test_next_years_model_is_accepted_not_the_year_after() -> None:
    assert specs.validate({"year": YEAR + 1}, YEAR).year == YEAR + 1
    assert [p.key for p in specs.problems({"year": YEAR + 2}, YEAR)] == ["spec_year"]


def test_problems_lists_every_fault_at_once() -> None:
    found = specs.problems({"ram_gb": -1, "storage_kind": "tape", "year": 3000}, YEAR)
    assert [p.field for p in found] == ["ram_gb", "storage_kind", "year"]


def test_a_workshop_correction_replaces_only_what_it_gives() -> None:
    declared = Specs(cpu="i5", ram_gb=4, storage_gb=500, storage_kind="hdd")
    corrected = declared.merged(Specs(ram_gb=8, storage_kind="ssd", storage_gb=256))
    assert corrected == Specs(cpu="i5", ram_gb=8, storage_gb=256, storage_kind="ssd")
    assert declared.merged(Specs()) == declared


@pytest.mark.parametrize(
    ("name", "cell", "value"),
    [
        ("ram_gb", "8", 8),
        ("ram_gb", "8 Go", 8),
        ("ram_gb", "8Go", 8),
        ("ram_gb", "16 GB", 16),
        ("ram_gb", "512 Mo", 0.5),
        ("ram_gb", "4,5", 4.5),
        ("storage_gb", "256", 256),
        ("storage_gb", "1 To", 1000),
        ("storage_gb", "500 Go", 500),
        ("screen_inches", '15,6"', 15.6),
        ("screen_inches", "14 pouces", 14),
        ("year", "2019", 2019),
        ("storage_kind", "SSD", "ssd"),
        ("storage_kind", "Disque dur", "hdd"),
        ("storage_kind", "NVMe", "nvme"),
        ("storage_kind", "aucun", "none"),
        ("storage_kind", "oui", "ssd"),  # a column headed « SSD »
        ("storage_kind", "non", "hdd"),
        ("os_licence", "Windows 10 Pro", "windows"),
        ("os_licence", "win11", "windows"),
        ("os_licence", "Ubuntu 22.04", "linux"),
        ("os_licence", "macOS", "macos"),
        ("os_licence", "Aucune", "none"),
        ("cpu", " Intel Core i5 ", "Intel Core i5"),
        ("ram_gb", "  ", None),
    ],
)
def test_cells_as_people_type_them(name: str, cell: str, value: Any) -> None:
    assert specs.read_cell(name, cell) == value


@pytest.mark.parametrize(
    ("name", "cell", "key"),
    [
        ("ram_gb", "beaucoup", "cell_number"),
        ("ram_gb", "8 To de RAM", "cell_number"),
        ("storage_gb", "256 pouces", "cell_number"),
        ("year", "deux mille", "cell_number"),
        ("storage_kind", "disquette", "spec_storage_kind"),
        ("os_licence", "BeOS", "spec_os_licence"),
    ],
)
def test_a_cell_that_says_nothing_usable_is_refused(name: str, cell: str, key: str) -> None:
    with pytest.raises(specs.CellError) as caught:
        specs.read_cell(name, cell)
    assert caught.value.key == key and caught.value.params["value"] == cell


def test_a_cell_read_is_then_checked_like_any_value() -> None:
    value = specs.read_cell("ram_gb", "9999")
    assert [p.key for p in specs.problems({"ram_gb": value}, YEAR)] == ["spec_ram_gb"]


def test_a_minimum_is_checked_and_kept_as_stated() -> None:
    minimum = specs.validate_minimum({"ram_gb": 8, "storage_kind": ["ssd", "nvme", "ssd"], "year": None}, YEAR)
    assert minimum == MinSpecs(ram_gb=8.0, storage_kind=("ssd", "nvme"))
    assert minimum.as_dict() == {"ram_gb": 8.0, "storage_kind": ["ssd", "nvme"]}
    assert specs.minimum_from_dict(minimum.as_dict()) == minimum
    assert specs.minimum_from_dict(None) is None and specs.minimum_from_dict({}) is None


@pytest.mark.parametrize(
    ("given", "key"),
    [
        ({"ram_gb": 0}, "spec_ram_gb"),
        ({"storage_kind": []}, "min_specs_list"),
        ({"storage_kind": "ssd"}, "min_specs_list"),
        ({"storage_kind": ["tape"]}, "spec_storage_kind"),
        ({"os_licence": ["beos"]}, "spec_os_licence"),
        ({"cpu": "i7"}, "spec_unknown"),  # a text is no minimum
    ],
)
def test_a_bad_minimum_is_refused(given: dict[str, Any], key: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        specs.validate_minimum(given, YEAR)
    assert caught.value.key == key


LAPTOP = Specs(
    cpu="i5", ram_gb=8, storage_gb=256, storage_kind="ssd", screen_inches=14, year=2019, os_licence="windows"
)


@pytest.mark.parametrize(
    ("minimum", "met"),
    [
        (None, True),
        (MinSpecs(), True),
        (MinSpecs(ram_gb=8), True),
        (MinSpecs(ram_gb=8.5), False),
        (MinSpecs(storage_gb=256, storage_kind=("ssd", "nvme")), True),
        (MinSpecs(storage_kind=("nvme",)), False),
        (MinSpecs(screen_inches=15), False),
        (MinSpecs(year=2019, os_licence=("windows", "linux")), True),
        (MinSpecs(year=2020), False),
        (MinSpecs(os_licence=("linux",)), False),
    ],
)
def test_a_device_meets_a_minimum_when_every_stated_spec_does(minimum: MinSpecs | None, met: bool) -> None:
    assert specs.meets(LAPTOP, minimum) is met


def test_a_spec_nobody_stated_does_not_meet_a_minimum() -> None:
    unknown = Specs(cpu="i5")
    assert not specs.meets(unknown, MinSpecs(ram_gb=1))
    assert not specs.meets(unknown, MinSpecs(storage_kind=("ssd",)))
    assert specs.meets(unknown, MinSpecs())


def test_every_kind_and_licence_has_a_french_and_an_english_name() -> None:
    for table, name, codes in (
        (i18n.STORAGE_KIND_NAMES, i18n.storage_kind_name, specs.STORAGE_KINDS),
        (i18n.OS_LICENCE_NAMES, i18n.os_licence_name, specs.OS_LICENCES),
    ):
        assert set(table) == set(codes)
        french = [name(code, "fr") for code in codes]
        assert len(set(french)) == len(french) and all(f.strip() for f in french)
        assert all(name(code, "en").strip() for code in codes)
    assert specs.STORAGE_KINDS == get_args(specs.StorageKind)
    assert specs.OS_LICENCES == get_args(specs.OsLicence)
