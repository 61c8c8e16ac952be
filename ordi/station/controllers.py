"""The scanning station's static files: one vanilla script, no build step, no CDN; and the camera's
QR decoder (npm package jsqr) for browsers without BarcodeDetector, served from the folder its
install script fills (`ORDI_VENDOR_DIR`, never the repository).

The pages themselves (`/scan`, `/d/{tag}`) are templates of the web application (`ordi.web.pages`):
the same layout, the same session cookie.
"""

from __future__ import annotations

from pathlib import Path

from litestar import get
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import NotFoundException
from litestar.response import File
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from ordi.config import QR_DECODER_URL, get_settings

STATIC_DIR = Path(__file__).parent / "static"
STATIC_PATH = "/static/station"

static_files = create_static_files_router(
    path=STATIC_PATH,
    directories=[STATIC_DIR],
    name="station-static",
    cache_control=CacheControlHeader(max_age=300),
)


@get(QR_DECODER_URL, include_in_schema=False, cache_control=CacheControlHeader(max_age=86400))
async def qr_decoder() -> File:
    """jsQR's browser build, when `ordi/station/ensure_decoder.sh` installed it; else 404 (the page
    then says the camera is unavailable, and never asks for this file)."""
    path = get_settings().qr_decoder_path
    if not path.is_file():
        raise NotFoundException()
    return File(path, media_type="text/javascript; charset=utf-8", content_disposition_type="inline")


ROUTES: list[ControllerRouterHandler] = [static_files, qr_decoder]
