"""Cursors are opaque to clients but strict to the service."""

from __future__ import annotations

import pytest

from ordi.domain.errors import InvalidRecord
from ordi.paging import PageRequest, check, decode_cursor, encode_cursor


def test_a_cursor_round_trips() -> None:
    assert decode_cursor("devices", encode_cursor("devices", 1_234_567)) == 1_234_567


@pytest.mark.parametrize("cursor", ["", "***", "e30", encode_cursor("donations", 3), "WyJkZXZpY2VzIiwiMSJd"])
def test_anything_else_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        decode_cursor("devices", cursor)
    assert caught.value.key == "cursor_invalid"


def test_a_cursor_and_an_offset_together_are_refused() -> None:
    with pytest.raises(InvalidRecord):
        check(PageRequest(offset=5, cursor=encode_cursor("devices", 1)))
