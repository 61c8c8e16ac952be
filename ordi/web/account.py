"""Each person's own account ("Mon compte"): password, notices by e-mail and the last notifications,
sessions; and the password-reset link's pages.

Thin: a new password is `auth.service.change_password`, a reset `auth.resets`, "log out
everywhere" `auth.service.logout_all` — the calls of the API's `/auth/…` routes; the notices are
`notifications.service` (`/api/v1/notifications…`).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post

from ordi.auth import resets
from ordi.auth import service as auth
from ordi.domain.errors import DomainError
from ordi.http.params import client_address
from ordi.i18n import web_word
from ordi.notifications import service as notifications
from ordi.notifications.kinds import OPTIONAL
from ordi.notifications.schemas import PreferenceIn, PreferencesIn
from ordi.paging import PageRequest
from ordi.web.pages import posted, text
from ordi.web.rendering import page, problem_text, redirect, status_of
from ordi.web.session import Viewer, ended_session_cookie, session_cookie

PASSWORD_LIMIT = 200


#: How many notifications a page of "Mon compte" lists.
NOTIFICATIONS_SHOWN = 10


async def _account(viewer: Viewer, status: int = 200, errors: list[str] | None = None, changed: bool = False,
                   apres: str | None = None, saved: bool = False) -> Any:  # fmt: skip
    """The account page: the password form, the notices chosen and the person's last notifications."""
    person = viewer.require()
    choices = await notifications.preferences(person.actor, viewer.lang)
    listed = await notifications.list_notifications(
        person.actor, PageRequest(limit=NOTIFICATIONS_SHOWN, cursor=apres), viewer.lang
    )
    return page(
        viewer, "account/account.html", status, errors=errors or [], changed=changed, choices=choices.preferences,
        listed=listed, first=apres is None, saved=saved,
    )  # fmt: skip


@get("/compte", include_in_schema=False)
async def account_page(viewer: Viewer, change: bool = False, avis: bool = False, apres: str | None = None) -> Any:
    return await _account(viewer, changed=change, apres=apres, saved=avis)


@post("/compte/avis", include_in_schema=False, status_code=200)
async def save_preferences(request: Request[Any, Any, Any], viewer: Viewer) -> Any:
    """Each notice the form lists: on when its box is ticked, off otherwise (a form sends no unticked box)."""
    person = viewer.require()
    form = await posted(request, viewer)
    ticked = set(form.getall("avis", []))
    data = PreferencesIn(preferences=[PreferenceIn(kind=k, enabled=k in ticked) for k in OPTIONAL])  # type: ignore[arg-type]
    await notifications.set_preferences(person.actor, data, viewer.lang)
    return redirect(viewer, "/compte?avis=1#avis")


@post("/compte/mot-de-passe", include_in_schema=False, status_code=200)
async def change_password(request: Request[Any, Any, Any], viewer: Viewer) -> Any:
    person = viewer.require()
    form = await posted(request, viewer)
    new = text(form, "new_password", PASSWORD_LIMIT)
    if new != text(form, "confirm_password", PASSWORD_LIMIT):
        return await _account(viewer, 422, [web_word("account.mismatch", viewer.lang)])
    try:
        _token, _ = await auth.change_password(
            person.actor, text(form, "current_password", PASSWORD_LIMIT), new, client_address(request)
        )
    except DomainError as exc:
        return await _account(viewer, status_of(exc), [problem_text(exc, viewer.lang)])
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


ROUTES = [
    account_page,
    save_preferences,
    change_password,
    log_out_everywhere,
    forgotten_page,
    forgotten,
    reset_page,
    reset,
]
