"""The donation traceability report as a landscape A4 PDF, in French (or English), streamed row by row.

A donation of 2,000+ devices is rendered from a row *iterator* (the report service's spool) in a
background job, one row at a time: only the finished pages are kept by reportlab until ``save()``
(compressed, a few hundred kilobytes for 2,000 rows). Pages are numbered "page N": the total is
unknown while streaming.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import tzinfo
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ordi.clock import PARIS
from ordi.donations.report_model import (
    COLUMNS,
    DeviceFateRow,
    DonationReportHeader,
    DonationTotals,
    ImpactSummary,
    row_texts,
)
from ordi.i18n import Lang, column_heading, date_text, datetime_text, number_text, state_name, word, zone_label
from ordi.pdf import (
    BOLD,
    FONT,
    GREY,
    LIGHT,
    MARGIN,
    MONO,
    Page,
    draw_footer,
    fit,
    pdf_text,
    wrap,
)

__all__ = ["render_donation_report_pdf"]

# Widths of the PDF columns in points, scaled to the page (780 for 785): each fits its French
# heading, a 10-character tag, a category, a state, a certificate number and a date; a longer model,
# recycling channel or beneficiary category is cut with "…".
_WIDTHS: dict[str, float] = {
    "asset_tag": 48,
    "category": 59,
    "model": 73,
    "serial_number": 56,
    "state": 66,
    "declared_at": 34,
    "collected_at": 34,
    "received_at": 42,
    "wiped_at": 34,
    "ready_at": 34,
    "handed_over_at": 34,
    "recycled_at": 34,
    "certificate_number": 53,
    "grade": 22,
    "recycle_channel": 48,
    "recycle_weight_kg": 30,
    "departement": 19,
    "beneficiary_category": 60,
}


def render_donation_report_pdf(
    header: DonationReportHeader,
    rows: Iterable[DeviceFateRow],
    totals: DonationTotals,
    impact: ImpactSummary,
    out: BinaryIO,
    progress: Callable[[int], None] | None = None,
    lang: Lang = "fr",
) -> None:
    """Write the landscape-A4 traceability report of one donation to ``out``, in French unless ``lang``.

    ``rows`` is consumed once, lazily (pass a database cursor or generator). ``progress`` receives the
    number of rows written so far, at each page break and at the end.
    """
    zone = PARIS
    width, height = landscape(A4)
    margin = 10 * mm
    left, right = margin, width - margin
    c = Canvas(out, pagesize=(width, height), pageCompression=1)
    c.setTitle(word("report.document_title", lang, reference=header.reference))
    c.setAuthor("Ordi 2.0")
    at = datetime_text(header.generated_at, zone, lang)
    generated = word("report.generated", lang, at=at, zone=zone_label(zone, lang))

    def footer(canvas: Canvas, number: int) -> None:
        text = word("report.footer", lang, reference=header.reference, donor=header.donor_name, generated=generated)
        draw_footer(canvas, text, word("page", lang, number=number), left, right, margin - 4, 7)

    page = Page(c, width, height, footer)
    page.y = height - margin
    bottom = margin + 10
    row_h = 9.6
    size = 6.4
    scale = (right - left) / sum(_WIDTHS[name] for name in COLUMNS)
    widths = [_WIDTHS[name] * scale for name in COLUMNS]
    headings = [column_heading(name, lang, short=True) for name in COLUMNS]

    def table_header() -> None:
        c.setFillColor(LIGHT)
        c.rect(left, page.y - 3.5, right - left, 12, stroke=0, fill=1)
        c.setFillColor(colors.black)
        c.setFont(BOLD, 6.4)
        x = left
        for label, w in zip(headings, widths, strict=True):
            c.drawString(x + 1.5, page.y, fit(label, BOLD, 6.4, w - 3))
            x += w
        page.y -= 13

    def running_header() -> None:
        page.y = height - margin
        c.setFont(BOLD, 9)
        c.drawString(left, page.y - 2, pdf_text(word("report.running_title", lang, reference=header.reference)))
        c.setFont(FONT, 8)
        c.drawRightString(right, page.y - 2, pdf_text(header.donor_name))
        page.y -= 18
        table_header()

    _report_first_page(c, page, header, totals, impact, zone, left, right, generated, lang)

    page.ensure(40, bottom)
    c.setFont(BOLD, 11)
    c.drawString(left, page.y, pdf_text(word("report.details", lang)))
    page.y -= 16
    table_header()
    page.on_new_page = running_header

    count = 0
    for row in rows:
        if page.y - row_h < bottom:
            if progress is not None:
                progress(count)
            page.break_page()
        if count % 2:
            c.setFillColor(colors.HexColor("#F6F6F6"))
            c.rect(left, page.y - 3, right - left, row_h, stroke=0, fill=1)
            c.setFillColor(colors.black)
        x = left
        for column, (text, w) in enumerate(zip(row_texts(row, zone, lang, short=True), widths, strict=True)):
            if text:
                # The tag is never cut: monospace keeps any 10-character tag within its column.
                font = MONO if column == 0 else FONT
                c.setFont(font, size)
                c.drawString(x + 1.5, page.y, fit(text, font, size, w - 3))
            x += w
        page.y -= row_h
        count += 1
    if count == 0:
        c.setFont(FONT, 8)
        c.drawString(left, page.y, pdf_text(word("report.no_device", lang)))
    page.finish()
    c.save()
    if progress is not None:
        progress(count)


def _report_first_page(
    c: Canvas,
    page: Page,
    header: DonationReportHeader,
    totals: DonationTotals,
    impact: ImpactSummary,
    zone: tzinfo,
    left: float,
    right: float,
    generated: str,
    lang: Lang,
) -> None:
    width = right - left

    def count(n: float | int) -> str:
        return number_text(n, 0, lang)

    c.setFont(FONT, 8)
    c.setFillColor(GREY)
    c.drawString(left, page.y - 2, pdf_text(word("report.kicker", lang)))
    c.setFillColor(colors.black)
    c.setFont(BOLD, 18)
    c.drawString(left, page.y - 24, pdf_text(word("report.title", lang)))
    c.setFont(FONT, 9.5)
    y = page.y - 42
    for line in (
        word("report.reference", lang, reference=header.reference, id=header.donation_id),
        word("report.donor", lang, donor=header.donor_name),
        word("report.declared", lang, date=date_text(header.declared_on, zone, lang=lang), generated=generated),
    ):
        c.drawString(left, y, pdf_text(line))
        y -= 13
    y -= 6

    # Totals
    c.setFont(BOLD, 11)
    c.drawString(left, y, pdf_text(word("report.summary", lang)))
    y -= 14
    c.setFont(FONT, 9)
    reuse = totals.reuse_rate
    summary = [
        word("report.devices", lang, count=count(totals.devices)),
        word("report.redistributed", lang, count=count(totals.redistributed)),
        word(
            "report.recycled",
            lang,
            count=count(totals.recycled),
            kg=number_text(totals.recycled_weight_kg, 1, lang),
        ),
        word("report.lost", lang, count=count(totals.lost)),
        word("report.certificates", lang, count=count(totals.wipe_certificates)),
        word(
            "report.reuse_rate",
            lang,
            rate=word("none", lang) if reuse is None else f"{number_text(reuse * 100, 1, lang)} %",
        ),
    ]
    for line in summary:
        c.drawString(left, y, pdf_text(line))
        y -= 12
    if totals.by_state:
        parts = ", ".join(
            word("pair", lang, name=state_name(s, lang), value=count(n)) for s, n in totals.by_state.items()
        )
        for line in wrap(word("report.by_state", lang, parts=parts), FONT, 9, width):
            c.drawString(left, y, line)
            y -= 12
    y -= 6

    # Impact with factors and sources
    c.setFont(BOLD, 11)
    c.drawString(left, y, pdf_text(word("report.impact", lang)))
    y -= 14
    c.setFont(FONT, 9)
    kg, co2e = number_text(impact.kg_ewaste_avoided, 1, lang), number_text(impact.kg_co2e_avoided, 1, lang)
    c.drawString(left, y, pdf_text(word("report.impact_totals", lang, kg=kg, co2e=co2e)))
    y -= 13
    if impact.method_note:
        for line in wrap(impact.method_note, FONT, 8, width):
            c.setFont(FONT, 8)
            c.drawString(left, y, line)
            y -= 10
    factors = impact.factor_list()
    if factors:
        cols = [0.18, 0.13, 0.15, 0.54]
        ws = [width * f for f in cols]
        c.setFont(BOLD, 8)
        x = left
        labels = [word(key, lang) for key in ("field.category", "report.factor.kg", "report.factor.co2e")]
        for label, w in zip([*labels, word("report.factor.source", lang)], ws, strict=True):
            c.drawString(x, y, pdf_text(label))
            x += w
        y -= 11
        for f in factors:
            src = wrap(f.source, FONT, 8, ws[3] - 4)
            if y - 10 * len(src) < MARGIN:  # a long factor list continues on the next page
                page.break_page()
                y = page.y
            c.setFont(FONT, 8)
            c.drawString(left, y, fit(f.category, FONT, 8, ws[0] - 4))
            c.drawString(left + ws[0], y, number_text(f.kg_per_device, 2, lang))
            c.drawString(left + ws[0] + ws[1], y, number_text(f.co2e_per_device, 1, lang))
            for line in src:
                c.drawString(left + ws[0] + ws[1] + ws[2], y, line)
                y -= 10
            y -= 1
    y -= 4
    c.setFont(FONT, 7.5)
    c.setFillColor(GREY)
    for line in wrap(word("report.privacy", lang), FONT, 7.5, width):
        if y < MARGIN:
            page.break_page()
            y = page.y
            c.setFont(FONT, 7.5)
            c.setFillColor(GREY)
        c.drawString(left, y, line)
        y -= 9
    c.setFillColor(colors.black)
    page.y = y - 10
