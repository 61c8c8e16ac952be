"""Devices: list, read, history, and one step of the journey."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.openapi.spec import Example
from litestar.params import Body, Parameter

from ordi.devices import service
from ordi.devices.schemas import DeviceOut, DevicePage, EventPage, EventRequest, EventResult, StateName
from ordi.domain.lifecycle import Actor
from ordi.donations.spreadsheet import CATEGORIES
from ordi.http.openapi import documented, json_response
from ordi.http.params import IdempotencyKey, OptionalId, PathText
from ordi.paging import PageRequest

_EXAMPLES = [
    Example(summary="Collecte", value={"action": "collect"}),
    Example(
        summary="Effacement",
        value={
            "action": "wipe",
            "level": "purge",
            "method": "ATA Secure Erase",
            "tool": "nwipe",
            "tool_version": "0.38",
            "media": [{"kind": "ssd", "serial": "S3Z9NB0K", "capacity_gb": 256, "result": "erased"}],
        },
    ),
    Example(
        summary="Reconditionnement",
        value={
            "action": "refurbish",
            "grade": "A",
            "os": "Linux Mint 22",
            "checks": ["batterie"],
            "labour_minutes": 90,
            "specs": {"ram_gb": 8, "storage_gb": 256, "storage_kind": "ssd", "os_licence": "linux"},
        },
    ),
    Example(
        summary="Remise",
        value={
            "action": "hand_over",
            "beneficiary": {"category": "job_seeker", "age_band": "26_45", "departement": "76"},
        },
    ),
]


CategoryFilter = Annotated[str | None, Parameter(max_length=20, examples=[Example(value=c) for c in CATEGORIES])]


class DeviceController(Controller):
    path = "/api/v1/devices"
    tags = ["devices"]

    @get("/", summary="Lister les appareils visibles par mon organisation", **documented(422))
    async def list_devices(
        self,
        actor: Actor,
        lang: str,
        paging: PageRequest,
        device_state: Annotated[StateName | None, Parameter(query="state")] = None,
        category: CategoryFilter = None,
        donation: OptionalId = None,
    ) -> DevicePage:
        found = await service.list_devices(
            actor, state=device_state, category=category, donation=donation, request=paging, lang=lang
        )
        return DevicePage(**found.to_dict())

    @get("/{tag:str}", summary="Un appareil", **documented(404))
    async def get_device(self, actor: Actor, lang: str, tag: PathText) -> DeviceOut:
        return await service.get_device(actor, tag, lang)

    @get("/{tag:str}/events", summary="Historique d'un appareil", **documented(404, 422))
    async def history(self, actor: Actor, tag: PathText, paging: PageRequest) -> EventPage:
        return EventPage(**(await service.history(actor, tag, paging)).to_dict())

    @post(
        "/{tag:str}/events",
        summary="Enregistrer une étape (collecte, effacement, remise…)",
        **documented(
            403,
            404,
            409,
            422,
            responses={
                201: json_response(
                    EventResult, "L'étape enregistrée et l'appareil après elle (rejouée : le premier résultat)"
                )
            },
        ),
    )
    async def perform(
        self,
        actor: Actor,
        lang: str,
        tag: PathText,
        data: Annotated[EventRequest, Body(examples=_EXAMPLES)],
        idempotency_key: IdempotencyKey = None,
    ) -> EventResult:
        return await service.perform(actor, tag, data, idempotency_key, lang)
