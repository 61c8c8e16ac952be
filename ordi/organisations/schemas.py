"""Organisations and people, as clients see them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from ordi.http.openapi import PageOut

Kind = Literal["donor", "refurbisher", "association", "committee", "operator"]
DirectoryKind = Literal["refurbisher", "association"]
DonorSubkind = Literal["atelier_canope", "member_firm", "public_body", "other"]
LabelNumber = Annotated[str, msgspec.Meta(max_length=40)]
#: No space nor control character, one @, a dot after it. Spelled out so that Python's `re` (the
#: server) and ECMA-262 (the document's readers) agree: their `\s` differ on \x1c-\x1f, \x85, \ufeff.
_NOT_IN_ADDRESS = r"@\s\x00-\x20\x7f-\x9f\ufeff"
EMAIL_PATTERN = rf"^[^{_NOT_IN_ADDRESS}]+@[^{_NOT_IN_ADDRESS}]+\.[^{_NOT_IN_ADDRESS}]+$"


class OrganisationIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=2, max_length=200)]
    kind: Kind
    postcode: Annotated[str, msgspec.Meta(pattern=r"^\d{5}$")]
    subkind: DonorSubkind | None = None
    siret: Annotated[str, msgspec.Meta(max_length=20, examples=["77567227200018"])] | None = None
    address: Annotated[str, msgspec.Meta(max_length=300)] = ""
    city: Annotated[str, msgspec.Meta(max_length=100)] = ""
    latitude: Annotated[float, msgspec.Meta(ge=-90, le=90)] | None = None
    longitude: Annotated[float, msgspec.Meta(ge=-180, le=180)] | None = None
    label_number: LabelNumber | None = None
    label_valid_from: date | None = None
    label_valid_until: date | None = None


class LabelIn(msgspec.Struct, forbid_unknown_fields=True):
    label_number: LabelNumber | None
    label_valid_from: date | None
    label_valid_until: date | None


class OrganisationPatch(msgspec.Struct, forbid_unknown_fields=True):
    """The fields to change (the others stay as they are); the label has its own call."""

    active: bool | msgspec.UnsetType = msgspec.UNSET
    name: Annotated[str, msgspec.Meta(min_length=2, max_length=200)] | msgspec.UnsetType = msgspec.UNSET
    subkind: DonorSubkind | msgspec.UnsetType | None = msgspec.UNSET
    siret: Annotated[str, msgspec.Meta(max_length=20)] | msgspec.UnsetType | None = msgspec.UNSET
    address: Annotated[str, msgspec.Meta(max_length=300)] | msgspec.UnsetType = msgspec.UNSET
    postcode: Annotated[str, msgspec.Meta(pattern=r"^\d{5}$")] | msgspec.UnsetType = msgspec.UNSET
    city: Annotated[str, msgspec.Meta(max_length=100)] | msgspec.UnsetType = msgspec.UNSET
    latitude: Annotated[float, msgspec.Meta(ge=-90, le=90)] | msgspec.UnsetType | None = msgspec.UNSET
    longitude: Annotated[float, msgspec.Meta(ge=-180, le=180)] | msgspec.UnsetType | None = msgspec.UNSET


class OrganisationOut(msgspec.Struct):
    id: int
    name: str
    kind: str
    subkind: str | None
    siret: str | None
    address: str
    postcode: str
    city: str
    departement: str
    region: str
    region_name: str
    latitude: float | None
    longitude: float | None
    label_number: str | None
    label_valid_from: date | None
    label_valid_until: date | None
    #: False once deactivated: its people cannot log in, their sessions ended.
    active: bool = True


class DirectoryEntry(msgspec.Struct):
    id: int
    name: str
    kind: str
    city: str
    postcode: str
    departement: str
    region: str
    region_name: str
    latitude: float | None
    longitude: float | None
    label_number: str | None
    label_valid_until: date | None


class UserIn(msgspec.Struct, forbid_unknown_fields=True):
    email: Annotated[str, msgspec.Meta(pattern=EMAIL_PATTERN, max_length=254, examples=["technicien@atelier.fr"])]
    password: Annotated[str, msgspec.Meta(max_length=200)]
    full_name: Annotated[str, msgspec.Meta(max_length=200)] = ""
    role: Literal["manager", "member"] = "member"


class UserPatch(msgspec.Struct, forbid_unknown_fields=True):
    """The fields to change. Deactivating a person, or changing their role, ends their sessions."""

    active: bool | msgspec.UnsetType = msgspec.UNSET
    role: Literal["manager", "member"] | msgspec.UnsetType = msgspec.UNSET
    full_name: Annotated[str, msgspec.Meta(max_length=200)] | msgspec.UnsetType = msgspec.UNSET


class PasswordResetLink(msgspec.Struct):
    """Shown once: give the link to the person (it works once, until `expires_at`)."""

    url: str
    expires_at: datetime


class UserOut(msgspec.Struct):
    id: int
    organisation_id: int
    email: str
    full_name: str
    role: str
    active: bool


class OrganisationPage(PageOut, kw_only=True):
    items: list[OrganisationOut]


class DirectoryPage(PageOut, kw_only=True):
    items: list[DirectoryEntry]


class UserPage(PageOut, kw_only=True):
    items: list[UserOut]
