"""A tiny ZPL renderer for the subset :mod:`labels.zpl` emits, for tests only.

It draws ^BQ fields by encoding their data with the ``qrcode`` library at the given
magnification, at the ^FO position (plus the ^BY height Zebra firmware adds to a ^FO-placed
QR), and ^A0 text fields with Vera Bold at the given height on their ^FT baseline.  It checks
the geometry and the content we send; it does NOT reproduce the printer's firmware (its own
QR encoder, mask choice or font 0), so a real test print is still needed once per model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import qrcode
import qrcode.util
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q

from labels.layout import FONT_FILES

_ECC = {"L": ERROR_CORRECT_L, "M": ERROR_CORRECT_M, "Q": ERROR_CORRECT_Q, "H": ERROR_CORRECT_H}
_TWO_LETTER = {"XA", "XZ", "CI", "PW", "LL", "LH", "BY", "FO", "FT", "BQ", "FH", "FD", "FS", "PQ"}


@dataclass
class QrField:
    x: int
    y: int
    magnification: int
    ecc: str
    data: str
    mode: str  # "A" (alphanumeric), "N", or "auto"


@dataclass
class TextField:
    x: int
    baseline: int
    height: int
    text: str


@dataclass
class ZplLabel:
    width: int = 0
    length: int = 0
    by_height: int = 10
    encoding: str = ""
    qr: list[QrField] = field(default_factory=list)
    texts: list[TextField] = field(default_factory=list)


def _unhex(data: str, indicator: str | None) -> str:
    if indicator is None:
        return data
    raw = bytearray()
    i = 0
    encoded = data.encode("utf-8")
    marker = indicator.encode()
    while i < len(encoded):
        if encoded[i : i + 1] == marker:
            raw.append(int(encoded[i + 1 : i + 3], 16))
            i += 3
        else:
            raw.append(encoded[i])
            i += 1
    return raw.decode("utf-8")


def parse(zpl: str) -> list[ZplLabel]:
    """Split a ZPL stream into labels and their fields (subset only; unknown commands fail)."""
    labels: list[ZplLabel] = []
    current: ZplLabel | None = None
    origin: tuple[str, int, int] | None = None
    pending_qr: tuple[int] | None = None
    font_height: int | None = None
    hex_indicator: str | None = None
    for piece in zpl.replace("\n", "").split("^")[1:]:
        cmd = piece[:2] if piece[:2] in _TWO_LETTER else piece[:1]
        arg = piece[len(cmd) :]
        if cmd == "XA":
            current = ZplLabel()
        elif current is None:
            raise ValueError(f"commande hors étiquette : ^{piece}")
        elif cmd == "XZ":
            labels.append(current)
            current = None
        elif cmd == "CI":
            current.encoding = arg
        elif cmd == "PW":
            current.width = int(arg)
        elif cmd == "LL":
            current.length = int(arg)
        elif cmd in {"LH", "PQ"}:
            pass
        elif cmd == "BY":
            current.by_height = int(arg.split(",")[2])
        elif cmd in {"FO", "FT"}:
            x, y = (int(v) for v in arg.split(","))
            origin = (cmd, x, y)
        elif cmd == "BQ":
            orientation, model, magnification = arg.split(",")
            assert orientation == "N" and model == "2"
            pending_qr = (int(magnification),)
        elif cmd == "A":
            font, rest = arg[0], arg[1:]
            assert font == "0"
            height = rest.split(",")[1]
            font_height = int(height)
        elif cmd == "FH":
            hex_indicator = arg or "_"
        elif cmd == "FD":
            data = _unhex(arg, hex_indicator)
            assert origin is not None
            if pending_qr is not None:
                assert origin[0] == "FO"
                ecc, mode_and_data = data[0], data[1:]
                if mode_and_data.startswith("M,"):
                    mode, payload = mode_and_data[2], mode_and_data[3:]
                else:
                    assert mode_and_data.startswith("A,")
                    mode, payload = "auto", mode_and_data[2:]
                current.qr.append(QrField(origin[1], origin[2], pending_qr[0], ecc, payload, mode))
            else:
                assert origin[0] == "FT" and font_height is not None
                current.texts.append(TextField(origin[1], origin[2], font_height, data))
        elif cmd == "FS":
            origin, pending_qr, font_height, hex_indicator = None, None, None, None
        else:
            raise ValueError(f"commande non prise en charge : ^{piece}")
    return labels


def _qr_modules(f: QrField) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=_ECC[f.ecc], border=0)
    data = f.data.encode("utf-8")
    if f.mode == "A":
        code.add_data(qrcode.util.QRData(data, mode=qrcode.util.MODE_ALPHA_NUM))
    elif f.mode == "N":
        code.add_data(qrcode.util.QRData(data, mode=qrcode.util.MODE_NUMBER))
    else:
        code.add_data(data)
    code.make(fit=True)
    return [[bool(v) for v in row] for row in code.modules]


def qr_box(label: ZplLabel, f: QrField) -> tuple[int, int, int, int]:
    """Where a ^BQ field is printed: (left, top, right, bottom) in dots."""
    n = len(_qr_modules(f))
    top = f.y + label.by_height
    return f.x, top, f.x + n * f.magnification, top + n * f.magnification


def render(label: ZplLabel) -> Image.Image:
    """Draw one parsed label as a greyscale image of ^PW x ^LL dots."""
    image = Image.new("L", (label.width, label.length), 255)
    draw = ImageDraw.Draw(image)
    for f in label.qr:
        left, top, _, _ = qr_box(label, f)
        m = f.magnification
        for r, row in enumerate(_qr_modules(f)):
            for c, dark in enumerate(row):
                if dark:
                    draw.rectangle((left + c * m, top + r * m, left + (c + 1) * m - 1, top + (r + 1) * m - 1), fill=0)
    for t in label.texts:
        font = ImageFont.truetype(str(FONT_FILES[True]), t.height)
        draw.text((t.x, t.baseline), t.text, font=font, fill=0, anchor="ls")
    return image


FIELD_DATA = re.compile(r"\^FD(.*?)\^FS")
