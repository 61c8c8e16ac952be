"""How a page answers: its template with the viewer, the navigation of its role, its security
headers and cookies; and the error pages (a problem from a service is a French page, never a 500).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.response import Redirect, Template

from ordi.domain.errors import DomainError, InvalidImport
from ordi.domain.lifecycle import OrgKind
from ordi.http import problems
from ordi.http.html import SECURITY_HEADERS
from ordi.http.problems import STATUS_BY_ERROR
from ordi.i18n import message, translated_errors, web_word
from ordi.web.session import LANG_COOKIE, CsrfRefused, LoginRequired, Viewer

log = logging.getLogger("ordi.web")


@dataclass(frozen=True)
class NavItem:
    href: str
    word: str


#: One navigation per role (PRODUCT.md §8): the role's own pages first.
NAVIGATION: dict[OrgKind, tuple[NavItem, ...]] = {
    OrgKind.DONOR: (NavItem("/dons", "nav.donations"), NavItem("/dons/nouveau", "nav.new_donation")),
    OrgKind.REFURBISHER: (
        NavItem("/atelier", "nav.workshop"),
        NavItem("/scan", "nav.scan"),
        NavItem("/atelier/etiquettes", "workshop.print"),
    ),
    OrgKind.ASSOCIATION: (NavItem("/demandes", "nav.requests"), NavItem("/demandes/nouvelle", "assoc.new")),
    OrgKind.OPERATOR: (
        NavItem("/admin", "nav.admin"),
        NavItem("/admin/organisations", "admin.organisations"),
        NavItem("/admin/taches", "admin.jobs"),
        NavItem("/comite", "nav.committee"),
    ),
    OrgKind.COMMITTEE: (NavItem("/comite", "nav.committee"),),
}

#: Each role's landing page (`/` sends a person there).
LANDING: dict[OrgKind, str] = {
    OrgKind.DONOR: "/dons",
    OrgKind.REFURBISHER: "/atelier",
    OrgKind.ASSOCIATION: "/demandes",
    OrgKind.OPERATOR: "/admin",
    OrgKind.COMMITTEE: "/comite",
}


def landing(viewer: Viewer, kind: OrgKind) -> str:
    """The role's landing page, or the person's home (`/accueil`) while that page is not mounted."""
    target = LANDING[kind]
    return target if not viewer.paths or target in viewer.paths else "/accueil"


def navigation(viewer: Viewer) -> list[dict[str, Any]]:
    items: tuple[NavItem, ...] = NAVIGATION.get(viewer.person.kind, ()) if viewer.person else ()
    if viewer.paths:
        items = tuple(i for i in items if i.href in viewer.paths)
    current = max(
        (i.href for i in items if viewer.path == i.href or viewer.path.startswith(i.href + "/")), key=len, default=""
    )
    return [{"href": i.href, "word": i.word, "current": i.href == current} for i in items]


def page(viewer: Viewer, template: str, status: int = 200, **context: Any) -> Template:
    """A page: `template` with the viewer, the role's navigation and the CSRF token of its forms."""
    full = {
        "viewer": viewer,
        "person": viewer.person,
        "lang": viewer.lang,
        "csrf": viewer.csrf,
        "nav": navigation(viewer),
        "here": quote(viewer.path),
        **context,
    }
    return Template(
        template_name=template,
        context=full,
        status_code=status,
        headers=SECURITY_HEADERS,
        cookies=viewer.cookies,
        media_type=MediaType.HTML,  # whatever the handler's annotation says
    )


def redirect(viewer: Viewer, to: str) -> Redirect:
    """After a form: see the result at `to` (303, so a reload does not post again)."""
    return Redirect(path=to, status_code=303, cookies=viewer.cookies, headers={"Cache-Control": "no-store"})


def status_of(exc: DomainError) -> int:
    """The status the API answers for this error (`ordi.http.problems`), for the page that says it."""
    return next((s for cls, s in STATUS_BY_ERROR.items() if isinstance(exc, cls)), 400)


def problem_text(exc: DomainError, lang: str) -> str:
    return message(exc.key, lang, **exc.params)


def line_errors(exc: DomainError, lang: str) -> list[dict[str, Any]]:
    """An import's bad cells, each with its message in the reader's language."""
    return translated_errors(exc.errors, lang) if isinstance(exc, InvalidImport) else []


# --------------------------------------------------------------------------- error pages


def _viewer(request: Request[Any, Any, Any]) -> Viewer:
    viewer = getattr(request.state, "viewer", None)
    if isinstance(viewer, Viewer):
        return viewer
    lang = "en" if request.cookies.get(LANG_COOKIE) == "en" else "fr"
    return Viewer(person=None, lang=lang, csrf="", path=request.url.path)


def _render_error(request: Request[Any, Any, Any], status: int, text: str) -> Template:
    return page(_viewer(request), "error.html", status, status_code=status, text=text)


def login_required_handler(request: Request[Any, Any, Any], exc: LoginRequired) -> Response[Any]:
    viewer = _viewer(request)
    ended = exc.ended or bool(getattr(request.state, "session_ended", False))
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    to = f"/connexion?suivant={quote(target, safe='')}" + ("&fin=1" if ended else "")
    return redirect(viewer, to)


def csrf_handler(request: Request[Any, Any, Any], exc: CsrfRefused) -> Template:
    viewer = _viewer(request)
    return _render_error(request, 403, web_word("error.csrf", viewer.lang))


def domain_error_handler(request: Request[Any, Any, Any], exc: DomainError) -> Template:
    status = status_of(exc)
    viewer = _viewer(request)
    if status == 404:
        return _render_error(request, 404, web_word("error.not_found", viewer.lang))
    return _render_error(request, status, problem_text(exc, viewer.lang))


def http_error_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Template:
    viewer = _viewer(request)
    if isinstance(exc, NotFoundException) or exc.status_code == 404:
        return _render_error(request, 404, web_word("error.not_found", viewer.lang))
    if isinstance(exc, ValidationException):
        return _render_error(request, 400, message("validation_failed", viewer.lang, message=str(exc.detail)))
    if exc.status_code >= 500:
        log.error("HTTP %s on page %s: %s", exc.status_code, request.url.path, exc.detail)
        return _render_error(request, exc.status_code, web_word("error.internal", viewer.lang))
    return _render_error(request, exc.status_code, str(exc.detail))


_NOT_PAGES = ("/api/", "/schema", "/static/", "/health")


def unrouted_handler(request: Request[Any, Any, Any], exc: NotFoundException) -> Response[Any]:
    """A path nobody serves: a 404 page for a browser (it asks for HTML), a problem for the API."""
    wants_page = "text/html" in request.headers.get("accept", "") and not request.url.path.startswith(_NOT_PAGES)
    if wants_page:
        return _render_error(request, 404, web_word("error.not_found", _viewer(request).lang))  # type: ignore[return-value]
    return problems.http_error_handler(request, exc)


EXCEPTION_HANDLERS: dict[int | type[Exception], Any] = {
    LoginRequired: login_required_handler,
    CsrfRefused: csrf_handler,
    DomainError: domain_error_handler,
    HTTPException: http_error_handler,
    NotFoundException: http_error_handler,  # over the application's own (`unrouted_handler`)
}
