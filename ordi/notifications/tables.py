"""The notifications' outbox and each person's choices.

A notification is written in the transaction of the event that causes it (a pickup scheduled, a
request decided...), so it exists exactly when the event does. Its row is also the e-mail's outbox:
`email_status` (pending, sending, sent, failed), the attempt's lease (`email_lease_until`), and
`dispatched_at` (handed to the broker; null: the sweep still has to). `dedupe_key` names the event
(unique per recipient): the same event never notifies a person twice, and a burst of steps of one
donation on one day makes one notification, not hundreds.
"""

from __future__ import annotations

from piccolo.columns import Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from ordi.organisations.tables import User


class Notification(Table, tablename="notification"):
    id: Serial  # the implicit primary key, named for type checkers only
    # A person's notifications go with the person; indexed (recipient, id) for their list (raw SQL).
    recipient = ForeignKey(User, index=False, on_delete=OnDelete.cascade)
    kind = Varchar(length=40)
    # What the text needs (numbers, dates, a tag): never a third person's data. A reset link is
    # emptied once sent (see `ordi.notifications.kinds.SECRET`).
    params = Text(default="{}")
    dedupe_key = Varchar(length=120)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)  # the retention purge reads it
    email_status = Varchar(length=10, default="pending")  # pending, sending, sent, failed
    email_attempts = Integer(default=0)
    email_lease_until = Timestamptz(null=True, default=None)
    email_send_after = Timestamptz(null=True, default=None)
    email_sent_at = Timestamptz(null=True, default=None)
    email_error = Text(default="")
    dispatched_at = Timestamptz(null=True, default=None)


class NotificationPreference(Table, tablename="notification_preference"):
    """A person's choice for one kind; no row: they receive it (unique (person, kind), raw SQL)."""

    id: Serial  # the implicit primary key, named for type checkers only
    person = ForeignKey(User, index=False, on_delete=OnDelete.cascade)
    kind = Varchar(length=40)
    enabled = Boolean(default=True)
