"""What the service's PDF documents share: fonts, text that the fonts can draw, a paginating cursor,
the page footer. Their words, dates and numbers come from :mod:`ordi.i18n`.

Why these choices:

- reportlab's canvas with manual pagination (:class:`Page`), not platypus: a document may be
  rendered from a row *iterator* (a database cursor) in a background job, one row at a time, so
  nothing holds every row; platypus would build the whole story first.
- the 14 standard PDF fonts (Helvetica, Courier): nothing to embed, identical on every machine. Their
  encoding (Windows-1252) covers French; any other character is written as ``?`` rather than as an
  invisible box (see :func:`pdf_text`).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable

import reportlab
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

__all__ = [
    "BOLD",
    "FONT",
    "GREY",
    "LIGHT",
    "MARGIN",
    "MONO",
    "UNICODE_BOLD",
    "UNICODE_FONT",
    "Page",
    "draw_footer",
    "fit",
    "pdf_text",
    "unicode_fonts",
    "wrap",
]

FONT = "Helvetica"
BOLD = "Helvetica-Bold"
MONO = "Courier"
GREY = colors.HexColor("#555555")
LIGHT = colors.HexColor("#EEEEEE")
MARGIN = 18 * mm


def pdf_text(text: object) -> str:
    """Keep what Helvetica/Courier can draw (Windows-1252); decompose accents, else ``?``."""
    s = "" if text is None else str(text)
    if s.isascii() and s.isprintable():  # fast path: most cells of a 2,000-row report
        return s
    out: list[str] = []
    for ch in s:
        if ch in "\r\n\t":
            out.append(" ")
            continue
        try:
            ch.encode("cp1252")
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        try:
            base.encode("cp1252")
            out.append(base or "?")
        except UnicodeEncodeError:
            out.append("?")
    return "".join(out)


def fit(text: str, font: str, size: float, width: float) -> str:
    """Truncate with an ellipsis so a cell never overflows into its neighbour."""
    text = pdf_text(text)
    if stringWidth(text, font, size) <= width:
        return text
    ell = "…"
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if stringWidth(text[:mid] + ell, font, size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo] + ell


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of at most ``width`` points; a word longer than a line (a hash, a signature) is cut."""
    lines = simpleSplit(pdf_text(text), font, size, width)
    out: list[str] = []
    for line in lines or [""]:
        while stringWidth(line, font, size) > width and len(line) > 1:
            cut = len(line)
            while cut > 1 and stringWidth(line[:cut], font, size) > width:
                cut -= 1
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return out


class Page:
    """Minimal manual pagination: a cursor ``y`` going down, new page when space runs out."""

    def __init__(self, c: Canvas, width: float, height: float, footer: Callable[[Canvas, int], None]):
        self.c, self.width, self.height, self.footer = c, width, height, footer
        self.number = 1
        self.y = height - MARGIN
        self.on_new_page: Callable[[], None] | None = None

    def ensure(self, needed: float, bottom: float = MARGIN + 14) -> None:
        if self.y - needed < bottom:
            self.break_page()

    def break_page(self) -> None:
        self.footer(self.c, self.number)
        self.c.showPage()
        self.number += 1
        self.y = self.height - MARGIN
        if self.on_new_page is not None:
            self.on_new_page()

    def finish(self) -> None:
        self.footer(self.c, self.number)
        self.c.showPage()


def draw_footer(c: Canvas, text: str, page_label: str, left: float, right: float, y: float, size: float) -> None:
    """A grey footer line: ``text`` on the left, the page label (``page 3``) on the right."""
    c.setFont(FONT, size)
    c.setFillColor(GREY)
    c.drawString(left, y, pdf_text(text))
    c.drawRightString(right, y, pdf_text(page_label))
    c.setFillColor(colors.black)


# --- Unicode fonts, embedded (the yearly bilan) ----------------------------------------------
# A document that prints names from anywhere ("≈", "Łódź", "Ολυμπία") cannot live with Windows-1252:
# it embeds a TrueType font (a subset: only the glyphs used). DejaVu Sans comes from the operating
# system's package (Debian `fonts-dejavu-core`, installed by the Docker image), never from this
# repository; where it is missing, reportlab's own Bitstream Vera (Latin only) stands in.

#: Where each system packages DejaVu Sans (Debian/Ubuntu, Fedora/Arch, Alpine).
_DEJAVU_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF")
UNICODE_FONT = "OrdiSans"
UNICODE_BOLD = "OrdiSans-Bold"


def _font_files() -> tuple[str, str]:
    for folder in _DEJAVU_DIRS:
        regular, bold = os.path.join(folder, "DejaVuSans.ttf"), os.path.join(folder, "DejaVuSans-Bold.ttf")
        if os.path.isfile(regular) and os.path.isfile(bold):
            return regular, bold
    fonts = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    return os.path.join(fonts, "Vera.ttf"), os.path.join(fonts, "VeraBd.ttf")


def unicode_fonts() -> tuple[str, str]:
    """Register (once) and name the embedded regular and bold fonts."""
    if UNICODE_FONT not in pdfmetrics.getRegisteredFontNames():
        regular, bold = _font_files()
        pdfmetrics.registerFont(TTFont(UNICODE_FONT, regular))
        pdfmetrics.registerFont(TTFont(UNICODE_BOLD, bold))
    return UNICODE_FONT, UNICODE_BOLD
