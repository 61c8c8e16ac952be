"""The background job that prints a batch of labels (kind "labels")."""

from __future__ import annotations

from typing import Any

from ordi.jobs.registry import JobContext
from ordi.printing import service


async def print_labels(context: JobContext) -> dict[str, Any]:
    return await service.run_job(context)
