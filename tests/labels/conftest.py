"""Shared helpers for the label tests: sample contents, decoding and rasterising."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image

from labels import LabelContent

RASTER_DPI = 300
MM_PER_INCH = 25.4


def make_content(
    i: int = 0, *, model: str = "Dell Latitude 5490", category: str = "Ordinateur portable"
) -> LabelContent:
    """A realistic label: upper-case URL ending with a 10-character tag."""
    tag = f"K7Q{i:07d}"
    return LabelContent(url=f"HTTPS://ORDI2.EXEMPLE.FR/D/{tag}", tag=tag, category=category, model=model)


def contents(n: int, start: int = 0) -> Iterator[LabelContent]:
    """``n`` distinct labels, produced lazily."""
    for i in range(start, start + n):
        yield make_content(i)


def decode(image: Image.Image) -> list[zxingcpp.Barcode]:
    """Every QR code zxing-cpp finds in ``image``."""
    return [b for b in zxingcpp.read_barcodes(image) if b.format == zxingcpp.BarcodeFormat.QRCode]


def png_image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def pdf_pages(data: bytes, dpi: int = RASTER_DPI) -> list[Image.Image]:
    """Rasterise every page of a PDF, greyscale, at ``dpi``."""
    document = pdfium.PdfDocument(data)
    try:
        return [document[i].render(scale=dpi / 72, grayscale=True).to_pil() for i in range(len(document))]
    finally:
        document.close()


def pdf_page_sizes_pt(data: bytes) -> list[tuple[float, float]]:
    document = pdfium.PdfDocument(data)
    try:
        return [tuple(document[i].get_size()) for i in range(len(document))]  # type: ignore[misc]
    finally:
        document.close()


@pytest.fixture
def content() -> LabelContent:
    return make_content(42)
