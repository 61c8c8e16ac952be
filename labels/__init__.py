"""Asset label rendering for Ordi 2.0: label contents in, PNG / PDF / ZPL bytes out.

Pure: no database, no web framework.  The API and the background jobs call these functions.
"""

from .content import LabelContent
from .formats import FORMATS, LabelDoesNotFit, LabelFormat, UnknownLabelFormat, get_format
from .pdf import render_pdf
from .png import render_png
from .qr import qr_matrix, qr_mode
from .zpl import render_zpl

__all__ = [
    "FORMATS",
    "LabelContent",
    "LabelDoesNotFit",
    "LabelFormat",
    "UnknownLabelFormat",
    "get_format",
    "qr_matrix",
    "qr_mode",
    "render_pdf",
    "render_png",
    "render_zpl",
]
