"""Organisations (with SIRET, location and label), their people, and the public directory."""

from __future__ import annotations

from typing import Any

import msgspec

from ordi import paging, scoping
from ordi.auth import resets
from ordi.auth.passwords import check_password, hash_password_async
from ordi.auth.service import end_sessions
from ordi.clock import today
from ordi.db import for_update, write_transaction
from ordi.domain import geography, siret
from ordi.domain.errors import Conflict, Forbidden, InvalidRecord, NotFound
from ordi.domain.lifecycle import Actor, OrgKind
from ordi.organisations.schemas import (
    DirectoryEntry,
    LabelIn,
    OrganisationIn,
    OrganisationOut,
    OrganisationPatch,
    PasswordResetLink,
    UserIn,
    UserOut,
    UserPatch,
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
        active=bool(row["active"]),
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
        (Organisation.active == True)  # noqa: E712 - a Piccolo condition, not a comparison
        & Organisation.kind.is_in(list(LABELLED_KINDS))
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
    email = data.email.strip().lower()
    check_password(data.password, email)
    password_hash = await hash_password_async(data.password)  # argon2 takes a while: not under the write lock
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


_USER_COLUMNS = (User.id, User.organisation, User.email, User.full_name, User.role, User.active)


def user_out(row: dict[str, Any]) -> UserOut:
    return UserOut(
        id=row["id"],
        organisation_id=row["organisation"],
        email=row["email"],
        full_name=row["full_name"],
        role=row["role"],
        active=bool(row["active"]),
    )


async def list_users(actor: Actor, organisation_id: int, request: PageRequest) -> Page:
    if actor.kind is not OrgKind.OPERATOR and actor.organisation_id != organisation_id:
        raise NotFound("organisation_not_found")
    return await paging.keyset(
        User, _USER_COLUMNS, User.organisation == organisation_id, request, key=User.id, list_name="users", out=user_out
    )


async def get_user(actor: Actor, user_id: int) -> UserOut:
    row = await User.select(*_USER_COLUMNS).where(scoping.combine(scoping.people(actor), User.id == user_id)).first()
    if row is None:
        raise NotFound("user_not_found")
    return user_out(row)


def _may_manage(actor: Actor, row: dict[str, Any]) -> bool:
    """The operator manages everyone; a manager the people of their own organisation."""
    return actor.kind is OrgKind.OPERATOR or (actor.is_manager and row["organisation"] == actor.organisation_id)


async def update_user(actor: Actor, user_id: int, data: UserPatch) -> UserOut:
    """Edit a person; deactivating them or changing their role ends their sessions at once.

    A person may change their own name, never their own access (nobody locks themselves out).
    """
    scope = scoping.combine(scoping.people(actor), User.id == user_id)
    async with write_transaction():
        row = await for_update(User.select(*_USER_COLUMNS).where(scope)).first()
        if row is None:
            raise NotFound("user_not_found")
        changes_access = data.active is not msgspec.UNSET or data.role is not msgspec.UNSET
        myself = row["id"] == actor.user_id
        if not _may_manage(actor, row) and not (myself and not changes_access):
            raise Forbidden("manager_only")
        values: dict[Any, Any] = {}
        if data.full_name is not msgspec.UNSET:
            values[User.full_name] = data.full_name.strip()
        ends = False
        if data.active is not msgspec.UNSET and data.active != bool(row["active"]):
            values[User.active] = data.active
            ends = not data.active
        if data.role is not msgspec.UNSET and data.role != row["role"]:
            values[User.role] = data.role
            ends = True  # a token carries the role
        if myself and (User.active in values or User.role in values):
            raise Conflict("own_access_unchanged")
        if values:
            await User.update(values).where(User.id == user_id)
        if ends:
            await end_sessions(User.id == user_id)
        updated = await User.select(*_USER_COLUMNS).where(User.id == user_id).first()
    assert updated is not None  # locked above
    return user_out(updated)


async def hand_over_reset_link(actor: Actor, user_id: int) -> PasswordResetLink:
    """A one-time link to set a new password, for the operator or the manager to give (shown once)."""
    row = await User.select(*_USER_COLUMNS).where(scoping.combine(scoping.people(actor), User.id == user_id)).first()
    if row is None:
        raise NotFound("user_not_found")
    if not _may_manage(actor, row):
        raise Forbidden("manager_only")
    link = await resets.hand_over(user_id)
    return PasswordResetLink(url=link.url, expires_at=link.expires_at)


async def update_organisation(actor: Actor, organisation_id: int, data: OrganisationPatch) -> OrganisationOut:
    """The operator edits an organisation; deactivating it ends the sessions of all its people.

    Anyone else: their own organisation is 403, another one 404. The operator does not deactivate
    its own organisation (that would lock every operator out).
    """
    if actor.kind is not OrgKind.OPERATOR:
        if actor.organisation_id != organisation_id:
            raise NotFound("organisation_not_found")
        raise Forbidden("role_forbidden", kind=actor.kind.value)
    values: dict[Any, Any] = {}
    for name in ("name", "subkind", "address", "city", "latitude", "longitude"):
        value = getattr(data, name)
        if value is not msgspec.UNSET:
            values[Organisation._meta.get_column_by_name(name)] = value.strip() if isinstance(value, str) else value
    if data.siret is not msgspec.UNSET:
        try:
            values[Organisation.siret] = siret.normalise_siret(data.siret) if data.siret else None
        except ValueError as exc:
            raise InvalidRecord("siret_invalid", value=data.siret) from exc
    if data.postcode is not msgspec.UNSET:
        try:
            location = geography.locate(data.postcode)
        except ValueError as exc:
            raise InvalidRecord("postcode_invalid", value=data.postcode) from exc
        values[Organisation.postcode] = data.postcode
        values[Organisation.departement] = location.departement_code
        values[Organisation.region] = location.region_code
    async with write_transaction():
        org = await for_update(
            Organisation.select(Organisation.id, Organisation.kind, Organisation.active).where(
                Organisation.id == organisation_id
            )
        ).first()
        if org is None:
            raise NotFound("organisation_not_found")
        if values.get(Organisation.siret) and await Organisation.exists().where(
            (Organisation.siret == values[Organisation.siret]) & (Organisation.id != organisation_id)
        ):
            raise Conflict("siret_taken")
        ends = False
        if data.active is not msgspec.UNSET and data.active != bool(org["active"]):
            if organisation_id == actor.organisation_id:
                raise Conflict("own_access_unchanged")
            values[Organisation.active] = data.active
            ends = not data.active
        if values:
            await Organisation.update(values).where(Organisation.id == organisation_id)
        if ends:
            await end_sessions(User.organisation == organisation_id)
    return await get_organisation(actor, organisation_id)


#: The operator's organisation as `ordi create-admin` makes it when there is none yet.
OPERATOR_NAME = "Opérateur Ordi 2.0"


async def create_admin(email: str, password: str, full_name: str = "") -> tuple[int, bool]:
    """The first way into a new install (`ordi create-admin`): an operator manager, and the operator
    organisation if there is none. Returns the person's id and whether the organisation was made."""
    email = email.strip().lower()
    check_password(password, email)
    password_hash = await hash_password_async(password)
    async with write_transaction():
        if await User.exists().where(User.email == email):
            raise Conflict("email_taken")
        org = (
            await Organisation.select(Organisation.id)
            .where(Organisation.kind == OrgKind.OPERATOR.value)
            .order_by(Organisation.id)
            .first()
        )
        created = org is None
        if org is None:
            row = Organisation(name=OPERATOR_NAME, kind=OrgKind.OPERATOR.value)
            await row.save()
            org = {"id": row.id}
        user = User(
            organisation=org["id"], email=email, full_name=full_name, role="manager", password_hash=password_hash
        )
        await user.save()
    return user.id, created
