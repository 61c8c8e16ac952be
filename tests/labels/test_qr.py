"""QR matrices: error correction Q, alphanumeric mode, content exactly as given."""

from __future__ import annotations

import qrcode.util
import zxingcpp
from PIL import Image

from labels import qr_matrix, qr_mode
from labels.qr import _segment, dark_runs, qr_rows, qr_side

URL = "HTTPS://ORDI2.EXEMPLE.FR/D/K7Q2M9X4TZ"


def _image(matrix: list[list[bool]], scale: int = 8, quiet: int = 4) -> Image.Image:
    n = len(matrix)
    small = Image.new("L", (n + 2 * quiet, n + 2 * quiet), 255)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                small.putpixel((c + quiet, r + quiet), 0)
    return small.resize((small.width * scale, small.height * scale), Image.Resampling.NEAREST)


def test_upper_case_url_uses_alphanumeric_mode() -> None:
    assert qr_mode(URL) == "alphanumeric"
    assert _segment(URL).mode == qrcode.util.MODE_ALPHA_NUM


def test_lower_case_url_falls_back_to_byte_mode() -> None:
    assert qr_mode(URL.lower()) == "byte"


def test_alphanumeric_mode_shows_in_the_symbol_size() -> None:
    """37 characters fit version 3-Q only in alphanumeric mode (47 max; 32 in byte mode)."""
    assert len(URL) == 37
    assert len(qr_matrix(URL)) == 29  # version 3
    assert len(qr_matrix(URL.lower())) > 29  # byte mode needs a bigger version


def test_matrix_is_square_without_quiet_zone() -> None:
    matrix = qr_matrix(URL)
    n = len(matrix)
    assert all(len(row) == n for row in matrix)
    # A finder pattern starts at (0, 0): no quiet zone inside the matrix.
    assert all(matrix[0][:7]) and all(row[0] for row in matrix[:7])


def test_matrix_decodes_to_the_url_with_error_correction_q() -> None:
    (barcode,) = zxingcpp.read_barcodes(_image(qr_matrix(URL)))
    assert barcode.text == URL
    assert barcode.format == zxingcpp.BarcodeFormat.QRCode
    assert barcode.ec_level == "Q"


def test_qr_side_matches_the_matrix_without_encoding() -> None:
    for url in (URL, URL.lower(), "HTTPS://X.FR/D/A"):
        assert qr_side(url) == len(qr_rows(url))


def test_dark_runs_cover_exactly_the_dark_modules() -> None:
    rows = qr_rows(URL)
    painted = {(r, c) for r, start, length in dark_runs(rows) for c in range(start, start + length)}
    expected = {(r, c) for r, row in enumerate(rows) for c, dark in enumerate(row) if dark}
    assert painted == expected


def test_dark_runs_are_maximal() -> None:
    rows = qr_rows(URL)
    for r, start, length in dark_runs(rows):
        assert start == 0 or not rows[r][start - 1]
        assert start + length == len(rows[r]) or not rows[r][start + length]
