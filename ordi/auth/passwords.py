"""Password hashing with argon2id (argon2-cffi: the reference implementation's bindings)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

# Verifying against this when the e-mail is unknown keeps the answer time the same, so the
# response does not tell which addresses have an account.
_DUMMY_HASH = _hasher.hash("ordi-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
