"""Asset tag format and error detection of ordi.domain.asset_tags."""

from __future__ import annotations

import random
import re
import string

import pytest

from ordi.domain.asset_tags import (
    ALPHABET,
    DATA_LENGTH,
    TAG_LENGTH,
    TAG_PATTERN,
    check_character,
    is_valid,
    new_tag,
    normalise,
)

SAMPLE_TAGS = [new_tag(random.Random(seed)) for seed in range(20)]
QR_LETTERS_AND_DIGITS = string.digits + string.ascii_uppercase


def _gf32_product(a: int, b: int) -> int:
    """Carry-less product modulo x**5 + x**2 + 1, written independently of the module under test."""
    product = 0
    for bit in range(5):
        if b >> bit & 1:
            product ^= a << bit
    for bit in (8, 7, 6, 5):
        if product >> bit & 1:
            product ^= 0b100101 << (bit - 5)
    return product


def _weighted_sum(tag: str) -> int:
    """Sum of x**(9 - i) * value_i in GF(32): the documented definition of a valid tag (sum 0)."""
    total = 0
    for position, char in enumerate(tag):
        weight = 1
        for _ in range(TAG_LENGTH - 1 - position):
            weight = _gf32_product(weight, 2)
        total ^= _gf32_product(weight, ALPHABET.index(char))
    return total


def _step(state: int, value: int) -> int:
    return _gf32_product(state, 2) ^ value


def test_alphabet_is_crockford_base32() -> None:
    assert ALPHABET == "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    assert not set("ILOU") & set(ALPHABET)


def test_new_tag_has_the_documented_shape() -> None:
    tag = new_tag()
    assert len(tag) == TAG_LENGTH == 10
    assert re.fullmatch(TAG_PATTERN, tag)
    assert set(tag) <= set(ALPHABET)


def test_tags_fit_the_labels_and_qr_alphanumeric_mode() -> None:
    assert TAG_LENGTH <= 12
    assert all(set(tag) <= set(QR_LETTERS_AND_DIGITS) for tag in SAMPLE_TAGS)


def test_new_tag_satisfies_the_documented_weighted_sum() -> None:
    assert all(_weighted_sum(tag) == 0 for tag in SAMPLE_TAGS)


def test_new_tag_is_valid() -> None:
    assert all(is_valid(tag) for tag in SAMPLE_TAGS)


def test_check_character_is_the_last_character() -> None:
    tag = SAMPLE_TAGS[0]
    assert check_character(tag[:DATA_LENGTH]) == tag[-1]


def test_new_tag_is_reproducible_with_a_seeded_rng() -> None:
    assert new_tag(random.Random(42)) == new_tag(random.Random(42))


def test_new_tag_without_rng_is_random() -> None:
    assert len({new_tag() for _ in range(50)}) == 50


@pytest.mark.parametrize("tag", SAMPLE_TAGS)
def test_every_single_substitution_is_detected(tag: str) -> None:
    for position in range(TAG_LENGTH):
        for char in QR_LETTERS_AND_DIGITS:
            if char != tag[position]:
                assert not is_valid(tag[:position] + char + tag[position + 1 :])


@pytest.mark.parametrize("tag", SAMPLE_TAGS)
def test_every_adjacent_transposition_is_detected(tag: str) -> None:
    for position in range(TAG_LENGTH - 1):
        a, b = tag[position], tag[position + 1]
        if a != b:
            assert not is_valid(tag[:position] + b + a + tag[position + 2 :])


def test_adjacent_transpositions_are_detected_for_every_tag() -> None:
    """Proof over the whole state space, so it holds for all tags, not only the sampled ones.

    Validation is a chain state -> x·state + value ending in 0. Whatever the state before a pair of
    different characters, swapping them gives a different state after the pair; since each step is a
    bijection of the state for a fixed character, the rest of the tag (check character included)
    cannot bring both orders back to 0.
    """
    for state in range(32):
        for a in range(32):
            for b in range(a + 1, 32):
                assert _step(_step(state, a), b) != _step(_step(state, b), a)


def test_each_step_is_a_bijection_so_single_substitutions_cannot_cancel() -> None:
    for value in range(32):
        assert len({_step(state, value) for state in range(32)}) == 32
    for state in range(32):
        assert len({_step(state, value) for value in range(32)}) == 32


def test_lower_case_is_accepted() -> None:
    tag = SAMPLE_TAGS[0]
    assert is_valid(tag.lower())
    assert normalise(tag.lower()) == tag


def test_normalise_removes_spaces_and_dashes() -> None:
    tag = SAMPLE_TAGS[1]
    assert normalise(f"  {tag[:3]}-{tag[3:6]} {tag[6:].lower()} ") == tag


def test_normalise_reads_look_alike_letters_as_digits() -> None:
    tag = "0" * DATA_LENGTH
    tag += check_character(tag)
    assert normalise("o" + tag[1:]) == tag
    data = "1" * DATA_LENGTH
    assert normalise("I" + "l" + data[2:] + check_character(data)) == data + check_character(data)


def test_normalise_returns_none_for_a_typo() -> None:
    tag = SAMPLE_TAGS[2]
    typo = tag[:4] + ("0" if tag[4] != "0" else "1") + tag[5:]
    assert normalise(typo) is None


def test_normalise_returns_none_for_unrelated_text() -> None:
    assert normalise("https://example.org/") is None


@pytest.mark.parametrize("length", [0, 1, 9, 11, 12])
def test_invalid_lengths_are_rejected(length: int) -> None:
    assert not is_valid("0" * length)


def test_a_tag_with_a_character_added_or_removed_is_rejected() -> None:
    tag = SAMPLE_TAGS[3]
    assert not is_valid(tag + tag[-1])
    assert not is_valid(tag[:-1])


@pytest.mark.parametrize("char", "ILOU")
def test_is_valid_refuses_letters_outside_the_alphabet(char: str) -> None:
    # is_valid is strict: only normalise reads look-alikes.
    assert not is_valid(char + SAMPLE_TAGS[4][1:])


@pytest.mark.parametrize("bad", ["ABC*DEFGH", "ÉTIQUETTE", "ABC DEF", "UUUUUUUUU"])
def test_check_character_rejects_characters_outside_the_alphabet(bad: str) -> None:
    with pytest.raises(ValueError, match="interdit"):
        check_character(bad)


def test_is_valid_rejects_symbols() -> None:
    assert not is_valid("ABCDEFGH*1")


def test_tag_pattern_is_anchored() -> None:
    assert re.fullmatch(TAG_PATTERN, SAMPLE_TAGS[0])
    assert not re.match(TAG_PATTERN, SAMPLE_TAGS[0] + "X")
    assert not re.match(TAG_PATTERN, "O" + SAMPLE_TAGS[0][1:])
