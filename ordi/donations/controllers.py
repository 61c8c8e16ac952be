"""Donations: declare (JSON or spreadsheet), list, read."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.openapi.spec import Example
from litestar.params import Body, Parameter

from ordi.domain.lifecycle import Actor
from ordi.donations import service
from ordi.donations.schemas import DonationIn, DonationOut, DonationPage
from ordi.http.openapi import RawBody, documented, json_response, operation
from ordi.http.params import Id
from ordi.http.problems import RequestRejected
from ordi.jobs import service as jobs
from ordi.jobs.service import JobOut
from ordi.paging import PageRequest

CSV_TYPES = {"text/csv", "application/csv", "text/plain", "application/vnd.ms-excel", "text/comma-separated-values"}

_DONATION_EXAMPLE = Example(
    summary="Deux portables",
    value={
        "items": [
            {"category": "laptop", "brand": "Lenovo", "model": "ThinkPad T480", "serial_number": "PF1ABC23"},
            {"category": "laptop", "brand": "Dell", "model": "Latitude 7490", "serial_number": "", "has_storage": True},
        ],
        "pickup_address": "12 rue de la République, 76000 Rouen",
        "pickup_postcode": "76000",
    },
)
_SPREADSHEET = RawBody(
    "text/csv",
    "Séparateur `;` ou `,`, UTF-8 avec ou sans BOM, ligne d'en-tête (français ou anglais) ; "
    "`application/csv` et `text/plain` sont aussi acceptés.",
    "catégorie;marque;modèle;numéro de série\nportable;Lenovo;T480;PF1ABC23\nécran;Dell;P2419H;\n",
)
_DONATION_DOC = "`devices` : les 100 premiers ; la suite par `devices_url` et le curseur `devices_next`."


class DonationController(Controller):
    path = "/api/v1/donations"
    tags = ["donations"]

    @post("/", summary="Déclarer un don", description=_DONATION_DOC, **documented(403, 422))
    async def declare(
        self, actor: Actor, lang: str, data: Annotated[DonationIn, Body(examples=[_DONATION_EXAMPLE])]
    ) -> DonationOut:
        return await service.declare(
            actor,
            service.items_from_json(data),
            pickup_address=data.pickup_address,
            pickup_postcode=data.pickup_postcode,
            notes=data.notes,
            lang=lang,
        )

    @post(
        "/import",
        summary="Déclarer un don à partir d'un tableur (CSV ; ou ,)",
        description="Corps `text/csv`, ligne d'en-tête. `background=true` : tâche de fond (202). Une ligne fausse "
        "est signalée par ligne et colonne (422, `errors`) et rien n'est écrit.",
        operation_class=operation(raw_body=_SPREADSHEET),
        **documented(
            403,
            413,
            415,
            422,
            responses={
                201: json_response(DonationOut, "Le don déclaré et ses premiers appareils"),
                202: json_response(JobOut, "La tâche de fond qui l'importe (`GET /api/v1/jobs/{id}`)"),
            },
        ),
    )
    async def import_csv(
        self,
        actor: Actor,
        lang: str,
        request: Request[Any, Any, Any],
        background: Annotated[bool, Parameter(description="Importer en tâche de fond")] = False,
        pickup_address: Annotated[str, Parameter(max_length=300)] = "",
        pickup_postcode: Annotated[str, Parameter(max_length=5)] = "",
        notes: Annotated[str, Parameter(max_length=2000)] = "",
    ) -> Response[Any]:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in CSV_TYPES:
            raise RequestRejected("import_content_type", status=415)
        options = {"pickup_address": pickup_address, "pickup_postcode": pickup_postcode, "notes": notes}
        result = await service.import_spreadsheet(actor, await request.body(), background, lang=lang, **options)
        if isinstance(result, str):
            return Response(await jobs.get(actor, result), status_code=202)
        return Response(result, status_code=201)

    @get("/", summary="Lister les dons visibles", **documented(422))
    async def list_donations(self, actor: Actor, paging: PageRequest) -> DonationPage:
        return DonationPage(**(await service.list_donations(actor, paging)).to_dict())

    @get(
        "/{donation_id:int}",
        summary="Un don, ses premiers appareils et leurs effectifs par état",
        description=_DONATION_DOC,
        **documented(404),
    )
    async def get_donation(self, actor: Actor, lang: str, donation_id: Id) -> DonationOut:
        return await service.get_donation(actor, donation_id, lang, with_devices=True)
