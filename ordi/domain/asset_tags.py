"""Asset tags printed under the QR labels (brief §4).

A tag is 10 characters from Crockford's base32 alphabet (digits and upper-case letters without I, L,
O and U, which are misread or mistyped as 1, 1, 0 and V): 9 random data characters, then 1 check
character.

Why this design:

* upper-case letters and digits only keep the QR code in alphanumeric mode (smaller, easier to scan);
* 32**9 (about 3.5e13) tags make random collisions negligible at 500,000 devices a year, and random
  tags reveal nothing about donors or volumes;
* the check character catches every single mistyped character and every swap of two adjacent
  characters, check character included (proved exhaustively in the tests). It is a weighted sum in
  the finite field GF(32): reading the characters as field elements v1..v10, a tag is valid when
  x**9·v1 + x**8·v2 + ... + x·v9 + v10 = 0 (arithmetic modulo the irreducible polynomial
  x**5 + x**2 + 1). The weights are non-zero, so a substitution changes the sum, and two weights are
  never equal (x has order 31), so swapping two different characters, adjacent or not, changes it too.
  Computed left to right it is Damm's algorithm with the quasigroup s*v = x·s + v.
* ISO/IEC 7064 MOD 37,36 was considered and rejected: over the 36 characters 0-9A-Z it misses 1 in
  630 adjacent swaps, and its check character can be I, L, O or U;
* people can type a tag in lower case, with spaces or dashes, or with O for 0 and I or L for 1:
  :func:`normalise` recovers it.
"""

from __future__ import annotations

import random
import secrets

__all__ = [
    "ALPHABET",
    "DATA_LENGTH",
    "TAG_LENGTH",
    "TAG_PATTERN",
    "check_character",
    "is_valid",
    "new_tag",
    "normalise",
]

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
DATA_LENGTH = 9
TAG_LENGTH = DATA_LENGTH + 1
TAG_PATTERN = r"^[0-9A-HJKMNP-TV-Z]{10}$"

_VALUES = {char: value for value, char in enumerate(ALPHABET)}
_REDUCTION = 0b100101  # x**5 + x**2 + 1, irreducible over GF(2): defines GF(32).
# Typing aids of Crockford's base32: I and L read as 1, O as 0; spaces and dashes dropped.
_TYPED = str.maketrans("ILO", "110", " -\t")


def new_tag(rng: random.Random | None = None) -> str:
    """A new random tag; pass a seeded ``rng`` for reproducible tests and demo data only."""
    if rng is None:
        data = "".join(secrets.choice(ALPHABET) for _ in range(DATA_LENGTH))
    else:
        data = "".join(rng.choice(ALPHABET) for _ in range(DATA_LENGTH))
    return data + check_character(data)


def new_tags(count: int) -> list[str]:
    """`count` distinct new tags (one batch of a donation)."""
    tags: set[str] = set()
    while len(tags) < count:
        tags.add(new_tag())
    return list(tags)


def check_character(data: str) -> str:
    """The check character to append to ``data`` (Crockford base32 characters, any case)."""
    # Appending c makes the state x·s + c, which is zero exactly when c = x·s.
    return ALPHABET[_times_x(_run(data.upper()))]


def is_valid(tag: str) -> bool:
    """True for a well-formed tag with a matching check character; lower case is accepted."""
    code = tag.upper()
    if len(code) != TAG_LENGTH:
        return False
    try:
        return _run(code) == 0
    except ValueError:
        return False


def normalise(code: str) -> str | None:
    """The canonical tag for what someone typed or scanned, else None.

    Case, spaces and dashes are ignored and the look-alikes I, L and O are read as 1, 1 and 0 (they
    never occur in a tag). A look-alike typed in place of another character remains a single
    substitution, which the check character catches.
    """
    candidate = code.strip().upper().translate(_TYPED)
    return candidate if is_valid(candidate) else None


def _run(text: str) -> int:
    """Horner evaluation of the weighted sum: state = x·state + value, in GF(32)."""
    state = 0
    for char in text:
        try:
            value = _VALUES[char]
        except KeyError:
            raise ValueError(f"Caractère « {char} » interdit dans un numéro d'inventaire.") from None
        state = _times_x(state) ^ value
    return state


def _times_x(value: int) -> int:
    """Multiply a GF(32) element by x: shift, then reduce by the field polynomial on overflow."""
    value <<= 1
    return value ^ _REDUCTION if value & 0b100000 else value
