"""A job's progress and its result file."""

from __future__ import annotations

from litestar import get
from litestar.response import Stream

from ordi.domain.lifecycle import Actor
from ordi.http.openapi import documented, operation
from ordi.http.params import PathText
from ordi.jobs import service
from ordi.jobs.service import JobOut

#: What a job may produce: label sheets and rolls, donation reports.
RESULT_MEDIA_TYPES = ("application/pdf", "application/zpl", "text/csv", "application/json")


@get("/api/v1/jobs/{job_id:str}", tags=["jobs"], summary="État et avancement d'une tâche", **documented(404))
async def get_job(actor: Actor, job_id: PathText) -> JobOut:
    return await service.get(actor, job_id)


@get(
    "/api/v1/jobs/{job_id:str}/result",
    tags=["jobs"],
    summary="Télécharger le fichier produit",
    description="404 `job_expired` quand le fichier a été supprimé (voir `expires_at`) ; 409 tant que la tâche "
    "n'a pas réussi.",
    operation_class=operation(
        files={200: RESULT_MEDIA_TYPES}, description="Le fichier : planche d'étiquettes, rapport…"
    ),
    **documented(404, 409),
)
async def get_job_result(actor: Actor, job_id: PathText) -> Stream:
    row, chunks = await service.result_file(actor, job_id)
    return Stream(
        chunks,
        media_type=row["result_content_type"],
        headers={
            "Content-Disposition": f'attachment; filename="{row["result_filename"]}"',
            "Content-Length": str(row["result_size"]),
        },
    )
