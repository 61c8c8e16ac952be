"""Labels as ZPL II for Zebra printers, using the printer's own ^BQ QR encoder."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import BinaryIO, TextIO, cast

from .content import LabelContent
from .formats import MM_PER_INCH, LabelFormat, require_media
from .layout import Layout, label_texts, layout_for
from .qr import qr_mode, qr_side

#: ^BQ field data prefix letter for error correction level Q (ZPL II manual, ^BQ).
ZPL_ECC = "Q"
#: Bar code height pinned with ^BY before every ^BQ.  Zebra firmware moves a ^FO-placed QR
#: down by the current ^BY height, a printer-persistent setting (reported by the Labelary-
#: compatible renderers: ingridhq/zebrash PR #57, u8array/ZPLab PR #401).  Pinning it makes the
#: offset known, and the ^FO compensates for it.  10 dots is the smallest ^BY height allowed.
ZPL_BY_HEIGHT = 10
_HEX_INDICATOR = "_"
_ESCAPED = {"_": "_5F", "^": "_5E", "~": "_7E"}


def zpl_escape(text: str) -> str:
    """Make ``text`` safe inside ^FH^FD...^FS: ZPL command prefixes and the hex indicator
    become hex escapes, control characters become spaces."""
    out = []
    for ch in text:
        if ch in _ESCAPED:
            out.append(_ESCAPED[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _dots(mm: float, dpi: int) -> int:
    return round(mm * dpi / MM_PER_INCH)


def qr_field_data(url: str) -> str:
    """The ^BQ ^FD payload: ``<ECC><input mode>,<data>``.

    Manual input mode with the alphanumeric character mode (``QM,A<data>``) forces the same
    mode :func:`labels.qr.qr_matrix` uses, so the printer draws a symbol of the same size;
    anything else falls back to automatic mode (``QA,<data>``).
    """
    mode = qr_mode(url)
    if mode == "alphanumeric":
        return f"{ZPL_ECC}M,A{url}"
    if mode == "numeric":
        return f"{ZPL_ECC}M,N{url}"
    return f"{ZPL_ECC}A,{url}"


def _label_zpl(content: LabelContent, fmt: LabelFormat, dpi: int) -> str:
    layout: Layout = layout_for(fmt, qr_side(content.url))
    texts = label_texts(layout, content.tag, content.category, content.model)
    tag, tag_em, tag_baseline = texts.tag
    lines = [
        "^XA",
        "^CI28",
        f"^PW{fmt.label_width_dots}",
        f"^LL{fmt.label_height_dots}",
        "^LH0,0",
        f"^BY2,3,{ZPL_BY_HEIGHT}",
        f"^FO{layout.qr_x_dots},{layout.qr_y_dots - ZPL_BY_HEIGHT}"
        f"^BQN,2,{layout.module_dots}^FH{_HEX_INDICATOR}^FD{zpl_escape(qr_field_data(content.url))}^FS",
    ]
    for text, em, x, baseline in (
        (*texts.header, layout.header.x, layout.header.baseline),
        (tag, tag_em, layout.tag_x, tag_baseline),
        (*texts.category, layout.category.x, layout.category.baseline),
        (*texts.model, layout.model.x, layout.model.baseline),
    ):
        if text:
            # ^FT puts the baseline at the given point, as the PNG and PDF renderers do.
            height = max(10, _dots(em, dpi))
            lines.append(
                f"^FT{_dots(x, dpi)},{_dots(baseline, dpi)}^A0N,{height},{height}"
                f"^FH{_HEX_INDICATOR}^FD{zpl_escape(text)}^FS"
            )
    lines.append("^XZ")
    return "\n".join(lines) + "\n"


def render_zpl(
    contents: Iterable[LabelContent],
    fmt: LabelFormat,
    out: TextIO | BinaryIO,
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write one ^XA...^XZ block per label to ``out``; return how many were written.

    ``out`` may be a text stream or a binary one (then UTF-8, matching ^CI28).  Labels are
    pulled and written one at a time, and ``progress(n_done)`` is called after each.  Line
    widths are estimated with Vera's metrics (the PNG/PDF font), wider than the printer's
    condensed font 0, so lines fit with room to spare.  An empty input writes nothing and
    returns 0.
    """
    require_media(fmt, "zpl")
    assert fmt.dpi is not None
    text_mode = isinstance(out, io.TextIOBase)
    done = 0
    for content in contents:
        block = _label_zpl(content, fmt, fmt.dpi)
        if text_mode:
            cast(TextIO, out).write(block)
        else:
            cast(BinaryIO, out).write(block.encode("utf-8"))
        done += 1
        if progress is not None:
            progress(done)
    return done
