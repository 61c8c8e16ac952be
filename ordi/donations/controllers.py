"""Donations: declare (JSON or spreadsheet), list, read."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.datastructures import UploadFile
from litestar.openapi.spec import Example
from litestar.params import Body, Parameter

from ordi.domain.errors import InvalidImport
from ordi.domain.lifecycle import Actor
from ordi.donations import service
from ordi.donations.schemas import (
    DonationEditIn,
    DonationIn,
    DonationOut,
    DonationPage,
    ImportCheckOut,
    ImportedDonationOut,
)
from ordi.donations.spreadsheet import ODS_TYPE, WORKBOOK_TYPES, XLSX_TYPE, is_workbook
from ordi.http.openapi import RawBody, documented, json_response, operation
from ordi.http.params import Id
from ordi.http.problems import RequestRejected
from ordi.jobs import service as jobs
from ordi.jobs.service import JobOut
from ordi.paging import PageRequest

CSV_TYPES = {"text/csv", "application/csv", "text/plain", "application/vnd.ms-excel", "text/comma-separated-values"}
MULTIPART = "multipart/form-data"
_EXTENSIONS = {".xlsx": XLSX_TYPE, ".ods": ODS_TYPE, ".csv": "text/csv", ".txt": "text/csv"}

_DONATION_EXAMPLE = Example(
    summary="Deux portables",
    value={
        "items": [
            {
                "category": "laptop",
                "brand": "Lenovo",
                "model": "ThinkPad T480",
                "serial_number": "PF1ABC23",
                "specs": {"cpu": "Intel Core i5-8350U", "ram_gb": 8, "storage_gb": 256, "storage_kind": "ssd"},
            },
            {"category": "laptop", "brand": "Dell", "model": "Latitude 7490", "serial_number": "", "has_storage": True},
            {"category": "monitor", "brand": "Dell", "model": "P2419H", "specs": {"screen_inches": 24}},
        ],
        "pickup_address": "12 rue de la République, 76000 Rouen",
        "pickup_postcode": "76000",
    },
)
_SPREADSHEET = RawBody(
    "text/csv",
    "Séparateur `;`, `,` ou tabulation, UTF-8 avec ou sans BOM ou Windows-1252 (le « CSV (séparateur : "
    "point-virgule) » d'Excel), ligne d'en-tête (français ou anglais) ; `application/csv` et `text/plain` "
    "sont aussi acceptés, ainsi que les classeurs `.xlsx` (`application/vnd.openxmlformats-officedocument."
    "spreadsheetml.sheet`) et `.ods` (`application/vnd.oasis.opendocument.spreadsheet`), première feuille, et "
    "le formulaire `multipart/form-data` (champ `file`).",
    "catégorie;marque;modèle;numéro de série;RAM (Go);Type de disque\nportable;Lenovo;T480;PF1ABC23;8;SSD\n"
    "écran;Dell;P2419H;;;\n",
)


async def _uploaded(request: Request[Any, Any, Any], content_type: str) -> tuple[bytes, str]:
    """The file and its media type: the raw body, or the `file` field of a multipart form."""
    if content_type != MULTIPART:
        if content_type not in CSV_TYPES and content_type not in WORKBOOK_TYPES:
            raise RequestRejected("import_content_type", status=415)
        return await request.body(), content_type
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise InvalidImport("import_empty", errors=[])
    raw = await upload.read()
    media_type = (upload.content_type or "").split(";")[0].strip().lower()
    if media_type not in WORKBOOK_TYPES:
        name = (upload.filename or "").lower()
        media_type = next((t for ext, t in _EXTENSIONS.items() if name.endswith(ext)), "text/csv")
    if not is_workbook(raw, media_type) and b"\x00" in raw:  # the guard lets multipart bodies through
        raise InvalidImport("import_unreadable", errors=[])  # a file of another kind (an image…)
    return raw, media_type


Reason = Annotated[str, Parameter(max_length=500, description="Motif (facultatif), gardé dans l'historique")]
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
        summary="Déclarer un don à partir d'un tableur (CSV, .xlsx, .ods)",
        description="Corps brut (`text/csv`, `.xlsx`, `.ods`) ou formulaire `multipart/form-data` (champ `file`), "
        "ligne d'en-tête aux noms de colonnes français ou anglais ; les colonnes inconnues sont ignorées et "
        "signalées (`unknown_columns`). `dry_run=true` : lit et vérifie seulement (200, rien n'est écrit). "
        "`background=true` : tâche de fond (202). Une ligne fausse est signalée par ligne et colonne "
        "(422, `errors`) et rien n'est écrit ; un numéro de série déjà porté par un appareil en service de "
        "la même marque est une erreur de ligne, sauf pour un retour confirmé (colonne `retour` à oui).",
        operation_class=operation(raw_body=_SPREADSHEET),
        **documented(
            403,
            413,
            415,
            422,
            responses={
                200: json_response(ImportCheckOut, "`dry_run=true` : les colonnes lues, les lignes et leurs erreurs"),
                201: json_response(ImportedDonationOut, "Le don déclaré et ses premiers appareils"),
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
        dry_run: Annotated[
            bool, Parameter(description="Lire et vérifier seulement : colonnes, lignes, erreurs ; rien n'est écrit")
        ] = False,
        pickup_address: Annotated[str, Parameter(max_length=300)] = "",
        pickup_postcode: Annotated[str, Parameter(max_length=5)] = "",
        notes: Annotated[str, Parameter(max_length=2000)] = "",
    ) -> Response[Any]:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        raw, media_type = await _uploaded(request, content_type)
        options = {"pickup_address": pickup_address, "pickup_postcode": pickup_postcode, "notes": notes}
        result = await service.import_spreadsheet(
            actor, raw, background, lang=lang, media_type=media_type, dry_run=dry_run, **options
        )
        if isinstance(result, str):
            return Response(await jobs.get(actor, result), status_code=202)
        if isinstance(result, ImportCheckOut):
            return Response(result, status_code=200)
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

    # --- correct and cancel (issue 9, item 6) -----------------------------------------------

    @patch(
        "/{donation_id:int}",
        summary="Modifier un don (donateur, avant la collecte)",
        description="Adresse et code postal d'enlèvement, notes ; les champs absents restent. Un don annulé, ou dont "
        "un appareil a été collecté : 409. Les appareils se modifient un à un (`PATCH /api/v1/devices/{tag}`).",
        **documented(404, 409, 422, responses={200: json_response(DonationOut, "Le don modifié")}),
    )
    async def update_donation(self, actor: Actor, lang: str, donation_id: Id, data: DonationEditIn) -> DonationOut:
        return await service.update_donation(actor, donation_id, data, lang)

    @delete(
        "/{donation_id:int}",
        status_code=200,
        summary="Annuler un don (donateur, avant la collecte)",
        description="Chaque appareil encore déclaré passe à l'état `withdrawn` (une entrée `withdraw` de son "
        "historique, avec `donation_cancelled`) ; le don garde sa trace (`cancelled_at`). Un enlèvement en "
        "cours n'en collecte plus rien. Un appareil déjà collecté : 409.",
        **documented(404, 409, 422, responses={200: json_response(DonationOut, "Le don annulé")}),
    )
    async def cancel_donation(
        self,
        actor: Actor,
        lang: str,
        donation_id: Id,
        reason: Reason = "",
    ) -> DonationOut:
        return await service.cancel_donation(actor, donation_id, reason, lang)
