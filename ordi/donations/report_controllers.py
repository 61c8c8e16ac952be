"""The donor's traceability report over HTTP: PDF, CSV or JSON, answered at once or queued (202).

Thin: who may read it, and whether it is rendered inline or by a job, is decided in
:mod:`ordi.donations.report`.
"""

from __future__ import annotations

from typing import Any

from litestar import Response, get

from ordi.domain.lifecycle import Actor
from ordi.donations import report
from ordi.donations.schemas import DonationReportDocument
from ordi.http.openapi import documented, file_response, json_response
from ordi.http.params import Id
from ordi.jobs import service as jobs
from ordi.jobs.service import JobOut


async def _donation_report(actor: Actor, lang: str, donation_id: int, fmt: str) -> Response[Any]:
    result = await report.request_report(actor, donation_id, fmt, lang)
    if isinstance(result, str):
        return Response(await jobs.get(actor, result), status_code=202)
    body, filename = result
    return Response(
        body, media_type=report.FORMATS[fmt], headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


_REPORT_DOC = (
    "Le devenir de chaque appareil du don (sans aucune personne), les totaux et l'impact, en français "
    "(en anglais avec `Accept-Language: en`). Au-delà de "
    f"{report.INLINE_MAX_DEVICES} appareils : 202 et une tâche de fond (`GET /api/v1/jobs/{{id}}`)."
)


def _report_doc(media_type: str) -> dict[str, Any]:
    done = (
        json_response(DonationReportDocument, "Le rapport")
        if media_type == "application/json"
        else file_response(media_type, "Le rapport")
    )
    return documented(
        403,
        404,
        responses={
            200: done,
            202: json_response(JobOut, "Un grand don : la tâche qui le rend, puis `GET /api/v1/jobs/{id}/result`"),
        },
    )


@get(
    "/api/v1/donations/{donation_id:int}/report.pdf",
    tags=["donations"],
    summary="Rapport de traçabilité (PDF)",
    description=_REPORT_DOC,
    **_report_doc("application/pdf"),
)
async def donation_report_pdf(actor: Actor, lang: str, donation_id: Id) -> Response[Any]:
    return await _donation_report(actor, lang, donation_id, "pdf")


@get(
    "/api/v1/donations/{donation_id:int}/report.csv",
    tags=["donations"],
    summary="Rapport de traçabilité (CSV)",
    description=_REPORT_DOC,
    **_report_doc("text/csv"),
)
async def donation_report_csv(actor: Actor, lang: str, donation_id: Id) -> Response[Any]:
    return await _donation_report(actor, lang, donation_id, "csv")


@get(
    "/api/v1/donations/{donation_id:int}/report.json",
    tags=["donations"],
    summary="Rapport de traçabilité (JSON)",
    description=_REPORT_DOC,
    **_report_doc("application/json"),
)
async def donation_report_json(actor: Actor, lang: str, donation_id: Id) -> Response[Any]:
    return await _donation_report(actor, lang, donation_id, "json")


ROUTES = [donation_report_pdf, donation_report_csv, donation_report_json]
