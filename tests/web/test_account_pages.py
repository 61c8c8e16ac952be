"""Each person's account page and the reset link's page, through pages only (HTTP)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlparse

import pytest
from litestar.testing import AsyncTestClient

from tests.fixtures import PASSWORD, World
from tests.web.helpers import form_token, log_in

NEW = "un cheval bleu mange des prunes"


@pytest.fixture(autouse=True)
async def forget_the_session(client: AsyncTestClient[Any]) -> AsyncIterator[None]:
    yield
    client.cookies.clear()


async def test_a_person_changes_their_password_and_their_other_sessions_end(
    client: AsyncTestClient[Any], world: World
) -> None:
    await log_in(client, world.donor)
    csrf = await form_token(client, "/compte")
    url = "/compte/mot-de-passe"
    mismatch = {"csrf": csrf, "current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW + "x"}
    answer = await client.post(url, data=mismatch)
    assert answer.status_code == 422 and "Les deux mots de passe diffèrent" in answer.text
    weak = {"csrf": csrf, "current_password": PASSWORD, "new_password": "court", "confirm_password": "court"}
    assert (await client.post(url, data=weak)).status_code == 422
    wrong = {"csrf": csrf, "current_password": "pas le bon mot", "new_password": NEW, "confirm_password": NEW}
    assert (await client.post(url, data=wrong)).status_code in {401, 403, 422}
    good = {"csrf": csrf, "current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW}
    changed = await client.post(url, data=good, follow_redirects=False)
    assert changed.status_code == 303 and changed.headers["location"] == "/compte?change=1"
    assert "vos autres sessions ont pris fin" in (await client.get("/compte?change=1")).text  # this one lives
    assert (await client.get("/api/v1/auth/me", headers=world.donor.headers)).status_code == 401  # the others end


async def test_log_out_everywhere_ends_this_session_and_every_token(client: AsyncTestClient[Any], world: World) -> None:
    await log_in(client, world.workshop)
    csrf = await form_token(client, "/compte")
    ended = await client.post("/compte/deconnexion-partout", data={"csrf": csrf}, follow_redirects=False)
    assert ended.status_code == 303
    assert (await client.get("/api/v1/auth/me", headers=world.workshop.headers)).status_code == 401
    assert (await client.get("/compte", follow_redirects=False)).status_code in {302, 303, 401}


async def test_a_reset_link_handed_over_opens_a_page_that_sets_the_password_once(
    client: AsyncTestClient[Any], world: World
) -> None:
    link = await client.post(
        f"/api/v1/users/{world.donor.actor.user_id}/password-reset", headers=world.operator.headers
    )
    assert link.status_code in {200, 201}, link.text
    target = urlparse(link.json()["url"])
    path = f"{target.path}?{target.query}"
    client.cookies.clear()
    page = await client.get(path)
    assert page.status_code == 200 and 'name="jeton"' in page.text
    csrf = await form_token(client, path)
    token = target.query.removeprefix("jeton=")
    body = {"csrf": csrf, "jeton": token, "new_password": NEW, "confirm_password": NEW}
    done = await client.post("/connexion/nouveau-mot-de-passe", data=body, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/connexion?nouveau=1"
    again = await client.post("/connexion/nouveau-mot-de-passe", data=body)
    assert again.status_code == 422 and "invalide, expiré ou déjà utilisé" in again.text
    logged = await client.post("/api/v1/auth/token", json={"email": world.donor.email, "password": NEW})
    assert logged.status_code == 200


async def test_a_forgotten_password_answers_the_same_for_any_address(
    client: AsyncTestClient[Any], world: World
) -> None:
    csrf = await form_token(client, "/connexion/mot-de-passe-oublie")
    for email in (world.donor.email, "personne@nulle-part.fr"):
        answer = await client.post("/connexion/mot-de-passe-oublie", data={"csrf": csrf, "email": email})
        assert answer.status_code == 200 and "Si un compte actif existe" in answer.text
    refused = await client.post("/connexion/mot-de-passe-oublie", data={"email": world.donor.email})
    assert refused.status_code == 403  # no CSRF token
