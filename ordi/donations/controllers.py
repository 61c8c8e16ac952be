"""Donations: declare (JSON or spreadsheet), list, read."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import HTTPException
from litestar.params import Parameter

from ordi.domain.lifecycle import Actor
from ordi.donations import service
from ordi.donations.schemas import DonationIn, DonationOut
from ordi.jobs import service as jobs
from ordi.paging import PageRequest

CSV_TYPES = {"text/csv", "application/csv", "text/plain", "application/vnd.ms-excel", "text/comma-separated-values"}


class DonationController(Controller):
    path = "/api/v1/donations"
    tags = ["donations"]

    @post("/", summary="Déclarer un don")
    async def declare(self, actor: Actor, lang: str, data: DonationIn) -> DonationOut:
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
        description="Corps `text/csv`, ligne d'en-tête. `background=true` : tâche de fond (202).",
    )
    async def import_csv(
        self,
        actor: Actor,
        lang: str,
        request: Request[Any, Any, Any],
        background: Annotated[bool, Parameter(description="Importer en tâche de fond")] = False,
        pickup_address: str = "",
        pickup_postcode: str = "",
        notes: str = "",
    ) -> Response[Any]:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in CSV_TYPES:
            raise HTTPException(status_code=415, detail="Envoyez le fichier en text/csv.")
        options = {"pickup_address": pickup_address, "pickup_postcode": pickup_postcode, "notes": notes}
        result = await service.import_spreadsheet(actor, await request.body(), background, lang=lang, **options)
        if isinstance(result, str):
            return Response(await jobs.get(actor, result), status_code=202)
        return Response(result, status_code=201)

    @get("/", summary="Lister les dons visibles")
    async def list_donations(self, actor: Actor, paging: PageRequest) -> dict[str, Any]:
        return (await service.list_donations(actor, paging)).to_dict()

    @get(
        "/{donation_id:int}",
        summary="Un don, ses premiers appareils et leurs effectifs par état",
        description="`devices` : les 100 premiers ; la suite par `devices_url` et le curseur `devices_next`.",
    )
    async def get_donation(self, actor: Actor, lang: str, donation_id: int) -> DonationOut:
        return await service.get_donation(actor, donation_id, lang, with_devices=True)
