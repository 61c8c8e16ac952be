"""What clients send to print labels, and the formats they may ask (msgspec structs; field names in English)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from ordi.http.openapi import text_list
from ordi.http.params import MAX_ID

BatchMedia = Literal["pdf", "zpl"]
#: As many labels as one print job holds (`ordi.printing.service.MAX_JOB_LABELS`).
MAX_TAGS = 10_000


class LabelJobIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A batch of labels: either a list of asset tags (printed in that order) or a whole donation.

    `format` defaults to the A4 sheet `avery-l7160`; `media` defaults to ZPL for a format a Zebra
    printer takes, PDF otherwise; `skip` counts the labels already used on the first sheet.
    """

    tags: (
        Annotated[
            list[Annotated[str, msgspec.Meta(max_length=40)]],
            text_list(MAX_TAGS, 40, examples=[["7K3M9Q2XTA", "8H2W4N6RJB"]]),
        ]
        | None
    ) = None
    donation_id: Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)] | None = None
    format: Annotated[str, msgspec.Meta(max_length=40, examples=["avery-l7160"])] = "avery-l7160"
    media: BatchMedia | None = None
    #: Checked against the format (0 to its labels per sheet − 1): a 422 says the range.
    skip: Annotated[int, msgspec.Meta(description="Étiquettes déjà utilisées sur la première planche")] = 0


class LabelFormatOut(msgspec.Struct, kw_only=True):
    """A label stock and its geometry (`labels.formats.LabelFormat.to_dict`)."""

    name: str
    title: str
    kind: Literal["roll", "sheet"]
    dpi: int | None
    label_width_mm: float
    label_height_mm: float
    media: list[str]
    labels_per_page: int
    qr_module_mm: float
    corner_radius_mm: float
    # sheets
    page_width_mm: float | msgspec.UnsetType = msgspec.UNSET
    page_height_mm: float | msgspec.UnsetType = msgspec.UNSET
    columns: int | msgspec.UnsetType = msgspec.UNSET
    rows: int | msgspec.UnsetType = msgspec.UNSET
    left_margin_mm: float | msgspec.UnsetType = msgspec.UNSET
    top_margin_mm: float | msgspec.UnsetType = msgspec.UNSET
    horizontal_pitch_mm: float | msgspec.UnsetType = msgspec.UNSET
    vertical_pitch_mm: float | msgspec.UnsetType = msgspec.UNSET
    # rolls
    label_width_dots: int | msgspec.UnsetType = msgspec.UNSET
    label_height_dots: int | msgspec.UnsetType = msgspec.UNSET
    qr_module_dots: int | msgspec.UnsetType = msgspec.UNSET


class LabelFormatList(msgspec.Struct):
    """The listing as the service builds it (`ordi.printing.service.list_formats`)."""

    items: list[dict[str, object]]
    total: int
    defaults: dict[str, str]


class LabelFormats(msgspec.Struct):
    """The listing as the API answers it: each format typed."""

    items: list[LabelFormatOut]
    total: int
    #: The default format per file type (`png`, `pdf`, `zpl`, `sheet`…).
    defaults: dict[str, str]
