"""Jobs keep their input only while they may run, and their file only for the retention period."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.fixtures import Member, World, wait_for

CSV = "category;serial\nlaptop;SN-1\ntablet;SN-2\n"


async def _params(job_id: str) -> dict[str, Any]:
    import uuid

    from ordi.jobs.tables import Job

    row = await Job.select(Job.params).where(Job.id == uuid.UUID(job_id)).output(load_json=True).first()
    assert row is not None
    return dict(row["params"])


async def _import(client: AsyncTestClient[Any], member: Member, body: str) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/donations/import?background=true",
        content=body.encode(),
        headers={**member.headers, "Content-Type": "text/csv"},
    )
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]

    async def ended() -> bool:
        job = (await client.get(f"/api/v1/jobs/{job_id}", headers=member.headers)).json()
        return job["status"] in ("succeeded", "failed")

    await wait_for(ended)
    return dict((await client.get(f"/api/v1/jobs/{job_id}", headers=member.headers)).json())


async def test_a_finished_import_no_longer_holds_the_spreadsheet(client: AsyncTestClient[Any], world: World) -> None:
    done = await _import(client, world.donor, CSV)
    assert done["status"] == "succeeded" and done["result"]["device_count"] == 2
    assert await _params(done["id"]) == {}
    refused = await _import(client, world.donor, "category\nfrigo\n")  # a bad file fails for good at once
    assert refused["status"] == "failed"
    assert await _params(refused["id"]) == {}


async def test_a_job_keeps_its_input_for_a_retry_and_drops_it_after_the_last(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ordi.jobs import runner
    from ordi.jobs import service as jobs

    job_id = await jobs.create(world.donor.actor, "donation_import", {"csv": CSV})

    async def broken(context: Any) -> dict[str, Any]:
        raise RuntimeError("base indisponible")

    monkeypatch.setattr(runner, "handler", lambda kind: broken)
    for attempt in range(1, runner.MAX_ATTEMPTS + 1):
        with pytest.raises(RuntimeError):
            await runner.run_job(job_id)  # dramatiq retries after each raise
        job = await jobs.get(world.donor.actor, job_id)
        if attempt < runner.MAX_ATTEMPTS:
            assert job.status == "queued" and job.error and (await _params(job_id))["csv"] == CSV
    assert job.status == "failed" and job.finished_at is not None
    assert await _params(job_id) == {}
    await runner.run_job(job_id)  # a late redelivery of an ended job does nothing
    assert (await jobs.get(world.donor.actor, job_id)).status == "failed"


async def _finished_job(member: Member, age: timedelta, *, data: bytes | None = b"%PDF-1.4 ...") -> str:
    import uuid

    from ordi.clock import now
    from ordi.jobs import service as jobs
    from ordi.jobs.tables import Job

    job_id = await jobs.create(member.actor, "donation_import", {"csv": CSV})
    if data is not None:
        await jobs.store_file(job_id, [data[:5], data[5:]], "application/pdf", "etiquettes.pdf")
    await jobs.succeed(job_id, {"pages": 1})
    key = uuid.UUID(job_id)
    await Job.update({Job.params: {"csv": CSV}}).where(Job.id == key)  # as a job ended before this version
    ended = now() - age
    await Job.update({Job.created_at: ended - timedelta(minutes=1), Job.finished_at: ended}).where(Job.id == key)
    return job_id


async def test_the_purge_removes_old_files_and_uploads_and_keeps_recent_ones(world: World) -> None:
    import uuid

    from ordi.clock import now
    from ordi.jobs import service as jobs
    from ordi.jobs.tables import Job, JobFileChunk
    from ordi.privacy import purge_expired

    old = [await _finished_job(world.donor, timedelta(days=8)) for _ in range(3)]
    recent = await _finished_job(world.donor, timedelta(days=6))
    lost = await jobs.create(world.donor.actor, "donation_import", {"csv": CSV})  # its worker never came
    await Job.update({Job.created_at: now() - timedelta(days=9)}).where(Job.id == uuid.UUID(lost))

    assert await jobs.purge_expired(batch_size=2) == 4  # in batches of two
    for job_id in old:
        assert await JobFileChunk.count().where(JobFileChunk.job == uuid.UUID(job_id)) == 0
        assert await _params(job_id) == {}
        job = await jobs.get(world.donor.actor, job_id)
        assert job.status == "succeeded" and job.download_url is None and job.result == {"pages": 1}
    assert await JobFileChunk.count().where(JobFileChunk.job == uuid.UUID(recent)) == 2
    assert (await _params(recent))["csv"] == CSV
    lost_job = await jobs.get(world.donor.actor, lost)
    assert lost_job.status == "failed" and "expiré" in lost_job.error and await _params(lost) == {}

    assert await jobs.purge_expired() == 0  # nothing twice
    assert (await purge_expired()).jobs == 0


async def test_the_download_of_a_purged_job_says_it_expired(client: AsyncTestClient[Any], world: World) -> None:
    from ordi.jobs import service as jobs

    kept = await _finished_job(world.donor, timedelta(days=1))
    job = (await client.get(f"/api/v1/jobs/{kept}", headers=world.donor.headers)).json()
    assert job["download_url"] and job["expires_at"]
    assert (await client.get(job["download_url"], headers=world.donor.headers)).content == b"%PDF-1.4 ..."

    purged = await _finished_job(world.donor, timedelta(days=30))
    await jobs.purge_expired()
    job = (await client.get(f"/api/v1/jobs/{purged}", headers=world.donor.headers)).json()
    assert job["status"] == "succeeded" and job["download_url"] is None and job["expires_at"]
    response = await client.get(f"/api/v1/jobs/{purged}/result", headers=world.donor.headers)
    assert response.status_code == 404
    problem = response.json()
    assert problem["code"] == "job_expired"
    assert problem["detail"].startswith("Cette tâche a expiré") and "7 jours" in problem["detail"]
    english = await client.get(
        f"/api/v1/jobs/{purged}/result", headers={**world.donor.headers, "Accept-Language": "en"}
    )
    assert "expired" in english.json()["detail"]
    # Another organisation still learns nothing about the job.
    other = await client.get(f"/api/v1/jobs/{purged}/result", headers=world.other_donor.headers)
    assert other.status_code == 404 and other.json()["code"] == "job_not_found"
