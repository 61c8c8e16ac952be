"""Where things go on a label, in millimetres, shared by the PNG, PDF and ZPL renderers.

One layout for every medium keeps a label looking the same whichever way it is printed, and
lets the expensive part (font sizes, line positions) be computed once per stock and QR size.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from .formats import MM_PER_INCH, QUIET_ZONE_MODULES, LabelDoesNotFit, LabelFormat

# Bitstream Vera ships inside reportlab (a runtime dependency), so PNG and PDF use the very
# same outlines on any machine, with nothing binary in this repository and nothing to install.
FONT_DIR = Path(reportlab.__file__).resolve().parent / "fonts"
FONT_FILES = {False: FONT_DIR / "Vera.ttf", True: FONT_DIR / "VeraBd.ttf"}
PDF_FONT_NAMES = {False: "OrdiVera", True: "OrdiVera-Bold"}

HEADER_TEXT = "Ordi 2.0"
ELLIPSIS = "…"

# Vera's vertical metrics, in em: ascent and descent bound a line, cap height is the top of
# the capitals and digits a tag is made of.
_ASCENT = 0.928
_DESCENT = 0.236
_CAP_HEIGHT = 0.729
_LINE = _ASCENT + _DESCENT

#: Small lines (header, category, model) never exceed 3 mm em (about 8.5 pt)...
_SMALL_EM_MAX_MM = 3.0
#: ... nor shrink below 1.6 mm em (4.5 pt, about the smallest size still read on a print).
_SMALL_EM_MIN_MM = 1.6
#: Reference tag used to size the other lines so that the tag stays the biggest text.
_REFERENCE_TAG = "0" * 10
#: Widths are measured with the PDF metrics; a raster glyph may come out a hair wider after
#: hinting, so keep a little slack rather than touch the label edge.
_WIDTH_SLACK = 0.98


@lru_cache(maxsize=1)
def register_pdf_fonts() -> None:
    """Register the two Vera faces with reportlab once per process."""
    for bold, path in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(PDF_FONT_NAMES[bold], str(path)))


def width_em(text: str, bold: bool) -> float:
    """Advance width of ``text`` in em, from the font's own metrics (same for every medium)."""
    register_pdf_fonts()
    return pdfmetrics.stringWidth(text, PDF_FONT_NAMES[bold], 1000) / 1000


@lru_cache(maxsize=1024)
def char_advance_em(ch: str, bold: bool) -> float:
    """Advance width of one character in em; cached because raster text is set glyph by glyph."""
    return width_em(ch, bold)


@lru_cache(maxsize=2)
def _glyph_map(bold: bool) -> frozenset[int]:
    register_pdf_fonts()
    font = pdfmetrics.getFont(PDF_FONT_NAMES[bold])
    return frozenset(font.face.charToGlyph)  # type: ignore[attr-defined]


def clean_text(text: str, bold: bool = False) -> str:
    """One printable line: controls and line breaks become spaces, glyphs Vera lacks become "?".

    Without this a stray emoji in a model name prints as an empty box in the PDF and as
    nothing in the PNG, and the two media would disagree.
    """
    glyphs = _glyph_map(bold)
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if unicodedata.category(ch)[0] in "CZ":
            out.append(" ")
        elif ord(ch) in glyphs:
            out.append(ch)
        else:
            out.append("?")
    return " ".join("".join(out).split())


def fit_text(text: str, bold: bool, em_max: float, em_min: float, width: float) -> tuple[str, float]:
    """Shrink ``text`` down to ``em_min`` to fit ``width``, then cut it with an ellipsis.

    Returns the text to print and its em size (same unit as ``width``).
    """
    width *= _WIDTH_SLACK
    w = width_em(text, bold)
    if w <= 0:
        return text, em_max
    em = min(em_max, width / w)
    if em >= em_min:
        return text, em
    em = em_min
    lo, hi = 0, len(text)
    while lo < hi:  # longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if width_em(text[:mid].rstrip() + ELLIPSIS, bold) * em <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + ELLIPSIS, em


@dataclass(frozen=True)
class TextSlot:
    """A line of text: left edge and baseline (mm from the label's top-left), size limits."""

    x: float
    baseline: float
    em_max: float
    em_min: float
    width: float
    bold: bool


@dataclass(frozen=True)
class Layout:
    """Geometry of one label for a given stock and QR size (matrix side ``n``)."""

    n: int
    module_mm: float
    qr_x_mm: float
    qr_y_mm: float
    #: Same values on the printer's dot grid (roll stocks only, else 0).
    module_dots: int
    qr_x_dots: int
    qr_y_dots: int
    header: TextSlot
    category: TextSlot
    model: TextSlot
    #: The tag's box: as big as fits in it, centred vertically.
    tag_x: float
    tag_top: float
    tag_height: float
    tag_width: float

    def tag_fit(self, tag: str) -> tuple[float, float]:
        """Em size and baseline (mm) of ``tag``: the largest that fits its box."""
        em = self.tag_height / _CAP_HEIGHT
        w = width_em(tag, True)
        if w > 0:
            em = min(em, self.tag_width * _WIDTH_SLACK / w)
        baseline = self.tag_top + (self.tag_height + _CAP_HEIGHT * em) / 2
        return em, baseline


@lru_cache(maxsize=64)
def layout_for(fmt: LabelFormat, n: int) -> Layout:
    """Compute (once per stock and QR size) where the QR and each line of text go.

    The QR sits at the left, its quiet zone starting at the label edge (blank paper counts as
    quiet zone), vertically centred; the text column takes the rest of the width.
    """
    height = fmt.label_height_mm
    module = fmt.qr_module_mm
    side = n + 2 * QUIET_ZONE_MODULES
    if fmt.dpi is not None:
        md = fmt.qr_module_dots or 1
        h_dots = fmt.label_height_dots
        if side * md > h_dots:
            raise _too_dense(fmt, n)
        x_dots = QUIET_ZONE_MODULES * md
        y_dots = (h_dots - n * md) // 2
        to_mm = MM_PER_INCH / fmt.dpi
        qr_x, qr_y = x_dots * to_mm, y_dots * to_mm
    else:
        md = x_dots = y_dots = 0
        if side * module > height + 1e-9:
            raise _too_dense(fmt, n)
        qr_x = QUIET_ZONE_MODULES * module
        qr_y = (height - n * module) / 2

    text_x = qr_x + (n + QUIET_ZONE_MODULES) * module
    text_w = fmt.label_width_mm - fmt.safe_margin_x_mm - text_x
    top = fmt.safe_margin_y_mm
    box_h = height - 2 * fmt.safe_margin_y_mm
    if text_w <= 5:
        raise _too_dense(fmt, n)

    gap = 0.05 * box_h
    em_small = min(0.15 * box_h, _SMALL_EM_MAX_MM)
    tag_h = box_h - 3 * _LINE * em_small - 3 * gap
    tag_ref_em = min(tag_h / _CAP_HEIGHT, text_w * _WIDTH_SLACK / width_em(_REFERENCE_TAG, True))
    # The tag must stay the biggest text: small lines shrink to 3/4 of a typical tag, and
    # whatever height they give back goes to the tag's box.
    em_small = max(_SMALL_EM_MIN_MM, min(em_small, 0.75 * tag_ref_em))
    tag_h = box_h - 3 * _LINE * em_small - 3 * gap
    if tag_h <= 0:
        raise _too_dense(fmt, n)

    def slot(line_top: float, bold: bool) -> TextSlot:
        # A long line shrinks a little (to 70 %), then is cut: past that, a tiny full model name
        # is less readable than a truncated one.
        em_min = max(_SMALL_EM_MIN_MM, 0.7 * em_small)
        return TextSlot(text_x, line_top + _ASCENT * em_small, em_small, em_min, text_w, bold)

    y = top
    header = slot(y, True)
    y += _LINE * em_small + gap
    tag_top = y
    y += tag_h + gap
    category = slot(y, False)
    y += _LINE * em_small + gap
    model = slot(y, False)
    return Layout(
        n=n,
        module_mm=module,
        qr_x_mm=qr_x,
        qr_y_mm=qr_y,
        module_dots=md,
        qr_x_dots=x_dots,
        qr_y_dots=y_dots,
        header=header,
        category=category,
        model=model,
        tag_x=text_x,
        tag_top=tag_top,
        tag_height=tag_h,
        tag_width=text_w,
    )


def _too_dense(fmt: LabelFormat, n: int) -> LabelDoesNotFit:
    return LabelDoesNotFit(
        f"Le QR code ({n} × {n} modules) est trop grand pour le format « {fmt.name} » : "
        "l'URL est trop longue pour cette étiquette."
    )


@dataclass(frozen=True)
class LabelTexts:
    """The four lines of one label after cleaning, fitting and truncation (sizes in mm em)."""

    header: tuple[str, float]
    tag: tuple[str, float, float]  # text, em, baseline
    category: tuple[str, float]
    model: tuple[str, float]


def fit_slot(text: str, slot: TextSlot) -> tuple[str, float]:
    """Clean and fit one line of text into its slot."""
    return fit_text(clean_text(text, slot.bold), slot.bold, slot.em_max, slot.em_min, slot.width)


@lru_cache(maxsize=64)
def header_fit(layout: Layout) -> tuple[str, float]:
    """The fixed "Ordi 2.0" line, fitted once per layout."""
    return fit_slot(HEADER_TEXT, layout.header)


def label_texts(layout: Layout, tag: str, category: str, model: str) -> LabelTexts:
    """Fit every line of one label into ``layout``."""
    em, baseline = layout.tag_fit(tag)
    return LabelTexts(
        header=header_fit(layout),
        tag=(tag, em, baseline),
        category=fit_slot(category, layout.category),
        model=fit_slot(model, layout.model),
    )
