"""One label as a PNG exactly the size of the label on the printer's dot grid.

The image is drawn bilevel (pure black on white, no anti-aliasing): thermal heads print dots,
and a driver thresholding grey edges would thin or thicken QR modules unpredictably.  It is
stored as 8-bit greyscale holding only 0 and 255, because packing 1-bit rows costs more than
the whole rest of the label; see :func:`_encode_png`.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from .content import LabelContent
from .formats import MM_PER_INCH, LabelFormat, require_media
from .layout import FONT_FILES, Layout, char_advance_em, header_fit, label_texts, layout_for
from .qr import qr_rows

_WHITE = 255
_BLACK = 0
#: Module value -> grey level: True (dark) -> 0, False -> 255.
_MODULE_TO_GREY = bytes([255, 0]) + bytes(254)
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class _Glyph:
    """One pre-rendered character: its ink as a mask, placed relative to the pen position."""

    mask: Image.Image | None
    dx: int
    dy: int


@lru_cache(maxsize=32)
def _font(bold: bool, px: int) -> ImageFont.FreeTypeFont:
    """Vera at a whole pixel size, loaded once per size."""
    return ImageFont.truetype(str(FONT_FILES[bold]), px)


@lru_cache(maxsize=4096)
def _glyph(bold: bool, px: int, ch: str) -> _Glyph:
    """Rasterise a character once per size: labels reuse the same few dozen characters, and a
    cached paste is several times cheaper than asking FreeType to lay out every line again."""
    font = _font(bold, px)
    left, top, right, bottom = (int(v) for v in font.getbbox(ch, anchor="ls"))
    if right <= left or bottom <= top:
        return _Glyph(None, 0, 0)
    # One pixel of slack: the bilevel rasteriser may set a pixel the grey bbox rounded away.
    left, top, right, bottom = left - 1, top - 1, right + 1, bottom + 1
    mask = Image.new("L", (right - left, bottom - top), 0)
    draw = ImageDraw.Draw(mask)
    draw.fontmode = "1"  # bilevel edges, see the module docstring
    draw.text((-left, -top), ch, font=font, fill=255, anchor="ls")
    return _Glyph(mask, left, top)


def _px(mm: float, dpi: int) -> int:
    return round(mm * dpi / MM_PER_INCH)


def _em_px(em_mm: float, dpi: int) -> int:
    # Floor so the raster text is never wider than what the layout measured.
    return max(1, int(em_mm * dpi / MM_PER_INCH))


def _set_line(image: Image.Image, pen: float, baseline: int, text: str, px: int, bold: bool, ink: int) -> None:
    """Set ``text`` glyph by glyph in colour ``ink``, advancing by the font's advance widths."""
    for ch in text:
        glyph = _glyph(bold, px, ch)
        if glyph.mask is not None:
            x, y = round(pen) + glyph.dx, baseline + glyph.dy
            image.paste(ink, (x, y, x + glyph.mask.width, y + glyph.mask.height), glyph.mask)
        pen += char_advance_em(ch, bold) * px


@lru_cache(maxsize=512)
def _line_mask(text: str, px: int, bold: bool) -> tuple[Image.Image, int, int]:
    """A whole line pre-set as one mask, for lines that repeat (a donation is mostly a few
    models and categories): one paste instead of one per glyph.  Returns the mask and the
    offset of its top-left corner from the pen position on the baseline."""
    ascent, descent = _font(bold, px).getmetrics()
    width = int(sum(char_advance_em(ch, bold) for ch in text) * px) + 2 * px
    mask = Image.new("L", (width, ascent + descent + 2), 0)
    _set_line(mask, float(px), ascent + 1, text, px, bold, 255)
    return mask, -px, -(ascent + 1)


def _draw_line(
    image: Image.Image,
    dpi: int,
    x_mm: float,
    baseline_mm: float,
    text: str,
    em_mm: float,
    bold: bool,
    *,
    repeats: bool = True,
) -> None:
    """Draw one line of text with its left end on the baseline at (x, baseline).

    Glyph advances are the same as the PDF renderer's (reportlab does not kern either), so a
    line fits and truncates identically in both media.  ``repeats=False`` (the tag, unique
    per label) skips the line cache it would only pollute.
    """
    if not text:
        return
    px = _em_px(em_mm, dpi)
    x, baseline = _px(x_mm, dpi), _px(baseline_mm, dpi)
    if not repeats:
        _set_line(image, float(x), baseline, text, px, bold, _BLACK)
        return
    mask, dx, dy = _line_mask(text, px, bold)
    image.paste(_BLACK, (x + dx, baseline + dy, x + dx + mask.width, baseline + dy + mask.height), mask)


@lru_cache(maxsize=32)
def _template(fmt: LabelFormat, n: int) -> Image.Image:
    """The QR-less label with the fixed "Ordi 2.0" line, built once per stock and QR size."""
    assert fmt.dpi is not None
    layout = layout_for(fmt, n)
    image = Image.new("L", (fmt.label_width_dots, fmt.label_height_dots), _WHITE)
    text, em = header_fit(layout)
    _draw_line(image, fmt.dpi, layout.header.x, layout.header.baseline, text, em, True)
    return image


def _qr_image(rows: tuple[tuple[bool, ...], ...], module_dots: int) -> Image.Image:
    """The symbol as a one-pixel-per-module image, scaled up by an exact integer.

    NEAREST scaling by an integer factor makes every module exactly ``module_dots`` square,
    with no per-pixel Python loop.
    """
    n = len(rows)
    data = b"".join(bytes(row) for row in rows).translate(_MODULE_TO_GREY)
    small = Image.frombytes("L", (n, n), data)
    return small.resize((n * module_dots, n * module_dots), Image.Resampling.NEAREST)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _deflate(data: bytes) -> bytes:
    """Run-length deflate: a bilevel label is long runs of one byte, which Z_RLE finds at a
    fraction of the cost of the default string matching, for a file a few kB larger."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 15, 9, zlib.Z_RLE)
    return compressor.compress(data) + compressor.flush()


def _encode_png(image: Image.Image, dpi: int) -> bytes:
    """8-bit greyscale PNG with a pHYs chunk, so drivers print it at 100 %.

    Written here rather than by ``Image.save``: Pillow's encoder spends most of a label's
    budget choosing row filters (and packing bits for 1-bit images); a bilevel label
    compresses well with no filter at all.
    """
    width, height = image.size
    raw = image.tobytes()
    rows = b"".join([b"\x00" + raw[y * width : (y + 1) * width] for y in range(height)])
    per_metre = round(dpi / 0.0254)
    return b"".join(
        [
            _PNG_SIGNATURE,
            _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)),
            _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
            _chunk(b"IDAT", _deflate(rows)),
            _chunk(b"IEND", b""),
        ]
    )


def render_png(content: LabelContent, fmt: LabelFormat) -> bytes:
    """Render one label as PNG bytes: exactly the label's size in printer dots, dpi recorded."""
    require_media(fmt, "png")
    assert fmt.dpi is not None
    rows = qr_rows(content.url)
    layout: Layout = layout_for(fmt, len(rows))
    image = _template(fmt, len(rows)).copy()
    image.paste(_qr_image(rows, layout.module_dots), (layout.qr_x_dots, layout.qr_y_dots))

    texts = label_texts(layout, content.tag, content.category, content.model)
    tag, tag_em, tag_baseline = texts.tag
    _draw_line(image, fmt.dpi, layout.tag_x, tag_baseline, tag, tag_em, True, repeats=False)
    _draw_line(image, fmt.dpi, layout.category.x, layout.category.baseline, *texts.category, False)
    _draw_line(image, fmt.dpi, layout.model.x, layout.model.baseline, *texts.model, False)
    return _encode_png(image, fmt.dpi)
