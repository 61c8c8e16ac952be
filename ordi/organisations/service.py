"""Organisations (with SIRET, location and label), their people, and the public directory."""

from __future__ import annotations

from typing import Any

from ordi import paging
from ordi.auth.passwords import hash_password
from ordi.clock import today
from ordi.db import write_transaction
from ordi.domain import geography, siret
from ordi.domain.errors import Conflict, Forbidden, InvalidRecord, NotFound
from ordi.domain.lifecycle import Actor, OrgKind
from ordi.organisations.schemas import (
    DirectoryEntry,
    LabelIn,
    OrganisationIn,
    OrganisationOut,
    UserIn,
    UserOut,
)
from ordi.organisations.tables import Organisation, User
from ordi.paging import Page, PageRequest
from ordi.scoping import require_kind

LABELLED_KINDS = (OrgKind.REFURBISHER.value, OrgKind.ASSOCIATION.value)


def region_name_of(code: str) -> str:
    try:
        return geography.region_name(code)
    except (KeyError, ValueError):
        return ""


def organisation_out(row: dict[str, Any]) -> OrganisationOut:
    return OrganisationOut(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        subkind=row["subkind"],
        siret=row["siret"],
        address=row["address"],
        postcode=row["postcode"],
        city=row["city"],
        departement=row["departement"],
        region=row["region"],
        region_name=region_name_of(row["region"]),
        latitude=row["latitude"],
        longitude=row["longitude"],
        label_number=row["label_number"],
        label_valid_from=row["label_valid_from"],
        label_valid_until=row["label_valid_until"],
    )


def validated(data: OrganisationIn) -> dict[Any, Any]:
    """Check SIRET and postcode, derive département and région: the agreements' directory."""
    values: dict[Any, Any] = {
        Organisation.name: data.name.strip(),
        Organisation.kind: data.kind,
        Organisation.subkind: data.subkind,
        Organisation.address: data.address,
        Organisation.postcode: data.postcode,
        Organisation.city: data.city,
        Organisation.latitude: data.latitude,
        Organisation.longitude: data.longitude,
        Organisation.label_number: data.label_number,
        Organisation.label_valid_from: data.label_valid_from,
        Organisation.label_valid_until: data.label_valid_until,
    }
    if data.siret:
        try:
            values[Organisation.siret] = siret.normalise_siret(data.siret)
        except ValueError as exc:
            raise InvalidRecord("siret_invalid", value=data.siret) from exc
    try:
        location = geography.locate(data.postcode)
    except ValueError as exc:
        raise InvalidRecord("postcode_invalid", value=data.postcode) from exc
    values[Organisation.departement] = location.departement_code
    values[Organisation.region] = location.region_code
    if data.kind not in LABELLED_KINDS and data.label_number:
        raise InvalidRecord("role_kind_mismatch", kind=data.kind)
    return values


async def create_organisation(actor: Actor, data: OrganisationIn) -> OrganisationOut:
    require_kind(actor, OrgKind.OPERATOR)
    values = validated(data)
    async with write_transaction():
        if Organisation.siret in values and await Organisation.exists().where(
            Organisation.siret == values[Organisation.siret]
        ):
            raise Conflict("siret_taken")
        row = Organisation(**{column._meta.name: value for column, value in values.items()})
        await row.save()
    return await get_organisation(actor, row.id)


async def get_organisation(actor: Actor, organisation_id: int) -> OrganisationOut:
    if actor.kind is not OrgKind.OPERATOR and actor.organisation_id != organisation_id:
        raise NotFound("organisation_not_found")
    row = await Organisation.select().where(Organisation.id == organisation_id).first()
    if row is None:
        raise NotFound("organisation_not_found")
    return organisation_out(row)


async def list_organisations(actor: Actor, kind: str | None, request: PageRequest) -> Page:
    require_kind(actor, OrgKind.OPERATOR)
    return await paging.keyset(
        Organisation,
        Organisation.all_columns(),
        Organisation.kind == kind if kind else None,
        request,
        key=Organisation.id,
        list_name="organisations",
        out=organisation_out,
    )


async def set_label(actor: Actor, organisation_id: int, data: LabelIn) -> OrganisationOut:
    require_kind(actor, OrgKind.OPERATOR)
    async with write_transaction():
        org = await Organisation.select(Organisation.kind).where(Organisation.id == organisation_id).first()
        if org is None:
            raise NotFound("organisation_not_found")
        if org["kind"] not in LABELLED_KINDS:
            raise InvalidRecord("role_kind_mismatch", kind=org["kind"])
        await Organisation.update(
            {
                Organisation.label_number: data.label_number,
                Organisation.label_valid_from: data.label_valid_from,
                Organisation.label_valid_until: data.label_valid_until,
            }
        ).where(Organisation.id == organisation_id)
    return await get_organisation(actor, organisation_id)


async def directory(kind: str | None, region: str | None, departement: str | None, request: PageRequest) -> Page:
    """Public: labelled workshops and associations whose label is valid today, with their location."""

    async def fetch(limit: int, offset: int) -> tuple[list[DirectoryEntry], int]:
        return await _directory(kind, region, departement, limit, offset)

    return await paging.by_offset(request, "directory", fetch)


async def _directory(
    kind: str | None, region: str | None, departement: str | None, limit: int, offset: int
) -> tuple[list[DirectoryEntry], int]:
    """Public: labelled workshops and associations whose label is valid today, with their location."""
    day = today()
    condition = (
        Organisation.kind.is_in(list(LABELLED_KINDS))
        & (Organisation.label_valid_until >= day)
        & ((Organisation.label_valid_from.is_null()) | (Organisation.label_valid_from <= day))
    )
    if kind:
        condition &= Organisation.kind == kind
    if region:
        condition &= Organisation.region == region
    if departement:
        condition &= Organisation.departement == departement.upper().zfill(2)
    rows = await (
        Organisation.select(
            Organisation.id,
            Organisation.name,
            Organisation.kind,
            Organisation.city,
            Organisation.postcode,
            Organisation.departement,
            Organisation.region,
            Organisation.latitude,
            Organisation.longitude,
            Organisation.label_number,
            Organisation.label_valid_until,
        )
        .where(condition)
        .order_by(Organisation.region)
        .order_by(Organisation.name)
        .limit(limit)
        .offset(offset)
    )
    entries = [DirectoryEntry(**r, region_name=region_name_of(r["region"])) for r in rows]
    return entries, await Organisation.count().where(condition)


async def create_user(actor: Actor, organisation_id: int, data: UserIn) -> UserOut:
    """The operator adds people anywhere; an organisation's manager adds them to its own."""
    own = actor.organisation_id == organisation_id and actor.is_manager
    if actor.kind is not OrgKind.OPERATOR and not own:
        raise Forbidden("manager_only")
    if len(data.password) < 12:
        raise InvalidRecord("password_too_short")
    email = data.email.strip().lower()
    password_hash = hash_password(data.password)  # argon2 takes a while: not under the write lock
    async with write_transaction():
        if not await Organisation.exists().where(Organisation.id == organisation_id):
            raise NotFound("organisation_not_found")
        if await User.exists().where(User.email == email):
            raise Conflict("email_taken")
        user = User(
            organisation=organisation_id,
            email=email,
            full_name=data.full_name,
            role=data.role,
            password_hash=password_hash,
        )
        await user.save()
    return UserOut(
        id=user.id, organisation_id=organisation_id, email=email, full_name=data.full_name, role=data.role, active=True
    )


async def list_users(actor: Actor, organisation_id: int) -> list[UserOut]:
    if actor.kind is not OrgKind.OPERATOR and actor.organisation_id != organisation_id:
        raise NotFound("organisation_not_found")
    rows = (
        await User.select(User.id, User.organisation, User.email, User.full_name, User.role, User.active)
        .where(User.organisation == organisation_id)
        .order_by(User.id)
    )
    return [
        UserOut(
            id=r["id"],
            organisation_id=r["organisation"],
            email=r["email"],
            full_name=r["full_name"],
            role=r["role"],
            active=r["active"],
        )
        for r in rows
    ]
