"""The A4 PDF of a signed wipe certificate, in French (or English); its words are in :mod:`ordi.i18n`.

The QR code is drawn as vector modules (one filled path), error correction M, quiet zone of 4
modules, so it stays sharp at any print resolution. Fonts, text sanitising and pagination come
from :mod:`ordi.pdf`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import BinaryIO

import qrcode
import qrcode.constants
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ordi.clock import PARIS
from ordi.i18n import (
    Lang,
    date_text,
    datetime_text,
    level_name,
    medium_kind_name,
    medium_result_name,
    number_text,
    overall_result_name,
    word,
    zone_label,
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
    pdf_text,
    wrap,
)

from .model import WipeCertificate

__all__ = ["render_certificate_pdf"]

_RESULT_COLOURS = {
    "erased": colors.HexColor("#1B7F3B"),
    "erased_with_exceptions": colors.HexColor("#B35C00"),
    "not_erased": colors.HexColor("#B00020"),
}


def _siret(siret: str) -> str:
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}" if len(siret) == 14 else siret


def _draw_qr(c: Canvas, data: str, x: float, y: float, size: float) -> None:
    """QR code of ``data`` as vector modules, bottom-left corner at (x, y), quiet zone included."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, box_size=1)
    qr.add_data(data)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    n = len(matrix)
    quiet = 4
    module = size / (n + 2 * quiet)
    c.saveState()
    c.setFillColor(colors.white)
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColor(colors.black)
    path = c.beginPath()
    for row, cells in enumerate(matrix):
        col = 0
        while col < n:
            if cells[col]:
                start = col
                while col < n and cells[col]:
                    col += 1
                path.rect(
                    x + (quiet + start) * module,
                    y + size - (quiet + row + 1) * module,
                    (col - start) * module,
                    module,
                )
            else:
                col += 1
    c.drawPath(path, stroke=0, fill=1)
    c.restoreState()


def render_certificate_pdf(
    cert: WipeCertificate, verify_url: str, signature: str, key_id: str, out: BinaryIO, lang: Lang = "fr"
) -> None:
    """Write the A4 PDF of a signed wipe certificate to ``out``, in French unless ``lang`` says otherwise.

    The PDF is a readable rendering only: what is proven is the signed canonical content, which the
    QR code's verification page serves as JSON.
    """
    zone = PARIS
    width, height = A4
    c = Canvas(out, pagesize=A4, pageCompression=1)
    c.setTitle(word("certificate.document_title", lang, number=cert.number))
    c.setAuthor("Ordi 2.0")
    c.setSubject(word("certificate.subject", lang, tag=cert.device.asset_tag))
    left, right = MARGIN, width - MARGIN
    content_w = right - left

    def footer(canvas: Canvas, number: int) -> None:
        text = word("certificate.footer", lang, number=cert.number, url=verify_url)
        draw_footer(canvas, text, word("page", lang, number=number), left, right, MARGIN - 8, 7.5)

    page = Page(c, width, height, footer)

    # Header: title block on the left, QR on the right.
    qr_size = 34 * mm
    qr_x, qr_y = right - qr_size, height - MARGIN - qr_size
    _draw_qr(c, verify_url, qr_x, qr_y, qr_size)
    c.setFont(FONT, 7)
    c.drawCentredString(qr_x + qr_size / 2, qr_y - 8, word("certificate.scan_to_verify", lang))

    c.setFont(FONT, 8.5)
    c.setFillColor(GREY)
    c.drawString(left, page.y - 2, pdf_text(word("certificate.kicker", lang)))
    c.setFillColor(colors.black)
    title_w = content_w - qr_size - 8
    c.setFont(BOLD, 19)
    y = page.y - 26
    for line in wrap(word("certificate.title", lang), BOLD, 19, title_w):
        c.drawString(left, y, line)
        y -= 22
    c.setFont(BOLD, 13)
    c.drawString(left, y - 2, pdf_text(word("certificate.number", lang, number=cert.number)))
    c.setFont(FONT, 9.5)
    issued = word("certificate.issued", lang, at=datetime_text(cert.issued_at, zone, lang), zone=zone_label(zone, lang))
    c.drawString(left, y - 17, pdf_text(issued))
    page.y = min(y - 30, qr_y - 18)

    # Overall result, prominent.
    media_ok = sum(1 for m in cert.media if m.result in ("erased", "destroyed"))
    box_h = 42
    c.setFillColor(_RESULT_COLOURS[cert.overall_result])
    c.roundRect(left, page.y - box_h, content_w, box_h, 4, stroke=0, fill=1)
    c.setFillColor(colors.white)
    c.setFont(BOLD, 16)
    result = overall_result_name(cert.overall_result, lang)
    c.drawString(left + 12, page.y - 20, pdf_text(word("certificate.result", lang, result=result)))
    c.setFont(FONT, 9.5)
    level = level_name(cert.level, lang)
    detail = word("certificate.result_detail", lang, ok=media_ok, total=len(cert.media), level=level)
    c.drawString(left + 12, page.y - 34, pdf_text(detail))
    c.setFillColor(colors.black)
    page.y -= box_h + 14

    label_w = 44 * mm

    def section(title: str, fields: Sequence[tuple[str, str, str]]) -> None:
        page.ensure(16 + 12 * len(fields))
        c.setFont(BOLD, 10.5)
        c.drawString(left, page.y, pdf_text(title))
        c.setStrokeColor(LIGHT)
        c.line(left, page.y - 3, right, page.y - 3)
        page.y -= 15
        for label, value, font in fields:
            size = 7.5 if font == MONO else 9
            lines = wrap(value or word("none", lang), font, size, content_w - label_w)
            page.ensure(11 * len(lines))
            c.setFont(FONT, 8.5)
            c.setFillColor(GREY)
            c.drawString(left, page.y, pdf_text(label))
            c.setFillColor(colors.black)
            c.setFont(font, size)
            for line in lines:
                c.drawString(left + label_w, page.y, line)
                page.y -= 11
        page.y -= 6

    def field(key: str, value: str, font: str = FONT) -> tuple[str, str, str]:
        return word(f"field.{key}", lang), value, font

    def instant(value: datetime) -> str:
        return f"{datetime_text(value, zone, lang)} ({zone_label(zone, lang)})"

    section(
        word("certificate.workshop", lang),
        [
            field("name", cert.workshop.name),
            field("siret", _siret(cert.workshop.siret)),
            field("label_number", cert.workshop.label_number),
            field("operator", cert.operator),
        ],
    )
    section(
        word("certificate.device", lang),
        [
            field("asset_tag", cert.device.asset_tag, BOLD),
            field("category", cert.device.category),
            field("model", cert.device.model),
            field("serial_number", cert.device.serial_number),
        ],
    )
    procedure = [
        field("level", level),
        field("method", cert.method),
        field("tool_version", f"{cert.tool} {cert.tool_version}".strip()),
        field("start", instant(cert.started_at)),
        field("end", instant(cert.ended_at)),
        field("verification", cert.verification),
    ]
    if cert.source_report_sha256:
        procedure.append(field("source_report", cert.source_report_tool or word("none", lang)))
        procedure.append(field("source_report_sha256", cert.source_report_sha256, MONO))
    section(word("certificate.procedure", lang), procedure)

    _media_table(c, page, cert, zone, left, content_w, lang)
    _signature_block(c, page, verify_url, signature, key_id, left, content_w, lang)
    page.finish()
    c.save()


def _media_table(
    c: Canvas, page: Page, cert: WipeCertificate, zone: tzinfo, left: float, width: float, lang: Lang
) -> None:
    cols = [
        (word("certificate.column.kind", lang), 0.12),
        (word("field.model", lang), 0.19),
        (word("field.serial_number", lang), 0.17),
        (word("certificate.column.capacity", lang), 0.08),
        (word("certificate.column.period", lang), 0.12),
        (word("field.result", lang), 0.09),
        (word("field.verification", lang), 0.23),
    ]
    widths = [width * f for _, f in cols]
    size = 7.5

    def header() -> None:
        c.setFillColor(LIGHT)
        c.rect(left, page.y - 4, width, 13, stroke=0, fill=1)
        c.setFillColor(colors.black)
        c.setFont(BOLD, 8)
        x = left
        for (label, _), w in zip(cols, widths, strict=True):
            c.drawString(x + 2, page.y, fit(label, BOLD, 8, w - 4))
            x += w
        page.y -= 15

    page.ensure(60)
    c.setFont(BOLD, 10.5)
    c.drawString(left, page.y, pdf_text(word("certificate.media", lang, count=len(cert.media))))
    page.y -= 16
    header()
    for medium in cert.media:
        period = ""
        if medium.started_at or medium.ended_at:
            period = " ".join(
                (
                    date_text(medium.started_at, zone, True, lang),
                    _hm(medium.started_at, zone),
                    date_text(medium.ended_at, zone, True, lang),
                    _hm(medium.ended_at, zone),
                )
            )
        cells = [
            medium_kind_name(medium.kind, lang),
            medium.model,
            medium.serial,
            word("unit.gb", lang, value=number_text(medium.capacity_gb, 0, lang)),
            period,
            medium_result_name(medium.result, lang),
            medium.verification,
        ]
        wrapped = [wrap(text, FONT, size, w - 4) for text, w in zip(cells, widths, strict=True)]
        lines = max(len(w) for w in wrapped)
        if page.y - 9.5 * lines < MARGIN + 14:
            page.break_page()
            header()
        x = left
        for i, (cell_lines, w) in enumerate(zip(wrapped, widths, strict=True)):
            c.setFont(BOLD if i == 5 else FONT, size)
            yy = page.y
            for line in cell_lines:
                c.drawString(x + 2, yy, line)
                yy -= 9.5
            x += w
        page.y -= 9.5 * lines + 3
        c.setStrokeColor(LIGHT)
        c.line(left, page.y + 6, left + width, page.y + 6)
    page.y -= 8


def _hm(value: datetime | None, zone: tzinfo) -> str:
    return value.astimezone(zone).strftime("%H:%M") if value else ""


def _signature_block(
    c: Canvas, page: Page, verify_url: str, signature: str, key_id: str, left: float, width: float, lang: Lang
) -> None:
    note = word("certificate.verify_note", lang, url=verify_url)
    sig_lines = wrap(signature, MONO, 7.5, width)
    note_lines = wrap(note, FONT, 7.5, width)
    page.ensure(40 + 9 * (len(sig_lines) + len(note_lines)))
    c.setFont(BOLD, 10.5)
    c.drawString(left, page.y, pdf_text(word("certificate.signature", lang)))
    c.setStrokeColor(LIGHT)
    c.line(left, page.y - 3, left + width, page.y - 3)
    page.y -= 15
    c.setFont(FONT, 8.5)
    c.drawString(left, page.y, pdf_text(word("certificate.algorithm", lang, key_id=key_id)))
    page.y -= 12
    c.setFont(MONO, 7.5)
    for line in sig_lines:
        c.drawString(left, page.y, line)
        page.y -= 9
    page.y -= 5
    c.setFont(FONT, 7.5)
    c.setFillColor(GREY)
    for line in note_lines:
        c.drawString(left, page.y, line)
        page.y -= 9
    c.setFillColor(colors.black)
