"""The certificate PDF: its QR decodes to the verification URL, its text is there, it paginates."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ordi.certificates.model import MediumRecord
from ordi.certificates.pdf import render_certificate_pdf
from ordi.certificates.signing import key_id, sign

from .conftest import make_certificate, make_media
from .helpers import pdf_pages

VERIFY_URL = "HTTPS://ORDI2.EXAMPLE.FR/V/CE-2026-000123"


def _certificate_pdf(
    dev_key: Ed25519PrivateKey, media: tuple[MediumRecord, ...] | None = None, **overrides: object
) -> bytes:
    cert = make_certificate(media, **overrides)
    out = io.BytesIO()
    render_certificate_pdf(cert, VERIFY_URL, sign(cert.canonical_content(), dev_key), key_id(dev_key), out)
    return out.getvalue()


def test_certificate_pdf_qr_decodes_to_the_verification_url(dev_key: Ed25519PrivateKey) -> None:
    pdf = _certificate_pdf(dev_key)
    document = pdfium.PdfDocument(pdf)
    page = document[0]
    width, height = page.get_size()
    assert (round(width), round(height)) == (595, 842)  # A4 portrait
    image = page.render(scale=150 / 72).to_pil()
    codes = zxingcpp.read_barcodes(image)
    assert [c.text for c in codes] == [VERIFY_URL]
    assert codes[0].format == zxingcpp.BarcodeFormat.QRCode
    assert codes[0].ec_level in ("M", "Q")


def test_certificate_pdf_text(dev_key: Ed25519PrivateKey) -> None:
    pages = pdf_pages(_certificate_pdf(dev_key, source_report_sha256="ab" * 32, source_report_tool="nwipe 0.38"))
    text = "\n".join(pages)
    for expected in (
        "Certificat d'effacement des données",
        "CE-2026-000123",
        "K7M2Q9",
        "7XK2Q52",
        "123 456 789 01234",
        "O2-2025-042",
        "Technicien T-07",
        "Nettoyage (Clear)",
        "DoD Short",
        "nwipe 0.38",
        "SER00001",
        "Données effacées",
        "ab" * 32,
        "Ed25519",
        key_id(dev_key),
        "openssl pkeyutl",
    ):
        assert expected in text, expected
    assert "■" not in text


def test_certificate_with_many_media_paginates(dev_key: Ed25519PrivateKey) -> None:
    media = make_media(60, failed=3)
    pages = pdf_pages(_certificate_pdf(dev_key, media=media, overall_result="erased_with_exceptions"))
    assert len(pages) >= 2
    text = "\n".join(pages)
    assert "SER00059" in text and "Données effacées avec exceptions" in text
    assert all("Type" in p for p in pages[1:-1])  # media table header repeated on continuation pages
    assert f"page {len(pages)}" in pages[-1]


def test_non_latin_text_degrades_to_question_marks_not_boxes(dev_key: Ed25519PrivateKey) -> None:
    from ordi.certificates.model import CertificateDevice

    device = CertificateDevice(asset_tag="K7M2Q9", category="portable", model="Łódź 联想 T480", serial_number="S")
    text = "\n".join(pdf_pages(_certificate_pdf(dev_key, device=device)))
    # ó is in Windows-1252; ź loses its accent; Ł and the CJK characters have no Latin form.
    assert "?ódz ?? T480" in text
    assert "■" not in text


def test_certificate_pdf_in_english(dev_key: Ed25519PrivateKey) -> None:
    cert = make_certificate()
    out = io.BytesIO()
    render_certificate_pdf(cert, VERIFY_URL, sign(cert.canonical_content(), dev_key), key_id(dev_key), out, lang="en")
    text = "\n".join(pdf_pages(out.getvalue()))
    for expected in ("Data erasure certificate", "Result: Data erased", "Storage media (2)", "SATA SSD", "Erased"):
        assert expected in text, expected
    assert "2026-03-12 at 09:02:21 (Paris time)" in text  # started 08:02:21 UTC
    assert "Certificat d'" not in text and "Scannez" not in text
