"""The purges run on a schedule inside the workers: once per period however many processes tick,
taken over when the process that ran them died, and without any external cron."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from tests.fixtures import HAND_OVER, Api, World


@pytest.fixture
def counted(db: None) -> dict[str, Any]:
    """A test task of its own (the wiring's tasks are left alone), which counts its runs."""
    from ordi.periodic import service

    runs: dict[str, Any] = {"n": 0, "period": 3600.0}

    async def task() -> int:
        runs["n"] += 1
        await asyncio.sleep(0.05)  # long enough for the other processes' ticks to meet it
        return int(runs["n"])

    service.register("test_counted", lambda: runs["period"], task)
    yield runs
    service._TASKS.pop("test_counted", None)


async def test_many_processes_ticking_at_once_run_an_exclusive_task_once(counted: dict[str, Any]) -> None:
    from ordi.periodic import service
    from ordi.periodic.tables import PeriodicRun

    ran = await asyncio.gather(*[service.tick(only={"test_counted"}) for _ in range(6)])
    assert counted["n"] == 1 and sum(len(r) for r in ran) == 1
    row = await PeriodicRun.select().where(PeriodicRun.name == "test_counted").first()
    assert row is not None and row["lease_until"] is None and row["last_result"] == "1"
    assert await service.tick(only={"test_counted"}) == []  # not before its period
    counted["period"] = 0.01
    await asyncio.sleep(0.02)
    assert await service.tick(only={"test_counted"}) == ["test_counted"] and counted["n"] == 2


async def test_a_run_whose_process_died_is_taken_over_when_its_lease_ends(counted: dict[str, Any]) -> None:
    from ordi.clock import now
    from ordi.periodic import service
    from ordi.periodic.tables import PeriodicRun

    await PeriodicRun.insert(PeriodicRun(name="test_counted", lease_until=now() + timedelta(minutes=5)))
    assert await service.tick(only={"test_counted"}) == []  # another process holds it
    await PeriodicRun.update({PeriodicRun.lease_until: now() - timedelta(seconds=1)}).where(
        PeriodicRun.name == "test_counted"
    )
    assert await service.tick(only={"test_counted"}) == ["test_counted"] and counted["n"] == 1


async def test_the_wired_retention_task_purges_what_has_expired(api: Api, world: World) -> None:
    from ordi.clock import now
    from ordi.devices.tables import BeneficiaryContact
    from ordi.periodic import service

    assert {"retention", "label_expiry", "notification_outbox"} <= set(service.tasks())
    tag = await api.delivered_device(world)
    await api.act(world.association, tag, {**HAND_OVER, "warranty_contact": {"full_name": "Jeanne Dupont"}})
    await BeneficiaryContact.update({BeneficiaryContact.recorded_at: now() - timedelta(days=731)}).where(
        BeneficiaryContact.id > 0
    )
    assert await service.tick(only={"retention"}) == ["retention"]
    assert await BeneficiaryContact.count() == 0


async def test_the_loop_runs_the_tasks_without_anyone_calling_them(counted: dict[str, Any]) -> None:
    """What the embedded worker and each worker process start (`ordi.app`, `workers.sweeper`)."""
    from ordi.periodic import service

    loop = asyncio.create_task(service.run_forever(interval=0.05))
    try:
        for _ in range(100):
            if counted["n"]:
                break
            await asyncio.sleep(0.05)
    finally:
        loop.cancel()
        with pytest.raises(asyncio.CancelledError):
            await loop
    assert counted["n"] == 1


async def test_ordi_purge_still_runs_them_by_hand(db: None) -> None:
    import os
    import sys

    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from ordi.cli import main; main(['purge'])",
        env=dict(os.environ),
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0
    text = out.decode()
    assert "contact(s) de bénéficiaire purgé(s)" in text and "notification(s) ancienne(s)" in text


async def test_a_worker_process_runs_them_beside_the_jobs_sweeper(
    counted: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`workers.process` adds the JobSweeper middleware: its thread runs the periodic tasks too."""
    import dataclasses

    from ordi.config import get_settings
    from workers import sweeper

    scheduled = dataclasses.replace(get_settings(), schedule_enabled=True, job_sweep_seconds=0.2)
    monkeypatch.setattr(sweeper, "get_settings", lambda: scheduled)
    middleware = sweeper.JobSweeper()
    await asyncio.to_thread(middleware.after_worker_boot, None, None)  # type: ignore[arg-type]
    try:
        for _ in range(200):
            if counted["n"]:
                break
            await asyncio.sleep(0.05)
    finally:
        await asyncio.to_thread(middleware.before_worker_shutdown, None, None)  # type: ignore[arg-type]
    assert counted["n"] == 1


async def test_the_embedded_worker_runs_them_in_the_api_process(
    counted: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Embedded mode (`make run`): the API process's lifespan starts the periodic loop beside its worker."""
    import dataclasses

    from litestar.testing import AsyncTestClient

    from ordi import app as application
    from ordi.config import get_settings

    scheduled = dataclasses.replace(get_settings(), schedule_enabled=True, embedded_worker=True)
    monkeypatch.setattr(application, "get_settings", lambda: scheduled)
    async with AsyncTestClient(app=application.create_app(), base_url="http://ordi.test"):
        for _ in range(200):
            if counted["n"]:
                break
            await asyncio.sleep(0.05)
    assert counted["n"] == 1
