"""The one place that turns errors into RFC 9457 problem responses, in the caller's language."""

from __future__ import annotations

import logging
import re
import sqlite3
from typing import Any

import asyncpg
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotFoundException,
    ValidationException,
)

from ordi.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidImport,
    InvalidRecord,
    NotFound,
    TooManyAttempts,
    TransitionNotAllowed,
    Unauthenticated,
)
from ordi.i18n import message, pick_language, title, translated_errors

log = logging.getLogger("ordi.http")

PROBLEM_MEDIA_TYPE = "application/problem+json"

STATUS_BY_ERROR: dict[type[DomainError], int] = {
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    TransitionNotAllowed: 409,
    Conflict: 409,
    InvalidRecord: 422,
    InvalidImport: 422,
    TooManyAttempts: 429,
}


class RequestRejected(HTTPException):
    """The request itself is refused before any rule of the programme is asked: a NUL byte, a
    body in the wrong media type (415), a JSON document nested too deep. `key` names its message."""

    def __init__(self, key: str, status: int = 400, **params: Any) -> None:
        super().__init__(status_code=status, detail=key)
        self.key = key
        self.params = params


#: Litestar's own refusals, in the caller's language.
_HTTP_KEYS: dict[int, str] = {
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_media_type",
}


def problem(
    request: Request[Any, Any, Any],
    status: int,
    detail: str,
    code: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response[dict[str, Any]]:
    lang = pick_language(request.headers.get("accept-language"))
    body: dict[str, Any] = {
        "type": f"https://ordi2.fr/problems/{code.replace('_', '-')}",
        "title": title(status, lang),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "code": code,
        **extra,
    }
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    return Response(content=body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def domain_error_handler(request: Request[Any, Any, Any], exc: DomainError) -> Response[dict[str, Any]]:
    lang = pick_language(request.headers.get("accept-language"))
    status = next((s for cls, s in STATUS_BY_ERROR.items() if isinstance(exc, cls)), 400)
    extra: dict[str, Any] = {}
    if isinstance(exc, InvalidImport):
        extra["errors"] = translated_errors(exc.errors, lang)
        for e in extra["errors"]:
            e.pop("params", None)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyAttempts) else None
    return problem(request, status, message(exc.key, lang, **exc.params), exc.key, headers=headers, **extra)


_FRENCH_VALIDATION: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Object missing required field `(.+)`"), "champ obligatoire manquant : « \\1 »"),
    (re.compile(r"^Object contains unknown field `(.+)`"), "champ inconnu : « \\1 »"),
    (re.compile(r"^Expected `(.+)`, got `(.+)`"), "type attendu « \\1 », reçu « \\2 »"),
    (re.compile(r"^Invalid enum value (.+)"), "valeur non autorisée \\1"),
    (re.compile(r"^Invalid value (.+)"), "valeur non autorisée \\1"),
    (re.compile(r"^Expected `(.+)` of length <= (\d+)"), "\\2 caractères au plus"),
    (re.compile(r"^Expected `array` of length >= (\d+)"), "\\1 élément(s) au moins"),
    (re.compile(r"^Expected `(.+)` of length >= (\d+)"), "\\2 caractères au moins"),
    (re.compile(r"^Expected `(.+)` >= (.+)"), "valeur minimale : \\2"),
    (re.compile(r"^Expected `(.+)` <= (.+)"), "valeur maximale : \\2"),
    (re.compile(r"^Expected `(.+)` > (.+)"), "doit être supérieur à \\2"),
    (re.compile(r"^Expected `str` matching regex (.+)"), "format invalide"),
    (re.compile(r"^Invalid (.*)datetime(.*)"), "date et heure ISO 8601 attendues"),
    (re.compile(r"^Invalid (.*)date(.*)"), "date ISO 8601 attendue (AAAA-MM-JJ)"),
    (
        re.compile(r"^JSON is malformed: invalid character \(byte (\d+)\).*"),
        "JSON mal formé : caractère invalide (octet \\1)",
    ),
    (
        re.compile(r"^(JSON is malformed: truncated data|Input data was truncated).*"),
        "JSON mal formé : document tronqué",
    ),
    (re.compile(r"^JSON is malformed.*"), "JSON mal formé"),
]


def _translate(text: str, lang: str) -> str:
    """msgspec and Litestar speak English; French users read French (the cause, then where)."""
    if lang == "en":
        return text
    head, sep, where = text.partition(" - at ")
    for pattern, replacement in _FRENCH_VALIDATION:
        if pattern.search(head):
            head = pattern.sub(replacement, head)
            break
    return head + (f" (à {where})" if sep else "")


def validation_text(text: str, lang: str) -> str:
    """A msgspec validation message as the reader reads it (the web pages' form errors)."""
    return _translate(text, lang)


def validation_error_handler(request: Request[Any, Any, Any], exc: ValidationException) -> Response[dict[str, Any]]:
    lang = pick_language(request.headers.get("accept-language"))
    errors = exc.extra if isinstance(exc.extra, list) else []
    first = errors[0] if errors else {}
    text = _translate(str(first.get("message", exc.detail)) if isinstance(first, dict) else str(exc.detail), lang)
    key = first.get("key") if isinstance(first, dict) else None
    where = f" ({key})" if key else ""
    return problem(
        request,
        400,
        message("validation_failed", lang, message=text + where),
        "validation_failed",
        errors=errors,
    )


def http_error_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    lang = pick_language(request.headers.get("accept-language"))
    if isinstance(exc, RequestRejected):
        return problem(request, exc.status_code, message(exc.key, lang, **exc.params), exc.key)
    if isinstance(exc, NotFoundException):
        return problem(request, 404, message("not_found", lang), "not_found")
    if isinstance(exc, MethodNotAllowedException):
        # RFC 9110: a 405 names the methods the resource allows (Litestar's router puts them in `allow`).
        allow = {k: v for k, v in (exc.headers or {}).items() if k.lower() == "allow"}
        return problem(request, 405, message("method_not_allowed", lang), "method_not_allowed", headers=allow)
    status = exc.status_code
    if status >= 500:
        log.error("HTTP %s on %s: %s", status, request.url.path, exc.detail)
        return problem(request, status, message("internal_error", lang), "internal_error")
    if status in _HTTP_KEYS:
        return problem(request, status, message(_HTTP_KEYS[status], lang), _HTTP_KEYS[status])
    if status == 400:  # a body Litestar could not decode (malformed JSON)
        text = _translate(str(exc.detail), lang)
        return problem(request, 400, message("validation_failed", lang, message=text), "validation_failed")
    return problem(request, status, str(exc.detail), "http_error")


def recursion_error_handler(request: Request[Any, Any, Any], exc: RecursionError) -> Response[dict[str, Any]]:
    """msgspec refuses to go deeper than the interpreter's recursion limit (a JSON document of
    100,000 nested arrays in an untyped field): the request is wrong, not the service."""
    log.warning("recursion limit on %s: %s", request.url.path, exc)
    lang = pick_language(request.headers.get("accept-language"))
    return problem(request, 400, message("json_too_deep", lang), "json_too_deep")


#: The database could not serve this request now (a row locked too long, a statement stopped at its
#: timeout, no connection free in time, the server unreachable): the same request may succeed in
#: a moment, so 503 with Retry-After, never a 500.
_BUSY = (
    asyncpg.exceptions.LockNotAvailableError,
    asyncpg.exceptions.QueryCanceledError,
    asyncpg.exceptions.DeadlockDetectedError,
    TimeoutError,
)
_UNREACHABLE = (
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.InterfaceError,
    ConnectionError,
)
RETRY_AFTER_S = 2


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    lang = pick_language(request.headers.get("accept-language"))
    if isinstance(exc, _BUSY) or _sqlite_busy(exc):
        log.warning("database busy on %s: %s", request.url.path, exc)
        return _unavailable(request, "database_busy", lang)
    if isinstance(exc, _UNREACHABLE):
        log.error("database unreachable on %s: %s", request.url.path, exc)
        return _unavailable(request, "database_unavailable", lang)
    log.exception("unexpected error on %s", request.url.path, exc_info=exc)
    return problem(request, 500, message("internal_error", lang), "internal_error")


def _sqlite_busy(exc: Exception) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)


def _unavailable(request: Request[Any, Any, Any], key: str, lang: str) -> Response[dict[str, Any]]:
    headers = {"Retry-After": str(RETRY_AFTER_S)}
    return problem(request, 503, message(key, lang, seconds=RETRY_AFTER_S), key, headers=headers)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: domain_error_handler,
    ValidationException: validation_error_handler,
    HTTPException: http_error_handler,
    RecursionError: recursion_error_handler,
    Exception: internal_error_handler,
}
