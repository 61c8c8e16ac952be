"""`/comite`: the committee's dashboard renders the same figures as the API, with its charts, for the
committee and the operator only; a stranger is asked to log in, any other role finds no page."""

from __future__ import annotations

import base64
import html
import re
import xml.etree.ElementTree as ET
from typing import Any

from litestar.testing import AsyncTestClient

from ordi.domain.lifecycle import OrgKind
from ordi.i18n import number_text
from tests.fixtures import LABEL_OK, Api, World, make_member
from tests.stats.bilan_history import JOB_SEEKERS, STUDENTS, UNICODE_WORKSHOP, build


def _text(page: str) -> str:
    """The page's text, tags dropped, entities decoded, spaces collapsed."""
    body = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(body).replace("\u00a0", " "))


def _images(page: str) -> list[bytes]:
    return [base64.b64decode(m) for m in re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', page)]


async def test_the_committee_reads_the_figures_and_charts(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    history = await build(client, api, world)
    response = await client.get("/comite", headers=world.committee.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    page = response.text
    text = _text(page)
    assert "Tableau de bord du comité" in text

    stages = history.summary["stages"]
    for label, stage in (
        ("Collectés", "collected"),
        ("Recyclés", "recycled"),
        ("Remis à un bénéficiaire", "redistributed"),
    ):
        assert f"{label} {stages[stage]}" in text, label
    rate = number_text(history.summary["reuse_rate"] * 100, 1).replace("\u00a0", " ")
    assert f"{rate} % taux de réemploi" in text
    assert "Demandeur d'emploi < 11" in text and "Étudiant < 11" in text
    assert f"Total {JOB_SEEKERS + STUDENTS}" in text
    assert UNICODE_WORKSHOP in text and "Normandie" in text

    # The charts are the bilan's drawings, as SVG documents (each parses), titled.
    images = _images(page)
    assert len(images) == 8
    for svg in images:
        root = ET.fromstring(svg)  # noqa: S314 - our own drawing
        assert root.tag.endswith("svg")
        assert root.find("{http://www.w3.org/2000/svg}title").text  # type: ignore[union-attr]
    assert any(b"&lt; 11" in svg or b"< 11" in svg or "&lt;\u00a011".encode() in svg for svg in images)

    # The picker is a plain GET form; the exports are linked.
    assert '<form class="cm-card cm-picker" method="get" action="/comite">' in page
    for link in (
        "/api/v1/stats/summary?",
        "/api/v1/stats/summary.csv?",
        "/api/v1/stats/events.csv",
        "/api/v1/stats/bilan/",
    ):
        assert f'href="{link}' in page, link


async def test_the_period_and_grain_picker(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    await api.ready_device(world)
    year = (await client.get("/api/v1/stats/summary", headers=world.operator.headers)).json()["period"]["from"][:4]
    quarters = await client.get(
        f"/comite?from={year}-01-01&to={year}-12-31&grain=quarter", headers=world.operator.headers
    )
    assert quarters.status_code == 200, quarters.text
    assert f'value="{year}-01-01"' in quarters.text and '<option value="quarter" selected>' in quarters.text
    assert f"/api/v1/stats/bilan/{year}.pdf" in quarters.text
    # A period the figures refuse: the form again, with the reason, and no figures.
    wrong = await client.get(f"/comite?from={year}-12-31&to={year}-01-01", headers=world.operator.headers)
    assert wrong.status_code == 422
    assert 'role="alert"' in wrong.text and "cm-tiles" not in wrong.text
    unreadable = await client.get("/comite?from=demain", headers=world.operator.headers)
    assert unreadable.status_code == 422 and 'role="alert"' in unreadable.text


async def test_names_are_escaped(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    shop = await make_member(OrgKind.REFURBISHER, "Atelier <script>x</script>", postcode="35000", label=LABEL_OK)
    donation = await api.declare(world.donor, [{"category": "laptop", "model": "T"}], shop)
    (tag,) = await api.donation_tags(world.donor, donation["id"])
    await api.act(shop, tag, {"action": "collect"})
    page = (await client.get("/comite", headers=world.committee.headers)).text
    assert "<script>x</script>" not in page and "Atelier &lt;script&gt;x&lt;/script&gt;" in page


async def test_strangers_and_other_roles_are_refused(client: AsyncTestClient[Any], world: World) -> None:
    stranger = await client.get("/comite")
    assert stranger.status_code == 401
    assert stranger.headers["content-type"].startswith("text/html")
    assert "Connexion requise" in stranger.text and 'href="/connexion' in stranger.text
    expired = await client.get("/comite", headers={"Authorization": "Bearer not-a-token"})
    assert expired.status_code == 401
    for member in (world.donor, world.workshop, world.association):
        refused = await client.get("/comite", headers=member.headers)
        assert refused.status_code == 404, member.email
        assert "Page introuvable" in refused.text and "cm-tiles" not in refused.text
    english = await client.get("/comite", headers={"Accept-Language": "en"})
    assert english.status_code == 401 and "Login required" in english.text
