"""The background job that prints a batch of labels (kind "labels")."""

from __future__ import annotations

from typing import Any

from ordi.jobs.registry import JobContext, job_kind
from ordi.printing import service


@job_kind(service.JOB_KIND)
async def print_labels(context: JobContext) -> dict[str, Any]:
    return await service.run_job(context)
