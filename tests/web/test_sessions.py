"""Web sessions: /connexion opens a signed HttpOnly cookie, every form carries its CSRF token, the
person is read again on every request (a deactivated one is logged out), /deconnexion ends it."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from ordi.organisations.tables import User
from ordi.web.session import SESSION_COOKIE
from tests.fixtures import PASSWORD, World
from tests.web.helpers import csrf_of, form_token, log_in


async def test_a_stranger_sees_the_service_the_login_the_directory_and_the_certificate_check(
    client: AsyncTestClient[Any], world: World
) -> None:
    client.cookies.clear()
    home = await client.get("/")
    assert home.status_code == 200 and '<html lang="fr">' in home.text
    assert 'action="/connexion"' in home.text and 'action="/verifier"' in home.text
    assert "Atelier Caen" in home.text and "EPN Le Havre" in home.text  # labelled places only
    assert "Canope Rouen" not in home.text and "Atelier Expire" not in home.text
    assert "default-src 'none'" in home.headers["content-security-policy"]
    check = await client.get("/verifier", params={"numero": "ce-2026-000001"}, follow_redirects=False)
    assert check.status_code == 303 and check.headers["location"] == "/verify/CE-2026-000001"
    english = await client.get("/langue/en", params={"retour": "/"}, follow_redirects=True)
    assert '<html lang="en">' in english.text and "Log in" in english.text
    client.cookies.clear()


async def test_log_in_opens_a_session_cookie_and_lands_on_the_role_page(
    client: AsyncTestClient[Any], world: World
) -> None:
    answer = await log_in(client, world.donor)
    assert answer.headers["location"] == "/dons"
    cookie = next(h for h in answer.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE + "="))
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "Path=/" in cookie
    assert "Secure" not in cookie  # only in production (ORDI_ENV=production)
    home = await client.get("/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/dons"
    # the cookie is no bearer token: the API still wants its own credentials
    value = client.cookies.get(SESSION_COOKIE)
    me = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {value}"})
    assert me.status_code == 401
    assert (await client.get("/api/v1/auth/me")).status_code == 401
    # the station's script gets a short-lived bearer token from the session, same origin only
    token = (await client.get("/session/jeton")).json()["access_token"]
    me = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["user"]["email"] == world.donor.email
    client.cookies.clear()
    assert (await client.get("/session/jeton")).status_code == 401


async def test_a_wrong_password_is_said_on_the_form(client: AsyncTestClient[Any], world: World) -> None:
    client.cookies.clear()
    form = await client.get("/connexion")
    answer = await client.post(
        "/connexion", data={"email": world.donor.email, "password": "faux", "csrf": csrf_of(form.text)}
    )
    assert answer.status_code == 401
    assert "Adresse e-mail ou mot de passe incorrect." in answer.text
    assert SESSION_COOKIE not in client.cookies


async def test_a_form_posted_without_its_csrf_token_is_refused(client: AsyncTestClient[Any], world: World) -> None:
    client.cookies.clear()
    await client.get("/connexion")
    for data in ({}, {"csrf": "un-autre-jeton-qui-ne-va-pas-du-tout"}):
        answer = await client.post("/connexion", data={"email": world.donor.email, "password": PASSWORD, **data})
        assert answer.status_code == 403 and "Ce formulaire a expiré" in answer.text
        assert SESSION_COOKIE not in client.cookies
    # logged in, the anonymous token no longer works: the session has its own
    anonymous = csrf_of((await client.get("/connexion")).text)
    await log_in(client, world.donor)
    answer = await client.post("/deconnexion", data={"csrf": anonymous})
    assert answer.status_code == 403
    assert (await client.get("/", follow_redirects=False)).status_code == 303  # still logged in
    client.cookies.clear()


async def test_log_out_ends_the_session(client: AsyncTestClient[Any], world: World) -> None:
    await log_in(client, world.workshop)
    token = await form_token(client, "/scan")
    answer = await client.post("/deconnexion", data={"csrf": token}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/connexion?sortie=1"
    assert SESSION_COOKIE not in client.cookies
    assert "Vous êtes déconnecté." in (await client.get("/connexion?sortie=1")).text


async def test_a_deactivated_person_is_logged_out_at_the_next_request(
    client: AsyncTestClient[Any], world: World
) -> None:
    await log_in(client, world.workshop)
    scan = await client.get("/scan")
    assert 'id="code"' in scan.text and 'data-token="ey' in scan.text
    await User.update({User.active: False}).where(User.id == world.workshop.actor.user_id)
    scan = await client.get("/scan")
    assert 'id="code"' not in scan.text and 'action="/connexion"' in scan.text
    assert SESSION_COOKIE not in client.cookies  # the answer ended it
    assert (await client.get("/session/jeton")).status_code == 401
    client.cookies.clear()


def test_the_session_cookie_is_secure_in_production(monkeypatch: Any) -> None:
    from dataclasses import replace

    from ordi.config import get_settings
    from ordi.web import session

    production = replace(get_settings(), env="production")
    monkeypatch.setattr(session, "get_settings", lambda: production)
    cookie, _ = session.session_cookie(1)
    assert cookie.secure and cookie.httponly and cookie.samesite == "lax"


def test_the_public_url_follows_the_port_when_not_set(monkeypatch: Any) -> None:
    from ordi.config import load

    monkeypatch.delenv("ORDI_PUBLIC_URL", raising=False)
    monkeypatch.setenv("ORDI_PORT", "8123")
    assert load().public_url == "http://127.0.0.1:8123"
    monkeypatch.setenv("ORDI_PUBLIC_URL", "https://ordi.example")
    assert load().public_url == "https://ordi.example"


async def test_a_path_nobody_serves_is_a_404_page_for_a_browser(client: AsyncTestClient[Any]) -> None:
    page = await client.get("/nulle-part", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Erreur 404" in page.text
    api = await client.get("/api/v1/nulle-part", headers={"Accept": "text/html"})
    assert api.status_code == 404 and api.headers["content-type"].startswith("application/problem+json")
    assert (await client.get("/nulle-part")).headers["content-type"].startswith("application/problem+json")
