"""Devices: list, read, history, and one step of the journey."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.params import Parameter

from ordi.devices import service
from ordi.devices.schemas import DeviceOut, EventRequest, EventResult, StateName
from ordi.domain.lifecycle import Actor
from ordi.http.params import IdempotencyKey
from ordi.paging import PageRequest


class DeviceController(Controller):
    path = "/api/v1/devices"
    tags = ["devices"]

    @get("/", summary="Lister les appareils visibles par mon organisation")
    async def list_devices(
        self,
        actor: Actor,
        lang: str,
        paging: PageRequest,
        device_state: Annotated[StateName | None, Parameter(query="state")] = None,
        category: str | None = None,
        donation: Annotated[int | None, Parameter(ge=1, le=2**31 - 1)] = None,
    ) -> dict[str, Any]:
        found = await service.list_devices(
            actor, state=device_state, category=category, donation=donation, request=paging, lang=lang
        )
        return found.to_dict()

    @get("/{tag:str}", summary="Un appareil")
    async def get_device(self, actor: Actor, lang: str, tag: str) -> DeviceOut:
        return await service.get_device(actor, tag, lang)

    @get("/{tag:str}/events", summary="Historique d'un appareil")
    async def history(self, actor: Actor, tag: str, paging: PageRequest) -> dict[str, Any]:
        return (await service.history(actor, tag, paging)).to_dict()

    @post("/{tag:str}/events", summary="Enregistrer une étape (collecte, effacement, remise…)")
    async def perform(
        self, actor: Actor, lang: str, tag: str, data: EventRequest, idempotency_key: IdempotencyKey = None
    ) -> EventResult:
        return await service.perform(actor, tag, data, idempotency_key, lang)
