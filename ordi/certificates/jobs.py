"""The background rendering of a large donation's traceability report, with progress."""

from __future__ import annotations

import tempfile
from typing import Any, BinaryIO, cast

from ordi.certificates import reports
from ordi.jobs import service as jobs
from ordi.jobs.registry import JobContext


async def donation_report(context: JobContext) -> dict[str, Any]:
    fmt = reports.check_format(str(context.params["format"]))
    donation = await reports.donation_for_report(context.actor, int(context.params["donation_id"]))
    with tempfile.NamedTemporaryFile(prefix="ordi-report-", suffix=f".{fmt}") as out:
        devices = await reports.render(donation, fmt, cast(BinaryIO, out), context.report)
        out.flush()
        size = await jobs.store_file(
            context.job_id, jobs.read_chunks(out.name), reports.FORMATS[fmt], reports.filename(donation, fmt)
        )
    return {"donation_id": donation["id"], "format": fmt, "devices": devices, "size": size}
