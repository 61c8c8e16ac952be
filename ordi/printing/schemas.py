"""What clients send to print labels (msgspec structs; field names in English)."""

from __future__ import annotations

from typing import Literal

import msgspec

BatchMedia = Literal["pdf", "zpl"]


class LabelJobIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A batch of labels: either a list of asset tags (printed in that order) or a whole donation.

    `format` defaults to the A4 sheet `avery-l7160`; `media` defaults to ZPL for a format a Zebra
    printer takes, PDF otherwise; `skip` counts the labels already used on the first sheet.
    """

    tags: list[str] | None = None
    donation_id: int | None = None
    format: str = "avery-l7160"
    media: BatchMedia | None = None
    skip: int = 0


class LabelFormatList(msgspec.Struct):
    items: list[dict[str, object]]
    total: int
    defaults: dict[str, str]
