"""Imports every module that registers a job kind, so a worker knows them all."""

from __future__ import annotations


def register_all() -> None:
    import ordi.donations.jobs  # noqa: F401
