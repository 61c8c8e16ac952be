"""Peak memory of a label batch job: ``python bench/bench_label_jobs.py [--labels 5000]``.

Runs the real job path (`ordi.jobs.runner.run_job` -> the "labels" job function: devices read
page by page from SQLite, labels drawn to a temporary file, the file stored in the database,
the prints recorded on the history) on a fresh SQLite database, in a subprocess of its own
so that the peak resident set (VmHWM / ru_maxrss) is the job's and nothing else's. Preparing
the data (5,000 declared devices) happens in another subprocess first.

Prints one line of JSON. The issue's limit is 300 MB for a 5,000-label job.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LIMIT_MB = 300


def _status_kb(field: str) -> int | None:
    """A `VmRSS:`/`VmHWM:` line of /proc/self/status, in kB (Linux only)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _mb(kb: int | None) -> float | None:
    return None if kb is None else round(kb / 1024, 1)


async def _prepare(labels: int, fmt: str, media: str) -> str:
    """Schema, one donor, one donation of `labels` devices, one queued job; prints nothing else."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from ordi.auth.passwords import hash_password
    from ordi.domain.lifecycle import Actor, OrgKind
    from ordi.donations import service as donations
    from ordi.donations.spreadsheet import DeviceItem
    from ordi.jobs import service as jobs
    from ordi.organisations.tables import Organisation, User

    result = await run_forwards("all")
    assert result.success, result.message
    org = Organisation(name="Atelier Canopé 76", kind="donor", postcode="76000", departement="76", region="28")
    await org.save()
    user = User(organisation=org.id, email="bench@ordi2.test", role="manager", password_hash=hash_password("x" * 16))
    await user.save()
    actor = Actor(user_id=user.id, organisation_id=org.id, kind=OrgKind.DONOR, is_manager=True)
    models = ["Latitude 5490", "ThinkPad T480s", "EliteBook 840 G5", "MacBook Pro 13 pouces 2017", "Esprimo D556"]
    brands = ["Dell", "Lenovo", "HP", "Apple", "Fujitsu"]
    categories = ["laptop", "laptop", "laptop", "laptop", "desktop"]
    items = [
        DeviceItem(category=categories[i % 5], brand=brands[i % 5], model=models[i % 5], serial_number=f"SN{i:08d}")
        for i in range(labels)
    ]
    donation = await donations.declare(actor, items)
    params = {"donation_id": donation.id, "format": fmt, "media": media, "skip": 0}
    return await jobs.create(actor, "labels", params, total=labels)


async def _run(job_id: str) -> dict[str, Any]:
    from ordi.jobs.runner import run_job
    from ordi.jobs.tables import Job
    from ordi.wiring import wire

    wire()
    before_kb = _status_kb("VmRSS")
    started = time.perf_counter()
    await run_job(job_id)
    seconds = time.perf_counter() - started
    row = await Job.select(Job.status, Job.error, Job.result, Job.result_size).where(Job.id == job_id).first()
    assert row is not None
    result = row["result"]
    if isinstance(result, str):
        result = json.loads(result)
    peak_kb = _status_kb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "status": row["status"],
        "error": row["error"],
        "seconds": round(seconds, 2),
        "rss_before_job_mb": _mb(before_kb),
        "peak_rss_mb": _mb(peak_kb),
        "result_bytes": row["result_size"],
        "pages": result.get("pages"),
        "labels_written": result.get("labels"),
        "history_recorded": result.get("history_recorded"),
    }


def _child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    import ordi  # noqa: F401 - sets PICCOLO_CONF

    if args.prepare:
        print(json.dumps({"job_id": asyncio.run(_prepare(args.labels, args.format, args.media))}))
    else:
        print(json.dumps(asyncio.run(_run(args.run))))


def _call(env: dict[str, str], *extra: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, __file__, *extra], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise SystemExit(f"bench_label_jobs: sous-processus en échec\n{completed.stderr[-4000:]}")
    return dict(json.loads(completed.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=int, default=5000)
    parser.add_argument("--format", default="avery-l7160")
    parser.add_argument("--media", default="pdf", choices=["pdf", "zpl"])
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--run", metavar="JOB_ID", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare or args.run:
        _child(args)
        return

    with tempfile.TemporaryDirectory(prefix="ordi-bench-labels-") as tmp:
        env = {
            **os.environ,
            "ORDI_DATABASE_URL": f"sqlite:///{tmp}/ordi.sqlite",
            "ORDI_EMBEDDED_WORKER": "0",
            "ORDI_ENV": "development",
            "ORDI_PUBLIC_URL": "https://ordi2.exemple.fr",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("ORDI_REDIS_URL", None)
        common = ["--labels", str(args.labels), "--format", args.format, "--media", args.media]
        job_id = _call(env, "--prepare", *common)["job_id"]
        run = _call(env, "--run", job_id, *common)
    peak = run["peak_rss_mb"]
    report = {
        "bench": "label_job_memory",
        "backend": "sqlite",
        "labels": args.labels,
        "format": args.format,
        "media": args.media,
        **run,
        "labels_per_second": round(args.labels / run["seconds"], 1) if run["seconds"] else None,
        "job_rss_growth_mb": round(peak - run["rss_before_job_mb"], 1) if peak and run["rss_before_job_mb"] else None,
        "limit_mb": LIMIT_MB,
        "under_limit": peak is not None and peak < LIMIT_MB,
    }
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
