"""Labels over HTTP: one label per device and media, the format list, and batch jobs."""

from __future__ import annotations

from typing import Annotated

from litestar import Response, get, post
from litestar.params import Parameter
from litestar.types import ControllerRouterHandler

from ordi.domain.lifecycle import Actor
from ordi.jobs import service as jobs
from ordi.jobs.service import JobOut
from ordi.printing import service
from ordi.printing.schemas import LabelFormatList, LabelJobIn

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


@get("/api/v1/devices/{tag:str}/label.png", tags=["labels"], summary="Étiquette PNG (rouleau)", description=_LABEL_DOC)
async def label_png(actor: Actor, tag: str, label_format: FormatParam = None) -> Response[bytes]:
    return _label_response(await service.render_one(actor, tag, "png", label_format))


@get("/api/v1/devices/{tag:str}/label.pdf", tags=["labels"], summary="Étiquette PDF", description=_LABEL_DOC)
async def label_pdf(actor: Actor, tag: str, label_format: FormatParam = None) -> Response[bytes]:
    return _label_response(await service.render_one(actor, tag, "pdf", label_format))


@get("/api/v1/devices/{tag:str}/label.zpl", tags=["labels"], summary="Étiquette ZPL (Zebra)", description=_LABEL_DOC)
async def label_zpl(actor: Actor, tag: str, label_format: FormatParam = None) -> Response[bytes]:
    return _label_response(await service.render_one(actor, tag, "zpl", label_format))


@get("/api/v1/label-formats", tags=["labels"], summary="Formats d'étiquettes et leur géométrie")
async def label_formats() -> LabelFormatList:
    return service.list_formats()


@post(
    "/api/v1/label-jobs",
    tags=["labels"],
    summary="Imprimer un lot d'étiquettes (tâche de fond)",
    description="`tags` ou `donation_id`, `format`, `media` (pdf/zpl), `skip`. Réponse 202 : la tâche "
    "(`GET /api/v1/jobs/{id}`), puis son fichier (`/result`).",
    status_code=202,
)
async def create_label_job(actor: Actor, data: LabelJobIn) -> JobOut:
    job_id = await service.create_job(actor, data)
    return await jobs.get(actor, job_id)


ROUTES: list[ControllerRouterHandler] = [label_png, label_pdf, label_zpl, label_formats, create_label_job]
