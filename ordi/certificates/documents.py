"""PDF and CSV renderings of proof documents: the wipe certificate and the donor traceability report.

Why these choices:

- reportlab's canvas with manual pagination, not platypus: a donation of 2,000+ devices is rendered
  from a row *iterator* (a database cursor) in a background job, one row at a time, so nothing
  holds every row; platypus would build the whole story first. Only the finished pages are kept by
  reportlab until ``save()`` (compressed, a few hundred kilobytes for 2,000 rows).
- the 14 standard PDF fonts (Helvetica, Courier): nothing to embed, identical on every machine. Their
  encoding (Windows-1252) covers French; any other character is written as ``?`` rather than as an
  invisible box (see :func:`_pdf_text`).
- the QR code is drawn as vector modules (one filled path), error correction M, quiet zone of 4
  modules, so it stays sharp at any print resolution.
- CSV for French spreadsheets: ``;`` separator, decimal comma, UTF-8 with BOM (so Excel detects the
  encoding), dates ``JJ/MM/AAAA``, and cells that a spreadsheet would run as a formula are defused.
- the report never names a person: beneficiaries appear only as a département and a category.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any, BinaryIO, TextIO

import msgspec
import qrcode
import qrcode.constants
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from ordi.clock import PARIS

from .model import (
    LEVEL_LABELS_FR,
    MEDIUM_KIND_LABELS_FR,
    MEDIUM_RESULT_LABELS_FR,
    OVERALL_RESULT_LABELS_FR,
    WipeCertificate,
)

__all__ = [
    "BENEFICIARY_LABELS_FR",
    "STATE_LABELS_FR",
    "DeviceFateRow",
    "DonationReportHeader",
    "DonationTotals",
    "ImpactFactor",
    "ImpactSummary",
    "iter_donation_report_json",
    "render_certificate_pdf",
    "render_donation_report_pdf",
    "write_donation_report_csv",
]

STATE_LABELS_FR: dict[str, str] = {
    "declared": "déclaré",
    "collected": "collecté",
    "received": "réceptionné",
    "wiped": "effacé",
    "ready": "prêt",
    "reserved": "réservé",
    "shipped": "expédié",
    "delivered": "livré",
    "handed_over": "remis",
    "returned": "retourné",
    "recycled": "recyclé",
    "lost": "perdu",
}
BENEFICIARY_LABELS_FR: dict[str, str] = {
    "job_seeker": "demandeur d'emploi",
    "student": "étudiant",
    "senior": "senior",
    "disability": "situation de handicap",
    "low_income": "faibles revenus",
    "asylum_refugee": "demandeur d'asile ou réfugié",
    "other": "autre",
}

_FONT = "Helvetica"
_BOLD = "Helvetica-Bold"
_MONO = "Courier"
_GREY = colors.HexColor("#555555")
_LIGHT = colors.HexColor("#EEEEEE")
_RESULT_COLOURS = {
    "erased": colors.HexColor("#1B7F3B"),
    "erased_with_exceptions": colors.HexColor("#B35C00"),
    "not_erased": colors.HexColor("#B00020"),
}
NBSP = "\u00a0"


# --------------------------------------------------------------------------- data passed in


@dataclass(frozen=True, slots=True)
class DeviceFateRow:
    """One device of a donation and what became of it. No personal data by construction."""

    asset_tag: str
    category: str
    model: str
    serial_number: str
    state: str
    declared_at: date | datetime | None = None
    collected_at: date | datetime | None = None
    received_at: date | datetime | None = None
    wiped_at: date | datetime | None = None
    ready_at: date | datetime | None = None
    handed_over_at: date | datetime | None = None
    recycled_at: date | datetime | None = None
    certificate_number: str | None = None
    grade: str | None = None
    recycle_channel: str | None = None
    recycle_weight_kg: float | None = None
    departement: str | None = None
    beneficiary_category: str | None = None


@dataclass(frozen=True, slots=True)
class DonationReportHeader:
    """Who gave what, and when this report was produced."""

    donation_id: str
    reference: str
    donor_name: str
    declared_on: date
    generated_at: datetime


@dataclass(frozen=True, slots=True)
class DonationTotals:
    """Aggregates computed by the caller (in SQL), printed before the rows."""

    devices: int
    by_state: Mapping[str, int] = field(default_factory=dict)
    redistributed: int = 0
    recycled: int = 0
    lost: int = 0
    wipe_certificates: int = 0
    recycled_weight_kg: float = 0.0

    @property
    def reuse_rate(self) -> float | None:
        """Redistributed ÷ (redistributed + recycled), the committee's reuse rate."""
        done = self.redistributed + self.recycled
        return self.redistributed / done if done else None


@dataclass(frozen=True, slots=True)
class ImpactFactor:
    """Per-device factor for one category, with the source it comes from (printed)."""

    category: str
    kg_per_device: float
    co2e_per_device: float
    source: str


@dataclass(frozen=True, slots=True)
class ImpactSummary:
    """Avoided e-waste and emissions for the redistributed devices, with their factors."""

    kg_ewaste_avoided: float
    kg_co2e_avoided: float
    factors: Sequence[ImpactFactor | tuple[str, float, float, str]] = ()
    method_note: str = ""

    def factor_list(self) -> list[ImpactFactor]:
        """Factors as :class:`ImpactFactor`, accepting plain 4-tuples from configuration."""
        return [f if isinstance(f, ImpactFactor) else ImpactFactor(*f) for f in self.factors]


# --------------------------------------------------------------------------- formatting helpers


def _zone_label(zone: tzinfo) -> str:
    return "heure de Paris" if zone is not UTC else "UTC"


def _pdf_text(text: object) -> str:
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


def _fit(text: str, font: str, size: float, width: float) -> str:
    """Truncate with an ellipsis so a cell never overflows into its neighbour."""
    text = _pdf_text(text)
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


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines = simpleSplit(_pdf_text(text), font, size, width)
    out: list[str] = []
    for line in lines or [""]:
        # simpleSplit keeps over-long words (hashes, signatures) whole: cut them.
        while stringWidth(line, font, size) > width and len(line) > 1:
            cut = len(line)
            while cut > 1 and stringWidth(line[:cut], font, size) > width:
                cut -= 1
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return out


def _local(value: date | datetime | None, zone: tzinfo) -> date | datetime | None:
    if isinstance(value, datetime):
        return value.astimezone(zone) if value.tzinfo else value
    return value


def _fr_datetime(value: datetime | None, zone: tzinfo) -> str:
    if value is None:
        return "—"
    local = value.astimezone(zone) if value.tzinfo else value
    return local.strftime("%d/%m/%Y à %H:%M:%S")


def _fr_date(value: date | datetime | None, zone: tzinfo, short: bool = False) -> str:
    v = _local(value, zone)
    if v is None:
        return ""
    return v.strftime("%d/%m/%y" if short else "%d/%m/%Y")


def _fr_number(value: float | int | None, decimals: int = 1) -> str:
    """French number: non-breaking space for thousands, decimal comma."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}" if decimals else f"{round(value):,d}"
    return text.replace(",", NBSP).replace(".", ",")


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


# --------------------------------------------------------------------------- wipe certificate

_MARGIN = 18 * mm


class _Page:
    """Minimal manual pagination: a cursor ``y`` going down, new page when space runs out."""

    def __init__(self, c: Canvas, width: float, height: float, footer: Callable[[Canvas, int], None]):
        self.c, self.width, self.height, self.footer = c, width, height, footer
        self.number = 1
        self.y = height - _MARGIN
        self.on_new_page: Callable[[], None] | None = None

    def ensure(self, needed: float, bottom: float = _MARGIN + 14) -> None:
        if self.y - needed < bottom:
            self.break_page()

    def break_page(self) -> None:
        self.footer(self.c, self.number)
        self.c.showPage()
        self.number += 1
        self.y = self.height - _MARGIN
        if self.on_new_page is not None:
            self.on_new_page()

    def finish(self) -> None:
        self.footer(self.c, self.number)
        self.c.showPage()


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
    left, right = _MARGIN, width - _MARGIN
    content_w = right - left

    def footer(canvas: Canvas, number: int) -> None:
        canvas.setFont(_FONT, 7.5)
        canvas.setFillColor(_GREY)
        canvas.drawString(left, _MARGIN - 8, _pdf_text(f"Certificat {cert.number} — {verify_url}"))
        canvas.drawRightString(right, _MARGIN - 8, f"page {number}")
        canvas.setFillColor(colors.black)

    page = _Page(c, width, height, footer)

    # Header: title block on the left, QR on the right.
    qr_size = 34 * mm
    qr_x, qr_y = right - qr_size, height - _MARGIN - qr_size
    _draw_qr(c, verify_url, qr_x, qr_y, qr_size)
    c.setFont(_FONT, 7)
    c.drawCentredString(qr_x + qr_size / 2, qr_y - 8, "Scannez pour vérifier")

    c.setFont(_FONT, 8.5)
    c.setFillColor(_GREY)
    c.drawString(left, page.y - 2, "Programme national Ordi 2.0 — preuve d'effacement des supports de stockage")
    c.setFillColor(colors.black)
    title_w = content_w - qr_size - 8
    c.setFont(_BOLD, 19)
    y = page.y - 26
    for line in _wrap("Certificat d'effacement des données", _BOLD, 19, title_w):
        c.drawString(left, y, line)
        y -= 22
    c.setFont(_BOLD, 13)
    c.drawString(left, y - 2, _pdf_text(f"N° {cert.number}"))
    c.setFont(_FONT, 9.5)
    c.drawString(left, y - 17, _pdf_text(f"Émis le {_fr_datetime(cert.issued_at, zone)} ({_zone_label(zone)})"))
    page.y = min(y - 30, qr_y - 18)

    # Overall result, prominent.
    media_ok = sum(1 for m in cert.media if m.result in ("erased", "destroyed"))
    box_h = 42
    c.setFillColor(_RESULT_COLOURS[cert.overall_result])
    c.roundRect(left, page.y - box_h, content_w, box_h, 4, stroke=0, fill=1)
    c.setFillColor(colors.white)
    c.setFont(_BOLD, 16)
    c.drawString(left + 12, page.y - 20, _pdf_text(f"Résultat : {OVERALL_RESULT_LABELS_FR[cert.overall_result]}"))
    c.setFont(_FONT, 9.5)
    c.drawString(
        left + 12,
        page.y - 34,
        _pdf_text(
            f"{media_ok} support(s) sur {len(cert.media)} effacé(s) ou détruit(s) — "
            f"niveau NIST SP 800-88 : {LEVEL_LABELS_FR[cert.level]}"
        ),
    )
    c.setFillColor(colors.black)
    page.y -= box_h + 14

    label_w = 44 * mm

    def section(title: str, fields: Sequence[tuple[str, str, str]]) -> None:
        page.ensure(16 + 12 * len(fields))
        c.setFont(_BOLD, 10.5)
        c.drawString(left, page.y, _pdf_text(title))
        c.setStrokeColor(_LIGHT)
        c.line(left, page.y - 3, right, page.y - 3)
        page.y -= 15
        for label, value, font in fields:
            size = 7.5 if font == _MONO else 9
            lines = _wrap(value or "—", font, size, content_w - label_w)
            page.ensure(11 * len(lines))
            c.setFont(_FONT, 8.5)
            c.setFillColor(_GREY)
            c.drawString(left, page.y, _pdf_text(label))
            c.setFillColor(colors.black)
            c.setFont(font, size)
            for line in lines:
                c.drawString(left + label_w, page.y, line)
                page.y -= 11
        page.y -= 6

    section(
        "Atelier de reconditionnement",
        [
            ("Nom", cert.workshop.name, _FONT),
            ("SIRET", _siret(cert.workshop.siret), _FONT),
            ("N° de label Ordi 2.0", cert.workshop.label_number, _FONT),
            ("Opérateur", cert.operator, _FONT),
        ],
    )
    section(
        "Appareil",
        [
            ("N° d'inventaire (étiquette)", cert.device.asset_tag, _BOLD),
            ("Catégorie", cert.device.category, _FONT),
            ("Modèle", cert.device.model, _FONT),
            ("N° de série", cert.device.serial_number, _FONT),
        ],
    )
    procedure = [
        ("Niveau (NIST SP 800-88)", LEVEL_LABELS_FR[cert.level], _FONT),
        ("Méthode", cert.method, _FONT),
        ("Outil et version", f"{cert.tool} {cert.tool_version}".strip(), _FONT),
        ("Début", f"{_fr_datetime(cert.started_at, zone)} ({_zone_label(zone)})", _FONT),
        ("Fin", f"{_fr_datetime(cert.ended_at, zone)} ({_zone_label(zone)})", _FONT),
        ("Vérification", cert.verification, _FONT),
    ]
    if cert.source_report_sha256:
        procedure.append(("Rapport d'origine", cert.source_report_tool or "—", _FONT))
        procedure.append(("SHA-256 du rapport", cert.source_report_sha256, _MONO))
    section("Procédure", procedure)

    _media_table(c, page, cert, zone, left, content_w)
    _signature_block(c, page, verify_url, signature, key_id, left, content_w)
    page.finish()
    c.save()


def _media_table(c: Canvas, page: _Page, cert: WipeCertificate, zone: tzinfo, left: float, width: float) -> None:
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
        c.setFillColor(_LIGHT)
        c.rect(left, page.y - 4, width, 13, stroke=0, fill=1)
        c.setFillColor(colors.black)
        c.setFont(_BOLD, 8)
        x = left
        for (label, _), w in zip(cols, widths, strict=True):
            c.drawString(x + 2, page.y, _fit(label, _BOLD, 8, w - 4))
            x += w
        page.y -= 15

    page.ensure(60)
    c.setFont(_BOLD, 10.5)
    c.drawString(left, page.y, _pdf_text(f"Supports de stockage ({len(cert.media)})"))
    page.y -= 16
    header()
    for medium in cert.media:
        period = ""
        if medium.started_at or medium.ended_at:
            period = f"{_fr_date(medium.started_at, zone, True)} {_hm(medium.started_at, zone)} " + (
                f"{_fr_date(medium.ended_at, zone, True)} {_hm(medium.ended_at, zone)}"
            )
        cells = [
            MEDIUM_KIND_LABELS_FR.get(medium.kind, medium.kind),
            medium.model,
            medium.serial,
            f"{_fr_number(medium.capacity_gb, 0)} Go",
            period,
            MEDIUM_RESULT_LABELS_FR.get(medium.result, medium.result),
            medium.verification,
        ]
        wrapped = [_wrap(text, _FONT, size, w - 4) for text, w in zip(cells, widths, strict=True)]
        lines = max(len(w) for w in wrapped)
        if page.y - 9.5 * lines < _MARGIN + 14:
            page.break_page()
            header()
        x = left
        for i, (cell_lines, w) in enumerate(zip(wrapped, widths, strict=True)):
            c.setFont(_BOLD if i == 5 else _FONT, size)
            yy = page.y
            for line in cell_lines:
                c.drawString(x + 2, yy, line)
                yy -= 9.5
            x += w
        page.y -= 9.5 * lines + 3
        c.setStrokeColor(_LIGHT)
        c.line(left, page.y + 6, left + width, page.y + 6)
    page.y -= 8


def _hm(value: datetime | None, zone: tzinfo) -> str:
    return value.astimezone(zone).strftime("%H:%M") if value else ""


def _signature_block(
    c: Canvas, page: _Page, verify_url: str, signature: str, key_id: str, left: float, width: float
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
    sig_lines = _wrap(signature, _MONO, 7.5, width)
    note_lines = _wrap(note, _FONT, 7.5, width)
    page.ensure(40 + 9 * (len(sig_lines) + len(note_lines)))
    c.setFont(_BOLD, 10.5)
    c.drawString(left, page.y, "Signature électronique")
    c.setStrokeColor(_LIGHT)
    c.line(left, page.y - 3, left + width, page.y - 3)
    page.y -= 15
    c.setFont(_FONT, 8.5)
    c.drawString(left, page.y, _pdf_text(f"Algorithme : Ed25519 — identifiant de clé : {key_id}"))
    page.y -= 12
    c.setFont(_MONO, 7.5)
    for line in sig_lines:
        c.drawString(left, page.y, line)
        page.y -= 9
    page.y -= 5
    c.setFont(_FONT, 7.5)
    c.setFillColor(_GREY)
    for line in note_lines:
        c.drawString(left, page.y, line)
        page.y -= 9
    c.setFillColor(colors.black)


# --------------------------------------------------------------------------- donation report

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


def _state_fr(state: str) -> str:
    return STATE_LABELS_FR.get(state, state)


def _beneficiary_fr(category: str | None) -> str:
    return "" if not category else BENEFICIARY_LABELS_FR.get(category, category)


def _report_cells(row: DeviceFateRow, zone: tzinfo) -> list[str]:
    d = [
        _fr_date(v, zone, short=True)
        for v in (
            row.declared_at,
            row.collected_at,
            row.received_at,
            row.wiped_at,
            row.ready_at,
            row.handed_over_at,
            row.recycled_at,
        )
    ]
    return [
        row.asset_tag,
        row.category,
        row.model,
        row.serial_number,
        _state_fr(row.state),
        *d,
        row.certificate_number or "",
        row.grade or "",
        row.recycle_channel or "",
        _fr_number(row.recycle_weight_kg, 1),
        row.departement or "",
        _beneficiary_fr(row.beneficiary_category),
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
    number of rows written so far, at each page break and at the end. Pages are numbered "page N":
    the total is unknown while streaming.
    """
    zone = PARIS
    width, height = landscape(A4)
    margin = 10 * mm
    left, right = margin, width - margin
    c = Canvas(out, pagesize=(width, height), pageCompression=1)
    c.setTitle(f"Rapport de traçabilité du don {header.reference}")
    c.setAuthor("Ordi 2.0")
    generated = f"Généré le {_fr_datetime(header.generated_at, zone)} ({_zone_label(zone)})"

    def footer(canvas: Canvas, number: int) -> None:
        canvas.setFont(_FONT, 7)
        canvas.setFillColor(_GREY)
        canvas.drawString(left, margin - 4, _pdf_text(f"Don {header.reference} — {header.donor_name} — {generated}"))
        canvas.drawRightString(right, margin - 4, f"page {number}")
        canvas.setFillColor(colors.black)

    page = _Page(c, width, height, footer)
    page.y = height - margin
    bottom = margin + 10
    row_h = 9.6
    size = 6.4
    scale = (right - left) / sum(w for _, w in _REPORT_COLUMNS)
    widths = [w * scale for _, w in _REPORT_COLUMNS]

    def table_header() -> None:
        c.setFillColor(_LIGHT)
        c.rect(left, page.y - 3.5, right - left, 12, stroke=0, fill=1)
        c.setFillColor(colors.black)
        c.setFont(_BOLD, 6.4)
        x = left
        for (label, _), w in zip(_REPORT_COLUMNS, widths, strict=True):
            c.drawString(x + 1.5, page.y, _fit(label, _BOLD, 6.4, w - 3))
            x += w
        page.y -= 13

    def running_header() -> None:
        page.y = height - margin
        c.setFont(_BOLD, 9)
        c.drawString(left, page.y - 2, _pdf_text(f"Rapport de traçabilité — don {header.reference}"))
        c.setFont(_FONT, 8)
        c.drawRightString(right, page.y - 2, _pdf_text(header.donor_name))
        page.y -= 18
        table_header()

    _report_first_page(c, page, header, totals, impact, zone, left, right, generated)

    page.ensure(40, bottom)
    c.setFont(_BOLD, 11)
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
                font = _MONO if column == 0 else _FONT
                c.setFont(font, size)
                c.drawString(x + 1.5, page.y, _fit(text, font, size, w - 3))
            x += w
        page.y -= row_h
        count += 1
    if count == 0:
        c.setFont(_FONT, 8)
        c.drawString(left, page.y, "Aucun appareil dans ce don.")
    page.finish()
    c.save()
    if progress is not None:
        progress(count)


def _report_first_page(
    c: Canvas,
    page: _Page,
    header: DonationReportHeader,
    totals: DonationTotals,
    impact: ImpactSummary,
    zone: tzinfo,
    left: float,
    right: float,
    generated: str,
) -> None:
    width = right - left
    c.setFont(_FONT, 8)
    c.setFillColor(_GREY)
    c.drawString(left, page.y - 2, "Programme national Ordi 2.0 — traçabilité des équipements donnés")
    c.setFillColor(colors.black)
    c.setFont(_BOLD, 18)
    c.drawString(left, page.y - 24, "Rapport de traçabilité du don")
    c.setFont(_FONT, 9.5)
    y = page.y - 42
    for line in (
        f"Référence du don : {header.reference}   (identifiant {header.donation_id})",
        f"Donateur : {header.donor_name}",
        f"Don déclaré le {_fr_date(header.declared_on, zone)} — {generated}",
    ):
        c.drawString(left, y, _pdf_text(line))
        y -= 13
    y -= 6

    # Totals
    c.setFont(_BOLD, 11)
    c.drawString(left, y, "Bilan du don")
    y -= 14
    c.setFont(_FONT, 9)
    reuse = totals.reuse_rate
    summary = [
        f"Appareils donnés : {_fr_number(totals.devices, 0)}",
        f"Redistribués (remis à des bénéficiaires) : {_fr_number(totals.redistributed, 0)}",
        f"Recyclés (filière DEEE) : {_fr_number(totals.recycled, 0)} — {_fr_number(totals.recycled_weight_kg, 1)} kg",
        f"Perdus : {_fr_number(totals.lost, 0)}",
        f"Certificats d'effacement émis : {_fr_number(totals.wipe_certificates, 0)}",
        "Taux de réemploi : " + ("—" if reuse is None else f"{_fr_number(reuse * 100, 1)} %"),
    ]
    for line in summary:
        c.drawString(left, y, _pdf_text(line))
        y -= 12
    if totals.by_state:
        parts = [f"{_state_fr(s)} : {_fr_number(n, 0)}" for s, n in totals.by_state.items()]
        for line in _wrap("Répartition par état actuel — " + ", ".join(parts), _FONT, 9, width):
            c.drawString(left, y, line)
            y -= 12
    y -= 6

    # Impact with factors and sources
    c.setFont(_BOLD, 11)
    c.drawString(left, y, "Impact environnemental estimé")
    y -= 14
    c.setFont(_FONT, 9)
    c.drawString(
        left,
        y,
        _pdf_text(
            f"Déchets électroniques évités : {_fr_number(impact.kg_ewaste_avoided, 1)} kg — "
            f"émissions évitées : {_fr_number(impact.kg_co2e_avoided, 1)} kg CO2e"
        ),
    )
    y -= 13
    if impact.method_note:
        for line in _wrap(impact.method_note, _FONT, 8, width):
            c.setFont(_FONT, 8)
            c.drawString(left, y, line)
            y -= 10
    factors = impact.factor_list()
    if factors:
        cols = [0.18, 0.13, 0.15, 0.54]
        ws = [width * f for f in cols]
        c.setFont(_BOLD, 8)
        x = left
        for label, w in zip(("Catégorie", "kg par appareil", "kg CO2e par appareil", "Source"), ws, strict=True):
            c.drawString(x, y, label)
            x += w
        y -= 11
        for f in factors:
            src = _wrap(f.source, _FONT, 8, ws[3] - 4)
            if y - 10 * len(src) < _MARGIN:  # a long factor list continues on the next page
                page.break_page()
                y = page.y
            c.setFont(_FONT, 8)
            c.drawString(left, y, _fit(f.category, _FONT, 8, ws[0] - 4))
            c.drawString(left + ws[0], y, _fr_number(f.kg_per_device, 2))
            c.drawString(left + ws[0] + ws[1], y, _fr_number(f.co2e_per_device, 1))
            for line in src:
                c.drawString(left + ws[0] + ws[1] + ws[2], y, line)
                y -= 10
            y -= 1
    y -= 4
    c.setFont(_FONT, 7.5)
    c.setFillColor(_GREY)
    privacy = (
        "Protection des données : ce rapport ne contient aucune donnée personnelle. Pour un appareil remis, "
        "seuls le département et la catégorie de bénéficiaire sont indiqués. Chaque certificat d'effacement "
        "se vérifie en ligne à partir de son numéro."
    )
    for line in _wrap(privacy, _FONT, 7.5, width):
        if y < _MARGIN:
            page.break_page()
            y = page.y
            c.setFont(_FONT, 7.5)
            c.setFillColor(_GREY)
        c.drawString(left, y, line)
        y -= 9
    c.setFillColor(colors.black)
    page.y = y - 10


# --------------------------------------------------------------------------- CSV and JSON

_CSV_HEADER = [
    "N° inventaire",
    "Catégorie",
    "Modèle",
    "N° de série",
    "État",
    "Déclaré le",
    "Collecté le",
    "Réceptionné le",
    "Effacé le",
    "Prêt le",
    "Remis le",
    "Recyclé le",
    "N° certificat d'effacement",
    "Grade",
    "Filière de recyclage",
    "Poids recyclé (kg)",
    "Département",
    "Catégorie de bénéficiaire",
]


def _csv_safe(text: str) -> str:
    """Defuse spreadsheet formulas (CSV injection): donor-typed models must not run as ``=HYPERLINK``."""
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def write_donation_report_csv(rows: Iterable[DeviceFateRow], out: TextIO) -> int:
    """Stream the report rows as CSV for French spreadsheets; returns the number of rows written.

    ``out`` must be a text stream opened with ``newline=""`` (the csv module writes ``\\r\\n``). A BOM
    is written first so spreadsheet software reads UTF-8.
    """
    zone = PARIS
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(_CSV_HEADER)
    count = 0
    for row in rows:
        dates = [
            _fr_date(v, zone)
            for v in (
                row.declared_at,
                row.collected_at,
                row.received_at,
                row.wiped_at,
                row.ready_at,
                row.handed_over_at,
                row.recycled_at,
            )
        ]
        writer.writerow(
            [
                _csv_safe(row.asset_tag),
                _csv_safe(row.category),
                _csv_safe(row.model),
                _csv_safe(row.serial_number),
                _state_fr(row.state),
                *dates,
                _csv_safe(row.certificate_number or ""),
                _csv_safe(row.grade or ""),
                _csv_safe(row.recycle_channel or ""),
                "" if row.recycle_weight_kg is None else f"{row.recycle_weight_kg:.1f}".replace(".", ","),
                _csv_safe(row.departement or ""),
                _beneficiary_fr(row.beneficiary_category),
            ]
        )
        count += 1
    return count


def _json_default(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return dict(obj)
    raise NotImplementedError(type(obj).__name__)


def iter_donation_report_json(
    header: DonationReportHeader,
    rows: Iterable[DeviceFateRow],
    totals: DonationTotals,
    impact: ImpactSummary,
) -> Iterator[bytes]:
    """The JSON report as a stream of chunks (codes, not French labels; ISO 8601 dates)."""
    enc = msgspec.json.Encoder(enc_hook=_json_default)
    yield b'{"schema":"ordi-donation-report/1","header":' + enc.encode(header)
    yield b',"totals":' + enc.encode(
        {
            "devices": totals.devices,
            "by_state": dict(totals.by_state),
            "redistributed": totals.redistributed,
            "recycled": totals.recycled,
            "lost": totals.lost,
            "wipe_certificates": totals.wipe_certificates,
            "recycled_weight_kg": totals.recycled_weight_kg,
            "reuse_rate": totals.reuse_rate,
        }
    )
    yield b',"impact":' + enc.encode(
        {
            "kg_ewaste_avoided": impact.kg_ewaste_avoided,
            "kg_co2e_avoided": impact.kg_co2e_avoided,
            "factors": impact.factor_list(),
            "method_note": impact.method_note,
        }
    )
    yield b',"devices":['
    first = True
    for row in rows:
        yield (b"" if first else b",") + enc.encode(row)
        first = False
    yield b"]}"
