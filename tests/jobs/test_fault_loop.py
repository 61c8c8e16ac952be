"""The fault loop: a real worker process, SIGKILLed at random points, restarted; every job ends once.

Each round creates a background import, a label job and a report job through their services,
then starts `python -m workers --processes 1 --threads 2` and kills its whole process group a few
times (after a random delay, as soon as the import's donation has committed, as soon as a file is
stored, as soon as a job reports progress), and finally lets one worker finish. Then every job must
have succeeded, once: one donation with all its devices, one file per job, one `label_printed`
event per device. Kills per round stay below the attempts a job has (`MAX_ATTEMPTS`), since each
kill may cost every job one attempt.

PostgreSQL + Redis only (a worker process needs a broker it shares with the test); the jobs go
through their own Redis namespace, so the test process's in-process worker never takes them.
`ORDI_FAULT_ROUNDS` (default 2), `ORDI_FAULT_KILLS` (default 3), `ORDI_FAULT_SEED` for a longer run
by hand: `ORDI_TEST_BACKEND=postgres ORDI_FAULT_ROUNDS=20 pytest tests/jobs/test_fault_loop.py -s`.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO, Any

import pytest

from tests.fixtures import World

pytestmark = pytest.mark.skipif(
    os.environ.get("ORDI_TEST_BACKEND", "sqlite") != "postgres", reason="a worker process needs PostgreSQL and Redis"
)

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = int(os.environ.get("ORDI_FAULT_ROUNDS", "2"))
KILLS = int(os.environ.get("ORDI_FAULT_KILLS", "3"))
IMPORT_ROWS = 1500
BATCH_DEVICES = 210  # more than a report answered in the request (INLINE_MAX_DEVICES)
LEASE_S = 1.5


def _csv(rows: int, prefix: str) -> str:
    return "category;brand;model;serial\n" + "".join(f"laptop;Lenovo;T480;{prefix}-{i:05d}\n" for i in range(rows))


class WorkerProcess:
    """`python -m workers` in a process group of its own, so that a kill takes its children too."""

    def __init__(self, env: dict[str, str], log: IO[bytes]) -> None:
        self.env = env
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.started = 0

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "workers", "--processes", "1", "--threads", "2"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started += 1

    def kill(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)
        self.process = None


async def _poll(predicate: Callable[[], Awaitable[bool]], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await predicate():
            return True
        await asyncio.sleep(0.01)
    return False


async def _jobs(ids: dict[str, str]) -> dict[str, dict[str, Any]]:
    from ordi.jobs.tables import Job

    rows = (
        await Job.select(
            Job.id, Job.kind, Job.status, Job.attempts, Job.error, Job.result, Job.result_size, Job.progress_done
        )
        .where(Job.id.is_in([uuid.UUID(i) for i in ids.values()]))
        .output(load_json=True)
    )
    by_id = {str(r["id"]): r for r in rows}
    return {name: by_id[job_id] for name, job_id in ids.items()}


async def _create_jobs(world: World, round_no: int, batch_donation: int) -> dict[str, str]:
    from ordi.donations import report
    from ordi.donations import service as donations
    from ordi.printing import service as printing
    from ordi.printing.schemas import LabelJobIn

    actor = world.donor.actor
    imported = await donations.import_spreadsheet(actor, _csv(IMPORT_ROWS, f"R{round_no}").encode(), background=True)
    labels = await printing.create_job(actor, LabelJobIn(donation_id=batch_donation, format="avery-l7160"))
    rendered = await report.request_report(actor, batch_donation, "pdf")
    assert isinstance(imported, str) and isinstance(rendered, str)
    return {"import": imported, "labels": labels, "report": rendered}


async def _kill_point(rng: random.Random, ids: dict[str, str]) -> str:
    """Wait for one of the moments worth a kill; returns its name."""
    from ordi.donations.tables import Donation
    from ordi.jobs.tables import JobFileChunk

    point = rng.choice(["random delay", "donation committed", "file stored", "progress reported"])
    if point == "random delay":
        await asyncio.sleep(rng.uniform(0.2, 4.0))
        return point

    async def reached() -> bool:
        jobs = await _jobs(ids)
        if point == "donation committed":
            return jobs["import"]["status"] == "succeeded" or await Donation.exists().where(
                Donation.job == ids["import"]
            )
        if point == "file stored":
            files = [n for n in ("labels", "report") if jobs[n]["status"] != "succeeded"]
            return not files or await JobFileChunk.exists().where(
                JobFileChunk.job.is_in([uuid.UUID(ids[n]) for n in files])
            )
        return any(j["status"] == "running" and j["progress_done"] > 0 for j in jobs.values())

    await _poll(reached, 10)
    return point


async def _check_round(ids: dict[str, str], batch_devices: list[int], round_no: int) -> dict[str, dict[str, Any]]:
    from ordi.devices.tables import Device, DeviceEvent
    from ordi.donations.tables import Donation
    from ordi.jobs.service import MAX_ATTEMPTS
    from ordi.jobs.tables import JobFileChunk

    jobs = await _jobs(ids)
    for name, job in jobs.items():
        assert job["status"] == "succeeded", (name, job)
        assert 1 <= job["attempts"] <= MAX_ATTEMPTS
    # The import: one donation for the job, with every row once.
    donations = await Donation.select(Donation.id, Donation.device_count).where(Donation.job == ids["import"])
    assert len(donations) == 1, donations
    donation_id = donations[0]["id"]
    assert jobs["import"]["result"]["donation_id"] == donation_id
    assert donations[0]["device_count"] == IMPORT_ROWS
    assert await Device.count().where(Device.donation == donation_id) == IMPORT_ROWS
    assert await Donation.count() == 1 + round_no + 1  # the batch's donation, and one per round
    # One file per job, whole: its pieces numbered from 0 without a gap, their size the recorded one.
    for name in ("labels", "report"):
        chunks = (
            await JobFileChunk.select(JobFileChunk.seq, JobFileChunk.data)
            .where(JobFileChunk.job == uuid.UUID(ids[name]))
            .order_by(JobFileChunk.seq)
        )
        assert [c["seq"] for c in chunks] == list(range(len(chunks))) and chunks
        data = b"".join(bytes(c["data"]) for c in chunks)
        assert len(data) == jobs[name]["result_size"] == jobs[name]["result"]["size"]
        assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    # One print per device of the batch for this job, and one per round in all.
    printed = await DeviceEvent.select(DeviceEvent.device).where(
        DeviceEvent.idempotency_key.like(f"labels:{ids['labels']}:%")
    )
    assert sorted(p["device"] for p in printed) == sorted(batch_devices)
    assert await DeviceEvent.count().where(
        (DeviceEvent.action == "label_printed") & DeviceEvent.device.is_in(batch_devices)
    ) == len(batch_devices) * (round_no + 1)
    assert jobs["report"]["result"]["devices"] == len(batch_devices)
    return jobs


async def test_every_job_ends_once_though_its_worker_is_killed(world: World, tmp_path: Path) -> None:
    import dramatiq
    import redis
    from dramatiq.brokers.redis import RedisBroker

    from ordi.devices.tables import Device
    from ordi.donations import service as donations
    from ordi.donations import spreadsheet
    from ordi.jobs import dispatch
    from ordi.jobs.service import MAX_ATTEMPTS
    from ordi.wiring import wire

    assert KILLS < MAX_ATTEMPTS
    seed = int(os.environ.get("ORDI_FAULT_SEED") or random.randrange(1 << 30))
    rng = random.Random(seed)
    batch = await donations.declare(world.donor.actor, spreadsheet.parse(_csv(BATCH_DEVICES, "BATCH")))
    batch_devices = [r["id"] for r in await Device.select(Device.id).where(Device.donation == batch.id)]

    namespace = os.environ["ORDI_REDIS_NAMESPACE"] + "-fault"
    client = redis.Redis.from_url(os.environ["ORDI_REDIS_URL"], socket_connect_timeout=3, socket_timeout=10)
    fault_broker = RedisBroker(client=client, namespace=namespace)

    def send(job_id: str) -> None:
        message = dramatiq.Message(queue_name="ordi", actor_name="run_job", args=(job_id,), kwargs={}, options={})
        fault_broker.enqueue(message)

    env = {
        **os.environ,
        "ORDI_REDIS_NAMESPACE": namespace,
        "ORDI_EMBEDDED_WORKER": "0",
        "ORDI_JOB_LEASE_SECONDS": str(LEASE_S),
        "ORDI_JOB_SWEEP_SECONDS": "0.3",
        "ORDI_JOB_REDISPATCH_SECONDS": "3",
    }
    stats: Counter[str] = Counter()
    attempts: Counter[str] = Counter()
    log_path = tmp_path / "worker.log"
    started = time.monotonic()
    dispatch.set_sender(send)
    with log_path.open("wb") as log:
        worker = WorkerProcess(env, log)
        try:
            for round_no in range(ROUNDS):
                ids = await _create_jobs(world, round_no, batch.id)
                for _ in range(KILLS):
                    worker.start()
                    point = await _kill_point(rng, ids)
                    jobs = await _jobs(ids)
                    worker.kill()
                    stats[f"kill: {point}"] += 1
                    stats["kills"] += 1
                    stats["kills with a job running"] += any(j["status"] == "running" for j in jobs.values())
                    stats["kills between the import's commit and its end"] += (
                        jobs["import"]["status"] == "running" and point == "donation committed"
                    )
                worker.start()

                async def ended(ids: dict[str, str] = ids) -> bool:
                    return all(j["status"] in ("succeeded", "failed") for j in (await _jobs(ids)).values())

                finished = await _poll(ended, 60)
                worker.kill()
                assert finished, (await _jobs(ids), log_path.read_text(errors="replace")[-4000:])
                for name, job in (await _check_round(ids, batch_devices, round_no)).items():
                    attempts[f"{name}: {job['attempts']} attempt(s)"] += 1
                stats["rounds"] += 1
                stats["jobs succeeded once"] += 3
        finally:
            worker.kill()
            await dispatch.settle()
            wire()
            client.close()
    elapsed = time.monotonic() - started
    print(f"\nfault loop (seed {seed}): {dict(stats)}, {dict(sorted(attempts.items()))}, {elapsed:.1f} s")
