"""Web sessions: a signed cookie, the person it names re-read on every request, and CSRF tokens.

The cookie `ordi_session` is a JWT signed with a key derived from `ORDI_SECRET_KEY` for this use
only (it can never pass for an API bearer token, nor a token for it). It holds the person's id,
when it was opened and the session's CSRF secret; nothing else. Every page request reads the
person again (`auth.service.actor_for_user`): a deactivated person's session ends at their next
request, and a role or label changed by the operator applies at once.

CSRF: every form carries a hidden `csrf` field. With a session it must equal the session's own
secret (inside the signed cookie, so another site can neither read nor plant it); before login,
it must equal the `ordi_csrf` cookie (double submit). Only the pages' form posts are checked: the
JSON API takes bearer tokens and API keys, which a browser never sends on its own.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from litestar import Request
from litestar.datastructures import Cookie

from ordi.auth import service as auth
from ordi.auth.tokens import issue_token
from ordi.config import get_settings
from ordi.domain.errors import NotFound, Unauthenticated
from ordi.domain.lifecycle import Actor, OrgKind
from ordi.i18n import Lang

SESSION_COOKIE = "ordi_session"
CSRF_COOKIE = "ordi_csrf"
LANG_COOKIE = "ordi_lang"
CSRF_FIELD = "csrf"
_ALGORITHM = "HS256"
_AUDIENCE = "ordi-web"
#: The station's bearer token, renewed from the session (`/session/jeton`) when it expires.
STATION_TOKEN_TTL = 900


class LoginRequired(Exception):
    """The page needs a person: the handler sends the browser to `/connexion`."""

    def __init__(self, ended: bool = False) -> None:
        super().__init__("login required")
        self.ended = ended


class CsrfRefused(Exception):
    """A form posted without this session's CSRF token."""


@dataclass
class Person:
    """The person behind a session, as they are now."""

    actor: Actor
    user_id: int
    email: str
    full_name: str
    organisation_name: str
    #: The token version the session was opened with (`ordi.auth`): the station's tokens carry it.
    version: int = 0

    @property
    def kind(self) -> OrgKind:
        return self.actor.kind

    @property
    def display_name(self) -> str:
        return self.full_name or self.email


@dataclass
class Viewer:
    """Who asks for a page: a person or a stranger, the language, the CSRF token of the forms,
    and the cookies the answer must set (a new CSRF cookie, an ended session)."""

    person: Person | None
    lang: Lang
    csrf: str
    path: str
    cookies: list[Cookie] = field(default_factory=list)
    #: The paths the application serves: the navigation shows only pages that exist (a package's
    #: pages, `/comite` say, appear in the menu when that package is mounted).
    paths: frozenset[str] = frozenset()

    def require(self, *kinds: OrgKind) -> Person:
        """The person, or a trip to the login page; of one of `kinds` if given, else a 404 page."""
        if self.person is None:
            raise LoginRequired()
        if kinds and self.person.kind not in kinds:
            raise NotFound("not_found")  # another role's page: as if it did not exist
        return self.person


def _key() -> bytes:
    return hmac.new(get_settings().secret_key.encode(), b"ordi-web-session", hashlib.sha256).digest()


def _secure() -> bool:
    return get_settings().env == "production"


def _cookie(name: str, value: str, max_age: int | None) -> Cookie:
    return Cookie(key=name, value=value, max_age=max_age, path="/", httponly=True, samesite="lax", secure=_secure())


def session_cookie(user_id: int, version: int = 0) -> tuple[Cookie, str]:
    """A new session for this person (at their current token version), and its CSRF secret."""
    ttl = get_settings().token_ttl_seconds
    now = int(time.time())
    csrf = secrets.token_urlsafe(24)
    claims = {"sub": str(user_id), "ver": version, "csrf": csrf, "iat": now, "exp": now + ttl, "aud": _AUDIENCE}
    return _cookie(SESSION_COOKIE, jwt.encode(claims, _key(), algorithm=_ALGORITHM), ttl), csrf


def ended_session_cookie() -> Cookie:
    return _cookie(SESSION_COOKIE, "", 0)


def lang_cookie(lang: Lang) -> Cookie:
    return _cookie(LANG_COOKIE, lang, 365 * 86400)


def _claims(raw: str) -> dict[str, Any] | None:
    try:
        claims: dict[str, Any] = jwt.decode(raw, _key(), algorithms=[_ALGORITHM], audience=_AUDIENCE)
    except jwt.PyJWTError:
        return None
    return claims if str(claims.get("sub", "")).isdigit() and claims.get("csrf") else None


async def _person(user_id: int, version: int) -> Person | None:
    try:
        # None of an inactive person, or of a session older than its token version: it ends.
        actor = await auth.actor_for_user(user_id, version)
    except Unauthenticated:
        return None
    me = await auth.whoami(actor)
    user, org = me["user"] or {}, me["organisation"] or {}
    return Person(
        actor=actor,
        user_id=user_id,
        email=user.get("email", ""),
        full_name=user.get("full_name", ""),
        organisation_name=org.get("name", ""),
        version=version,
    )


_PATHS: dict[int, frozenset[str]] = {}


def _paths(request: Request[Any, Any, Any]) -> frozenset[str]:
    app = request.app
    if id(app) not in _PATHS:
        _PATHS[id(app)] = frozenset(route.path for route in app.routes)
    return _PATHS[id(app)]


async def provide_viewer(request: Request[Any, Any, Any]) -> Viewer:
    """The viewer of every page (a Litestar dependency); kept on `request.state` for error pages."""
    lang: Lang = "en" if request.cookies.get(LANG_COOKIE) == "en" else "fr"
    viewer = Viewer(person=None, lang=lang, csrf="", path=request.url.path, paths=_paths(request))
    raw = request.cookies.get(SESSION_COOKIE)
    claims = _claims(raw) if raw else None
    if claims is not None:
        viewer.person = await _person(int(claims["sub"]), int(claims.get("ver") or 0))
        if viewer.person is not None:
            viewer.csrf = str(claims["csrf"])
    if raw and viewer.person is None:
        viewer.cookies.append(ended_session_cookie())
        request.state.session_ended = True
    if viewer.person is None:
        viewer.csrf = request.cookies.get(CSRF_COOKIE) or ""
        if len(viewer.csrf) < 20:
            viewer.csrf = secrets.token_urlsafe(24)
            viewer.cookies.append(_cookie(CSRF_COOKIE, viewer.csrf, None))
    request.state.viewer = viewer
    return viewer


def check_csrf(viewer: Viewer, sent: Any) -> None:
    """The form's token must be the viewer's (constant time)."""
    if not isinstance(sent, str) or not viewer.csrf or not hmac.compare_digest(sent, viewer.csrf):
        raise CsrfRefused()


def station_token(person: Person) -> str:
    """A short-lived bearer token for the station's script (`/scan`, `/d/{tag}`), from the session."""
    return issue_token(person.actor, person.version, ttl_seconds=STATION_TOKEN_TTL)[0]


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path of this site only (no `//host`, no scheme)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target[:500]
