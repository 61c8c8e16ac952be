"""Failed logins, counted per account and per client address, across API processes.

Each attempt is counted *before* the password is checked (one atomic step for both counters), so
parallel guesses cannot slip past a limit together. Within a window of `ORDI_LOGIN_WINDOW_SECONDS`
(fixed, from the first attempt): the first few attempts are answered at once, the next ones after
a growing delay (doubling from `ORDI_LOGIN_DELAY_BASE_MS`, capped), and past the account's (or the
address's) limit with 429 and `Retry-After` until the window ends, without running argon2 at all.
A success clears the account's counter and gives the address its attempt back (an office behind
one address is not locked out by its own people logging in).

With `ORDI_REDIS_URL` the counters live in Redis (every API process sees the same), else in this
process's memory (embedded mode: one process). Keys are SHA-256 of the e-mail and of the address:
neither is written in clear into Redis.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any, Protocol

from ordi.config import Settings, get_settings
from ordi.domain.errors import TooManyAttempts


@dataclass(frozen=True)
class Policy:
    window_seconds: float
    free_failures: int
    account_limit: int
    address_limit: int
    delay_base_ms: int
    delay_max_ms: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        return cls(
            window_seconds=settings.login_window_seconds,
            free_failures=settings.login_free_failures,
            account_limit=settings.login_account_limit,
            address_limit=settings.login_address_limit,
            delay_base_ms=settings.login_delay_base_ms,
            delay_max_ms=settings.login_delay_max_ms,
        )

    def delay_seconds(self, account_count: int, address_count: int) -> float:
        """The wait before answering the attempt numbered `account_count` (and `address_count`)."""
        # The address's delay starts later: several people of one office share it.
        over = max(account_count - self.free_failures, address_count - self.address_limit // 2)
        if over <= 0:
            return 0.0
        return min(self.delay_base_ms * 2 ** min(over - 1, 30), self.delay_max_ms) / 1000


_policy: Policy | None = None


def policy() -> Policy:
    return _policy or Policy.from_settings(get_settings())


def configure(new: Policy | None) -> None:
    """Tests (and benches) set short windows and delays; None goes back to the settings."""
    global _policy
    _policy = new


@dataclass(frozen=True)
class Attempt:
    account_key: str
    address_key: str


class _Store(Protocol):
    prefix: str

    async def hit(self, keys: tuple[str, str], window_ms: int) -> tuple[int, int, int, int]: ...
    async def succeeded(self, attempt: Attempt) -> None: ...
    async def clear(self) -> None: ...


class MemoryStore:
    """One process's counters (embedded mode); a lock because the embedded worker has threads."""

    prefix = ""

    def __init__(self) -> None:
        self._counts: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def _hit_one(self, key: str, window_ms: int, now: float) -> tuple[int, int]:
        count, until = self._counts.get(key, (0, 0.0))
        if until <= now:
            count, until = 0, now + window_ms / 1000
        self._counts[key] = (count + 1, until)
        return count + 1, int((until - now) * 1000)

    async def hit(self, keys: tuple[str, str], window_ms: int) -> tuple[int, int, int, int]:
        now = time.monotonic()
        with self._lock:
            if len(self._counts) > 100_000:  # forget the windows that ended
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
            a, a_ttl = self._hit_one(keys[0], window_ms, now)
            b, b_ttl = self._hit_one(keys[1], window_ms, now)
        return a, a_ttl, b, b_ttl

    async def succeeded(self, attempt: Attempt) -> None:
        with self._lock:
            self._counts.pop(attempt.account_key, None)
            count, until = self._counts.get(attempt.address_key, (0, 0.0))
            if count > 0:
                self._counts[attempt.address_key] = (count - 1, until)

    async def clear(self) -> None:
        with self._lock:
            self._counts.clear()


#: Both counters in one round trip: INCR, the window set on the first attempt, the time left.
_HIT = """
local out = {}
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then redis.call('PEXPIRE', key, ARGV[1]); ttl = tonumber(ARGV[1]) end
  out[2 * i - 1] = n
  out[2 * i] = ttl
end
return out
"""
_SUCCEEDED = """
redis.call('DEL', KEYS[1])
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
return 1
"""


class RedisStore:
    """Counters shared by every API process; one client per event loop (redis-py binds to its loop)."""

    def __init__(self, url: str, namespace: str) -> None:
        self._url = url
        self.prefix = f"{namespace}:login:"
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = weakref.WeakKeyDictionary()

    def _client(self) -> Any:
        import redis.asyncio as aioredis

        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = aioredis.from_url(self._url, socket_timeout=3)
            self._clients[loop] = client
        return client

    async def hit(self, keys: tuple[str, str], window_ms: int) -> tuple[int, int, int, int]:
        a, a_ttl, b, b_ttl = await self._client().eval(_HIT, 2, *keys, window_ms)
        return int(a), int(a_ttl), int(b), int(b_ttl)

    async def succeeded(self, attempt: Attempt) -> None:
        await self._client().eval(_SUCCEEDED, 2, attempt.account_key, attempt.address_key)

    async def clear(self) -> None:
        client = self._client()
        keys = [key async for key in client.scan_iter(f"{self.prefix}*")]
        if keys:
            await client.delete(*keys)


_store: _Store | None = None


def store() -> _Store:
    global _store
    if _store is None:
        settings = get_settings()
        _store = RedisStore(settings.redis_url, settings.redis_namespace) if settings.redis_url else MemoryStore()
    return _store


def _key(kind: str, value: str) -> str:
    return f"{store().prefix}{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


async def begin(email: str, address: str | None) -> Attempt:
    """Count an attempt; 429 past a limit, else wait as long as the failures so far require."""
    rules = policy()
    attempt = Attempt(_key("account", email.strip().lower()), _key("address", address or "unknown"))
    window_ms = max(1, int(rules.window_seconds * 1000))
    account, account_ttl, by_address, address_ttl = await store().hit(
        (attempt.account_key, attempt.address_key), window_ms
    )
    if account > rules.account_limit:
        raise TooManyAttempts("login_locked", retry_after=max(1, math.ceil(account_ttl / 1000)))
    if by_address > rules.address_limit:
        raise TooManyAttempts("login_locked", retry_after=max(1, math.ceil(address_ttl / 1000)))
    delay = rules.delay_seconds(account, by_address)
    if delay:
        await asyncio.sleep(delay)
    return attempt


async def succeeded(attempt: Attempt) -> None:
    await store().succeeded(attempt)


async def clear() -> None:
    """Forget every counter (tests start from a clean slate)."""
    await store().clear()
