"""Organisations, their people, and the scanning stations' API keys."""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Organisation(Table, tablename="organisation"):
    id: Serial  # the implicit primary key, named for type checkers only
    name = Varchar(length=200)
    kind = Varchar(length=20, index=True)  # OrgKind
    subkind = Varchar(length=30, null=True, default=None)  # donors: atelier_canope, member_firm, public_body, other
    siret = Varchar(length=14, null=True, default=None, unique=True)
    address = Varchar(length=300, default="")
    postcode = Varchar(length=5, default="")
    city = Varchar(length=100, default="")
    departement = Varchar(length=3, default="", index=True)
    region = Varchar(length=2, default="", index=True)
    latitude = DoublePrecision(null=True, default=None)
    longitude = DoublePrecision(null=True, default=None)
    label_number = Varchar(length=40, null=True, default=None)
    label_valid_from = Date(null=True, default=None)
    label_valid_until = Date(null=True, default=None)
    # A deactivated organisation's people cannot log in, and their tokens end (ordi.auth.service).
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class User(Table, tablename="app_user"):
    id: Serial  # the implicit primary key, named for type checkers only
    # A person leaves only by an explicit deletion, never as a side effect of their organisation's.
    organisation = ForeignKey(Organisation, index=True, on_delete=OnDelete.restrict)
    email = Varchar(length=254, unique=True)
    full_name = Varchar(length=200, default="")
    role = Varchar(length=20, default="member")  # "manager" manages people and keys of its organisation
    password_hash = Varchar(length=200)
    active = Boolean(default=True)
    # Carried in every token and compared on each request: raising it ends every session of the
    # person at once, on every API process (deactivation, logout-all, a new password, a new role).
    token_version = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())


class ApiKey(Table, tablename="api_key"):
    """A revocable credential for a scanning station; only its SHA-256 is stored."""

    id: Serial  # the implicit primary key, named for type checkers only
    organisation = ForeignKey(Organisation, index=True)
    user = ForeignKey(User, index=True)  # a credential goes with its person (cascade)
    name = Varchar(length=100)
    prefix = Varchar(length=16)
    key_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    revoked_at = Timestamptz(null=True, default=None)
