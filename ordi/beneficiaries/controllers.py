"""A warranty contact read back by its association, and the beneficiaries' rights served by the operator."""

from __future__ import annotations

from litestar import Controller, delete, get, post

from ordi.beneficiaries import service
from ordi.beneficiaries.schemas import (
    AccessOut,
    ErasureIn,
    ErasureOut,
    LogPage,
    RectificationIn,
    SubjectIn,
    WarrantyContactOut,
)
from ordi.domain.lifecycle import Actor
from ordi.http.openapi import documented
from ordi.http.params import PathText
from ordi.paging import PageRequest


class WarrantyContactController(Controller):
    path = "/api/v1/devices/{tag:str}/warranty-contact"
    tags = ["privacy"]

    @get(
        "/",
        summary="Relire le contact de garantie d'un appareil remis (l'association qui l'a noté)",
        description="Seule l'association qui a noté le contact à la remise le relit ; pour tout autre appelant, "
        "404. Chaque lecture est journalisée (qui, quand, quel appareil), sans la donnée.",
        **documented(404),
    )
    async def read(self, actor: Actor, tag: PathText) -> WarrantyContactOut:
        return await service.read_contact(actor, tag)

    @delete(
        "/",
        summary="Effacer le contact de garantie (l'association qui l'a noté)",
        **documented(404),
    )
    async def erase(self, actor: Actor, tag: PathText) -> None:
        await service.erase_contact(actor, tag)


class PrivacyController(Controller):
    path = "/api/v1/privacy"
    tags = ["privacy"]

    @post(
        "/access",
        status_code=200,
        summary="Droit d'accès : tout ce qui est gardé sur une personne (opérateur)",
        description="La personne se présente par son nom et l'étiquette de l'appareil remis. La demande est "
        "journalisée sans la donnée.",
        **documented(422),
    )
    async def access(self, actor: Actor, data: SubjectIn) -> AccessOut:
        return await service.access(actor, data)

    @post(
        "/rectification",
        status_code=200,
        summary="Droit de rectification : corriger le nom ou le téléphone (opérateur)",
        **documented(404, 422),
    )
    async def rectification(self, actor: Actor, data: RectificationIn) -> AccessOut:
        return await service.rectify(actor, data)

    @post(
        "/erasure",
        status_code=200,
        summary="Droit à l'effacement ou d'opposition : effacer ce qui est gardé (opérateur)",
        **documented(404, 422),
    )
    async def erasure(self, actor: Actor, data: ErasureIn) -> ErasureOut:
        return await service.erase(actor, data)

    @get(
        "/log",
        summary="Journal des lectures, droits exercés et purges, sans les données (opérateur)",
        **documented(422),
    )
    async def log(self, actor: Actor, paging: PageRequest) -> LogPage:
        return LogPage(**(await service.log_page(actor, paging)).to_dict())
