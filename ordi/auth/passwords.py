"""Password hashing with argon2id (argon2-cffi: the reference implementation's bindings), off the
event loop, and the password policy with its list of common passwords.

Hashing or verifying takes tens of milliseconds of CPU on purpose. Run on the event loop it stalls
every other request of the process; here it runs in a small pool of threads (argon2's C code
releases the GIL), at most `ORDI_PASSWORD_HASH_THREADS` at once, so a burst of logins waits for
its turn while the rest of the API keeps its pace.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ordi.config import get_settings
from ordi.domain import passwords as policy
from ordi.domain.errors import InvalidRecord

_hasher = PasswordHasher()

# Verifying against this when the e-mail is unknown keeps the answer time the same, so the
# response does not tell which addresses have an account.
_DUMMY_HASH = _hasher.hash("ordi-timing-equaliser")

#: French passwords people choose, besides zxcvbn's list (which is English-speaking).
_FRENCH = frozenset(
    {"motdepasse", "mot de passe", "mot-de-passe", "azerty", "azertyuiop", "soleil", "bonjour", "doudou",
     "chouchou", "loulou", "marseille", "jetaime", "nicolas", "camille", "toulouse", "bordeaux", "qsdfghjklm"}
)  # fmt: skip


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """zxcvbn's 30,000 most common leaked passwords (MIT licence, from its PyPI package), and a few French ones."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"]) | _FRENCH


def check_password(password: str, email: str) -> None:
    """422 with the reason in French when the password is too weak for the policy."""
    key = policy.weakness(password, email, common_passwords())
    if key is not None:
        raise InvalidRecord(key, min=policy.MIN_LENGTH)


def hash_password(password: str) -> str:
    """Blocking: for scripts and tests; the API awaits `hash_password_async`."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Blocking: the API awaits `verify_password_async`."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=get_settings().password_hash_threads, thread_name_prefix="ordi-argon2")


async def hash_password_async(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_pool(), hash_password, password)


async def verify_password_async(password_hash: str | None, password: str) -> bool:
    return await asyncio.get_running_loop().run_in_executor(_pool(), verify_password, password_hash, password)
