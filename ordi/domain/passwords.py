"""What makes a password acceptable: long enough, and not one that attackers try first.

A pure rule: the list of common passwords is given by the caller (`ordi.auth.passwords` reads
zxcvbn's). Length beats complexity rules (NIST SP 800-63B, §5.1.1.2): 12 characters at least, no
required mix of character classes, but no password from a list of those already leaked, nor one
made of such a password with digits or signs around it ("password2026!"), nor the e-mail address.
"""

from __future__ import annotations

from collections.abc import Container

MIN_LENGTH = 12
MAX_LENGTH = 200  # the schemas' bound; argon2 hashes any length, the bound keeps requests small

#: What people put around a common word to pass a rule: digits, signs, spaces.
_PADDING = "0123456789 !?.,;:-_+=*#@$%&/\\|'\"()[]{}<>~^`"


def weakness(password: str, email: str, common: Container[str]) -> str | None:
    """The message key of the first reason `password` is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return "password_too_short"
    if len(password) > MAX_LENGTH:
        return "password_too_long"
    lowered = password.lower()
    core = lowered.strip(_PADDING)
    if lowered in common or core in common or len(set(core)) < 3:
        return "password_too_common"
    address = email.strip().lower()
    local = address.split("@", 1)[0]
    if address and (lowered == address or (len(local) >= 4 and core == local)):
        return "password_is_email"
    return None
