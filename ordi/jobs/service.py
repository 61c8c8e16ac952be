"""Job records: created with the request, run by a worker, read by whoever started them.

The row is the source of truth (a transactional outbox): it commits first, then is sent to the
broker; `ordi.jobs.outbox` sends what was not sent and takes back the jobs whose attempt stopped
renewing its lease. A run starts by claiming the row (one conditional UPDATE: a duplicate message
finds it taken or ended and does nothing) and every later write of that attempt is fenced by its
number, so an attempt that lost its lease cannot end the job under the one that took it over.

A job's input (an uploaded spreadsheet) serves only its runs: it is dropped once the job has ended
(succeeded, or failed for good). Its result file is kept `ORDI_JOB_RETENTION_DAYS` after the end,
then `purge_expired` deletes it; the job's row stays, marked `purged_at`, so that a late download
says the file expired instead of "not found".
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import AsyncIterator, Iterable
from datetime import datetime, timedelta
from typing import Any

import msgspec

from ordi import paging, scoping
from ordi.clock import now
from ordi.config import get_settings
from ordi.db import for_update, write_transaction
from ordi.domain.errors import Conflict, DomainError, InvalidRecord, NotFound
from ordi.domain.lifecycle import Actor, OrgKind
from ordi.i18n import message, translated_errors
from ordi.jobs.tables import Job, JobFileChunk
from ordi.paging import Page, PageRequest

CHUNK_SIZE = 1024 * 1024

#: Attempts a job gets in all, whether an attempt raised or its worker died (lease not renewed).
#: After the last one a failure is final and the job's input is dropped.
MAX_ATTEMPTS = 4
#: After an attempt that raised, the next one waits RETRY_BACKOFF_S × 2^(attempt-1), at most RETRY_BACKOFF_MAX_S.
RETRY_BACKOFF_S = 1.0
RETRY_BACKOFF_MAX_S = 60.0
#: A job created with a running broker is sent at once by `dispatch`; the dispatcher sends it
#: only if that did not happen within this grace.
SEND_GRACE = timedelta(seconds=10)

JOB_COLUMNS = (
    Job.id,
    Job.kind,
    Job.status,
    Job.progress_done,
    Job.progress_total,
    Job.error,
    Job.result,
    Job.result_content_type,
    Job.result_filename,
    Job.result_size,
    Job.created_at,
    Job.started_at,
    Job.finished_at,
    Job.attempts,
    Job.purged_at,
    Job.organisation,
)


class JobOut(msgspec.Struct):
    id: str
    kind: str
    status: str
    progress: dict[str, int]
    error: str
    result: dict[str, Any]
    download_url: str | None
    created_at: Any
    started_at: Any
    finished_at: Any
    expires_at: Any  # when the file and the input are (or were) deleted; null until the job ends


class ListedJob(msgspec.Struct):
    """A job in the operator's list, with the organisation that started it."""

    job: JobOut
    organisation_id: int
    organisation_name: str


#: The states a job goes through (`Job.status`), in that order.
STATUSES = ("queued", "running", "succeeded", "failed")
_LIST_NAME = "jobs"


def _list_cursor(row: dict[str, Any]) -> str:
    raw = msgspec.json.encode([_LIST_NAME, row["created_at"].isoformat(), str(row["id"])])
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _after(cursor: str) -> Any:
    """The rows after the cursor's in the list's order (newest first, then by id)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, at_text, id_text = msgspec.json.decode(raw, type=tuple[str, str, str])
        at, key = datetime.fromisoformat(at_text), uuid.UUID(id_text)
    except (binascii.Error, ValueError, msgspec.DecodeError, msgspec.ValidationError):
        raise InvalidRecord("cursor_invalid") from None
    if name != _LIST_NAME or at.tzinfo is None:
        raise InvalidRecord("cursor_invalid")
    return (Job.created_at < at) | ((Job.created_at == at) & (Job.id < key))


async def list_jobs(actor: Actor, status: str | None, request: PageRequest) -> Page:
    """The operator's list of background jobs, newest first, of one status or all; keyset pages
    on (created_at, id), so the thousandth page reads as few rows as the first."""
    scoping.require_kind(actor, OrgKind.OPERATOR)
    paging.check(request)
    if status is not None and status not in STATUSES:
        raise InvalidRecord("job_status_unknown", value=status)
    condition = scoping.jobs(actor)
    if status is not None:
        condition = scoping.combine(condition, Job.status == status)
    page_condition = condition
    if request.cursor is not None:
        page_condition = scoping.combine(condition, _after(request.cursor))
    query = (
        Job.select(*JOB_COLUMNS, Job.organisation.as_alias("organisation_id"), Job.organisation.name)
        .order_by(Job.created_at, Job.id, ascending=False)
        .limit(request.limit + 1)
    )
    if request.offset:
        query = query.offset(request.offset)
    if page_condition is not None:
        query = query.where(page_condition)
    rows = await query.output(load_json=True)
    more = len(rows) > request.limit
    rows = rows[: request.limit]
    total, estimated = await paging.count(Job, condition, exact=request.exact_total)
    items = [
        ListedJob(job=_out(r), organisation_id=r["organisation_id"], organisation_name=r["organisation.name"] or "")
        for r in rows
    ]
    for item in items:
        if item.organisation_id != actor.organisation_id:  # followed, but the file is not the operator's
            item.job.download_url = None
    next_cursor = _list_cursor(rows[-1]) if more and rows else None
    return Page(items, total, estimated, next_cursor, request.limit, request.offset)


def _retention() -> timedelta:
    return timedelta(days=get_settings().job_retention_days)


def _expires_at(row: dict[str, Any]) -> datetime | None:
    if row["purged_at"] is not None:
        return row["purged_at"]
    return row["finished_at"] + _retention() if row["finished_at"] is not None else None


def _out(row: dict[str, Any]) -> JobOut:
    result = row["result"]
    if isinstance(result, str):
        result = msgspec.json.decode(result)
    has_file = row["status"] == "succeeded" and row["result_size"] > 0 and row["purged_at"] is None
    return JobOut(
        id=str(row["id"]),
        kind=row["kind"],
        status=row["status"],
        progress={"done": row["progress_done"], "total": row["progress_total"]},
        error=row["error"],
        result=result or {},
        download_url=f"/api/v1/jobs/{row['id']}/result" if has_file else None,
        created_at=row["created_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        expires_at=_expires_at(row),
    )


async def create(actor: Actor, kind: str, params: dict[str, Any], total: int = 0) -> str:
    """Record the job; the caller dispatches it only after this transaction has committed.

    Not yet dispatched: if `ordi.jobs.dispatch` cannot send it, the dispatcher will, from `send_after`.
    """
    job_id = uuid.uuid4()
    at = now()
    async with write_transaction():
        await Job.insert(
            Job(
                id=job_id,
                kind=kind,
                organisation=actor.organisation_id,
                created_by=actor.user_id,
                params=params,
                progress_total=total,
                created_at=at,
                send_after=at + SEND_GRACE,
            )
        )
    return str(job_id)


async def get(actor: Actor, job_id: str) -> JobOut:
    row = await _row(actor, job_id, scoping.jobs(actor))
    out = _out(row)
    if row["organisation"] != actor.organisation_id:  # the operator follows it; its file is not theirs
        out.download_url = None
    return out


async def _row(actor: Actor, job_id: str, scope: Any) -> dict[str, Any]:
    try:
        key = uuid.UUID(job_id)
    except ValueError as exc:
        raise NotFound("job_not_found") from exc
    condition = scoping.combine(scope, Job.id == key)
    row = await Job.select(*JOB_COLUMNS).where(condition).output(load_json=True).first()
    if row is None:
        raise NotFound("job_not_found")
    return row


def _lease() -> timedelta:
    return timedelta(seconds=get_settings().job_lease_seconds)


def _attempt_of(job_id: str, attempt: int | None) -> Any:
    """The row of this job, and when `attempt` is given, only while that attempt holds it."""
    condition: Any = Job.id == uuid.UUID(job_id)
    if attempt is not None:
        condition = condition & (Job.status == "running") & (Job.attempts == attempt)
    return condition


async def claim(job_id: str) -> dict[str, Any] | None:
    """Start an attempt: the job, if it waits or if its last attempt's lease ran out; else None.

    One conditional UPDATE takes it, so of two deliveries (a duplicate message, a redelivery by the
    broker after a worker died, the dispatcher's resend) one runs and the other does nothing. A job
    that has ended, or whose input was purged, is never run again. `attempt` is this run's number,
    1 for the first; the lease is renewed by the runner while the attempt lasts.
    """
    at = now()
    free = (Job.status == "queued") | (
        (Job.status == "running") & (Job.lease_until < at) & (Job.attempts < MAX_ATTEMPTS)
    )
    taken = (
        await Job.update(
            {
                Job.status: "running",
                Job.started_at: at,
                Job.attempts: Job.attempts + 1,
                Job.error: "",
                Job.lease_until: at + _lease(),
            }
        )
        .where((Job.id == uuid.UUID(job_id)) & Job.purged_at.is_null() & free)
        .returning(Job.attempts)
    )
    if not taken:
        return None
    row = (
        await Job.select(Job.id, Job.kind, Job.params, Job.created_by, Job.organisation)
        .where(Job.id == uuid.UUID(job_id))
        .output(load_json=True)
        .first()
    )
    if row is None:  # deleted meanwhile
        return None
    row["attempt"] = int(taken[0]["attempts"])
    return row


async def renew_lease(job_id: str, attempt: int) -> bool:
    """Extend the lease of this attempt; False once another attempt holds the job or it ended."""
    renewed = (
        await Job.update({Job.lease_until: now() + _lease()}).where(_attempt_of(job_id, attempt)).returning(Job.id)
    )
    return bool(renewed)


async def report(job_id: str, done: int, total: int, attempt: int | None = None) -> None:
    await Job.update({Job.progress_done: done, Job.progress_total: total}).where(_attempt_of(job_id, attempt))


async def succeed(job_id: str, result: dict[str, Any], attempt: int | None = None) -> bool:
    """The job has ended: its input (an uploaded spreadsheet) is no longer needed.

    With `attempt`, only while that attempt holds the job; False if it had lost it.
    """
    ended = (
        await Job.update(
            {
                Job.status: "succeeded",
                Job.result: result,
                Job.finished_at: now(),
                Job.progress_done: Job.progress_total,
                Job.params: {},
                Job.lease_until: None,
            }
        )
        .where(_attempt_of(job_id, attempt))
        .returning(Job.id)
    )
    return bool(ended)


def retry_delay(attempt: int) -> timedelta:
    return timedelta(seconds=min(RETRY_BACKOFF_MAX_S, RETRY_BACKOFF_S * 2 ** max(attempt - 1, 0)))


async def fail(job_id: str, error: BaseException, final: bool = True, attempt: int | None = None) -> bool:
    """Say why in words a person can act on; details beyond that stay in the worker's log.

    A final failure ends the job and drops its input; otherwise the job waits, with its input, in
    the outbox: the dispatcher sends it again after `retry_delay`. With `attempt`, only while that
    attempt holds the job; False if it had lost it.
    """
    lang = "fr"  # job records are read by French users; the API's answers follow Accept-Language
    if isinstance(error, DomainError):
        text = message(error.key, lang, **error.params)
        errors = getattr(error, "errors", None)
        result = {"errors": translated_errors(errors, lang)} if errors else {}
    else:
        text = message("internal_error", lang) + f" ({type(error).__name__})"
        result = {}
    at = now()
    ended: dict[Any, Any] = {Job.status: "failed", Job.finished_at: at, Job.params: {}}
    retried: dict[Any, Any] = {
        Job.status: "queued",
        Job.finished_at: None,
        Job.dispatched_at: None,
        Job.send_after: at + retry_delay(attempt or 1),
    }
    changed = (
        await Job.update({Job.error: text, Job.result: result, Job.lease_until: None, **(ended if final else retried)})
        .where(_attempt_of(job_id, attempt))
        .returning(Job.id)
    )
    return bool(changed)


async def mark_dispatched(job_ids: list[str]) -> None:
    """These waiting jobs were handed to the broker (the dispatcher will not send them again)."""
    if job_ids:
        keys = [uuid.UUID(j) for j in job_ids]
        await Job.update({Job.dispatched_at: now()}).where(
            Job.id.is_in(keys) & (Job.status == "queued") & Job.dispatched_at.is_null()
        )


async def store_file(job_id: str, chunks: Iterable[bytes], content_type: str, filename: str) -> int:
    """Replace the job's file (a retried job writes it anew) in one transaction."""
    key = uuid.UUID(job_id)
    size = 0
    async with write_transaction():
        # Two attempts of one job (one of them stale) write one after the other, never mixed.
        await for_update(Job.select(Job.id).where(Job.id == key)).first()
        await JobFileChunk.delete().where(JobFileChunk.job == key)
        for seq, chunk in enumerate(chunks):
            await JobFileChunk.insert(JobFileChunk(job=key, seq=seq, data=chunk))
            size += len(chunk)
        await Job.update(
            {Job.result_content_type: content_type, Job.result_filename: filename, Job.result_size: size}
        ).where(Job.id == key)
    return size


def read_chunks(path: str) -> Iterable[bytes]:
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_SIZE):
            yield chunk


async def result_file(actor: Actor, job_id: str) -> tuple[dict[str, Any], AsyncIterator[bytes]]:
    row = await _row(actor, job_id, scoping.job_files(actor))
    if row["purged_at"] is not None:
        # 404 (the file is no more) with its own code and words, not the "unknown job" ones.
        raise NotFound("job_expired", days=get_settings().job_retention_days)
    if row["status"] != "succeeded" or row["result_size"] == 0:
        raise Conflict("job_not_finished", status=row["status"])

    async def stream() -> AsyncIterator[bytes]:
        seq = 0
        while True:
            chunk = (
                await JobFileChunk.select(JobFileChunk.data)
                .where((JobFileChunk.job == row["id"]) & (JobFileChunk.seq == seq))
                .first()
            )
            if chunk is None:
                return
            yield bytes(chunk["data"])
            seq += 1

    return row, stream()


async def purge_expired(batch_size: int = 100) -> int:
    """Delete the files and inputs of jobs ended more than the retention ago; return how many jobs.

    A job that never ended (its worker lost) counts from its creation and is marked failed. Each
    batch is one short transaction over at most `batch_size` jobs, oldest first, read through the
    partial index of jobs not yet purged: the table is never loaded whole.
    """
    days = get_settings().job_retention_days
    cutoff = now() - _retention()
    due = Job.purged_at.is_null() & (Job.created_at < cutoff) & (Job.finished_at.is_null() | (Job.finished_at < cutoff))
    purged = 0
    while True:
        async with write_transaction():
            rows = await Job.select(Job.id, Job.finished_at).where(due).order_by(Job.created_at).limit(batch_size)
            ids = [r["id"] for r in rows]
            if ids:
                at = now()
                await JobFileChunk.delete().where(JobFileChunk.job.is_in(ids))
                await Job.update({Job.params: {}, Job.purged_at: at}).where(Job.id.is_in(ids))
                # A failure's details may quote the uploaded cells: they go with the upload.
                await Job.update({Job.result: {}}).where(Job.id.is_in(ids) & (Job.status == "failed"))
                lost = [r["id"] for r in rows if r["finished_at"] is None]
                if lost:
                    await Job.update(
                        {Job.status: "failed", Job.error: message("job_expired", "fr", days=days), Job.finished_at: at}
                    ).where(Job.id.is_in(lost))
        purged += len(ids)
        if len(ids) < batch_size:
            return purged
