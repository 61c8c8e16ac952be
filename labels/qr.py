"""QR matrices for labels: error correction Q, one segment in the tightest mode the URL allows."""

from __future__ import annotations

import re

import qrcode
import qrcode.util
from qrcode.constants import ERROR_CORRECT_Q

_DARK_RUN = re.compile(b"\x01+")

_MODE_NAMES = {
    qrcode.util.MODE_NUMBER: "numeric",
    qrcode.util.MODE_ALPHA_NUM: "alphanumeric",
    qrcode.util.MODE_8BIT_BYTE: "byte",
}


def qr_mode(url: str) -> str:
    """Name of the QR mode ``url`` is encoded in: "alphanumeric" for an upper-case URL.

    Uses qrcode's own mode detection, so this is what :func:`qr_matrix` really emits.
    """
    return _MODE_NAMES[qrcode.util.optimal_mode(url.encode("utf-8"))]


def _segment(url: str) -> qrcode.util.QRData:
    """One data segment in the best single mode.

    A single explicit segment (rather than qrcode's default chunk optimiser) makes the mode
    predictable and testable: an upper-case URL is always one alphanumeric segment.
    """
    data = url.encode("utf-8")
    return qrcode.util.QRData(data, mode=qrcode.util.optimal_mode(data))


def qr_matrix(url: str) -> list[list[bool]]:
    """The QR modules of ``url`` (True = dark), error correction Q, without quiet zone.

    Returns a fresh list each call; renderers that want speed use :func:`qr_rows`.
    """
    return [list(row) for row in qr_rows(url)]


def qr_rows(url: str) -> tuple[tuple[bool, ...], ...]:
    """Immutable form of :func:`qr_matrix`, what the renderers consume.

    Not cached on purpose: a batch never revisits a URL, and a cache would flatter benchmarks.
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=0)
    code.add_data(_segment(url))
    code.make(fit=True)
    # After make() every module is a bool; tuple() freezes the rows without copying cells.
    return tuple(map(tuple, code.modules))


def dark_runs(rows: tuple[tuple[bool, ...], ...]) -> list[tuple[int, int, int]]:
    """Horizontal runs of dark modules as (row, first column, length).

    Drawing one rectangle per run instead of per module divides the PDF operators by about
    three and keeps neighbouring modules from showing hairline seams in some viewers.  The
    scan runs in the regex engine over each row as bytes (1 = dark), not in a Python loop.
    """
    runs: list[tuple[int, int, int]] = []
    append = runs.append
    for r, row in enumerate(rows):
        for m in _DARK_RUN.finditer(bytes(row)):
            start, end = m.span()
            append((r, start, end - start))
    return runs


def qr_side(url: str) -> int:
    """Side, in modules, of the symbol :func:`qr_matrix` would draw, without drawing it.

    The ZPL path needs only the size (the printer encodes the symbol itself), and choosing the
    version is a table look-up, a small fraction of the cost of a full encode.
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=0)
    code.add_data(_segment(url))
    version = code.best_fit()
    return 17 + 4 * version
