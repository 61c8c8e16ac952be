"""Equipment requests: ask, decide, allocate."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post

from ordi.domain.lifecycle import Actor
from ordi.paging import PageRequest
from ordi.requests import service
from ordi.requests.schemas import AllocationOut, DecisionIn, RequestIn, RequestOut


class RequestController(Controller):
    path = "/api/v1/requests"
    tags = ["requests"]

    @post("/", summary="Demander du matériel (association labellisée)")
    async def create(self, actor: Actor, data: RequestIn) -> RequestOut:
        return await service.create(actor, data)

    @get("/", summary="Lister les demandes")
    async def list_requests(self, actor: Actor, paging: PageRequest, status: str | None = None) -> dict[str, Any]:
        return (await service.list_requests(actor, status, paging)).to_dict()

    @get("/{request_id:int}", summary="Une demande")
    async def get_one(self, actor: Actor, request_id: int) -> RequestOut:
        return await service.get(actor, request_id)

    @post("/{request_id:int}/approve", status_code=200, summary="Approuver (opérateur)")
    async def approve(self, actor: Actor, request_id: int, data: DecisionIn | None = None) -> RequestOut:
        return await service.decide(actor, request_id, True, data or DecisionIn())

    @post("/{request_id:int}/reject", status_code=200, summary="Refuser avec un motif (opérateur)")
    async def reject(self, actor: Actor, request_id: int, data: DecisionIn) -> RequestOut:
        return await service.decide(actor, request_id, False, data)

    @post("/{request_id:int}/allocate", status_code=200, summary="Réserver des appareils prêts (opérateur)")
    async def allocate(self, actor: Actor, request_id: int) -> AllocationOut:
        return await service.allocate(actor, request_id)
