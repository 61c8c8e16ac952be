"""What the notifications' API reads and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec

from ordi.http.openapi import PageOut
from ordi.notifications.kinds import OptionalKind


class NotificationOut(msgspec.Struct):
    id: int
    kind: str
    #: The kind's name in the caller's language.
    kind_label: str
    subject: str
    body: str
    #: What the text was made from (numbers, dates, a tag).
    params: dict[str, Any]
    created_at: datetime
    #: The e-mail: `pending` (not yet sent, or no mail server configured), `sending`, `sent`, `failed`.
    email_status: str
    email_sent_at: datetime | None


class NotificationPage(PageOut, kw_only=True):
    items: list[NotificationOut]


class PreferenceOut(msgspec.Struct):
    kind: str
    label: str
    enabled: bool


class PreferencesOut(msgspec.Struct):
    preferences: list[PreferenceOut]


class PreferenceIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: OptionalKind
    enabled: bool


class PreferencesIn(msgspec.Struct, forbid_unknown_fields=True):
    preferences: Annotated[list[PreferenceIn], msgspec.Meta(min_length=1, max_length=20)]
