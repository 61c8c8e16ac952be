"""Labels as PDF: A4 sheets at the exact Avery geometry, or one page per roll label.

Streams its input: labels are pulled from the iterable one at a time as the page is drawn,
so a 5,000-label donation never sits in memory as a list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import BinaryIO

from reportlab.pdfgen.canvas import Canvas

from .content import LabelContent
from .formats import PT_PER_MM, LabelFormat, require_media
from .layout import PDF_FONT_NAMES, Layout, label_texts, layout_for, register_pdf_fonts
from .qr import dark_runs, qr_rows

PDF_TITLE = "Étiquettes Ordi 2.0"
PDF_CREATOR = "Ordi 2.0 logistique"


class _LabelPainter:
    """Draws labels on one canvas; geometry comes from the cached per-stock layout."""

    def __init__(self, canvas: Canvas, fmt: LabelFormat, page_height_pt: float) -> None:
        self.canvas = canvas
        self.fmt = fmt
        self.page_height_pt = page_height_pt

    def draw(self, content: LabelContent, origin_x_mm: float, origin_y_mm: float) -> None:
        """Draw one label whose top-left corner is at the given page position (mm from top-left)."""
        rows = qr_rows(content.url)
        layout = layout_for(self.fmt, len(rows))
        self._draw_qr(rows, layout, origin_x_mm, origin_y_mm)
        self._draw_texts(content, layout, origin_x_mm, origin_y_mm)

    def _draw_qr(
        self, rows: tuple[tuple[bool, ...], ...], layout: Layout, origin_x_mm: float, origin_y_mm: float
    ) -> None:
        """Dark modules as filled rectangles, one per horizontal run, in module units.

        A transformation matrix scales module coordinates to exactly one module size, so every
        rectangle is a whole number of modules; on roll stocks the module and origin are whole
        printer dots, so the PDF rasterises onto the printer's grid without resampling.
        """
        fmt = self.fmt
        if fmt.dpi is not None:
            dot = 72 / fmt.dpi
            module = layout.module_dots * dot
            x0 = layout.qr_x_dots * dot + origin_x_mm * PT_PER_MM
            y0 = self.page_height_pt - (layout.qr_y_dots * dot + origin_y_mm * PT_PER_MM)
        else:
            module = layout.module_mm * PT_PER_MM
            x0 = (origin_x_mm + layout.qr_x_mm) * PT_PER_MM
            y0 = self.page_height_pt - (origin_y_mm + layout.qr_y_mm) * PT_PER_MM
        ops = "".join([f"{c} {r} {length} 1 re\n" for r, c, length in dark_runs(rows)])
        self.canvas.addLiteral(f"q 0 g {module:.6f} 0 0 {-module:.6f} {x0:.4f} {y0:.4f} cm\n{ops}f Q")

    def _draw_texts(self, content: LabelContent, layout: Layout, origin_x_mm: float, origin_y_mm: float) -> None:
        texts = label_texts(layout, content.tag, content.category, content.model)
        tag, tag_em, tag_baseline = texts.tag
        for text, em, x, baseline, bold in (
            (*texts.header, layout.header.x, layout.header.baseline, True),
            (tag, tag_em, layout.tag_x, tag_baseline, True),
            (*texts.category, layout.category.x, layout.category.baseline, False),
            (*texts.model, layout.model.x, layout.model.baseline, False),
        ):
            if not text:
                continue
            self.canvas.setFont(PDF_FONT_NAMES[bold], em * PT_PER_MM)
            self.canvas.drawString(
                (origin_x_mm + x) * PT_PER_MM, self.page_height_pt - (origin_y_mm + baseline) * PT_PER_MM, text
            )


def _check_skip(fmt: LabelFormat, skip: int) -> None:
    if fmt.kind == "roll":
        if skip != 0:
            raise ValueError("« Sauter des étiquettes » ne s'applique qu'aux planches A4, pas aux rouleaux.")
    elif not 0 <= skip < fmt.labels_per_page:
        raise ValueError(
            f"Nombre d'étiquettes à sauter invalide : {skip} (entre 0 et {fmt.labels_per_page - 1} "
            f"sur une planche « {fmt.name} »)."
        )


def render_pdf(
    contents: Iterable[LabelContent],
    fmt: LabelFormat,
    out: BinaryIO,
    *,
    skip: int = 0,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the labels as one PDF to ``out``; return how many labels were written.

    Sheet stocks: A4 pages at the stock's geometry.  ``skip`` is the number of positions
    already used on the FIRST sheet (counted left to right, then top to bottom): printing starts
    at position ``skip`` of page 1 and every later page is full.  It must satisfy
    ``0 <= skip < labels_per_page``; a whole blank sheet is simply not put in the printer.
    Roll stocks: one page per label, the page being the label's size; ``skip`` must be 0.

    ``progress(n_done)`` is called after each finished page with the labels written so far.
    The input is consumed lazily, one label at a time.  An empty input is refused
    (``ValueError``): a blank PDF would waste a sheet of labels.
    """
    require_media(fmt, "pdf")
    _check_skip(fmt, skip)
    register_pdf_fonts()
    items = iter(contents)
    current = next(items, None)
    if current is None:
        raise ValueError("Aucune étiquette à imprimer.")

    if fmt.kind == "sheet":
        assert fmt.page_width_mm is not None and fmt.page_height_mm is not None
        page_w, page_h = fmt.page_width_mm * PT_PER_MM, fmt.page_height_mm * PT_PER_MM
    else:
        page_w, page_h = fmt.label_width_mm * PT_PER_MM, fmt.label_height_mm * PT_PER_MM
    canvas = Canvas(out, pagesize=(page_w, page_h), pageCompression=1, invariant=1)
    canvas.setTitle(PDF_TITLE)
    canvas.setCreator(PDF_CREATOR)
    canvas.setSubject(fmt.title)
    painter = _LabelPainter(canvas, fmt, page_h)

    per_page = fmt.labels_per_page
    position = skip
    done = 0
    while current is not None:
        x_mm, y_mm = fmt.label_origin_mm(position) if fmt.kind == "sheet" else (0.0, 0.0)
        painter.draw(current, x_mm, y_mm)
        done += 1
        position += 1
        if position == per_page:
            canvas.showPage()
            position = 0
            if progress is not None:
                progress(done)
        current = next(items, None)
    if position:
        canvas.showPage()
        if progress is not None:
            progress(done)
    canvas.save()
    return done
