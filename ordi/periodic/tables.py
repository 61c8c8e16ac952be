"""One row per periodic task: its lease, so that one process of many runs it each period."""

from __future__ import annotations

from piccolo.columns import Text, Timestamptz, Varchar
from piccolo.table import Table


class PeriodicRun(Table, tablename="periodic_run"):
    name = Varchar(length=60, primary_key=True)
    lease_until = Timestamptz(null=True, default=None)
    last_started_at = Timestamptz(null=True, default=None)
    last_finished_at = Timestamptz(null=True, default=None)
    last_result = Text(default="")
