"""Pickups: ask, claim or assign, schedule, cancel or miss, collect, receive, and the receipt."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.openapi.spec import Example
from litestar.params import Body, Parameter

from ordi.domain.lifecycle import Actor
from ordi.http.openapi import documented, file_response
from ordi.http.params import Id
from ordi.paging import PageRequest
from ordi.pickups import service
from ordi.pickups.schemas import (
    AssignIn,
    CollectIn,
    CollectOut,
    PickupIn,
    PickupOut,
    PickupPage,
    PickupStateName,
    ReasonIn,
    ReceiptOut,
    ReceptionIn,
    ReceptionOut,
    ScheduleIn,
)

_PICKUP_EXAMPLE = Example(
    summary="Un enlèvement à l'Atelier Canopé de Rouen",
    value={
        "donation_ids": [12],
        "address": "2 rue du Docteur Fleury",
        "postcode": "76130",
        "city": "Mont-Saint-Aignan",
        "access_notes": "Quai de livraison à l'arrière, sonner à l'accueil",
        "windows": [{"from": "2026-12-08T09:00:00+01:00", "to": "2026-12-08T12:00:00+01:00"}],
        "contact": {"name": "Claire Martin", "phone": "02 35 00 00 00", "role": "Secrétaire"},
        "estimated_devices": 40,
    },
)
_COLLECT_EXAMPLE = Example(
    summary="Enlevé avec un appareil absent et un en plus",
    value={
        "handed_over_by": {"name": "Claire Martin", "role": "Secrétaire"},
        "tags": ["7K3M9Q2XTA", "Q4RWS8ND1E"],
        "extra": [{"category": "monitor", "brand": "Dell", "model": "P2419H"}],
    },
)


class PickupController(Controller):
    path = "/api/v1/pickups"
    tags = ["pickups"]

    @post("/", summary="Demander un enlèvement (ou annoncer un dépôt) de dons déclarés", **documented(404, 409, 422))
    async def create(
        self, actor: Actor, lang: str, data: Annotated[PickupIn, Body(examples=[_PICKUP_EXAMPLE])]
    ) -> PickupOut:
        return await service.create(actor, data, lang)

    @get("/", summary="Mes enlèvements ; pour un atelier, les siens et la file de sa région", **documented(422))
    async def list_pickups(
        self,
        actor: Actor,
        lang: str,
        paging: PageRequest,
        pickup_state: Annotated[PickupStateName | None, Parameter(query="state")] = None,
    ) -> PickupPage:
        return PickupPage(**(await service.list_pickups(actor, pickup_state, paging, lang)).to_dict())

    @get("/{pickup_id:int}", summary="Un enlèvement", **documented(404))
    async def get_one(self, actor: Actor, lang: str, pickup_id: Id) -> PickupOut:
        return await service.get(actor, pickup_id, lang)

    @post(
        "/{pickup_id:int}/claim",
        status_code=200,
        summary="Prendre en charge (atelier de la région)",
        **documented(404, 409),
    )
    async def claim(self, actor: Actor, lang: str, pickup_id: Id) -> PickupOut:
        return await service.claim(actor, pickup_id, lang)

    @post(
        "/{pickup_id:int}/assign",
        status_code=200,
        summary="Confier à un atelier (opérateur)",
        **documented(404, 409, 422),
    )
    async def assign(self, actor: Actor, lang: str, pickup_id: Id, data: AssignIn) -> PickupOut:
        return await service.assign(actor, pickup_id, data.workshop_id, lang)

    @post("/{pickup_id:int}/schedule", status_code=200, summary="Fixer la date", **documented(404, 409, 422))
    async def schedule(self, actor: Actor, lang: str, pickup_id: Id, data: ScheduleIn) -> PickupOut:
        return await service.schedule(actor, pickup_id, data.date, lang)

    @post("/{pickup_id:int}/cancel", status_code=200, summary="Annuler (motif)", **documented(404, 409, 422))
    async def cancel(self, actor: Actor, lang: str, pickup_id: Id, data: ReasonIn) -> PickupOut:
        return await service.cancel(actor, pickup_id, data.reason, lang)

    @post("/{pickup_id:int}/miss", status_code=200, summary="Enlèvement manqué (motif)", **documented(404, 409, 422))
    async def miss(self, actor: Actor, lang: str, pickup_id: Id, data: ReasonIn) -> PickupOut:
        return await service.miss(actor, pickup_id, data.reason, lang)

    @post(
        "/{pickup_id:int}/collect",
        status_code=201,
        summary="Enlever : la remise sous garde et son bon signé",
        **documented(404, 409, 422),
    )
    async def collect(
        self, actor: Actor, lang: str, pickup_id: Id, data: Annotated[CollectIn, Body(examples=[_COLLECT_EXAMPLE])]
    ) -> CollectOut:
        return await service.collect(actor, pickup_id, data, lang)

    @post(
        "/{pickup_id:int}/reception",
        status_code=200,
        summary="Réceptionner le lot à l'atelier, contrôlé contre le bon",
        **documented(404, 409, 422),
    )
    async def reception(self, actor: Actor, pickup_id: Id, data: ReceptionIn) -> ReceptionOut:
        return await service.reception(actor, pickup_id, data)

    @get("/{pickup_id:int}/receipt.json", summary="Le bon d'enlèvement signé (JSON)", **documented(404, 409))
    async def receipt_json(self, actor: Actor, pickup_id: Id) -> ReceiptOut:
        return await service.receipt(actor, pickup_id)

    @get(
        "/{pickup_id:int}/receipt.pdf",
        summary="Le bon d'enlèvement (PDF A4)",
        **documented(404, 409, responses={200: file_response("application/pdf", "Le bon d'enlèvement en PDF")}),
    )
    async def receipt_pdf(self, actor: Actor, lang: str, pickup_id: Id) -> Response[bytes]:
        number, data = await service.receipt_pdf(actor, pickup_id, lang)
        return Response(
            data,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="bon-enlevement-{number}.pdf"'},
        )
