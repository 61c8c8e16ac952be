"""Bearer tokens (signed, expiring JWT) and API keys (random, stored as SHA-256)."""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import date
from functools import lru_cache

import jwt

from ordi.config import get_settings
from ordi.domain.errors import Unauthenticated
from ordi.domain.lifecycle import Actor, OrgKind

API_KEY_PREFIX = "ordi_"
_ALGORITHM = "HS256"


def issue_token(actor: Actor, version: int = 0, ttl_seconds: int | None = None) -> tuple[str, int]:
    """A token that carries who the caller is, so the hot paths need no lookup to know it, and
    the person's token version: one indexed read per request tells whether it still holds.

    `ttl_seconds`: a shorter life than the setting's (the web pages' station token, renewed from
    the session, so that a deactivated person's station stops within minutes)."""
    settings = get_settings()
    ttl = min(ttl_seconds, settings.token_ttl_seconds) if ttl_seconds else settings.token_ttl_seconds
    now = int(time.time())
    claims = {
        "sub": str(actor.user_id),
        "org": actor.organisation_id,
        "kind": actor.kind.value,
        "mgr": actor.is_manager,
        "lf": actor.label_valid_from.isoformat() if actor.label_valid_from else None,
        "lu": actor.label_valid_until.isoformat() if actor.label_valid_until else None,
        "ver": version,
        "iat": now,
        "exp": now + ttl,
    }
    return jwt.encode(claims, settings.secret_key, algorithm=_ALGORITHM), ttl


def read_token(token: str) -> Actor:
    """The actor of a valid, unexpired token (verified once per process, then from a small cache)."""
    return read_token_version(token)[0]


def read_token_version(token: str) -> tuple[Actor, int]:
    """The actor and token version of a valid, unexpired token. The caller still compares the
    version with the person's (`ordi.auth.service`): the cache here holds only what the signature
    proves, never whether the person may still use it."""
    actor, expires_at, version = _verified(token)
    if expires_at <= time.time():
        raise Unauthenticated("token_invalid")
    return actor, version


@lru_cache(maxsize=4096)
def _verified(token: str) -> tuple[Actor, int, int]:
    # A station scans all day with one token: verifying its HMAC once is enough. Invalid tokens
    # raise, and lru_cache never stores an exception.
    try:
        claims = jwt.decode(token, get_settings().secret_key, algorithms=[_ALGORITHM])
        actor = Actor(
            user_id=int(claims["sub"]),
            organisation_id=int(claims["org"]),
            kind=OrgKind(claims["kind"]),
            is_manager=bool(claims.get("mgr")),
            label_valid_from=date.fromisoformat(claims["lf"]) if claims.get("lf") else None,
            label_valid_until=date.fromisoformat(claims["lu"]) if claims.get("lu") else None,
        )
        return actor, int(claims["exp"]), int(claims.get("ver", 0))
    except (jwt.PyJWTError, KeyError, ValueError) as exc:
        raise Unauthenticated("token_invalid") from exc


def new_api_key() -> tuple[str, str, str]:
    """Returns (the key shown once, its display prefix, its hash to store)."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    return key, key[: len(API_KEY_PREFIX) + 6], hash_api_key(key)


def hash_api_key(key: str) -> str:
    # A fast hash is right here: the key is 256 random bits, not a guessable password.
    return hashlib.sha256(key.encode()).hexdigest()
