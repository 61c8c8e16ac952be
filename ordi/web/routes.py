"""What `ordi.app` mounts for the web application: pages, static files, the OpenAPI viewer's files."""

from __future__ import annotations

from pathlib import Path

import swagger_ui
from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.di import Provide
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from ordi.web import account, admin, association, donor, files, pages, workshop
from ordi.web.rendering import EXCEPTION_HANDLERS
from ordi.web.session import provide_viewer

STATIC_DIR = Path(__file__).parent / "static"
#: Swagger UI's own files, as the `swagger-ui-py` wheel ships them (Swagger UI 5, OpenAPI 3.1).
SWAGGER_DIR = Path(swagger_ui.__file__).parent / "static"
SWAGGER_PATH = "/static/swagger-ui"

#: Every page handler of the web application; other packages' pages are added here too.
PAGE_HANDLERS: list[ControllerRouterHandler] = [
    *account.ROUTES,
    *pages.ROUTES,
    *files.ROUTES,
    *donor.ROUTES,
    *workshop.ROUTES,
    *association.ROUTES,
    *admin.ROUTES,
]


def page_router() -> Router:
    return Router(
        path="/",
        route_handlers=PAGE_HANDLERS,
        dependencies={"viewer": Provide(provide_viewer)},
        exception_handlers=EXCEPTION_HANDLERS,
        include_in_schema=False,
    )


def routes() -> list[ControllerRouterHandler]:
    return [
        page_router(),
        create_static_files_router(
            path="/static/web",
            directories=[STATIC_DIR],
            name="web-static",
            cache_control=CacheControlHeader(max_age=300),
            include_in_schema=False,
        ),
        create_static_files_router(
            path=SWAGGER_PATH,
            directories=[SWAGGER_DIR],
            name="swagger-ui",
            cache_control=CacheControlHeader(max_age=86400),
            include_in_schema=False,
        ),
    ]


def openapi_viewer() -> SwaggerRenderPlugin:
    """`/schema` (and `/schema/swagger`): Swagger UI from this server's own files."""
    return SwaggerRenderPlugin(
        js_url=f"{SWAGGER_PATH}/swagger-ui-bundle.js",
        css_url=f"{SWAGGER_PATH}/swagger-ui.css",
        standalone_preset_js_url=f"{SWAGGER_PATH}/swagger-ui-standalone-preset.js",
        favicon="",
        path=["/", "/swagger"],
    )
