"""Passwords: the policy (long, not common), changing one's own, and one-time reset links."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from litestar.testing import AsyncTestClient

from ordi.domain.passwords import weakness
from tests.fixtures import PASSWORD, World

NEW = "une autre phrase de passe, 2027"
COMMON = frozenset({"password", "azerty", "dragon"})


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("court", "password_too_short"),
        ("password", "password_too_short"),
        ("password2026", "password_too_common"),
        ("!!Azerty123456", "password_too_common"),
        ("123456789012", "password_too_common"),
        ("aaaaaaaaaaaaaaa", "password_too_common"),
        ("camille.dupont", "password_is_email"),
        ("Camille.Dupont@asso.fr", "password_is_email"),
        ("dragon-vert-sur-le-toit", None),
        ("une phrase de passe longue", None),
    ],
)
def test_the_password_rule(password: str, reason: str | None) -> None:
    assert weakness(password, "camille.dupont@asso.fr", COMMON) == reason


def test_the_common_list_is_zxcvbns() -> None:
    from ordi.auth.passwords import common_passwords

    common = common_passwords()
    assert len(common) > 29_000 and "qwerty123456" in common and "azerty" in common


async def _token(client: AsyncTestClient[Any], email: str, password: str) -> Any:
    return await client.post("/api/v1/auth/token", json={"email": email, "password": password})


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("court-2026", "au moins 12 caractères"),
        ("password123456", "trop courant"),
        ("qwerty123456", "trop courant"),
        ("motdepasse2026!", "trop courant"),
    ],
)
async def test_a_weak_password_is_refused_with_a_french_422(
    client: AsyncTestClient[Any], world: World, password: str, words: str
) -> None:
    response = await client.post(
        f"/api/v1/organisations/{world.workshop.organisation_id}/users",
        json={"email": "tech@atelier.fr", "password": password},
        headers=world.workshop.headers,
    )
    assert response.status_code == 422, response.text
    assert words in response.json()["detail"]
    english = await client.post(
        f"/api/v1/organisations/{world.workshop.organisation_id}/users",
        json={"email": "tech@atelier.fr", "password": password},
        headers={**world.workshop.headers, "Accept-Language": "en"},
    )
    assert english.json()["detail"] != response.json()["detail"]


async def test_changing_my_password_needs_the_current_one_and_ends_my_other_sessions(
    client: AsyncTestClient[Any], world: World
) -> None:
    email = world.donor.email
    other = {"Authorization": f"Bearer {(await _token(client, email, PASSWORD)).json()['access_token']}"}
    wrong = await client.post(
        "/api/v1/auth/password",
        json={"current_password": "pas le bon mot de passe", "new_password": NEW},
        headers=world.donor.headers,
    )
    assert wrong.status_code == 403 and wrong.json()["detail"] == "Le mot de passe actuel est incorrect."
    weak = await client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "password2026"},
        headers=world.donor.headers,
    )
    assert weak.status_code == 422
    changed = await client.post(
        "/api/v1/auth/password", json={"current_password": PASSWORD, "new_password": NEW}, headers=world.donor.headers
    )
    assert changed.status_code == 200, changed.text
    this_one = {"Authorization": f"Bearer {changed.json()['access_token']}"}
    assert (await client.get("/api/v1/auth/me", headers=this_one)).status_code == 200
    assert (await client.get("/api/v1/auth/me", headers=other)).status_code == 401
    assert (await client.get("/api/v1/auth/me", headers=world.donor.headers)).status_code == 401
    assert (await _token(client, email, PASSWORD)).status_code == 401
    assert (await _token(client, email, NEW)).status_code == 200


async def _use(client: AsyncTestClient[Any], token: str, password: str = NEW) -> Any:
    return await client.post("/api/v1/auth/password-reset/confirm", json={"token": token, "new_password": password})


def _token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["jeton"][0]


async def test_a_reset_link_handed_over_works_once(client: AsyncTestClient[Any], world: World) -> None:
    from ordi.auth.tables import PasswordReset

    user = world.association.actor.user_id
    made = await client.post(f"/api/v1/users/{user}/password-reset", headers=world.operator.headers)
    assert made.status_code == 201, made.text
    url = made.json()["url"]
    assert url.startswith("https://ordi.test/connexion/nouveau-mot-de-passe?jeton=")
    token = _token_of(url)
    stored = await PasswordReset.select(PasswordReset.token_hash).first()
    assert stored is not None and token not in str(stored)  # only its SHA-256 is kept
    session = world.association.headers
    weak = await _use(client, token, "password2026")
    assert weak.status_code == 422 and "trop courant" in weak.json()["detail"]
    assert (await _use(client, token)).status_code == 204  # the weak try did not spend it
    again = await _use(client, token, "encore une autre phrase")
    assert again.status_code == 422 and "déjà utilisé" in again.json()["detail"]
    assert (await client.get("/api/v1/auth/me", headers=session)).status_code == 401
    assert (await _token(client, world.association.email, NEW)).status_code == 200


async def test_a_reset_link_expires_and_a_newer_one_voids_it(client: AsyncTestClient[Any], world: World) -> None:
    from ordi.auth.tables import PasswordReset

    user = world.workshop.actor.user_id
    first = _token_of(
        (await client.post(f"/api/v1/users/{user}/password-reset", headers=world.workshop.headers)).json()["url"]
    )
    second = _token_of(
        (await client.post(f"/api/v1/users/{user}/password-reset", headers=world.operator.headers)).json()["url"]
    )
    assert (await _use(client, first)).status_code == 422
    await PasswordReset.update({PasswordReset.expires_at: datetime.now(UTC) - timedelta(seconds=1)}).where(
        PasswordReset.user == user
    )
    assert (await _use(client, second)).status_code == 422
    assert (await _token(client, world.workshop.email, PASSWORD)).status_code == 200
    from ordi.auth.resets import purge_expired

    assert await purge_expired() == 1


async def test_who_may_hand_over_a_reset_link(client: AsyncTestClient[Any], world: World) -> None:
    stranger = world.other_workshop.actor.user_id
    assert (
        await client.post(f"/api/v1/users/{stranger}/password-reset", headers=world.workshop.headers)
    ).status_code == 404
    assert (
        await client.post(f"/api/v1/users/{stranger}/password-reset", headers=world.committee.headers)
    ).status_code == 404
    assert (await client.post(f"/api/v1/users/{stranger}/password-reset")).status_code == 401


@pytest.fixture
async def outbox() -> AsyncIterator[list[Any]]:
    """What a mailer would send, through the hook a mail outbox registers."""
    from ordi.auth import resets

    sent: list[Any] = []

    async def mailer(link: Any) -> None:
        sent.append(link)

    resets.on_reset_link(mailer)
    yield sent
    resets._mailers.remove(mailer)


async def test_a_reset_link_asked_for_by_email(client: AsyncTestClient[Any], world: World, outbox: list[Any]) -> None:
    unknown = await client.post("/api/v1/auth/password-reset", json={"email": "personne@nulle.part"})
    asked = await client.post("/api/v1/auth/password-reset", json={"email": world.donor.email.upper()})
    assert unknown.status_code == asked.status_code == 202
    assert [link.email for link in outbox] == [world.donor.email]
    link = outbox[0]
    assert link.channel == "email" and link.expires_at > datetime.now(UTC)
    # Asked again at once: no second e-mail, the first link still works.
    await client.post("/api/v1/auth/password-reset", json={"email": world.donor.email})
    assert len(outbox) == 1
    assert (await _use(client, link.token)).status_code == 204
    assert (await _token(client, world.donor.email, NEW)).status_code == 200
    assert (await _use(client, link.token)).status_code == 422
