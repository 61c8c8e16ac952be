"""The kinds of notification, who may turn each off, and which are never listed nor kept."""

from __future__ import annotations

from typing import Literal, get_args

#: The kinds a person may turn off (`PUT /api/v1/notifications/preferences`).
OptionalKind = Literal[
    "pickup_scheduled",
    "request_approved",
    "request_rejected",
    "request_allocated",
    "shipment_sent",
    "certificate_issued",
    "label_expiring",
]
OPTIONAL: tuple[str, ...] = get_args(OptionalKind)
#: Sent whatever the preferences (an account's security); not listed in the API, and their
#: parameters (a one-time link) are emptied once the e-mail is sent.
REQUIRED: tuple[str, ...] = ("password_reset",)
SECRET = frozenset(REQUIRED)
KINDS: tuple[str, ...] = (*OPTIONAL, *REQUIRED)
LISTED: tuple[str, ...] = OPTIONAL
