"""Imports every module that registers a job kind, so a worker knows them all."""

from __future__ import annotations


def register_all() -> None:
    import ordi.certificates.jobs
    import ordi.donations.jobs  # noqa: F401
    from ordi.printing import jobs as _printing_jobs  # noqa: F401
