"""The scanning station's static files: one vanilla script, no build step, no CDN.

The pages themselves (`/scan`, `/d/{tag}`) are templates of the web application (`ordi.web.pages`):
the same layout, the same session cookie.
"""

from __future__ import annotations

from pathlib import Path

from litestar.datastructures import CacheControlHeader
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

STATIC_DIR = Path(__file__).parent / "static"
STATIC_PATH = "/static/station"

static_files = create_static_files_router(
    path=STATIC_PATH,
    directories=[STATIC_DIR],
    name="station-static",
    cache_control=CacheControlHeader(max_age=300),
)

ROUTES: list[ControllerRouterHandler] = [static_files]
