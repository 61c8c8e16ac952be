"""The donation traceability report as a landscape A4 PDF, in French, streamed row by row.

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
    DeviceFateRow,
    DonationReportHeader,
    DonationTotals,
    ImpactSummary,
    beneficiary_fr,
    state_fr,
)
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
    fr_date,
    fr_datetime,
    fr_number,
    pdf_text,
    wrap,
    zone_label,
)

__all__ = ["render_donation_report_pdf"]

_REPORT_COLUMNS: list[tuple[str, float]] = [
    ("N° inventaire", 52),
    ("Catégorie", 48),
    ("Modèle", 74),
    ("N° de série", 62),
    ("État", 44),
    ("Déclaré", 36),
    ("Collecté", 36),
    ("Reçu", 36),
    ("Effacé", 36),
    ("Prêt", 36),
    ("Remis", 36),
    ("Recyclé", 36),
    ("N° certificat", 60),
    ("Grade", 24),
    ("Filière recyclage", 58),
    ("Poids kg", 32),
    ("Dépt", 24),
    ("Bénéficiaire", 56),
]


def _report_cells(row: DeviceFateRow, zone: tzinfo) -> list[str]:
    d = [fr_date(v, zone, short=True) for v in row.steps]
    return [
        row.asset_tag,
        row.category,
        row.model,
        row.serial_number,
        state_fr(row.state),
        *d,
        row.certificate_number or "",
        row.grade or "",
        row.recycle_channel or "",
        fr_number(row.recycle_weight_kg, 1),
        row.departement or "",
        beneficiary_fr(row.beneficiary_category),
    ]


def render_donation_report_pdf(
    header: DonationReportHeader,
    rows: Iterable[DeviceFateRow],
    totals: DonationTotals,
    impact: ImpactSummary,
    out: BinaryIO,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write the French landscape-A4 traceability report of one donation to ``out``.

    ``rows`` is consumed once, lazily (pass a database cursor or generator). ``progress`` receives the
    number of rows written so far, at each page break and at the end.
    """
    zone = PARIS
    width, height = landscape(A4)
    margin = 10 * mm
    left, right = margin, width - margin
    c = Canvas(out, pagesize=(width, height), pageCompression=1)
    c.setTitle(f"Rapport de traçabilité du don {header.reference}")
    c.setAuthor("Ordi 2.0")
    generated = f"Généré le {fr_datetime(header.generated_at, zone)} ({zone_label(zone)})"

    def footer(canvas: Canvas, number: int) -> None:
        text = f"Don {header.reference} — {header.donor_name} — {generated}"
        draw_footer(canvas, text, f"page {number}", left, right, margin - 4, 7)

    page = Page(c, width, height, footer)
    page.y = height - margin
    bottom = margin + 10
    row_h = 9.6
    size = 6.4
    scale = (right - left) / sum(w for _, w in _REPORT_COLUMNS)
    widths = [w * scale for _, w in _REPORT_COLUMNS]

    def table_header() -> None:
        c.setFillColor(LIGHT)
        c.rect(left, page.y - 3.5, right - left, 12, stroke=0, fill=1)
        c.setFillColor(colors.black)
        c.setFont(BOLD, 6.4)
        x = left
        for (label, _), w in zip(_REPORT_COLUMNS, widths, strict=True):
            c.drawString(x + 1.5, page.y, fit(label, BOLD, 6.4, w - 3))
            x += w
        page.y -= 13

    def running_header() -> None:
        page.y = height - margin
        c.setFont(BOLD, 9)
        c.drawString(left, page.y - 2, pdf_text(f"Rapport de traçabilité — don {header.reference}"))
        c.setFont(FONT, 8)
        c.drawRightString(right, page.y - 2, pdf_text(header.donor_name))
        page.y -= 18
        table_header()

    _report_first_page(c, page, header, totals, impact, zone, left, right, generated)

    page.ensure(40, bottom)
    c.setFont(BOLD, 11)
    c.drawString(left, page.y, "Détail par appareil")
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
        for column, (text, w) in enumerate(zip(_report_cells(row, zone), widths, strict=True)):
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
        c.drawString(left, page.y, "Aucun appareil dans ce don.")
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
) -> None:
    width = right - left
    c.setFont(FONT, 8)
    c.setFillColor(GREY)
    c.drawString(left, page.y - 2, "Programme national Ordi 2.0 — traçabilité des équipements donnés")
    c.setFillColor(colors.black)
    c.setFont(BOLD, 18)
    c.drawString(left, page.y - 24, "Rapport de traçabilité du don")
    c.setFont(FONT, 9.5)
    y = page.y - 42
    for line in (
        f"Référence du don : {header.reference}   (identifiant {header.donation_id})",
        f"Donateur : {header.donor_name}",
        f"Don déclaré le {fr_date(header.declared_on, zone)} — {generated}",
    ):
        c.drawString(left, y, pdf_text(line))
        y -= 13
    y -= 6

    # Totals
    c.setFont(BOLD, 11)
    c.drawString(left, y, "Bilan du don")
    y -= 14
    c.setFont(FONT, 9)
    reuse = totals.reuse_rate
    summary = [
        f"Appareils donnés : {fr_number(totals.devices, 0)}",
        f"Redistribués (remis à des bénéficiaires) : {fr_number(totals.redistributed, 0)}",
        f"Recyclés (filière DEEE) : {fr_number(totals.recycled, 0)} — {fr_number(totals.recycled_weight_kg, 1)} kg",
        f"Perdus : {fr_number(totals.lost, 0)}",
        f"Certificats d'effacement émis : {fr_number(totals.wipe_certificates, 0)}",
        "Taux de réemploi : " + ("—" if reuse is None else f"{fr_number(reuse * 100, 1)} %"),
    ]
    for line in summary:
        c.drawString(left, y, pdf_text(line))
        y -= 12
    if totals.by_state:
        parts = [f"{state_fr(s)} : {fr_number(n, 0)}" for s, n in totals.by_state.items()]
        for line in wrap("Répartition par état actuel — " + ", ".join(parts), FONT, 9, width):
            c.drawString(left, y, line)
            y -= 12
    y -= 6

    # Impact with factors and sources
    c.setFont(BOLD, 11)
    c.drawString(left, y, "Impact environnemental estimé")
    y -= 14
    c.setFont(FONT, 9)
    c.drawString(
        left,
        y,
        pdf_text(
            f"Déchets électroniques évités : {fr_number(impact.kg_ewaste_avoided, 1)} kg — "
            f"émissions évitées : {fr_number(impact.kg_co2e_avoided, 1)} kg CO2e"
        ),
    )
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
        for label, w in zip(("Catégorie", "kg par appareil", "kg CO2e par appareil", "Source"), ws, strict=True):
            c.drawString(x, y, label)
            x += w
        y -= 11
        for f in factors:
            src = wrap(f.source, FONT, 8, ws[3] - 4)
            if y - 10 * len(src) < MARGIN:  # a long factor list continues on the next page
                page.break_page()
                y = page.y
            c.setFont(FONT, 8)
            c.drawString(left, y, fit(f.category, FONT, 8, ws[0] - 4))
            c.drawString(left + ws[0], y, fr_number(f.kg_per_device, 2))
            c.drawString(left + ws[0] + ws[1], y, fr_number(f.co2e_per_device, 1))
            for line in src:
                c.drawString(left + ws[0] + ws[1] + ws[2], y, line)
                y -= 10
            y -= 1
    y -= 4
    c.setFont(FONT, 7.5)
    c.setFillColor(GREY)
    privacy = (
        "Protection des données : ce rapport ne contient aucune donnée personnelle. Pour un appareil remis, "
        "seuls le département et la catégorie de bénéficiaire sont indiqués. Chaque certificat d'effacement "
        "se vérifie en ligne à partir de son numéro."
    )
    for line in wrap(privacy, FONT, 7.5, width):
        if y < MARGIN:
            page.break_page()
            y = page.y
            c.setFont(FONT, 7.5)
            c.setFillColor(GREY)
        c.drawString(left, y, line)
        y -= 9
    c.setFillColor(colors.black)
    page.y = y - 10
