"""What a worker process loads (`dramatiq workers.process`): the application wired, its actors,
and the jobs' sweeper (sends what was not sent, takes back the jobs of workers that died)."""

from __future__ import annotations

from ordi.certificates.service import check_signing_key
from ordi.config import get_settings
from ordi.wiring import wire
from workers import actors  # noqa: F401 - declares the actors on the configured broker
from workers.broker import broker
from workers.sweeper import JobSweeper

get_settings().check()
check_signing_key()
wire()
broker.add_middleware(JobSweeper())
