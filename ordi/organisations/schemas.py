"""Organisations and people, as clients see them."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec

Kind = Literal["donor", "refurbisher", "association", "committee", "operator"]
DonorSubkind = Literal["atelier_canope", "member_firm", "public_body", "other"]


class OrganisationIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=2, max_length=200)]
    kind: Kind
    postcode: Annotated[str, msgspec.Meta(pattern=r"^\d{5}$")]
    subkind: DonorSubkind | None = None
    siret: str | None = None
    address: Annotated[str, msgspec.Meta(max_length=300)] = ""
    city: Annotated[str, msgspec.Meta(max_length=100)] = ""
    latitude: Annotated[float, msgspec.Meta(ge=-90, le=90)] | None = None
    longitude: Annotated[float, msgspec.Meta(ge=-180, le=180)] | None = None
    label_number: Annotated[str, msgspec.Meta(max_length=40)] | None = None
    label_valid_from: date | None = None
    label_valid_until: date | None = None


class LabelIn(msgspec.Struct, forbid_unknown_fields=True):
    label_number: Annotated[str, msgspec.Meta(max_length=40)] | None
    label_valid_from: date | None
    label_valid_until: date | None


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
    email: Annotated[str, msgspec.Meta(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]
    password: Annotated[str, msgspec.Meta(max_length=200)]
    full_name: Annotated[str, msgspec.Meta(max_length=200)] = ""
    role: Literal["manager", "member"] = "member"


class UserOut(msgspec.Struct):
    id: int
    organisation_id: int
    email: str
    full_name: str
    role: str
    active: bool
