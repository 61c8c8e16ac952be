"""Label stock definitions: thermal rolls and A4 sheets.

Every number here is a physical measurement of the stock a workshop loads, not a design
choice: a sheet layout 1 mm out prints every label across the cut between two of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

MM_PER_INCH = 25.4
PT_PER_MM = 72 / MM_PER_INCH

#: Smallest QR module the product brief allows (§4): below it phone cameras struggle.
MIN_MODULE_MM = 0.5
#: Quiet zone required around the symbol, in modules (ISO/IEC 18004 asks for 4).
QUIET_ZONE_MODULES = 4

Kind = Literal["roll", "sheet"]
Media = Literal["png", "pdf", "zpl"]


class UnknownLabelFormat(ValueError):
    """Raised for a format name that is not in :data:`FORMATS` (an API 4xx, not a crash)."""


class LabelDoesNotFit(ValueError):
    """Raised when a QR code with its quiet zone cannot fit the label height."""


@dataclass(frozen=True)
class LabelFormat:
    """One kind of label stock, with its exact geometry in millimetres.

    ``dpi`` is the printer resolution of a roll format (the PNG/PDF/ZPL are drawn on its dot
    grid); sheet formats are vector only and have ``dpi`` ``None``.  Sheet fields describe the
    A4 page: margins are from the page's top-left corner to the first label's top-left corner,
    pitches from one label's edge to the same edge of the next one.
    """

    name: str
    title: str
    kind: Kind
    label_width_mm: float
    label_height_mm: float
    media: tuple[Media, ...]
    dpi: int | None = None
    page_width_mm: float | None = None
    page_height_mm: float | None = None
    columns: int = 1
    rows: int = 1
    left_margin_mm: float = 0.0
    top_margin_mm: float = 0.0
    horizontal_pitch_mm: float = 0.0
    vertical_pitch_mm: float = 0.0
    corner_radius_mm: float = 0.0
    #: Sheet formats only: the one QR module size used on every label (>= 0.5 mm).
    sheet_module_mm: float | None = None
    #: Ink-free border kept inside the label: roll printers do not print to the edge and sheet
    #: feeding drifts by about a millimetre.
    safe_margin_x_mm: float = 1.5
    safe_margin_y_mm: float = 1.5

    def __post_init__(self) -> None:
        if self.kind == "roll" and not self.dpi:
            raise ValueError(f"Le format de rouleau « {self.name} » doit préciser sa résolution (dpi).")
        if self.kind == "sheet" and (self.page_width_mm is None or self.page_height_mm is None):
            raise ValueError(f"La planche « {self.name} » doit préciser la taille de sa page.")
        if self.qr_module_mm < MIN_MODULE_MM:
            raise ValueError(f"Le format « {self.name} » aurait des modules QR de moins de 0,5 mm.")

    @property
    def labels_per_page(self) -> int:
        """Labels on one page: columns x rows for a sheet, one for a roll (a page per label)."""
        return self.columns * self.rows

    @property
    def qr_module_dots(self) -> int | None:
        """Printer dots per QR module on a roll: the smallest whole number >= 0.5 mm.

        A whole number of dots keeps every module the same width on the printhead; rounding up
        keeps the module at or above the 0.5 mm the brief requires (6 dots at 300 dpi, 4 at 203).
        """
        if self.dpi is None:
            return None
        return math.ceil(MIN_MODULE_MM * self.dpi / MM_PER_INCH - 1e-9)

    @property
    def qr_module_mm(self) -> float:
        """The QR module size actually drawn, in millimetres."""
        if self.dpi is not None:
            dots = math.ceil(MIN_MODULE_MM * self.dpi / MM_PER_INCH - 1e-9)
            return dots * MM_PER_INCH / self.dpi
        return self.sheet_module_mm or MIN_MODULE_MM

    @property
    def label_width_dots(self) -> int:
        """Label width on the printer's dot grid (rolls only)."""
        return self._dots(self.label_width_mm)

    @property
    def label_height_dots(self) -> int:
        """Label height on the printer's dot grid (rolls only)."""
        return self._dots(self.label_height_mm)

    def _dots(self, mm: float) -> int:
        if self.dpi is None:
            raise ValueError(f"La planche « {self.name} » est vectorielle : elle n'a pas de points.")
        # Floor, never round: a bitmap one dot larger than the label is scaled by some drivers.
        return math.floor(mm * self.dpi / MM_PER_INCH + 1e-6)

    def supports(self, media: str) -> bool:
        """Whether this stock can be produced as ``media`` ("png", "pdf" or "zpl")."""
        return media in self.media

    def label_origin_mm(self, position: int) -> tuple[float, float]:
        """Top-left corner (x, y from the page's top-left) of the label at ``position`` on a page.

        Positions run left to right, then top to bottom, as a person counts a sheet.
        """
        if not 0 <= position < self.labels_per_page:
            raise ValueError(f"Position {position} hors de la planche « {self.name} ».")
        row, col = divmod(position, self.columns)
        return (
            self.left_margin_mm + col * self.horizontal_pitch_mm,
            self.top_margin_mm + row * self.vertical_pitch_mm,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description for the API's format listing."""
        data: dict[str, Any] = {
            "name": self.name,
            "title": self.title,
            "kind": self.kind,
            "dpi": self.dpi,
            "label_width_mm": self.label_width_mm,
            "label_height_mm": self.label_height_mm,
            "media": list(self.media),
            "labels_per_page": self.labels_per_page,
            "qr_module_mm": round(self.qr_module_mm, 4),
            "corner_radius_mm": self.corner_radius_mm,
        }
        if self.kind == "sheet":
            data.update(
                page_width_mm=self.page_width_mm,
                page_height_mm=self.page_height_mm,
                columns=self.columns,
                rows=self.rows,
                left_margin_mm=self.left_margin_mm,
                top_margin_mm=self.top_margin_mm,
                horizontal_pitch_mm=self.horizontal_pitch_mm,
                vertical_pitch_mm=self.vertical_pitch_mm,
            )
        else:
            data.update(
                label_width_dots=self.label_width_dots,
                label_height_dots=self.label_height_dots,
                qr_module_dots=self.qr_module_dots,
            )
        return data


A4_WIDTH_MM = 210.0
A4_HEIGHT_MM = 297.0

# Sheet geometry sources (checked against each other; the arithmetic closes on A4 exactly):
#
# Avery L7160 (also J8160): 21 labels, 3 x 7, 63.5 x 38.1 mm (2.5 x 1.5 in). Avery's template
#   gives top margin 15.15 mm, vertical pitch 38.1 mm (no vertical gap) and horizontal pitch
#   66.04 mm (2.6 in, a 0.1 in = 2.54 mm gap); the side margin is then
#   (210 - 2 x 66.04 - 63.5) / 2 = 7.21 mm and 15.15 + 7 x 38.1 + 15.15 = 297.
#   Some resellers round this to 7.25 mm / 66.0 mm (a 2.5 mm gap); the two layouts differ by
#   at most 0.04 mm on any label, far inside the sheet's own die-cut tolerance.
#   Corner radius: glabels' Avery 7160/L7160 template (templates/avery-iso-templates.xml,
#   round="5" pt) = 1.76 mm.
# Avery L7651 (also J8651, L7551): 65 labels, 5 x 13, 38.1 x 21.2 mm. Label Planet's template
#   information for the equivalent LP65/38: top margin 10.7 mm, side margin 4.75 mm, horizontal
#   pitch 40.6 mm (2.5 mm gap), vertical pitch 21.2 mm (no gap);
#   4.75 + 4 x 40.6 + 38.1 + 4.75 = 210 and 10.7 + 13 x 21.2 + 10.7 = 297.  glabels' Avery
#   8651/L7651 template agrees on the pitches (115.09 pt = 40.60 mm, 60.09 pt = 21.20 mm) and
#   gives the corner radius (5 pt = 1.76 mm).
# Rolls: Brother DK-11209 die-cut labels are 62 x 29 mm, printed by QL printers at 300 dpi
#   (732 x 342 dots); a Zebra 2 x 1 in label at 203 dpi is 406 x 203 dots.
_CORNER_5PT_MM = round(5 / PT_PER_MM, 2)

FORMATS: dict[str, LabelFormat] = {
    fmt.name: fmt
    for fmt in (
        LabelFormat(
            name="brother-62x29",
            title="Rouleau Brother QL 62 × 29 mm (300 dpi)",
            kind="roll",
            dpi=300,
            label_width_mm=62.0,
            label_height_mm=29.0,
            media=("png", "pdf"),
            corner_radius_mm=1.5,
            # QL printers leave about 1.5 mm unprinted on each side and 3 mm top and bottom
            # of a 29 mm die-cut label (printable area 696 x 271 dots).
            safe_margin_x_mm=1.5,
            safe_margin_y_mm=3.0,
        ),
        LabelFormat(
            name="zebra-2x1",
            title="Rouleau Zebra 2 × 1 pouce (203 dpi)",
            kind="roll",
            dpi=203,
            label_width_mm=2 * MM_PER_INCH,
            label_height_mm=1 * MM_PER_INCH,
            media=("png", "zpl", "pdf"),
            corner_radius_mm=0.0,
            safe_margin_x_mm=1.5,
            safe_margin_y_mm=1.5,
        ),
        LabelFormat(
            name="avery-l7160",
            title="Planche A4 Avery L7160 (3 × 7, 63,5 × 38,1 mm)",
            kind="sheet",
            label_width_mm=63.5,
            label_height_mm=38.1,
            media=("pdf",),
            page_width_mm=A4_WIDTH_MM,
            page_height_mm=A4_HEIGHT_MM,
            columns=3,
            rows=7,
            left_margin_mm=7.21,
            top_margin_mm=15.15,
            horizontal_pitch_mm=66.04,
            vertical_pitch_mm=38.1,
            corner_radius_mm=_CORNER_5PT_MM,
            sheet_module_mm=0.7,
            safe_margin_x_mm=1.5,
            safe_margin_y_mm=1.5,
        ),
        LabelFormat(
            name="avery-l7651",
            title="Planche A4 Avery L7651 (5 × 13, 38,1 × 21,2 mm)",
            kind="sheet",
            label_width_mm=38.1,
            label_height_mm=21.2,
            media=("pdf",),
            page_width_mm=A4_WIDTH_MM,
            page_height_mm=A4_HEIGHT_MM,
            columns=5,
            rows=13,
            left_margin_mm=4.75,
            top_margin_mm=10.7,
            horizontal_pitch_mm=40.6,
            vertical_pitch_mm=21.2,
            corner_radius_mm=_CORNER_5PT_MM,
            sheet_module_mm=0.5,
            safe_margin_x_mm=1.0,
            safe_margin_y_mm=1.0,
        ),
    )
}


def get_format(name: str) -> LabelFormat:
    """Look a format up by name, with a French error the API can show as is."""
    try:
        return FORMATS[name]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise UnknownLabelFormat(f"Format d'étiquette inconnu : « {name} ». Formats disponibles : {known}.") from None


def require_media(fmt: LabelFormat, media: Media) -> None:
    """Refuse a media the stock cannot take (e.g. a PNG of a whole A4 sheet)."""
    if not fmt.supports(media):
        offered = ", ".join(fmt.media)
        raise ValueError(
            f"Le format « {fmt.name} » ne se produit pas en {media.upper()} (formats proposés : {offered})."
        )
