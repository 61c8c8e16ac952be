"""The A4 PDF of a signed wipe certificate, in French.

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

from .model import (
    LEVEL_LABELS_FR,
    MEDIUM_KIND_LABELS_FR,
    MEDIUM_RESULT_LABELS_FR,
    OVERALL_RESULT_LABELS_FR,
    WipeCertificate,
)

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


def render_certificate_pdf(cert: WipeCertificate, verify_url: str, signature: str, key_id: str, out: BinaryIO) -> None:
    """Write the French A4 PDF of a signed wipe certificate to ``out``.

    The PDF is a readable rendering only: what is proven is the signed canonical content, which the
    QR code's verification page serves as JSON.
    """
    zone = PARIS
    width, height = A4
    c = Canvas(out, pagesize=A4, pageCompression=1)
    c.setTitle(f"Certificat d'effacement des données {cert.number}")
    c.setAuthor("Ordi 2.0")
    c.setSubject(f"Appareil {cert.device.asset_tag}")
    left, right = MARGIN, width - MARGIN
    content_w = right - left

    def footer(canvas: Canvas, number: int) -> None:
        draw_footer(canvas, f"Certificat {cert.number} — {verify_url}", f"page {number}", left, right, MARGIN - 8, 7.5)

    page = Page(c, width, height, footer)

    # Header: title block on the left, QR on the right.
    qr_size = 34 * mm
    qr_x, qr_y = right - qr_size, height - MARGIN - qr_size
    _draw_qr(c, verify_url, qr_x, qr_y, qr_size)
    c.setFont(FONT, 7)
    c.drawCentredString(qr_x + qr_size / 2, qr_y - 8, "Scannez pour vérifier")

    c.setFont(FONT, 8.5)
    c.setFillColor(GREY)
    c.drawString(left, page.y - 2, "Programme national Ordi 2.0 — preuve d'effacement des supports de stockage")
    c.setFillColor(colors.black)
    title_w = content_w - qr_size - 8
    c.setFont(BOLD, 19)
    y = page.y - 26
    for line in wrap("Certificat d'effacement des données", BOLD, 19, title_w):
        c.drawString(left, y, line)
        y -= 22
    c.setFont(BOLD, 13)
    c.drawString(left, y - 2, pdf_text(f"N° {cert.number}"))
    c.setFont(FONT, 9.5)
    c.drawString(left, y - 17, pdf_text(f"Émis le {fr_datetime(cert.issued_at, zone)} ({zone_label(zone)})"))
    page.y = min(y - 30, qr_y - 18)

    # Overall result, prominent.
    media_ok = sum(1 for m in cert.media if m.result in ("erased", "destroyed"))
    box_h = 42
    c.setFillColor(_RESULT_COLOURS[cert.overall_result])
    c.roundRect(left, page.y - box_h, content_w, box_h, 4, stroke=0, fill=1)
    c.setFillColor(colors.white)
    c.setFont(BOLD, 16)
    c.drawString(left + 12, page.y - 20, pdf_text(f"Résultat : {OVERALL_RESULT_LABELS_FR[cert.overall_result]}"))
    c.setFont(FONT, 9.5)
    c.drawString(
        left + 12,
        page.y - 34,
        pdf_text(
            f"{media_ok} support(s) sur {len(cert.media)} effacé(s) ou détruit(s) — "
            f"niveau NIST SP 800-88 : {LEVEL_LABELS_FR[cert.level]}"
        ),
    )
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
            lines = wrap(value or "—", font, size, content_w - label_w)
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

    section(
        "Atelier de reconditionnement",
        [
            ("Nom", cert.workshop.name, FONT),
            ("SIRET", _siret(cert.workshop.siret), FONT),
            ("N° de label Ordi 2.0", cert.workshop.label_number, FONT),
            ("Opérateur", cert.operator, FONT),
        ],
    )
    section(
        "Appareil",
        [
            ("N° d'inventaire (étiquette)", cert.device.asset_tag, BOLD),
            ("Catégorie", cert.device.category, FONT),
            ("Modèle", cert.device.model, FONT),
            ("N° de série", cert.device.serial_number, FONT),
        ],
    )
    procedure = [
        ("Niveau (NIST SP 800-88)", LEVEL_LABELS_FR[cert.level], FONT),
        ("Méthode", cert.method, FONT),
        ("Outil et version", f"{cert.tool} {cert.tool_version}".strip(), FONT),
        ("Début", f"{fr_datetime(cert.started_at, zone)} ({zone_label(zone)})", FONT),
        ("Fin", f"{fr_datetime(cert.ended_at, zone)} ({zone_label(zone)})", FONT),
        ("Vérification", cert.verification, FONT),
    ]
    if cert.source_report_sha256:
        procedure.append(("Rapport d'origine", cert.source_report_tool or "—", FONT))
        procedure.append(("SHA-256 du rapport", cert.source_report_sha256, MONO))
    section("Procédure", procedure)

    _media_table(c, page, cert, zone, left, content_w)
    _signature_block(c, page, verify_url, signature, key_id, left, content_w)
    page.finish()
    c.save()


def _media_table(c: Canvas, page: Page, cert: WipeCertificate, zone: tzinfo, left: float, width: float) -> None:
    cols = [
        ("Type", 0.12),
        ("Modèle", 0.19),
        ("N° de série", 0.17),
        ("Capacité", 0.08),
        ("Début / fin", 0.12),
        ("Résultat", 0.09),
        ("Vérification", 0.23),
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
    c.drawString(left, page.y, pdf_text(f"Supports de stockage ({len(cert.media)})"))
    page.y -= 16
    header()
    for medium in cert.media:
        period = ""
        if medium.started_at or medium.ended_at:
            period = f"{fr_date(medium.started_at, zone, True)} {_hm(medium.started_at, zone)} " + (
                f"{fr_date(medium.ended_at, zone, True)} {_hm(medium.ended_at, zone)}"
            )
        cells = [
            MEDIUM_KIND_LABELS_FR.get(medium.kind, medium.kind),
            medium.model,
            medium.serial,
            f"{fr_number(medium.capacity_gb, 0)} Go",
            period,
            MEDIUM_RESULT_LABELS_FR.get(medium.result, medium.result),
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
    c: Canvas, page: Page, verify_url: str, signature: str, key_id: str, left: float, width: float
) -> None:
    note = (
        f"Vérifier ce certificat : scannez le code QR ou ouvrez {verify_url}. "
        "Vérification hors ligne : la signature Ed25519 porte sur le contenu du certificat au format JSON "
        "canonique (RFC 8785), téléchargeable à cette adresse. Elle se vérifie avec la clé publique publiée "
        "par le service Ordi 2.0 dont l'identifiant figure ci-dessus (16 premiers caractères hexadécimaux "
        "de l'empreinte SHA-256 de la clé), par exemple : openssl pkeyutl -verify -pubin -inkey cle.pem "
        "-rawin -in contenu.json -sigfile signature.bin (signature décodée du base64url). "
        "Ce document imprimé n'est qu'une représentation : seul le contenu signé fait foi."
    )
    sig_lines = wrap(signature, MONO, 7.5, width)
    note_lines = wrap(note, FONT, 7.5, width)
    page.ensure(40 + 9 * (len(sig_lines) + len(note_lines)))
    c.setFont(BOLD, 10.5)
    c.drawString(left, page.y, "Signature électronique")
    c.setStrokeColor(LIGHT)
    c.line(left, page.y - 3, left + width, page.y - 3)
    page.y -= 15
    c.setFont(FONT, 8.5)
    c.drawString(left, page.y, pdf_text(f"Algorithme : Ed25519 — identifiant de clé : {key_id}"))
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
