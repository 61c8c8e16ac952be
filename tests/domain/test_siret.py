"""SIRET validation rules of ordi.domain.siret.

Valid numbers here are checked by computation in the tests themselves (see ``_luhn_total``), not
taken on trust.
"""

from __future__ import annotations

import pytest

from ordi.domain.siret import InvalidSiret, is_valid_siret, normalise_siret, siren

# Example SIRET used in public documentation of the SIRET format; Luhn-valid (see the first test).
DOC_EXAMPLE = "73282932000074"
LA_POSTE_HEAD_OFFICE = "35600000000048"
# A La Poste establishment number built for the test: digit sum 30 (multiple of 5), NOT Luhn-valid.
LA_POSTE_ESTABLISHMENT = "35600000012346"


def _luhn_total(digits: str) -> int:
    doubled = [int(d) * (2 if i % 2 else 1) for i, d in enumerate(reversed(digits))]
    return sum(d - 9 if d > 9 else d for d in doubled)


def test_fixtures_are_what_they_claim() -> None:
    assert _luhn_total(DOC_EXAMPLE) % 10 == 0
    assert _luhn_total(LA_POSTE_HEAD_OFFICE) % 10 == 0
    assert sum(map(int, LA_POSTE_ESTABLISHMENT)) % 5 == 0
    assert _luhn_total(LA_POSTE_ESTABLISHMENT) % 10 != 0


def test_luhn_valid_siret_is_accepted() -> None:
    assert is_valid_siret(DOC_EXAMPLE)


def test_spaces_are_accepted_and_removed() -> None:
    assert normalise_siret("732 829 320 00074") == DOC_EXAMPLE


def test_french_no_break_spaces_are_accepted() -> None:
    assert normalise_siret("732\u202f829\u202f320\u00a000074") == DOC_EXAMPLE


@pytest.mark.parametrize("position", range(14))
def test_every_single_digit_typo_is_rejected(position: int) -> None:
    for digit in "0123456789":
        if digit == DOC_EXAMPLE[position]:
            continue
        typo = DOC_EXAMPLE[:position] + digit + DOC_EXAMPLE[position + 1 :]
        assert not is_valid_siret(typo), typo


def test_la_poste_establishment_uses_the_multiple_of_five_rule() -> None:
    assert is_valid_siret(LA_POSTE_ESTABLISHMENT)


def test_la_poste_head_office_is_accepted() -> None:
    assert is_valid_siret(LA_POSTE_HEAD_OFFICE)


def test_la_poste_establishment_with_bad_digit_sum_is_rejected() -> None:
    # Luhn-valid but digit sum 31: La Poste numbers other than the head office follow the sum rule only.
    candidate = next(
        number
        for nic in range(1, 100000)
        if (number := f"356000000{nic:05d}") != LA_POSTE_HEAD_OFFICE
        and _luhn_total(number) % 10 == 0
        and sum(map(int, number)) % 5 != 0
    )
    assert sum(map(int, candidate)) % 5 != 0
    assert not is_valid_siret(candidate)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("7328293200007", "14 chiffres"),
        ("732829320000740", "14 chiffres"),
        ("7328293200007A", "chiffres"),
        ("73282932000075", "clé"),
        ("", "14 chiffres"),
    ],
)
def test_invalid_siret_raises_with_a_french_reason(value: str, reason: str) -> None:
    with pytest.raises(InvalidSiret, match=reason):
        normalise_siret(value)


def test_non_ascii_digits_are_rejected() -> None:
    assert not is_valid_siret("٧٣٢٨٢٩٣٢٠٠٠٠٧٤")


def test_siren_is_the_first_nine_digits() -> None:
    assert siren("732 829 320 00074") == "732829320"


def test_siren_of_an_invalid_siret_raises() -> None:
    with pytest.raises(InvalidSiret):
        siren("73282932000075")
