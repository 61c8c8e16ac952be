"""Nothing lost, nothing done twice: the job's row is the source of truth.

A retried import finds the donation its dead attempt committed; a job created while the broker
refuses is answered 202 and sent later by the dispatcher; a lease that is not renewed is taken
back, and after the last attempt the job fails with a French reason; a live attempt keeps its lease.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from ordi.jobs import outbox
from tests.fixtures import Api, Member, World

ROWS = 120


def _csv(rows: int, prefix: str = "SN") -> str:
    return "category;brand;serial\n" + "".join(f"laptop;Dell;{prefix}-{i:05d}\n" for i in range(rows))


class Recorder:
    """A sender that keeps what it was given, or refuses like a broker that is down."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.refuse = False

    def __call__(self, job_id: str) -> None:
        if self.refuse:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.sent.append(job_id)


@pytest.fixture
async def sender(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Recorder]:
    """Jobs go to a recorder instead of the workers, then back; the API process's own sweeper
    pauses meanwhile (the tests tick by hand, with `tick`), so that nothing races them."""
    from ordi.jobs import dispatch
    from ordi.wiring import wire

    async def paused(batch: int = outbox.BATCH) -> outbox.Sweep:
        return outbox.Sweep()

    monkeypatch.setattr(outbox, "tick", paused)
    recorder = Recorder()
    dispatch.set_sender(recorder)
    try:
        yield recorder
    finally:
        await dispatch.settle()
        wire()


_tick = outbox.tick  # the real sweep: the module's `tick` is paused by the `sender` fixture


async def _job(job_id: str) -> dict[str, Any]:
    from ordi.jobs.tables import Job

    row = await Job.select().where(Job.id == uuid.UUID(job_id)).output(load_json=True).first()
    assert row is not None
    return dict(row)


async def _expire_lease(job_id: str) -> None:
    from ordi.clock import now
    from ordi.jobs.tables import Job

    await Job.update({Job.lease_until: now() - timedelta(seconds=1)}).where(Job.id == uuid.UUID(job_id))


async def _context(member: Member, job_id: str, params: dict[str, Any]) -> Any:
    from ordi.jobs.registry import JobContext

    async def report(done: int, total: int) -> None:
        return None

    return JobContext(job_id=job_id, params=params, actor=member.actor, report=report)


async def test_a_retried_import_finds_the_donation_its_dead_attempt_committed(world: World, sender: Recorder) -> None:
    from ordi.devices.tables import Device
    from ordi.donations import jobs as donation_jobs
    from ordi.donations.tables import Donation
    from ordi.jobs import runner
    from ordi.jobs import service as jobs

    job_id = await jobs.create(world.donor.actor, "donation_import", {"csv": _csv(ROWS)})
    claimed = await jobs.claim(job_id)
    assert claimed is not None and claimed["attempt"] == 1
    assert await jobs.claim(job_id) is None  # a duplicate delivery while it runs does nothing
    # The first attempt commits its donation, then its worker is killed before `succeed`.
    first = await donation_jobs.import_donation(await _context(world.donor, job_id, claimed["params"]))
    assert (await _job(job_id))["status"] == "running"
    await _expire_lease(job_id)
    await _tick()
    job = await _job(job_id)
    assert job["status"] == "queued" and "interrompue" in job["error"] and job["params"]["csv"]
    assert job_id in sender.sent  # the dispatcher sent it again at once
    await runner.run_job(job_id)  # the redelivery
    job = await _job(job_id)
    assert job["status"] == "succeeded" and job["attempts"] == 2
    assert job["result"]["donation_id"] == first["donation_id"]
    assert await Donation.count() == 1
    assert await Device.count() == ROWS
    assert await Device.count().where(Device.donation == first["donation_id"]) == ROWS
    await runner.run_job(job_id)  # a late redelivery by the broker: nothing more
    assert await Donation.count() == 1 and await Device.count() == ROWS


async def test_two_attempts_declaring_at_once_declare_one_donation(world: World) -> None:
    from ordi.devices.tables import Device
    from ordi.donations import service, spreadsheet
    from ordi.donations.tables import Donation

    job_id = str(uuid.uuid4())
    items = spreadsheet.parse(_csv(30))
    one, two = await asyncio.gather(
        service.declare(world.donor.actor, items, job_id=job_id),
        service.declare(world.donor.actor, items, job_id=job_id),
    )
    assert one.id == two.id
    assert await Donation.count() == 1 and await Device.count() == 30
    # Without a job: a donation each time (other serials: those are now in service).
    other = await service.declare(world.donor.actor, spreadsheet.parse(_csv(2, prefix="OT")))
    assert other.id != one.id


async def test_a_job_created_while_the_broker_refuses_is_answered_and_sent_later(
    client: AsyncTestClient[Any], api: Api, world: World, sender: Recorder
) -> None:
    from ordi.clock import now
    from ordi.donations.report import INLINE_MAX_DEVICES
    from ordi.jobs import dispatch, runner
    from ordi.jobs.tables import Job

    n = INLINE_MAX_DEVICES + 1
    donation = await api.declare(world.donor, [{"category": "laptop", "serial_number": f"R-{i}"} for i in range(n)])
    sender.refuse = True
    headers = world.donor.headers
    imported = await client.post(
        "/api/v1/donations/import?background=true",
        content=_csv(5).encode(),
        headers={**headers, "Content-Type": "text/csv"},
    )
    labels = await client.post("/api/v1/label-jobs", json={"donation_id": donation["id"]}, headers=headers)
    report = await client.get(f"/api/v1/donations/{donation['id']}/report.csv", headers=headers)
    for response in (imported, labels, report):
        assert response.status_code == 202, response.text
    ids = [r.json()["id"] for r in (imported, labels, report)]
    await dispatch.settle()
    for job_id in ids:
        job = await _job(job_id)
        assert job["status"] == "queued" and job["dispatched_at"] is None
    health = (await client.get("/health")).json()["jobs"]
    assert health["waiting"] == 3 and health["unsent"] == 3 and health["oldest_waiting_s"] >= 0
    assert sender.sent == []

    # The broker is back; the dispatcher sends what was not sent once the grace has passed.
    sender.refuse = False
    keys = [uuid.UUID(i) for i in ids]
    await _tick()
    assert sender.sent == []  # still within the grace in which `dispatch` itself would have sent
    await Job.update({Job.send_after: now() - timedelta(seconds=1)}).where(Job.id.is_in(keys))
    await _tick()
    assert sorted(sender.sent) == sorted(ids)  # sent once each (by this tick or the API's own sweeper)
    for job_id in ids:
        assert (await _job(job_id))["dispatched_at"] is not None
    await _tick()
    assert sorted(sender.sent) == sorted(ids)  # not twice
    for job_id in ids:
        await runner.run_job(job_id)  # what the worker does with each message
        job = await _job(job_id)
        assert job["status"] == "succeeded", job
    health = (await client.get("/health")).json()["jobs"]
    assert health == {"waiting": 0, "unsent": 0, "oldest_waiting_s": None, "running": 0, "stalled": 0}


async def test_a_refused_send_leaves_the_job_to_the_next_tick(world: World, sender: Recorder) -> None:
    from ordi.clock import now
    from ordi.jobs import service as jobs
    from ordi.jobs.tables import Job

    job_id = await jobs.create(world.donor.actor, "donation_import", {"csv": _csv(1)})
    await Job.update({Job.send_after: now() - timedelta(seconds=1)}).where(Job.id == uuid.UUID(job_id))
    sender.refuse = True
    await _tick()
    assert (await _job(job_id))["dispatched_at"] is None
    sender.refuse = False
    await _tick()
    assert sender.sent == [job_id] and (await _job(job_id))["dispatched_at"] is not None


async def test_an_expired_lease_is_taken_back_until_the_last_attempt_fails_in_french(
    client: AsyncTestClient[Any], world: World, sender: Recorder
) -> None:
    from ordi.i18n import message
    from ordi.jobs import service as jobs

    job_id = await jobs.create(world.donor.actor, "donation_import", {"csv": _csv(2)})
    for attempt in range(1, jobs.MAX_ATTEMPTS + 1):
        claimed = await jobs.claim(job_id)
        assert claimed is not None and claimed["attempt"] == attempt
        await _expire_lease(job_id)  # its worker was killed: nobody renews the lease
        if attempt == 2:
            health = (await client.get("/health")).json()["jobs"]
            assert health["running"] == 1 and health["stalled"] == 1
        await _tick()
        job = await _job(job_id)
        if attempt < jobs.MAX_ATTEMPTS:
            assert job["status"] == "queued" and job["params"]["csv"]
            assert job["error"] == message("job_interrupted", "fr", attempt=attempt, max=jobs.MAX_ATTEMPTS)
            # The attempt that was taken back cannot end the job any more.
            assert not await jobs.succeed(job_id, {"donation_id": 0}, attempt)
            assert not await jobs.renew_lease(job_id, attempt)
    assert job["status"] == "failed" and job["finished_at"] is not None
    assert job["error"] == message("job_abandoned", "fr", attempts=jobs.MAX_ATTEMPTS)
    assert job["error"].startswith("La tâche a été abandonnée après 4 tentatives")
    assert job["params"] == {}  # the uploaded spreadsheet goes with the job
    assert await jobs.claim(job_id) is None
    shown = (await client.get(f"/api/v1/jobs/{job_id}", headers=world.donor.headers)).json()
    assert shown["status"] == "failed" and shown["error"] == job["error"]


async def test_a_running_attempt_keeps_its_lease(
    world: World, sender: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ordi.config import get_settings
    from ordi.jobs import runner
    from ordi.jobs import service as jobs

    short = dataclasses.replace(get_settings(), job_lease_seconds=0.6)
    monkeypatch.setattr(runner, "get_settings", lambda: short)
    monkeypatch.setattr(jobs, "get_settings", lambda: short)

    async def slow(context: Any) -> dict[str, Any]:
        for _ in range(8):  # 1.6 s: more than two leases
            await asyncio.sleep(0.2)
            await _tick()  # a sweeper runs meanwhile and finds the lease renewed
        return {"ok": True}

    monkeypatch.setattr(runner, "handler", lambda kind: slow)
    job_id = await jobs.create(world.donor.actor, "donation_import", {"csv": _csv(1)})
    await runner.run_job(job_id)
    job = await _job(job_id)
    assert job["status"] == "succeeded" and job["attempts"] == 1 and job["result"] == {"ok": True}
    assert job["lease_until"] is None


async def test_an_attempt_that_raised_is_sent_again_after_its_delay(world: World, sender: Recorder) -> None:
    from ordi.clock import now
    from ordi.jobs import runner
    from ordi.jobs import service as jobs

    job_id = await jobs.create(world.donor.actor, "donation_import", {"csv": _csv(1)})
    claimed = await jobs.claim(job_id)
    assert claimed is not None
    assert await jobs.fail(job_id, RuntimeError("base indisponible"), final=False, attempt=claimed["attempt"])
    job = await _job(job_id)
    assert job["status"] == "queued" and job["dispatched_at"] is None
    assert job["send_after"] > now()  # the retry's delay
    assert runner.MAX_ATTEMPTS == jobs.MAX_ATTEMPTS == 4


async def test_an_in_memory_broker_that_restarted_gets_its_jobs_again(world: World, sender: Recorder) -> None:
    from ordi.clock import now
    from ordi.jobs import service as jobs
    from ordi.jobs.tables import Job

    job_id = await jobs.create(world.donor.actor, "donation_import", {"csv": _csv(1)})
    await jobs.mark_dispatched([job_id])
    await _tick()
    assert sender.sent == []  # sent, and not yet long ago: left alone
    assert await outbox.forget_sent_in_memory() == 1  # the API process starts with an empty in-memory broker
    await _tick()
    assert sender.sent == [job_id]
    # A message lost another way (a worker killed with it prefetched) is sent again after a while.
    sender.sent.clear()
    await Job.update({Job.dispatched_at: now() - timedelta(hours=1)}).where(Job.id == uuid.UUID(job_id))
    await _tick()
    assert sender.sent == [job_id]


async def test_sweepers_running_at_once_send_and_take_back_each_job_once(world: World, sender: Recorder) -> None:
    from collections import Counter

    from ordi.clock import now
    from ordi.jobs import service as jobs
    from ordi.jobs.tables import Job

    ids = [await jobs.create(world.donor.actor, "donation_import", {"csv": _csv(1)}) for _ in range(12)]
    keys = [uuid.UUID(i) for i in ids]
    await Job.update({Job.send_after: now() - timedelta(seconds=1)}).where(Job.id.is_in(keys))
    sweeps = await asyncio.gather(*(_tick(5) for _ in range(4)))  # four API processes, five jobs a tick
    sweeps += await asyncio.gather(*(_tick(5) for _ in range(4)))
    assert sum(s.sent for s in sweeps) == len(ids)
    assert Counter(sender.sent) == Counter(ids)  # each sent once
    for job_id in ids:
        assert await jobs.claim(job_id) is not None
        await _expire_lease(job_id)
    sweeps = await asyncio.gather(*(_tick(5) for _ in range(4)))
    sweeps += await asyncio.gather(*(_tick(5) for _ in range(4)))
    assert sum(s.taken_back for s in sweeps) == len(ids)
    assert Counter(sender.sent) == Counter(ids + ids)  # and once more after its lease ran out
    for job_id in ids:
        job = await _job(job_id)
        assert job["status"] == "queued" and job["attempts"] == 1
