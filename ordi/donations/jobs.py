"""The donations' background jobs, with progress: a large spreadsheet's import, a large donation's report."""

from __future__ import annotations

import tempfile
from typing import Any, BinaryIO, cast

from ordi.donations import report, service, spreadsheet
from ordi.jobs import service as jobs
from ordi.jobs.registry import JobContext


async def import_donation(context: JobContext) -> dict[str, Any]:
    """Declare the spreadsheet's donation, keyed by the job: a retry after the commit finds it."""
    items = spreadsheet.parse(context.params["csv"])
    await context.report(0, len(items))

    donation = await service.declare(
        context.actor,
        items,
        pickup_address=context.params.get("pickup_address", ""),
        pickup_postcode=context.params.get("pickup_postcode", ""),
        notes=context.params.get("notes", ""),
        job_id=context.job_id,
    )
    return {"donation_id": donation.id, "reference": donation.reference, "device_count": donation.device_count}


async def donation_report(context: JobContext) -> dict[str, Any]:
    """The traceability report of a large donation, rendered to a temporary file, then stored.

    A retry renders it again and replaces the stored file (`store_file`): one file per job.
    """
    fmt = report.check_format(str(context.params["format"]))
    lang = str(context.params.get("lang", "fr"))
    donation = await report.donation_for_report(context.actor, int(context.params["donation_id"]))
    with tempfile.NamedTemporaryFile(prefix="ordi-report-", suffix=f".{fmt}") as out:
        devices = await report.render(donation, fmt, cast(BinaryIO, out), context.report, lang)
        out.flush()
        size = await jobs.store_file(
            context.job_id, jobs.read_chunks(out.name), report.FORMATS[fmt], report.filename(donation, fmt, lang)
        )
    return {"donation_id": donation["id"], "format": fmt, "devices": devices, "size": size}
