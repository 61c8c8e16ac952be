"""Organisations, their people, and the public geolocated directory."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, patch, post, put
from litestar.openapi.spec import Example
from litestar.params import Body, Parameter

from ordi.domain.lifecycle import Actor
from ordi.http.openapi import documented
from ordi.http.params import Id
from ordi.organisations import service
from ordi.organisations.schemas import (
    DirectoryKind,
    DirectoryPage,
    Kind,
    LabelIn,
    OrganisationIn,
    OrganisationOut,
    OrganisationPage,
    OrganisationPatch,
    PasswordResetLink,
    UserIn,
    UserOut,
    UserPage,
    UserPatch,
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

    @patch(
        "/{organisation_id:int}",
        summary="Modifier, désactiver ou réactiver une organisation (opérateur)",
        description="Désactiver une organisation met fin aussitôt aux sessions et jetons de toutes ses personnes.",
        **documented(403, 404, 409, 422),
    )
    async def update(self, actor: Actor, organisation_id: Id, data: OrganisationPatch) -> OrganisationOut:
        return await service.update_organisation(actor, organisation_id, data)

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

    @get("/{organisation_id:int}/users", summary="Les personnes d'une organisation", **documented(404, 422))
    async def list_users(self, actor: Actor, organisation_id: Id, paging: PageRequest) -> UserPage:
        return UserPage(**(await service.list_users(actor, organisation_id, paging)).to_dict())


class UserController(Controller):
    """People, by id: the operator anyone, a manager those of their own organisation (others: 404)."""

    path = "/api/v1/users"
    tags = ["organisations"]

    @get("/{user_id:int}", summary="Une personne", **documented(404))
    async def get_one(self, actor: Actor, user_id: Id) -> UserOut:
        return await service.get_user(actor, user_id)

    @patch(
        "/{user_id:int}",
        summary="Modifier une personne, changer son rôle, la désactiver ou la réactiver",
        description="Désactiver une personne ou changer son rôle met fin aussitôt à toutes ses sessions. "
        "Chacun peut changer son propre nom, jamais son propre accès.",
        **documented(403, 404, 409),
    )
    async def update(self, actor: Actor, user_id: Id, data: UserPatch) -> UserOut:
        return await service.update_user(actor, user_id, data)

    @post(
        "/{user_id:int}/password-reset",
        summary="Créer un lien de réinitialisation du mot de passe, à remettre à la personne",
        description="Le lien n'est montré qu'une fois ; il sert une fois, avant `expires_at`.",
        **documented(403, 404, 409),
    )
    async def reset_link(self, actor: Actor, user_id: Id) -> PasswordResetLink:
        return await service.hand_over_reset_link(actor, user_id)


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
