"""Password-reset links: a random token given once, of which only the SHA-256 is stored."""

from __future__ import annotations

from piccolo.columns import ForeignKey, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from ordi.organisations.tables import User


class PasswordReset(Table, tablename="password_reset"):
    """One link: valid until `expires_at`, used at most once (`used_at`), purged once expired."""

    id: Serial  # the implicit primary key, named for type checkers only
    user = ForeignKey(User, index=True)  # a link goes with its person (cascade)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
    # "handed": made by the operator or a manager, who gives the link; "email": asked for by the person.
    channel = Varchar(length=10, default="email")
