"""What the warranty contacts' and the rights' API reads and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec

from ordi.http.openapi import PageOut

FullName = Annotated[str, msgspec.Meta(min_length=1, max_length=200, examples=["Camille Martin"])]
Tag = Annotated[str, msgspec.Meta(min_length=1, max_length=40, examples=["7K3M9Q2XTA"])]


class WarrantyContactOut(msgspec.Struct):
    asset_tag: str
    full_name: str
    phone: str
    recorded_at: datetime
    #: When the contact is purged at the latest: its recording plus the retention in force.
    purge_on: datetime


class SubjectIn(msgspec.Struct, forbid_unknown_fields=True):
    """The person who asks, as they identify themselves: their name and the device's tag."""

    full_name: FullName
    asset_tag: Tag


class RectificationIn(msgspec.Struct, forbid_unknown_fields=True):
    full_name: FullName
    asset_tag: Tag
    new_full_name: FullName | None = None
    new_phone: Annotated[str, msgspec.Meta(max_length=30)] | None = None


class ErasureIn(msgspec.Struct, forbid_unknown_fields=True):
    full_name: FullName
    asset_tag: Tag
    #: True: the person objects to the processing (the contact is erased just the same).
    objection: bool = False


class ContactHeld(msgspec.Struct):
    asset_tag: str
    full_name: str
    phone: str
    association: str
    recorded_at: datetime
    purge_on: datetime
    #: The hand-over's pseudonymous record of the same device (category, age band, département).
    beneficiary: dict[str, Any]
    #: Who read the contact, and when (the recipients of the data).
    reads: list[dict[str, Any]]


class AccessOut(msgspec.Struct):
    """Everything held about the person (an empty list: nothing)."""

    contacts: list[ContactHeld]


class ErasureOut(msgspec.Struct):
    erased: int


class LogEntryOut(msgspec.Struct):
    id: int
    at: datetime
    action: str
    reason: str
    actor_user_id: int | None
    actor_organisation_id: int | None
    asset_tag: str | None
    records: int


class LogPage(PageOut, kw_only=True):
    items: list[LogEntryOut]
