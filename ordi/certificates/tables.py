"""Wipe certificates, the yearly number counters, and the wiping tools' original reports.

A certificate row is written in the same transaction as the wipe event it proves and is never
updated: its `content` is the canonical content that was signed, `signature` the Ed25519 signature
of that content, `key_id` the key that signed it. Proof outlives nothing it names: every key
restricts deletes.
"""

from __future__ import annotations

from piccolo.columns import (
    JSONB,
    Bytea,
    ForeignKey,
    Integer,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from ordi.devices.tables import Device, DeviceEvent
from ordi.organisations.tables import Organisation


class CertificateCounter(Table, tablename="certificate_counter"):
    """The last number given in a year: one row per year, incremented under the row lock."""

    id: Serial  # the implicit primary key, named for type checkers only
    year = Integer(unique=True)
    last = Integer(default=0)


class WipeToolReport(Table, tablename="wipe_tool_report"):
    """A wiping tool's report as uploaded, byte for byte, with its SHA-256."""

    id: Serial  # the implicit primary key, named for type checkers only
    device = ForeignKey(Device, index=True, on_delete=OnDelete.restrict)
    workshop = ForeignKey(Organisation, index=True, on_delete=OnDelete.restrict)
    tool = Varchar(length=40)
    format = Varchar(length=40)
    sha256 = Varchar(length=64, index=True)
    size = Integer(default=0)
    content = Bytea()
    uploaded_at = Timestamptz(default=TimestamptzNow())


class WipeCertificate(Table, tablename="wipe_certificate"):
    id: Serial  # the implicit primary key, named for type checkers only
    number = Varchar(length=20, unique=True)
    device = ForeignKey(Device, index=True, on_delete=OnDelete.restrict)
    workshop = ForeignKey(Organisation, index=True, on_delete=OnDelete.restrict)
    wipe_event = ForeignKey(DeviceEvent, unique=True, on_delete=OnDelete.restrict)
    issued_at = Timestamptz(default=TimestamptzNow())
    content = JSONB(default="{}")
    signature = Varchar(length=100)
    key_id = Varchar(length=64)
    overall_result = Varchar(length=30)
    source_report_sha256 = Varchar(length=64, null=True, default=None)
    tool_report = ForeignKey(WipeToolReport, null=True, default=None, index=True, on_delete=OnDelete.restrict)
