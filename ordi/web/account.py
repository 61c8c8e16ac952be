"""Each person's own account ("Mon compte") and the password-reset link's pages.

Thin: a new password is `auth.service.change_password`, a reset `auth.resets`, "log out
everywhere" `auth.service.logout_all` — the calls of the API's `/auth/…` routes.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post

from ordi.auth import resets
from ordi.auth import service as auth
from ordi.domain.errors import DomainError
from ordi.http.params import client_address
from ordi.i18n import web_word
from ordi.web.pages import posted, text
from ordi.web.rendering import page, problem_text, redirect, status_of
from ordi.web.session import Viewer, ended_session_cookie, session_cookie

PASSWORD_LIMIT = 200


@get("/compte", include_in_schema=False)
async def account_page(viewer: Viewer, change: bool = False) -> Any:
    viewer.require()
    return page(viewer, "account/account.html", errors=[], changed=change)


@post("/compte/mot-de-passe", include_in_schema=False, status_code=200)
async def change_password(request: Request[Any, Any, Any], viewer: Viewer) -> Any:
    person = viewer.require()
    form = await posted(request, viewer)
    new = text(form, "new_password", PASSWORD_LIMIT)
    if new != text(form, "confirm_password", PASSWORD_LIMIT):
        return page(
            viewer, "account/account.html", 422, errors=[web_word("account.mismatch", viewer.lang)], changed=False
        )
    try:
        _token, _ = await auth.change_password(
            person.actor, text(form, "current_password", PASSWORD_LIMIT), new, client_address(request)
        )
    except DomainError as exc:
        return page(
            viewer, "account/account.html", status_of(exc), errors=[problem_text(exc, viewer.lang)], changed=False
        )
    # Every other session ended with the change; this browser keeps one at the new version.
    cookie, _csrf = session_cookie(person.user_id, await auth.token_version(person.user_id))
    viewer.cookies.append(cookie)
    return redirect(viewer, "/compte?change=1")


@post("/compte/deconnexion-partout", include_in_schema=False, status_code=200)
async def log_out_everywhere(request: Request[Any, Any, Any], viewer: Viewer) -> Any:
    person = viewer.require()
    await posted(request, viewer)
    await auth.logout_all(person.actor)
    viewer.cookies.append(ended_session_cookie())
    return redirect(viewer, "/connexion?sortie=1")


@get("/connexion/mot-de-passe-oublie", include_in_schema=False)
async def forgotten_page(viewer: Viewer) -> Any:
    return page(viewer, "account/forgotten.html", sent=False)


@post("/connexion/mot-de-passe-oublie", include_in_schema=False, status_code=200)
async def forgotten(request: Request[Any, Any, Any], viewer: Viewer) -> Any:
    form = await posted(request, viewer)
    # The same answer whether the address has an account or not (nothing to learn from it).
    await resets.request_by_email(text(form, "email", 254), client_address(request))
    return page(viewer, "account/forgotten.html", sent=True)


@get(resets.RESET_PATH, include_in_schema=False)
async def reset_page(viewer: Viewer, jeton: str = "") -> Any:
    return page(viewer, "account/reset.html", token=jeton[:200], errors=[])


@post(resets.RESET_PATH, include_in_schema=False, status_code=200)
async def reset(request: Request[Any, Any, Any], viewer: Viewer) -> Any:
    form = await posted(request, viewer)
    token, new = text(form, "jeton", 200), text(form, "new_password", PASSWORD_LIMIT)
    if new != text(form, "confirm_password", PASSWORD_LIMIT):
        return page(viewer, "account/reset.html", 422, token=token, errors=[web_word("account.mismatch", viewer.lang)])
    try:
        await resets.confirm(token, new)
    except DomainError as exc:
        return page(viewer, "account/reset.html", status_of(exc), token=token, errors=[problem_text(exc, viewer.lang)])
    viewer.cookies.append(ended_session_cookie())
    return redirect(viewer, "/connexion?nouveau=1")


ROUTES = [account_page, change_password, log_out_everywhere, forgotten_page, forgotten, reset_page, reset]
