"""Organisations, their people, and the public geolocated directory."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post, put
from litestar.openapi.spec import Example
from litestar.params import Body, Parameter

from ordi.domain.lifecycle import Actor
from ordi.http.openapi import documented
from ordi.http.params import Id, page
from ordi.organisations import service
from ordi.organisations.schemas import (
    DirectoryKind,
    DirectoryPage,
    Kind,
    LabelIn,
    OrganisationIn,
    OrganisationOut,
    OrganisationPage,
    UserIn,
    UserOut,
    UserPage,
)
from ordi.paging import PageRequest

_ORGANISATION_EXAMPLE = Example(
    summary="Un atelier labellisé",
    value={
        "name": "Atelier du réemploi de Caen",
        "kind": "refurbisher",
        "postcode": "14000",
        "siret": "77567227200018",
        "city": "Caen",
        "label_number": "O2-2026-014",
        "label_valid_from": "2026-01-01",
        "label_valid_until": "2027-12-31",
    },
)


class OrganisationController(Controller):
    path = "/api/v1/organisations"
    tags = ["organisations"]

    @post("/", summary="Créer une organisation (opérateur)", **documented(403, 409, 422))
    async def create(
        self, actor: Actor, data: Annotated[OrganisationIn, Body(examples=[_ORGANISATION_EXAMPLE])]
    ) -> OrganisationOut:
        return await service.create_organisation(actor, data)

    @get("/", summary="Lister les organisations (opérateur)", **documented(403, 422))
    async def list_all(self, actor: Actor, paging: PageRequest, kind: Kind | None = None) -> OrganisationPage:
        return OrganisationPage(**(await service.list_organisations(actor, kind, paging)).to_dict())

    @get("/{organisation_id:int}", summary="Une organisation", **documented(403, 404))
    async def get_one(self, actor: Actor, organisation_id: Id) -> OrganisationOut:
        return await service.get_organisation(actor, organisation_id)

    @put(
        "/{organisation_id:int}/label",
        summary="Attribuer ou retirer le label (opérateur)",
        **documented(403, 404, 422),
    )
    async def set_label(self, actor: Actor, organisation_id: Id, data: LabelIn) -> OrganisationOut:
        return await service.set_label(actor, organisation_id, data)

    @post("/{organisation_id:int}/users", summary="Ajouter une personne", **documented(403, 404, 409, 422))
    async def create_user(self, actor: Actor, organisation_id: Id, data: UserIn) -> UserOut:
        return await service.create_user(actor, organisation_id, data)

    @get("/{organisation_id:int}/users", summary="Les personnes d'une organisation", **documented(404))
    async def list_users(self, actor: Actor, organisation_id: Id) -> UserPage:
        items = await service.list_users(actor, organisation_id)
        return UserPage(**page(items, len(items), len(items), 0))


@get(
    "/api/v1/directory",
    tags=["directory"],
    summary="Annuaire public des lieux labellisés",
    **documented(422, auth=False),
)
async def directory(
    paging: PageRequest,
    kind: DirectoryKind | None = None,
    region: Annotated[str | None, Parameter(max_length=3, description="Code INSEE de région (28 : Normandie)")] = None,
    departement: Annotated[str | None, Parameter(max_length=3, description="Département (76, 2A…)")] = None,
) -> DirectoryPage:
    return DirectoryPage(**(await service.directory(kind, region, departement, paging)).to_dict())
