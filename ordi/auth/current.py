"""Token versions known to be current, so that a request with a token does not read its person.

Every request with a token compares the token's version with its person's row
(`ordi.auth.service`): deactivating someone, a new password or "log out everywhere" raises the
version and ends every session. Reading that row on every request doubled a scan's queries.

On PostgreSQL every API process listens on `CHANNEL`. A trigger on `app_user` (migration
2026-12-10T09:00) notifies, at commit, the id of every person whose token version or `active`
flag changes or who is deleted (`*` when the table is emptied), whoever made the change (the
service, a CLI command, plain SQL), and each process forgets that person. A process remembers
versions only while its listener is connected (losing it forgets everything, reconnecting starts
empty), an entry lives at most `TTL_S` seconds, and a read that began before a change is never
remembered after it (the generation below). On SQLite, or while nothing listens, every request reads the row as before.
"""

from __future__ import annotations

import time

from ordi.db import listen_forever

CHANNEL = "ordi_sessions"
TTL_S = 30.0
MAX_ENTRIES = 100_000


class KnownVersions:
    """Person id -> the token version read from their row, while a listener hears every change."""

    def __init__(self, ttl_s: float = TTL_S) -> None:
        self._ttl_s = ttl_s
        self._known: dict[int, tuple[int, float]] = {}
        self._generation = 0
        self._listening = False

    @property
    def listening(self) -> bool:
        return self._listening

    def lookup(self, user_id: int) -> int | None:
        """The person's current version, or None: read their row."""
        entry = self._known.get(user_id)
        if entry is None:
            return None
        if time.monotonic() - entry[1] > self._ttl_s:
            self._known.pop(user_id, None)
            return None
        return entry[0]

    def generation(self) -> int:
        """Taken before reading a row; `remember` drops the read if anything changed since."""
        return self._generation

    def remember(self, user_id: int, version: int, generation: int) -> None:
        if not self._listening or generation != self._generation:
            return
        if len(self._known) >= MAX_ENTRIES:
            self._known.clear()
        self._known[user_id] = (version, time.monotonic())

    def forget(self, user_id: int) -> None:
        self._generation += 1
        self._known.pop(user_id, None)

    def forget_all(self) -> None:
        self._generation += 1
        self._known.clear()

    def heard(self, payload: str) -> None:
        """A notification: the id of a person whose sessions changed, or `*` for everyone."""
        try:
            self.forget(int(payload))
        except ValueError:
            self.forget_all()

    def set_listening(self, listening: bool) -> None:
        """Whatever was known before the listener (re)connected may have missed a change."""
        self.forget_all()
        self._listening = listening


#: This process's; the API's lifespan runs `listen()` beside it.
KNOWN = KnownVersions()


async def listen() -> None:
    """Keep this process's `KNOWN` in step with every change of a person's sessions (PostgreSQL)."""
    await listen_forever(CHANNEL, KNOWN.heard, KNOWN.set_listening)
