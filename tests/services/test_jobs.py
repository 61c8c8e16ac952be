"""Background jobs run through the same services, and running one twice does the work once."""

from __future__ import annotations

from tests.fixtures import World


async def test_a_job_delivered_twice_does_its_work_once(world: World) -> None:
    from ordi.devices.tables import Device
    from ordi.jobs import service as jobs
    from ordi.jobs.runner import run_job
    from ordi.wiring import wire

    wire()
    job_id = await jobs.create(world.donor.actor, "donation_import", {"csv": "category\nlaptop\ntablet\n"})
    await run_job(job_id)
    await run_job(job_id)  # dramatiq delivers at least once
    assert await Device.count() == 2
    job = await jobs.get(world.donor.actor, job_id)
    assert job.status == "succeeded" and job.result["device_count"] == 2


async def test_a_job_is_visible_only_to_its_organisation(world: World) -> None:
    import pytest

    from ordi.domain.errors import NotFound
    from ordi.jobs import service as jobs

    job_id = await jobs.create(world.donor.actor, "donation_import", {"csv": "category\nlaptop\n"})
    with pytest.raises(NotFound):
        await jobs.get(world.other_donor.actor, job_id)
    with pytest.raises(NotFound):
        await jobs.get(world.donor.actor, "pas-un-uuid")


async def test_a_job_of_a_deactivated_user_fails_instead_of_hanging(world: World) -> None:
    from ordi.jobs import service as jobs
    from ordi.jobs.runner import run_job
    from ordi.organisations.tables import User

    job_id = await jobs.create(world.donor.actor, "donation_import", {"csv": "category\nlaptop\n"})
    await User.update({User.active: False}).where(User.id == world.donor.actor.user_id)
    await run_job(job_id)
    job = await jobs.get(world.donor.actor, job_id)
    assert job.status == "failed" and job.error
