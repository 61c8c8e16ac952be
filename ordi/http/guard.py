"""Refuse NUL characters before any handler reads them.

PostgreSQL stores no NUL in a text or JSON column, and no field of the programme has a use for one:
a NUL in the path, the query string, a header or a body (a raw byte, or the JSON escape `\\u0000`)
is answered 400 (`nul_byte`) here, instead of failing later in the database driver.

The check is a handful of byte searches per request: a scan (`GET /api/v1/scan/{code}`) pays for
the path, the query string and its few headers; bodies are searched chunk by chunk as the handler
reads them, and only requests that carry one do.
"""

from __future__ import annotations

from typing import Any

from litestar.types import ASGIApp, Receive, Scope, Send

from ordi.http.problems import RequestRejected

_NUL = b"\x00"
_ESCAPED_NUL = b"\\u0000"
#: Kept from one body chunk to the next, so that an escape split across two chunks is still seen.
_CARRY = 64
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Binary bodies hold NUL bytes by nature (a spreadsheet's zip, a multipart upload): on the paths
#: that take one, the handler refuses a NUL in the text it takes from it (`ordi.donations`, and
#: the donor's upload page `ordi.web.donor.import_upload`).
_BINARY_PATHS = frozenset({"/api/v1/donations/import", "/dons/import"})
_BINARY_BODIES = (
    b"multipart/form-data",
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    b"application/vnd.oasis.opendocument.spreadsheet",
)


def _has_escaped_nul(data: bytes) -> bool:
    """`\\u0000` as a JSON escape: preceded by an even number of backslashes (`\\\\u0000` is text)."""
    start = data.find(_ESCAPED_NUL)
    while start != -1:
        run = 0
        while start - run - 1 >= 0 and data[start - run - 1] == 0x5C:
            run += 1
        if run % 2 == 0 or start - run == 0:  # a run that reaches the carried start counts as an escape
            return True
        start = data.find(_ESCAPED_NUL, start + 1)
    return False


def _content_type(scope: Scope) -> bytes:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return bytes(value).lower()
    return b""


def _checked_receive(receive: Receive, json_body: bool) -> Any:
    tail = b""

    async def checked() -> Any:
        nonlocal tail
        message = await receive()
        if message["type"] == "http.request":
            chunk: bytes = message.get("body", b"")
            if _NUL in chunk:
                raise RequestRejected("nul_byte")
            if json_body and chunk:
                window = tail + chunk
                if _has_escaped_nul(window):
                    raise RequestRejected("nul_byte")
                tail = window[-_CARRY:]
        return message

    return checked


def refuse_nul(app: ASGIApp) -> ASGIApp:
    """ASGI middleware: a request holding a NUL anywhere is refused (400) before it reaches a handler."""

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query: bytes = scope.get("query_string", b"")
            if "\x00" in scope["path"] or b"%00" in query or _NUL in query:
                raise RequestRejected("nul_byte")
            for _, value in scope["headers"]:
                if _NUL in value:
                    raise RequestRejected("nul_byte")
            if scope["method"] in _BODY_METHODS:  # type: ignore[typeddict-item]
                content_type = _content_type(scope)
                binary = scope["path"].rstrip("/") in _BINARY_PATHS and content_type.startswith(_BINARY_BODIES)
                if not binary:
                    receive = _checked_receive(receive, b"json" in content_type)
        await app(scope, receive, send)

    return guarded
