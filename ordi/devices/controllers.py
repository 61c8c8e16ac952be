"""Devices: list, read, history, and one step of the journey."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.openapi.spec import Example
from litestar.params import Body, Parameter

from ordi.devices import corrections, service
from ordi.devices.schemas import (
    CorrectionIn,
    DeviceEditIn,
    DeviceOut,
    DevicePage,
    EditResult,
    EventPage,
    EventRequest,
    EventResult,
    StateName,
)
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


_EDIT_EXAMPLES = [Example(summary="Numéro de série corrigé", value={"serial_number": "PF1ABC24"})]
_CORRECTION_EXAMPLES = [
    Example(
        summary="Grade d'un reconditionnement",
        value={"corrects": 42, "reason": "Rayure non vue à l'établi", "changes": {"grade": "B"}},
    ),
    Example(
        summary="Modèle déclaré",
        value={"corrects": 40, "reason": "Étiquette du fabricant relue", "changes": {"model": "ThinkPad T490"}},
    ),
]
Reason = Annotated[str, Parameter(max_length=500, description="Motif (facultatif), gardé dans l'historique")]

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

    # --- correct and cancel (issue 9, item 6) -----------------------------------------------

    @patch(
        "/{tag:str}",
        summary="Modifier un appareil déclaré (donateur, avant la collecte)",
        description="Les champs donnés changent (`category`, `brand`, `model`, `serial_number`), les autres "
        "restent ; chaque modification est une entrée `amend` de l'historique. Après la collecte : 409 (l'atelier "
        "chargé corrige par `POST …/corrections`). Seul le donateur du don : 404 pour les autres.",
        **documented(404, 409, 422, responses={200: json_response(EditResult, "L'appareil et l'entrée ajoutée")}),
    )
    async def amend(
        self, actor: Actor, lang: str, tag: PathText, data: Annotated[DeviceEditIn, Body(examples=_EDIT_EXAMPLES)]
    ) -> EditResult:
        return await corrections.amend(actor, tag, data, lang)

    @delete(
        "/{tag:str}",
        status_code=200,
        summary="Retirer un appareil déclaré de son don (donateur, avant la collecte)",
        description="L'appareil passe à l'état `withdrawn` (entrée `withdraw` de l'historique, qui reste) : il ne "
        "compte plus dans le stock déclaré et ne peut plus être collecté. Après la collecte : 409.",
        **documented(404, 409, 422, responses={200: json_response(EventResult, "L'entrée et l'appareil retiré")}),
    )
    async def withdraw(self, actor: Actor, lang: str, tag: PathText, reason: Reason = "") -> EventResult:
        return await corrections.withdraw(actor, tag, reason, lang)

    @post(
        "/{tag:str}/corrections",
        summary="Corriger une entrée de l'historique (atelier chargé ou opérateur, après la collecte)",
        description="Une entrée corrective : `corrects` (l'identifiant de l'entrée corrigée, qui reste), `reason`, "
        "et les bonnes valeurs (`changes`) — champs déclarés pour une déclaration, `grade` et "
        "`labour_minutes` pour un reconditionnement. L'appareil et les chiffres prennent les valeurs "
        "corrigées. Une entrée déjà corrigée se corrige par sa dernière correction (409 sinon). "
        "En-tête `Idempotency-Key` pour rejouer sans doublon.",
        **documented(
            404,
            409,
            422,
            responses={201: json_response(EventResult, "L'entrée corrective et l'appareil après elle")},
        ),
    )
    async def correct(
        self,
        actor: Actor,
        lang: str,
        tag: PathText,
        data: Annotated[CorrectionIn, Body(examples=_CORRECTION_EXAMPLES)],
        idempotency_key: IdempotencyKey = None,
    ) -> EventResult:
        return await corrections.correct(actor, tag, data, idempotency_key, lang)
