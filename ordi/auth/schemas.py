"""Logging in, who am I, and the scanning stations' API keys, as clients send and read them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

from ordi.http.openapi import PageOut


class TokenRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Annotated[str, msgspec.Meta(max_length=254, examples=["atelier@demo.ordi2.fr"])]
    password: Annotated[str, msgspec.Meta(max_length=200, examples=["ordi-demo-2026"])]


Password = Annotated[str, msgspec.Meta(max_length=200, examples=["une phrase de passe assez longue"])]


class PasswordChange(msgspec.Struct, forbid_unknown_fields=True):
    current_password: Annotated[str, msgspec.Meta(max_length=200)]
    #: 12 characters at least, not a common password, not the e-mail address.
    new_password: Password


class PasswordResetRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Annotated[str, msgspec.Meta(max_length=254, examples=["atelier@demo.ordi2.fr"])]


class PasswordResetConfirm(msgspec.Struct, forbid_unknown_fields=True):
    #: The `jeton` of the link.
    token: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    new_password: Password


class TokenResponse(msgspec.Struct):
    access_token: str
    expires_in: int
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret


class ApiKeyCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100, examples=["Poste de scan 1"])] = "Poste de scan"


class ApiKeyOut(msgspec.Struct, forbid_unknown_fields=True):
    id: int
    name: str
    #: The first characters of the key, to recognise it in a list (the key itself is never shown again).
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    #: The key, shown once: give it to the station (`X-API-Key`).
    key: str


class ApiKeyPage(PageOut, kw_only=True):
    items: list[ApiKeyOut]


class MeUser(msgspec.Struct, forbid_unknown_fields=True):
    id: int
    email: str
    full_name: str
    role: str


class MeOrganisation(msgspec.Struct, forbid_unknown_fields=True):
    id: int
    name: str
    kind: str
    label_valid_until: date | None


class Me(msgspec.Struct, forbid_unknown_fields=True):
    user: MeUser | None
    organisation: MeOrganisation | None
