"""SIRET numbers (French establishment identifiers) of donors, workshops and associations.

Checking the checksum at entry catches most typos before an organisation is created twice or a
certificate is issued to the wrong legal entity. A SIRET is 14 digits: the 9-digit SIREN of the legal
unit followed by a 5-digit establishment number (NIC). The whole number satisfies the Luhn checksum,
except for La Poste (SIREN 356000000), whose thousands of establishments outgrew the NIC's Luhn
space: there the sum of the 14 digits must be a multiple of 5 instead. La Poste's head office,
356 000 000 00048, is the exception to the exception: it is Luhn-valid and its digit sum (26) is not a
multiple of 5. The La Poste rule is applied strictly (not "Luhn or multiple of 5") so that it keeps
catching as many typos as it can.
"""

from __future__ import annotations

__all__ = ["LA_POSTE_SIREN", "InvalidSiret", "is_valid_siret", "normalise_siret", "siren"]

LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"
SIRET_LENGTH = 14

# Spaces people type or paste: ASCII space, tab, no-break space, narrow no-break space (French typography).
_SPACES = str.maketrans("", "", " \t\u00a0\u202f")


class InvalidSiret(ValueError):
    """The text is not a valid SIRET number."""


def normalise_siret(value: str) -> str:
    """The 14 digits of a SIRET, spaces removed, or :class:`InvalidSiret` with the reason in French."""
    digits = value.translate(_SPACES)
    if not all(char in "0123456789" for char in digits):
        raise InvalidSiret(f"« {value} » n'est pas un SIRET : seuls des chiffres sont attendus.")
    if len(digits) != SIRET_LENGTH:
        raise InvalidSiret(f"« {value} » n'est pas un SIRET : il faut 14 chiffres, il y en a {len(digits)}.")
    if not _checksum_ok(digits):
        raise InvalidSiret(f"« {value} » n'est pas un SIRET valide : la clé de contrôle ne correspond pas.")
    return digits


def is_valid_siret(value: str) -> bool:
    """True when :func:`normalise_siret` accepts the value."""
    try:
        normalise_siret(value)
    except InvalidSiret:
        return False
    return True


def siren(value: str) -> str:
    """The SIREN (legal unit, first 9 digits) of a valid SIRET."""
    return normalise_siret(value)[:9]


def _checksum_ok(digits: str) -> bool:
    if digits.startswith(LA_POSTE_SIREN) and digits != LA_POSTE_HEAD_OFFICE:
        return sum(int(d) for d in digits) % 5 == 0
    return _luhn_ok(digits)


def _luhn_ok(digits: str) -> bool:
    """Luhn: from the right, double every second digit (minus 9 when over 9); the total ends in 0."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0
