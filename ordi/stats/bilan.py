"""The yearly bilan: gathered (`ordi.stats.bilan_data`), drawn (`ordi.stats.bilan_pdf`), answered at once
or by a background job with progress.

A year of a small programme is rendered in the request (well under a second). A national year is
long to gather from today's figures (one summary per month over millions of events), so beyond
`INLINE_MAX_EVENTS` steps in the year, or when asked (`background=true`), the answer is a job
(202, `GET /api/v1/jobs/{id}`), like the donation report and the label batches. The job renders to
a temporary file, then stores it as the job's result (a retry replaces it: one file per job).
"""

from __future__ import annotations

import asyncio
import io
import tempfile
from datetime import UTC, datetime
from typing import Any, BinaryIO, cast

from ordi.db import fetch_row
from ordi.domain.errors import InvalidRecord
from ordi.domain.lifecycle import Actor, OrgKind
from ordi.i18n import Lang
from ordi.jobs import service as jobs
from ordi.jobs.dispatch import dispatch
from ordi.jobs.registry import JobContext
from ordi.scoping import require_kind
from ordi.stats import bilan_data
from ordi.stats.bilan_pdf import render_bilan_pdf

__all__ = ["INLINE_MAX_EVENTS", "JOB_KIND", "bilan_job", "filename", "parse_year", "render", "request_bilan"]

JOB_KIND = "stats_bilan"
MEDIA_TYPE = "application/pdf"
#: Steps in the year above which the bilan is a background job.
INLINE_MAX_EVENTS = 50_000


def parse_year(name: str) -> int:
    """`2026.pdf` -> 2026; anything else is a 422 (the route takes the file name whole)."""
    stem, dot, ext = name.partition(".")
    if dot != "." or ext.lower() != "pdf" or len(stem) != 4 or not stem.isdigit():
        raise InvalidRecord("bilan_year_invalid", max=datetime.now(UTC).year)
    return int(stem)


def filename(year: int, lang: Lang = "fr") -> str:
    return f"bilan-ordi-{year}.pdf" if lang != "en" else f"ordi-review-{year}.pdf"


async def render(actor: Actor, year: int, out: BinaryIO, lang: Lang = "fr", progress: Any = None) -> None:
    start, end = bilan_data.year_period(year)
    data = await bilan_data.gather(actor, start, end, "month", progress)
    await asyncio.to_thread(render_bilan_pdf, data, out, lang)


async def _events_in(year: int) -> int:
    start, end = bilan_data.year_period(year)
    since = datetime(start.year, 1, 1, tzinfo=UTC)
    until = datetime(end.year + 1, 1, 1, tzinfo=UTC)
    row = await fetch_row(
        "SELECT COUNT(*) AS n FROM device_event WHERE occurred_at >= {} AND occurred_at < {}", since, until
    )
    return int(row["n"]) if row else 0


async def request_bilan(
    actor: Actor, year: int, lang: Lang = "fr", background: bool = False
) -> tuple[bytes, str] | str:
    """The bilan at once (bytes, file name), or the id of the job that renders it."""
    require_kind(actor, OrgKind.COMMITTEE, OrgKind.OPERATOR)
    bilan_data.year_period(year)  # a 422 now rather than a failed job
    if background or await _events_in(year) > INLINE_MAX_EVENTS:
        job_id = await jobs.create(actor, JOB_KIND, {"year": year, "lang": lang}, total=14)
        dispatch(job_id)  # only now that the job's transaction has committed
        return job_id
    out = io.BytesIO()
    await render(actor, year, out, lang)
    return out.getvalue(), filename(year, lang)


async def bilan_job(context: JobContext) -> dict[str, Any]:
    """The job: gather with progress (one step per month), render, store the file."""
    year = int(context.params["year"])
    lang = str(context.params.get("lang", "fr"))
    with tempfile.NamedTemporaryFile(prefix="ordi-bilan-", suffix=".pdf") as out:
        await render(context.actor, year, cast(BinaryIO, out), lang, context.report)
        out.flush()
        size = await jobs.store_file(context.job_id, jobs.read_chunks(out.name), MEDIA_TYPE, filename(year, lang))
    await context.report(14, 14)
    return {"year": year, "size": size}
