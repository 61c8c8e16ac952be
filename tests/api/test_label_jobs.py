"""Batches of labels as background jobs: validation, progress, the stored file, retries, history."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.fixtures import Api, Member, World, wait_for
from tests.labels.conftest import decode, pdf_page_sizes_pt, pdf_pages
from tests.labels.zpl_render import parse as parse_zpl
from tests.labels.zpl_render import render as render_zpl_label

PT_PER_MM = 72 / 25.4


def url_of(tag: str) -> str:
    return f"HTTPS://ORDI.TEST/D/{tag}"


async def donation_tags(api: Api, world: World, n: int) -> tuple[int, list[str]]:
    """A donation of `n` laptops, and its tags in device id order (the order of a donation's job)."""
    donation = await api.declare(
        world.donor, [{"category": "laptop", "brand": "Lenovo", "model": f"T{480 + i}"} for i in range(n)]
    )
    response = await api.client.get(f"/api/v1/devices?donation={donation['id']}&limit=500", headers=world.donor.headers)
    return int(donation["id"]), [d["asset_tag"] for d in response.json()["items"]]


async def start(client: AsyncTestClient[Any], member: Member, body: dict[str, Any], expected: int = 202) -> Any:
    response = await client.post("/api/v1/label-jobs", json=body, headers=member.headers)
    assert response.status_code == expected, response.text
    return response.json()


async def finished(client: AsyncTestClient[Any], member: Member, job_id: str) -> dict[str, Any]:
    async def done() -> bool:
        job = (await client.get(f"/api/v1/jobs/{job_id}", headers=member.headers)).json()
        return job["status"] in ("succeeded", "failed")

    await wait_for(done, 60)
    return dict((await client.get(f"/api/v1/jobs/{job_id}", headers=member.headers)).json())


async def download(client: AsyncTestClient[Any], member: Member, job: dict[str, Any]) -> Any:
    response = await client.get(job["download_url"], headers=member.headers)
    assert response.status_code == 200
    return response


async def test_a_whole_donation_on_a_part_used_sheet(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    donation_id, tags = await donation_tags(api, world, 30)
    job = await start(client, world.donor, {"donation_id": donation_id, "format": "avery-l7160", "skip": 5})
    assert job["kind"] == "labels" and job["status"] in ("queued", "running", "succeeded")
    assert job["progress"]["total"] == 30
    job = await finished(client, world.donor, job["id"])
    assert job["status"] == "succeeded", job
    assert job["progress"] == {"done": 30, "total": 30}
    assert job["result"]["labels"] == 30 and job["result"]["pages"] == 2 and job["result"]["media"] == "pdf"
    response = await download(client, world.donor, job)
    assert response.headers["content-type"] == "application/pdf"
    assert "attachment" in response.headers["content-disposition"]
    assert len(response.content) == job["result"]["size"]
    sizes = pdf_page_sizes_pt(response.content)
    assert len(sizes) == 2
    assert all((w / PT_PER_MM, h / PT_PER_MM) == pytest.approx((210, 297), abs=0.2) for w, h in sizes)
    first, second = pdf_pages(response.content)
    on_first = {b.text for b in decode(first)}
    assert on_first == {url_of(t) for t in tags[:16]}  # positions 5..20: 16 labels after the 5 skipped
    assert {b.text for b in decode(second)} == {url_of(t) for t in tags[16:]}
    # the skipped positions stay blank: the first label sits in row 2, column 3 (position 5)
    barcodes = sorted(decode(first), key=lambda b: (b.position.top_left.y, b.position.top_left.x))
    assert barcodes[0].text == url_of(tags[0])
    assert barcodes[0].position.top_left.y * 25.4 / 300 > 15.15 + 38.1  # below the first row


async def test_tags_in_the_given_order_as_zpl(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    _, tags = await donation_tags(api, world, 4)
    wanted = [tags[2], tags[0].lower(), tags[3], tags[2]]  # any case; a repeated tag prints once
    job = await start(client, world.donor, {"tags": wanted, "format": "zebra-2x1"})
    assert job["progress"]["total"] == 3
    job = await finished(client, world.donor, job["id"])
    assert job["status"] == "succeeded", job
    assert job["result"]["media"] == "zpl"  # the Zebra stock defaults to the printer's own language
    zpl = (await download(client, world.donor, job)).content.decode()
    printed = [decode(render_zpl_label(one))[0].text for one in parse_zpl(zpl)]
    assert printed == [url_of(tags[2]), url_of(tags[0]), url_of(tags[3])]


async def test_a_roll_as_pdf_has_one_page_per_label(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    _, tags = await donation_tags(api, world, 3)
    job = await start(client, world.donor, {"tags": tags, "format": "brother-62x29"})
    job = await finished(client, world.donor, job["id"])
    assert job["status"] == "succeeded" and job["result"]["pages"] == 3
    content = (await download(client, world.donor, job)).content
    assert [(round(w / PT_PER_MM), round(h / PT_PER_MM)) for w, h in pdf_page_sizes_pt(content)] == [(62, 29)] * 3
    assert [decode(p)[0].text for p in pdf_pages(content, dpi=300)] == [url_of(t) for t in tags]


async def test_each_print_of_a_batch_is_on_the_device_history(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    donation_id, tags = await donation_tags(api, world, 3)
    job = await finished(
        client,
        world.donor,
        (await start(client, world.donor, {"donation_id": donation_id, "format": "avery-l7651"}))["id"],
    )
    assert job["status"] == "succeeded"
    assert job["result"]["history_recorded"] == 3
    for tag in tags:
        events = (await client.get(f"/api/v1/devices/{tag}/events", headers=world.donor.headers)).json()
        assert events["total"] == 3  # declare, assign (the drop-off), the print
        printed = events["items"][-1]
        assert printed["action"] == "label_printed" and printed["seq"] == 3
        assert printed["from_state"] == printed["to_state"] == "declared"
        assert printed["payload"] == {"format": "avery-l7651", "media": "pdf", "job_id": job["id"]}
        assert printed["actor_user_id"] == world.donor.actor.user_id


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"format": "avery-l7160"}, 422, "soit « tags »"),
        ({"tags": ["X"], "donation_id": 1}, 422, "soit « tags »"),
        ({"tags": [], "format": "avery-l7160"}, 422, "Aucune étiquette"),
        ({"tags": ["T"], "format": "dymo-99012"}, 422, "Format d'étiquette inconnu"),
        ({"tags": ["T"], "format": "avery-l7160", "skip": 21}, 422, "entre 0 et 20"),
        ({"tags": ["T"], "format": "avery-l7160", "skip": -1}, 422, "entre 0 et 20"),
        ({"tags": ["T"], "format": "brother-62x29", "skip": 2}, 422, "planches A4"),
        ({"tags": ["T"], "format": "avery-l7160", "media": "zpl"}, 422, "ne se produit pas en ZPL"),
        ({"tags": ["T"], "format": "avery-l7160", "media": "png"}, 400, "Requête invalide"),
        ({"tags": ["ZZZZZZZZZZ"], "format": "avery-l7160"}, 404, "ZZZZZZZZZZ"),
    ],
)
async def test_a_batch_is_checked_before_it_is_queued(
    client: AsyncTestClient[Any], api: Api, world: World, body: dict[str, Any], status: int, words: str
) -> None:
    _, (tag,) = await donation_tags(api, world, 1)
    if body.get("tags") == ["T"]:
        body = {**body, "tags": [tag]}
    problem = await start(client, world.donor, body, expected=status)
    assert words in problem["detail"]


async def test_a_batch_holds_at_most_the_limit(
    client: AsyncTestClient[Any], api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ordi.printing import service

    monkeypatch.setattr(service, "MAX_JOB_LABELS", 2)
    donation_id, tags = await donation_tags(api, world, 3)
    problem = await start(client, world.donor, {"tags": tags}, expected=422)
    assert "au plus 2 étiquettes" in problem["detail"]
    problem = await start(client, world.donor, {"donation_id": donation_id}, expected=422)
    assert "au plus 2 étiquettes" in problem["detail"]


async def test_the_caller_must_see_every_device(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    donation_id, tags = await donation_tags(api, world, 3)
    await start(client, world.other_donor, {"tags": tags}, expected=404)
    await start(client, world.other_donor, {"donation_id": donation_id}, expected=404)
    await start(client, world.committee, {"tags": tags}, expected=403)
    # the workshop in charge of the donation prints it; another workshop sees none of it
    await start(client, world.workshop, {"donation_id": donation_id}, expected=202)
    await start(client, world.other_workshop, {"donation_id": donation_id}, expected=404)
    await start(client, world.other_workshop, {"tags": tags[1:]}, expected=404)


async def test_a_donation_partly_out_of_the_workshops_hands_is_refused_whole(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    donation = await api.declare(world.donor, [{"category": "laptop"} for _ in range(3)], in_charge=None)
    tags = await api.donation_tags(world.donor, donation["id"])
    body = {"donation_ids": [donation["id"]], "postcode": "76000", "contact": {"name": "Accueil"}}
    pickup = (await client.post("/api/v1/pickups", json=body, headers=world.donor.headers)).json()
    await client.post(f"/api/v1/pickups/{pickup['id']}/claim", headers=world.workshop.headers)
    collected = await client.post(
        f"/api/v1/pickups/{pickup['id']}/collect",
        json={"handed_over_by": {"name": "Accueil"}, "tags": tags[:2]},
        headers=world.workshop.headers,
    )
    assert collected.json()["missing"] == [tags[2]]
    problem = await start(client, world.workshop, {"donation_id": donation["id"]}, expected=403)
    assert "1 appareil(s) de ce don ne sont pas visibles" in problem["detail"]
    await start(client, world.workshop, {"tags": tags[:2]}, expected=202)


async def _context(member: Member, params: dict[str, Any], reports: list[tuple[int, int]] | None = None) -> Any:
    from ordi.jobs import service as jobs
    from ordi.jobs.registry import JobContext

    total = len(params.get("tags", []))
    job_id = await jobs.create(member.actor, "labels", params, total=total)

    async def report(done: int, total: int) -> None:
        if reports is not None:
            reports.append((done, total))
        await jobs.report(job_id, done, total)

    return JobContext(job_id=job_id, params=params, actor=member.actor, report=report)


async def _stored(job_id: str) -> bytes:
    from ordi.jobs.tables import JobFileChunk

    rows = await JobFileChunk.select(JobFileChunk.data).where(JobFileChunk.job == job_id).order_by(JobFileChunk.seq)
    return b"".join(bytes(r["data"]) for r in rows)


@pytest.mark.parametrize(("fmt", "media"), [("avery-l7160", "pdf"), ("zebra-2x1", "zpl"), ("brother-62x29", "pdf")])
async def test_a_retried_job_writes_the_same_file_and_records_each_print_once(
    api: Api, world: World, fmt: str, media: str
) -> None:
    from ordi.devices.tables import DeviceEvent
    from ordi.printing.service import run_job

    donation_id, _ = await donation_tags(api, world, 25)
    context = await _context(world.donor, {"donation_id": donation_id, "format": fmt, "media": media, "skip": 0})
    first = await run_job(context)
    first_bytes = await _stored(context.job_id)
    second = await run_job(context)  # as after a crash: the worker runs the job again
    assert await _stored(context.job_id) == first_bytes
    assert first["size"] == second["size"] == len(first_bytes) > 0
    assert first["history_recorded"] == 25 and second["history_recorded"] == 0
    printed = await DeviceEvent.count().where(DeviceEvent.action == "label_printed")
    assert printed == 25


async def test_progress_is_reported_page_by_page(api: Api, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from ordi.printing import service

    monkeypatch.setattr(service, "PROGRESS_INTERVAL", 0.0)
    _, tags = await donation_tags(api, world, 50)
    reports: list[tuple[int, int]] = []
    context = await _context(world.donor, {"tags": tags, "format": "avery-l7160", "media": "pdf", "skip": 0}, reports)
    result = await service.run_job(context)
    assert result["pages"] == 3
    assert reports[0] == (0, 50) and reports[-1] == (50, 50)
    assert (21, 50) in reports and (42, 50) in reports  # after each finished sheet


async def test_a_failed_job_says_why_in_french(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    from ordi.jobs.runner import run_job

    _, tags = await donation_tags(api, world, 2)
    # asked while in charge, then the operator sent the lot to another workshop: the job cannot print it
    context = await _context(world.workshop, {"tags": tags, "format": "avery-l7160", "media": "pdf", "skip": 0})
    pickup = (await client.get("/api/v1/pickups", headers=world.donor.headers)).json()["items"][0]
    moved = await client.post(
        f"/api/v1/pickups/{pickup['id']}/assign",
        json={"workshop_id": world.other_workshop.organisation_id},
        headers=world.operator.headers,
    )
    assert moved.status_code == 200
    await run_job(context.job_id)
    job = (await client.get(f"/api/v1/jobs/{context.job_id}", headers=world.workshop.headers)).json()
    assert job["status"] == "failed"
    assert job["error"].startswith("Appareil introuvable : ")
    assert job["download_url"] is None


async def test_a_label_that_does_not_fit_is_named_by_its_tag(
    client: AsyncTestClient[Any], api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ordi.printing.service as printing
    from ordi.jobs.runner import run_job

    _, tags = await donation_tags(api, world, 1)
    # A public address far too long for a 2x1 inch label's QR.
    monkeypatch.setattr(printing, "public_url", lambda tag: "HTTPS://" + "X" * 300 + f"/D/{tag}")
    context = await _context(world.workshop, {"tags": tags, "format": "zebra-2x1", "media": "zpl", "skip": 0})
    await run_job(context.job_id)
    job = (await client.get(f"/api/v1/jobs/{context.job_id}", headers=world.workshop.headers)).json()
    assert job["status"] == "failed"
    assert tags[0] in job["error"]
