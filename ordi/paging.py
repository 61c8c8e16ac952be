"""Lists at national scale: keyset pages, opaque cursors, totals that cost what they are worth.

A list is ordered by one unique key (an id, or a device's `seq`). The first page may be asked by
`offset` (small offsets only: skipping rows costs as many rows); every page answers a `next`
cursor that names the last key seen, and the page after it is read from the index directly
(`key > last ORDER BY key LIMIT n`), as fast at the millionth row as at the first.

The total is exact when it is cheap (at most `EXACT_TOTAL_UP_TO` rows match), otherwise the
planner's estimate, and the answer says which (`total_estimated`); a client that needs the exact
figure asks for it (`exact_total=true`) and pays for a count.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import msgspec
from piccolo.columns import Column
from piccolo.querystring import QueryString
from piccolo.table import Table

from ordi.db import is_postgres
from ordi.domain.errors import InvalidRecord

T = TypeVar("T")

MAX_LIMIT = 500
#: Above this offset a list must be followed by its cursor (an offset reads every skipped row:
#: at 1 M devices a workshop's offset of 10,000 took 100 ms, its cursor page 11 ms).
MAX_OFFSET = 1_000
#: Up to this many matching rows the total is counted; beyond, it is estimated (and said so).
#: Counting up to 1,000 cost a workshop's donation list 40 ms at national scale.
EXACT_TOTAL_UP_TO = 200
_MAX_KEY = 2**63 - 1


@dataclass(frozen=True)
class PageRequest:
    """What the caller asked: a size, and either an offset or the cursor of the previous page."""

    limit: int = 50
    offset: int = 0
    cursor: str | None = None
    exact_total: bool = False


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    total_estimated: bool
    next: str | None
    limit: int
    offset: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "total": self.total,
            "total_estimated": self.total_estimated,
            "next": self.next,
            "limit": self.limit,
            "offset": self.offset,
        }


def encode_cursor(list_name: str, key: int) -> str:
    raw = msgspec.json.encode([list_name, key])
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(list_name: str, cursor: str) -> int:
    """The last key of the previous page, or a 422 for a cursor that is not one of this list's."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, key = msgspec.json.decode(raw, type=tuple[str, int])
    except (binascii.Error, ValueError, msgspec.DecodeError, msgspec.ValidationError):
        raise InvalidRecord("cursor_invalid") from None
    if name != list_name or not 0 <= key <= _MAX_KEY:
        raise InvalidRecord("cursor_invalid")
    return key


def check(request: PageRequest) -> None:
    if not 1 <= request.limit <= MAX_LIMIT:
        raise InvalidRecord("page_limit_invalid", max=MAX_LIMIT)
    if not 0 <= request.offset <= MAX_OFFSET:
        raise InvalidRecord("page_offset_too_large", max=MAX_OFFSET)
    if request.cursor is not None and request.offset:
        raise InvalidRecord("page_cursor_and_offset")


async def keyset(
    table: type[Table],
    columns: Sequence[Column],
    condition: Any | None,
    request: PageRequest,
    *,
    key: Column,
    list_name: str,
    out: Callable[[dict[str, Any]], T] | None = None,
    out_all: Callable[[list[dict[str, Any]]], Awaitable[list[T]]] | None = None,
    descending: bool = False,
    total: int | None = None,
) -> Page:
    """One page of `table` rows matching `condition`, ordered by the unique `key`.

    Rows become items one by one (`out`) or a page at a time (`out_all`, to read their
    details in one query). `total` may be given when the caller knows it for free.
    """
    check(request)
    key_name = key._meta.name
    query = table.select(*columns).order_by(key, ascending=not descending).limit(request.limit + 1)
    page_condition = condition
    if request.cursor is not None:
        last = decode_cursor(list_name, request.cursor)
        after = key < last if descending else key > last
        page_condition = after if condition is None else (condition & after)
    elif request.offset:
        query = query.offset(request.offset)
    if page_condition is not None:
        query = query.where(page_condition)
    rows = await query.output(load_json=True)
    more = len(rows) > request.limit
    rows = rows[: request.limit]
    next_cursor = encode_cursor(list_name, int(rows[-1][key_name])) if more and rows else None
    if total is not None:
        counted, estimated = total, False
    else:
        counted, estimated = await count(table, condition, exact=request.exact_total, key=key, descending=descending)
    if out_all is not None:
        items: list[Any] = await out_all(rows)
    else:
        assert out is not None
        items = [out(r) for r in rows]
    return Page(
        items=items,
        total=counted,
        total_estimated=estimated,
        next=next_cursor,
        limit=request.limit,
        offset=request.offset,
    )


async def by_offset(
    request: PageRequest, list_name: str, fetch: Callable[[int, int], Awaitable[tuple[list[Any], int]]]
) -> Page:
    """A short list in an order that is no unique key (the directory: by région, then name).

    Its cursor carries the next offset: fine for lists of a few thousand rows, never for devices.
    """
    check(request)
    offset = decode_cursor(list_name, request.cursor) if request.cursor is not None else request.offset
    if offset > MAX_OFFSET:
        raise InvalidRecord("page_offset_too_large", max=MAX_OFFSET)
    items, total = await fetch(request.limit, offset)
    following = offset + len(items)
    next_cursor = encode_cursor(list_name, following) if following < total and items else None
    return Page(items, total, False, next_cursor, request.limit, offset)


async def count(
    table: type[Table],
    condition: Any | None,
    *,
    exact: bool = False,
    key: Column | None = None,
    descending: bool = False,
) -> tuple[int, bool]:
    """How many rows match: (the number, whether it is an estimate).

    The capped count reads at most `EXACT_TOTAL_UP_TO + 1` rows in the list's own order, so the
    planner walks the same index as the page does.
    """
    if exact or not is_postgres():
        query = table.count()
        return int(await (query.where(condition) if condition is not None else query)), False
    order = key if key is not None else table._meta.primary_key
    probe = table.select(order).order_by(order, ascending=not descending).limit(EXACT_TOTAL_UP_TO + 1)
    if condition is not None:
        probe = probe.where(condition)
    inner = probe.querystrings[0]
    rows = await table.raw("SELECT count(*) AS n FROM ({}) AS capped", inner)
    counted = int(rows[0]["n"])
    if counted <= EXACT_TOTAL_UP_TO:
        return counted, False
    return max(await _estimate(table, condition), counted), True


async def _estimate(table: type[Table], condition: Any | None) -> int:
    """The planner's row estimate (statistics kept by autovacuum's ANALYZE): no row is read."""
    query = table.select(table._meta.primary_key)
    if condition is not None:
        query = query.where(condition)
    plan = await table.raw("EXPLAIN (FORMAT JSON) {}", QueryString("{}", query.querystrings[0]))
    document = plan[0]["QUERY PLAN"]
    if isinstance(document, str):
        document = msgspec.json.decode(document)
    return int(document[0]["Plan"]["Plan Rows"])
