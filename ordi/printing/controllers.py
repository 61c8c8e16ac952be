"""Labels over HTTP: one label per device and media, the format list, and batch jobs."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Response, get, post
from litestar.openapi.spec import Example
from litestar.params import Body, Parameter
from litestar.types import ControllerRouterHandler

from ordi.domain.lifecycle import Actor
from ordi.http.openapi import documented, file_response
from ordi.http.params import PathText
from ordi.jobs import service as jobs
from ordi.jobs.service import JobOut
from ordi.printing import service
from ordi.printing.schemas import LabelFormats, LabelJobIn

FormatParam = Annotated[
    str | None,
    Parameter(
        query="format",
        max_length=40,
        required=False,
        description="Format d'étiquette (voir /api/v1/label-formats) ; par défaut selon le type de fichier",
    ),
]


def _label_response(label: service.RenderedLabel) -> Response[bytes]:
    return Response(
        label.data,
        media_type=label.content_type,
        headers={
            "Content-Disposition": f'inline; filename="{label.filename}"',
            "Cache-Control": "no-store",
        },
    )


_LABEL_DOC = "Chaque téléchargement est inscrit dans l'historique de l'appareil (qui, quand, quel format)."


def _label_doc(media_type: str, what: str) -> dict[str, Any]:
    return documented(404, 422, responses={200: file_response(media_type, what)})


@get(
    "/api/v1/devices/{tag:str}/label.png",
    tags=["labels"],
    summary="Étiquette PNG (rouleau)",
    description=_LABEL_DOC,
    **_label_doc("image/png", "L'étiquette, à la taille exacte du rouleau en points (imprimer à 100 %)"),
)
async def label_png(actor: Actor, tag: PathText, label_format: FormatParam = None) -> Response[bytes]:
    return _label_response(await service.render_one(actor, tag, "png", label_format))


@get(
    "/api/v1/devices/{tag:str}/label.pdf",
    tags=["labels"],
    summary="Étiquette PDF",
    description=_LABEL_DOC,
    **_label_doc("application/pdf", "L'étiquette en PDF (une page à la taille de l'étiquette, ou une planche A4)"),
)
async def label_pdf(actor: Actor, tag: PathText, label_format: FormatParam = None) -> Response[bytes]:
    return _label_response(await service.render_one(actor, tag, "pdf", label_format))


@get(
    "/api/v1/devices/{tag:str}/label.zpl",
    tags=["labels"],
    summary="Étiquette ZPL (Zebra)",
    description=_LABEL_DOC,
    **_label_doc("application/zpl", "L'étiquette en ZPL II, pour une imprimante Zebra"),
)
async def label_zpl(actor: Actor, tag: PathText, label_format: FormatParam = None) -> Response[bytes]:
    return _label_response(await service.render_one(actor, tag, "zpl", label_format))


@get(
    "/api/v1/label-formats",
    tags=["labels"],
    summary="Formats d'étiquettes et leur géométrie",
    **documented(auth=False),
)
async def label_formats() -> LabelFormats:
    return msgspec.convert(msgspec.to_builtins(service.list_formats()), LabelFormats)


_JOB_EXAMPLES = [
    Example(summary="Les étiquettes d'un don sur planches A4", value={"donation_id": 12, "format": "avery-l7160"}),
    Example(summary="Trois étiquettes en ZPL", value={"tags": ["7K3M9Q2XTA"], "format": "zebra-2x1", "media": "zpl"}),
]


@post(
    "/api/v1/label-jobs",
    tags=["labels"],
    summary="Imprimer un lot d'étiquettes (tâche de fond)",
    description="`tags` ou `donation_id`, `format`, `media` (pdf/zpl), `skip`. Réponse 202 : la tâche "
    "(`GET /api/v1/jobs/{id}`), puis son fichier (`/result`).",
    status_code=202,
    **documented(403, 404, 422),
)
async def create_label_job(actor: Actor, data: Annotated[LabelJobIn, Body(examples=_JOB_EXAMPLES)]) -> JobOut:
    job_id = await service.create_job(actor, data)
    return await jobs.get(actor, job_id)


ROUTES: list[ControllerRouterHandler] = [label_png, label_pdf, label_zpl, label_formats, create_label_job]
