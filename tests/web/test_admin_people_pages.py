"""The operator's people and background jobs pages: change a role, deactivate (confirmed) and
reactivate, hand over a reset link; the jobs of every organisation, paged. Each change is read back
through the service; other roles and another organisation's person get the 404 page."""

from __future__ import annotations

import html
import re
from typing import Any

from litestar.testing import AsyncTestClient

from ordi.auth import resets
from ordi.jobs import service as jobs
from ordi.organisations import service as organisations
from ordi.web.admin import LIST_SIZE
from tests.fixtures import World
from tests.web.helpers import form_token, log_in

NOT_FOUND = "n'existe pas, ou vous n'y avez pas accès"


def _person_path(world: World) -> str:
    return f"/admin/organisations/{world.donor.organisation_id}/personnes/{world.donor.actor.user_id}"


async def _read(world: World) -> Any:
    return await organisations.get_user(world.operator.actor, world.donor.actor.user_id)


async def test_the_organisation_lists_its_people_with_a_link_each(client: AsyncTestClient[Any], world: World) -> None:
    await log_in(client, world.operator)
    shown = await client.get(f"/admin/organisations/{world.donor.organisation_id}")
    assert shown.status_code == 200 and f'href="{_person_path(world)}"' in shown.text
    assert world.donor.email in shown.text and ("membre" in shown.text or "responsable" in shown.text)
    person = await client.get(_person_path(world))
    assert person.status_code == 200 and world.donor.email in person.text and 'id="deactivate"' in person.text


async def test_change_the_role(client: AsyncTestClient[Any], world: World) -> None:
    await log_in(client, world.operator)
    path = _person_path(world)
    token = await form_token(client, path)
    before = (await _read(world)).role
    after = "member" if before == "manager" else "manager"
    answer = await client.post(f"{path}/role", data={"csrf": token, "role": after}, follow_redirects=False)
    assert answer.status_code == 303
    assert (await _read(world)).role == after
    assert "Rôle changé" in html.unescape((await client.get(answer.headers["location"])).text)
    bad = await client.post(f"{path}/role", data={"csrf": token, "role": "king"})
    assert bad.status_code == 422 and (await _read(world)).role == after


async def test_deactivate_needs_its_box_then_reactivate(client: AsyncTestClient[Any], world: World) -> None:
    await log_in(client, world.operator)
    path = _person_path(world)
    token = await form_token(client, path)
    unconfirmed = await client.post(f"{path}/desactiver", data={"csrf": token})
    assert unconfirmed.status_code == 422 and (await _read(world)).active
    done = await client.post(f"{path}/desactiver", data={"csrf": token, "confirm": "1"}, follow_redirects=False)
    assert done.status_code == 303 and not (await _read(world)).active
    assert 'id="reactivate"' in (await client.get(path)).text
    back = await client.post(f"{path}/reactiver", data={"csrf": token}, follow_redirects=False)
    assert back.status_code == 303 and (await _read(world)).active


async def test_hand_over_a_reset_link_shown_once(client: AsyncTestClient[Any], world: World) -> None:
    await log_in(client, world.operator)
    path = _person_path(world)
    token = await form_token(client, path)
    answer = await client.post(f"{path}/lien", data={"csrf": token})
    assert answer.status_code == 200
    found = re.search(r'id="reset-link" value="([^"]+)"', answer.text)
    assert found and resets.RESET_PATH in found.group(1)
    assert resets.RESET_PATH not in (await client.get(path)).text  # shown once, kept nowhere
    jeton = html.unescape(found.group(1)).split("jeton=", 1)[1]
    await resets.confirm(jeton, "un-tout-nouveau-mot-de-passe-2026")  # the link works


async def test_people_pages_refuse_others_and_posts_without_csrf(client: AsyncTestClient[Any], world: World) -> None:
    path = _person_path(world)
    wrong_org = f"/admin/organisations/{world.other_donor.organisation_id}/personnes/{world.donor.actor.user_id}"
    await log_in(client, world.operator)
    answer = await client.get(wrong_org)
    assert answer.status_code == 404 and NOT_FOUND in html.unescape(answer.text)
    assert (await client.post(f"{path}/desactiver", data={"confirm": "1"})).status_code == 403
    assert (await _read(world)).active
    for member in (world.donor, world.workshop, world.committee):
        await log_in(client, member)
        for target in (path, "/admin/taches"):
            assert (await client.get(target)).status_code == 404, (member.email, target)


async def test_the_jobs_page_lists_every_organisations_jobs_paged(client: AsyncTestClient[Any], world: World) -> None:
    ids = [await jobs.create(world.donor.actor, "donation_report", {}) for _ in range(LIST_SIZE)]
    other = await jobs.create(world.workshop.actor, "labels", {}, total=40)
    await log_in(client, world.operator)
    first = await client.get("/admin/taches")
    assert first.status_code == 200 and f'href="/taches/{other}"' in first.text  # the newest first
    assert "Impression d'étiquettes" in html.unescape(first.text) and "0 / 40" in first.text
    assert "Atelier Caen" in first.text and "Canope Rouen" in first.text
    following = re.search(r'href="/admin/taches\?apres=([^"]+)" rel="next"', first.text)
    assert following
    second = await client.get("/admin/taches", params={"apres": html.unescape(following.group(1))})
    assert second.status_code == 200 and f'href="/taches/{ids[0]}"' in second.text
    assert f'href="/taches/{other}"' not in second.text
    opened = await client.get(f"/taches/{other}")  # the operator follows any job's page
    assert opened.status_code == 200
    failed = await client.get("/admin/taches", params={"etat": "failed"})
    assert "Aucune tâche" in failed.text


async def test_the_operator_follows_another_organisations_job_but_not_its_file(
    client: AsyncTestClient[Any], world: World
) -> None:
    job_id = await jobs.create(world.donor.actor, "donation_report", {})
    await jobs.store_file(job_id, [b"%PDF-1.7 rapport"], "application/pdf", "rapport.pdf")
    await jobs.succeed(job_id, {})
    followed = await jobs.get(world.operator.actor, job_id)
    assert followed.status == "succeeded" and followed.download_url is None
    assert (await jobs.get(world.donor.actor, job_id)).download_url is not None
    api_file = await client.get(f"/api/v1/jobs/{job_id}/result", headers=world.operator.headers)
    assert api_file.status_code == 404
    own = await client.get(f"/api/v1/jobs/{job_id}/result", headers=world.donor.headers)
    assert own.status_code == 200 and own.content.startswith(b"%PDF")
    await log_in(client, world.operator)
    assert (await client.get(f"/taches/{job_id}/fichier")).status_code == 404
    client.cookies.clear()
