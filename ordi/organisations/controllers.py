"""Organisations, their people, and the public geolocated directory."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post, put

from ordi.domain.lifecycle import Actor
from ordi.http.params import page
from ordi.organisations import service
from ordi.organisations.schemas import LabelIn, OrganisationIn, OrganisationOut, UserIn, UserOut
from ordi.paging import PageRequest


class OrganisationController(Controller):
    path = "/api/v1/organisations"
    tags = ["organisations"]

    @post("/", summary="Créer une organisation (opérateur)")
    async def create(self, actor: Actor, data: OrganisationIn) -> OrganisationOut:
        return await service.create_organisation(actor, data)

    @get("/", summary="Lister les organisations (opérateur)")
    async def list_all(self, actor: Actor, paging: PageRequest, kind: str | None = None) -> dict[str, Any]:
        return (await service.list_organisations(actor, kind, paging)).to_dict()

    @get("/{organisation_id:int}", summary="Une organisation")
    async def get_one(self, actor: Actor, organisation_id: int) -> OrganisationOut:
        return await service.get_organisation(actor, organisation_id)

    @put("/{organisation_id:int}/label", summary="Attribuer ou retirer le label (opérateur)")
    async def set_label(self, actor: Actor, organisation_id: int, data: LabelIn) -> OrganisationOut:
        return await service.set_label(actor, organisation_id, data)

    @post("/{organisation_id:int}/users", summary="Ajouter une personne")
    async def create_user(self, actor: Actor, organisation_id: int, data: UserIn) -> UserOut:
        return await service.create_user(actor, organisation_id, data)

    @get("/{organisation_id:int}/users", summary="Les personnes d'une organisation")
    async def list_users(self, actor: Actor, organisation_id: int) -> dict[str, Any]:
        items = await service.list_users(actor, organisation_id)
        return page(items, len(items), len(items), 0)


@get("/api/v1/directory", tags=["directory"], summary="Annuaire public des lieux labellisés")
async def directory(
    paging: PageRequest,
    kind: str | None = None,
    region: str | None = None,
    departement: str | None = None,
) -> dict[str, Any]:
    return (await service.directory(kind, region, departement, paging)).to_dict()
