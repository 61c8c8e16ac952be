"""`GET /api/v1/stats/bilan/{year}.pdf`: the yearly bilan, answered at once or queued (202).

Thin: who may read it and whether it is a job is decided in :mod:`ordi.stats.bilan`. The route takes
the file name whole (`2026.pdf`): Litestar's path parameters are whole segments.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Response, get
from litestar.params import Parameter

from ordi.domain.lifecycle import Actor
from ordi.http.openapi import documented, file_response, json_response
from ordi.jobs import service as jobs
from ordi.jobs.service import JobOut
from ordi.stats import bilan

BilanFile = Annotated[
    str,
    Parameter(
        description="L'année et l'extension : `2026.pdf`.",
        pattern=r"^[0-9]{4}\.pdf$",
        min_length=8,
        max_length=8,
    ),
]


@get(
    "/api/v1/stats/bilan/{file_name:str}",
    tags=["stats"],
    summary="Bilan annuel du comité de pilotage (PDF)",
    description="Le bilan de l'année civile (jusqu'à aujourd'hui pour l'année en cours), en français (en anglais "
    "avec `Accept-Language: en`) : chiffres clés, graphiques, tableaux par région et par atelier, bénéficiaires "
    "(effectifs de moins de 11 personnes masqués), impact, méthode et sources en annexe. Au-delà de "
    f"{bilan.INLINE_MAX_EVENTS:,} étapes dans l'année, ou avec `background=true` : 202 et une tâche de fond "
    "(`GET /api/v1/jobs/{id}`, puis `…/result`).".replace(",", " "),
    **documented(
        422,
        responses={
            200: file_response("application/pdf", "Le bilan"),
            202: json_response(JobOut, "La tâche qui le rend, puis `GET /api/v1/jobs/{id}/result`"),
        },
    ),
)
async def bilan_pdf(
    actor: Actor,
    lang: str,
    file_name: BilanFile,
    background: Annotated[bool, Parameter(description="Rendre le bilan en tâche de fond")] = False,
) -> Response[Any]:
    year = bilan.parse_year(file_name)
    result = await bilan.request_bilan(actor, year, lang, background)
    if isinstance(result, str):
        return Response(await jobs.get(actor, result), status_code=202)
    body, name = result
    return Response(
        body, media_type=bilan.MEDIA_TYPE, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
