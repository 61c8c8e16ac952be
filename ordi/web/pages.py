"""The pages everyone meets: home, log in and out, the language switch, the scanning station and
the public device page. Thin: logging in is `auth.service.login`, the same call as the API's.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.response import Template

from ordi.auth import service as auth
from ordi.auth.tokens import read_token_version
from ordi.config import QR_DECODER_URL, get_settings
from ordi.domain.errors import Unauthenticated
from ordi.http.params import client_address
from ordi.i18n import message, station_words, web_word
from ordi.organisations import service as organisations
from ordi.paging import PageRequest
from ordi.public.controllers import public_row
from ordi.web.rendering import landing, page, redirect
from ordi.web.session import (
    CSRF_FIELD,
    STATION_TOKEN_TTL,
    Viewer,
    check_csrf,
    ended_session_cookie,
    lang_cookie,
    safe_next,
    session_cookie,
    station_token,
)

#: How many places of the public directory the home page lists (the rest: `/api/v1/directory`).
DIRECTORY_SHOWN = 30


async def posted(request: Request[Any, Any, Any], viewer: Viewer) -> FormMultiDict:
    """A page form's fields, once its CSRF token is checked (refused: a 403 page)."""
    form = await request.form()
    check_csrf(viewer, form.get(CSRF_FIELD))
    return form


def text(form: FormMultiDict, name: str, limit: int = 2000) -> str:
    """A text field as typed, cut to `limit` (the service's schema says what is too long)."""
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


@get("/", include_in_schema=False)
async def home(viewer: Viewer) -> Any:
    if viewer.person is not None:
        return redirect(viewer, landing(viewer, viewer.person.kind))
    directory = await organisations.directory(None, None, None, PageRequest(limit=DIRECTORY_SHOWN))
    return page(viewer, "home.html", directory=directory, next_path="/", email="", login_error="")


@get("/connexion", include_in_schema=False)
async def login_page(
    viewer: Viewer, suivant: str = "/", fin: bool = False, sortie: bool = False, nouveau: bool = False
) -> Any:
    if viewer.person is not None:
        return redirect(viewer, safe_next(suivant) if suivant != "/" else landing(viewer, viewer.person.kind))
    notice = ""
    if fin:
        notice = web_word("login.ended", viewer.lang)
    elif sortie:
        notice = web_word("login.logged_out", viewer.lang)
    elif nouveau:
        notice = web_word("login.reset_done", viewer.lang)
    elif suivant != "/":
        notice = web_word("login.required", viewer.lang)
    return page(viewer, "login.html", next_path=safe_next(suivant), notice=notice, email="", login_error="")


@post("/connexion", include_in_schema=False, status_code=200)
async def log_in(request: Request[Any, Any, Any], viewer: Viewer) -> Any:
    form = await posted(request, viewer)
    email, target = text(form, "email", 254), safe_next(text(form, "suivant", 500))
    try:
        token, _ = await auth.login(email, text(form, "password", 1000), client_address(request))
    except Unauthenticated as exc:
        error = message(exc.key, viewer.lang)
        return page(viewer, "login.html", 401, next_path=target, notice="", email=email, login_error=error)
    actor, version = read_token_version(token)
    cookie, _csrf = session_cookie(actor.user_id, version)
    viewer.cookies.append(cookie)
    return redirect(viewer, target if target != "/" else landing(viewer, actor.kind))


@post("/deconnexion", include_in_schema=False, status_code=200)
async def log_out(request: Request[Any, Any, Any], viewer: Viewer) -> Any:
    await posted(request, viewer)
    viewer.cookies.append(ended_session_cookie())
    return redirect(viewer, "/connexion?sortie=1")


@get("/langue/{code:str}", include_in_schema=False)
async def switch_language(viewer: Viewer, code: str, retour: str = "/") -> Any:
    viewer.cookies.append(lang_cookie("en" if code == "en" else "fr"))
    return redirect(viewer, safe_next(retour))


@get("/verifier", include_in_schema=False)
async def verify_form(viewer: Viewer, numero: str = "") -> Any:
    """The home page's certificate check: to the public verification page of that number."""
    number = numero.strip().upper()[:40]
    return redirect(viewer, f"/verify/{quote(number, safe='')}" if number else "/")


@get("/session/jeton", include_in_schema=False)
async def station_token_page(viewer: Viewer) -> Response[dict[str, Any]]:
    """A fresh bearer token for the station's script, from the session cookie (same origin only:
    no CORS, so another site can neither read it nor use the cookie to get one)."""
    headers = {"Cache-Control": "no-store"}
    if viewer.person is None:
        return Response({"detail": message("unauthenticated", viewer.lang)}, status_code=401, headers=headers)
    return Response(
        {"access_token": station_token(viewer.person), "expires_in": STATION_TOKEN_TTL},
        headers=headers,
        cookies=viewer.cookies,
    )


@get("/accueil", include_in_schema=False)
async def person_home(viewer: Viewer) -> Template:
    """A person's home while their role's pages are not mounted: who they are, where to go."""
    person = viewer.require()
    return page(viewer, "person_home.html", person=person)


# --------------------------------------------------------------------------- station and label pages


@get("/scan", include_in_schema=False)
async def scan_page(viewer: Viewer) -> Template:
    token = station_token(viewer.person) if viewer.person else ""
    # The camera's decoder where the browser has no BarcodeDetector: only when it is installed.
    decoder = QR_DECODER_URL if get_settings().qr_decoder_path.is_file() else ""
    return page(
        viewer,
        "scan.html",
        token=token,
        decoder=decoder,
        station_words=station_words(viewer.lang),
        next_path="/scan",
        email="",
        login_error="",
    )


@get(["/d/{tag:str}", "/D/{tag:str}"], include_in_schema=False)
async def public_device(viewer: Viewer, tag: str) -> Template:
    row = await public_row(tag)
    if row is None:
        return page(viewer, "device_unknown.html", 404, tag=tag[:40])
    token = station_token(viewer.person) if viewer.person else ""
    return page(viewer, "device_public.html", device=row, token=token, station_words=station_words(viewer.lang))


ROUTES = [
    home,
    person_home,
    login_page,
    log_in,
    log_out,
    switch_language,
    verify_form,
    station_token_page,
    scan_page,
    public_device,
]
