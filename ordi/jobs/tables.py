"""Background jobs and their result files, kept in the database so every process can serve them.

Both are temporary: a job's input (an uploaded spreadsheet) is dropped when the job ends, and its
file when the retention (ORDI_JOB_RETENTION_DAYS) has passed; see `ordi.jobs.service.purge_expired`.

The row is the job's source of truth, not the broker's message: `dispatched_at` says whether it was
handed to the broker (null: the outbox still has to send it, from `send_after`), `lease_until` how
long the attempt that runs it may go without renewing its lease before it is taken back
(`ordi.jobs.outbox`), and `attempts` numbers the attempts (a stale attempt's writes are refused).
"""

from __future__ import annotations

from piccolo.columns import (
    JSONB,
    UUID,
    Bytea,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from ordi.organisations.tables import Organisation, User


class Job(Table, tablename="job"):
    id = UUID(primary_key=True)
    kind = Varchar(length=40)
    organisation = ForeignKey(Organisation, index=True)
    created_by = ForeignKey(User, null=True, default=None, index=True)
    status = Varchar(length=12, default="queued")  # queued, running, succeeded, failed
    progress_done = Integer(default=0)
    progress_total = Integer(default=0)
    params = JSONB(default="{}")
    result = JSONB(default="{}")
    error = Text(default="")
    attempts = Integer(default=0)
    result_content_type = Varchar(length=100, default="")
    result_filename = Varchar(length=200, default="")
    result_size = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)
    # When the retention purge removed the file and input; indexed with created_at WHERE NULL (raw SQL).
    purged_at = Timestamptz(null=True, default=None)
    # The outbox and the lease; unfinished jobs are indexed (status, created_at) WHERE queued or
    # running (raw SQL): the sweeper and /health read only those.
    dispatched_at = Timestamptz(null=True, default=None)
    send_after = Timestamptz(null=True, default=None)
    lease_until = Timestamptz(null=True, default=None)


class JobFileChunk(Table, tablename="job_file_chunk"):
    """A result file in 1 MiB pieces: written while rendering, streamed back on download."""

    id: Serial  # the implicit primary key, named for type checkers only
    job = ForeignKey(Job)  # indexed by the unique (job, seq) index
    seq = Integer()
    data = Bytea()
