"""Benchmark of the donor traceability report job: ``python bench/bench_reports.py [--devices N]``.

On a fresh SQLite file (embedded mode), builds one donation of N devices (default 2,000) taken
through a realistic journey by the real services (collect, receive, wipe with its certificate;
then refurbished and handed over, or destroyed and recycled, or left failed), then runs the
``donation_report`` background job exactly as a worker does (`ordi.jobs.runner.run_job`) for
each format:

* wall time of the job, without tracing;
* peak Python memory of the same job under ``tracemalloc`` (a second run: tracing slows it);
* the size of the produced file.

Prints one line of JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# On tmpfs when there is one: the setup's thousands of small transactions then cost no fsync; the
# report job itself only reads.
_TMP = tempfile.mkdtemp(prefix="ordi-bench-reports-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
os.environ["ORDI_DATABASE_URL"] = f"sqlite:///{_TMP}/bench.sqlite"
os.environ["ORDI_ENV"] = "development"
os.environ["ORDI_EMBEDDED_WORKER"] = "0"
os.environ.pop("ORDI_REDIS_URL", None)


async def _setup(n: int) -> tuple[Any, int]:
    from datetime import date, timedelta

    from piccolo.apps.migrations.commands.forwards import run_forwards

    from ordi.auth.passwords import hash_password
    from ordi.devices import service as devices
    from ordi.domain.lifecycle import Actor, OrgKind
    from ordi.donations import service as donations
    from ordi.donations.spreadsheet import DeviceItem
    from ordi.organisations.tables import Organisation, User

    migrated = await run_forwards("all")
    assert migrated.success, migrated.message
    label = (date.today() - timedelta(days=30), date.today() + timedelta(days=365))
    password = hash_password("bench-password-2026")

    async def member(kind: OrgKind, name: str, siret: str | None = None, labelled: bool = False) -> Actor:
        org = Organisation(
            name=name,
            kind=kind.value,
            postcode="14000",
            departement="14",
            region="28",
            siret=siret,
            label_number="O2-BENCH" if labelled else None,
            label_valid_from=label[0] if labelled else None,
            label_valid_until=label[1] if labelled else None,
        )
        await org.save()
        user = User(organisation=org.id, email=f"{kind.value}@bench.ordi2.fr", password_hash=password, role="manager")
        await user.save()
        return Actor(user.id, org.id, kind, label[1] if labelled else None, label[0] if labelled else None, True)

    donor = await member(OrgKind.DONOR, "Atelier Canopé du Calvados")
    workshop = await member(OrgKind.REFURBISHER, "Atelier Solidaire Caen", "73282932000074", labelled=True)
    association = await member(OrgKind.ASSOCIATION, "EPN Le Havre", labelled=True)
    operator = await member(OrgKind.OPERATOR, "Opérateur")

    categories = ["laptop", "laptop", "desktop", "monitor", "tablet"]
    items = [
        DeviceItem(
            category=categories[i % len(categories)],
            brand="Dell",
            model="Latitude 5490",
            serial_number=f"BENCH{i:06d}",
            has_storage=categories[i % len(categories)] != "monitor",
            weight_kg=None,
        )
        for i in range(n)
    ]
    donation = await donations.declare(donor, items)
    # Dropped off at the workshop, which is then in charge of its devices (it alone may collect them).
    from ordi.devices.tables import Device
    from ordi.pickups import service as pickups
    from ordi.pickups.schemas import Contact, PickupIn

    drop_off = PickupIn(
        donation_ids=[donation.id],
        postcode="14000",
        contact=Contact(name="Accueil"),
        mode="drop_off",
        workshop_id=workshop.organisation_id,
    )
    await pickups.create(donor, drop_off)
    rows = (
        await Device.select(Device.asset_tag, Device.has_storage)
        .where(Device.donation == donation.id)
        .order_by(Device.id)
    )
    for i, row in enumerate(rows):
        tag = row["asset_tag"]
        await devices.perform(workshop, tag, _event({"action": "collect"}))
        await devices.perform(workshop, tag, _event({"action": "receive"}))
        fate = i % 10
        if row["has_storage"]:
            level, outcome = {9: ("clear", "failed"), 8: ("destroy", "destroyed")}.get(fate, ("purge", "erased"))
            medium = {"kind": "ssd", "serial": f"DISK{i:06d}", "capacity_gb": 256, "result": outcome}
            wipe = {"action": "wipe", "level": level, "method": "Secure Erase", "tool": "nwipe", "media": [medium]}
            await devices.perform(workshop, tag, _event(wipe))
            if fate == 9:  # failed: stays at the workshop
                continue
        if fate == 8:
            recycle = {"action": "recycle", "reason": "hors d'usage", "weight_kg": 2.5, "channel": "eco_organism"}
            await devices.perform(workshop, tag, _event(recycle))
            continue
        await devices.perform(workshop, tag, _event({"action": "refurbish", "grade": "B", "labour_minutes": 60}))
        if fate < 5:
            reserve = {"action": "reserve", "association_id": association.organisation_id}
            await devices.perform(operator, tag, _event(reserve))
            await devices.perform(workshop, tag, _event({"action": "ship"}))
            await devices.perform(association, tag, _event({"action": "deliver"}))
            beneficiary = {"category": "student", "age_band": "18_25", "departement": "76"}
            await devices.perform(association, tag, _event({"action": "hand_over", "beneficiary": beneficiary}))
    return donor, donation.id


def _event(body: dict[str, Any]) -> Any:
    """An event request validated exactly like a decoded request body."""
    import msgspec

    from ordi.devices.schemas import EventRequest

    return msgspec.convert(body, EventRequest)


async def _run_job(donor: Any, donation_id: int, fmt: str) -> dict[str, Any]:
    from ordi.jobs import service as jobs
    from ordi.jobs.runner import run_job

    job_id = await jobs.create(donor, "donation_report", {"donation_id": donation_id, "format": fmt})
    started = time.perf_counter()
    await run_job(job_id)
    seconds = time.perf_counter() - started
    state = await jobs.get(donor, job_id)
    assert state.status == "succeeded", state.error
    return {"seconds": round(seconds, 3), "size_bytes": state.result["size"], "devices": state.result["devices"]}


async def main(n: int) -> dict[str, Any]:
    from ordi.wiring import wire

    wire()
    t0 = time.perf_counter()
    donor, donation_id = await _setup(n)
    setup = time.perf_counter() - t0
    figures: dict[str, Any] = {}
    for fmt in ("pdf", "csv", "json"):
        timed = await _run_job(donor, donation_id, fmt)
        tracemalloc.start()
        await _run_job(donor, donation_id, fmt)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        figures[fmt] = {**timed, "peak_mib": round(peak / (1024 * 1024), 2)}
    return {
        "bench": "donation_report_job",
        "backend": "sqlite",
        "devices": n,
        "setup_seconds": round(setup, 1),
        "formats": figures,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=2000)
    args = parser.parse_args()
    try:
        print(json.dumps(asyncio.run(main(args.devices))))
    finally:
        shutil.rmtree(_TMP, ignore_errors=True)
