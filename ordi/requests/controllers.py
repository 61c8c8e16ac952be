"""Equipment requests: ask, decide, allocate."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.openapi.spec import Example
from litestar.params import Body

from ordi.domain.lifecycle import Actor
from ordi.http.openapi import documented
from ordi.http.params import Id
from ordi.paging import PageRequest
from ordi.requests import service
from ordi.requests.schemas import AllocationOut, DecisionIn, RequestIn, RequestOut, RequestPage, RequestStatus

_REQUEST_EXAMPLE = Example(
    summary="Dix portables et deux écrans",
    value={
        "items": [
            {"category": "laptop", "quantity": 10, "min_specs": {"ram_gb": 8, "storage_kind": ["ssd", "nvme"]}},
            {"category": "monitor", "quantity": 2},
        ],
        "reason": "Atelier numérique pour demandeurs d'emploi, session de printemps",
    },
)


class RequestController(Controller):
    path = "/api/v1/requests"
    tags = ["requests"]

    @post("/", summary="Demander du matériel (association labellisée)", **documented(403, 422))
    async def create(self, actor: Actor, data: Annotated[RequestIn, Body(examples=[_REQUEST_EXAMPLE])]) -> RequestOut:
        return await service.create(actor, data)

    @get("/", summary="Lister les demandes", **documented(422))
    async def list_requests(
        self, actor: Actor, paging: PageRequest, status: RequestStatus | None = None
    ) -> RequestPage:
        return RequestPage(**(await service.list_requests(actor, status, paging)).to_dict())

    @get("/{request_id:int}", summary="Une demande", **documented(404))
    async def get_one(self, actor: Actor, request_id: Id) -> RequestOut:
        return await service.get(actor, request_id)

    @post("/{request_id:int}/approve", status_code=200, summary="Approuver (opérateur)", **documented(403, 404, 409))
    async def approve(self, actor: Actor, request_id: Id, data: DecisionIn | None = None) -> RequestOut:
        return await service.decide(actor, request_id, True, data or DecisionIn())

    @post(
        "/{request_id:int}/reject",
        status_code=200,
        summary="Refuser avec un motif (opérateur)",
        **documented(403, 404, 409, 422),
    )
    async def reject(self, actor: Actor, request_id: Id, data: DecisionIn) -> RequestOut:
        return await service.decide(actor, request_id, False, data)

    @post(
        "/{request_id:int}/allocate",
        status_code=200,
        summary="Réserver des appareils prêts (opérateur)",
        **documented(403, 404, 409),
    )
    async def allocate(self, actor: Actor, request_id: Id) -> AllocationOut:
        return await service.allocate(actor, request_id)
