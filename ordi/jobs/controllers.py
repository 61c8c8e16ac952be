"""A job's progress and its result file."""

from __future__ import annotations

from litestar import get
from litestar.response import Stream

from ordi.domain.lifecycle import Actor
from ordi.jobs import service
from ordi.jobs.service import JobOut


@get("/api/v1/jobs/{job_id:str}", tags=["jobs"], summary="État et avancement d'une tâche")
async def get_job(actor: Actor, job_id: str) -> JobOut:
    return await service.get(actor, job_id)


@get("/api/v1/jobs/{job_id:str}/result", tags=["jobs"], summary="Télécharger le fichier produit")
async def get_job_result(actor: Actor, job_id: str) -> Stream:
    row, chunks = await service.result_file(actor, job_id)
    return Stream(
        chunks,
        media_type=row["result_content_type"],
        headers={
            "Content-Disposition": f'attachment; filename="{row["result_filename"]}"',
            "Content-Length": str(row["result_size"]),
        },
    )
