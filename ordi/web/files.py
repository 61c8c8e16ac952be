"""Files a person downloads from the pages with their session: certificates, and the files of
background jobs (a large report, a label sheet, an import), with the job's progress page.
"""

from __future__ import annotations

from typing import Any

from litestar import get
from litestar.response import Redirect, Response, Stream, Template

from ordi.certificates import service as certificates
from ordi.i18n import web_word_or
from ordi.jobs import service as jobs
from ordi.web.rendering import page
from ordi.web.session import Viewer

#: Where a finished job takes the person (an import: its new donation).
_DONE_PAGES = {"donation_import": "/dons/{donation_id}?nouveau=1"}


@get("/certificats/{number:str}", include_in_schema=False)
async def certificate_pdf(viewer: Viewer, number: str) -> Response[bytes]:
    person = viewer.require()
    reference = number[:-4] if number.lower().endswith(".pdf") else number
    found, pdf = await certificates.certificate_pdf(person.actor, reference[:40])
    return Response(
        pdf, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="certificat-{found}.pdf"'}
    )


def _job_view(job: Any) -> dict[str, Any]:
    done_page = _DONE_PAGES.get(job.kind)
    redirect_to = ""
    if done_page and job.status == "succeeded":
        try:
            redirect_to = done_page.format(**job.result)
        except (KeyError, IndexError):
            redirect_to = ""
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "done": job.progress.get("done", 0),
        "total": job.progress.get("total", 0),
        "error": job.error,
        "result_url": f"/taches/{job.id}/fichier" if job.download_url else "",
        "redirect": redirect_to,
    }


@get("/taches/{job_id:str}", include_in_schema=False)
async def job_page(viewer: Viewer, job_id: str) -> Template | Response[Any]:
    """The job's progress: a page (its script follows `…/etat`), or the same as JSON."""
    person = viewer.require()
    job = _job_view(await jobs.get(person.actor, job_id[:64]))
    return page(viewer, "job.html", job=job)


@get("/taches/{job_id:str}/etat", include_in_schema=False)
async def job_state(viewer: Viewer, job_id: str) -> Response[dict[str, Any]]:
    person = viewer.require()
    view = _job_view(await jobs.get(person.actor, job_id[:64]))
    view["status_text"] = web_word_or(f"job.status.{view['status']}", view["status"], viewer.lang)
    return Response(view, headers={"Cache-Control": "no-store"})


@get("/taches/{job_id:str}/fichier", include_in_schema=False)
async def job_file(viewer: Viewer, job_id: str) -> Stream | Redirect:
    person = viewer.require()
    row, chunks = await jobs.result_file(person.actor, job_id[:64])
    return Stream(
        chunks,
        media_type=row["result_content_type"],
        headers={
            "Content-Disposition": f'attachment; filename="{row["result_filename"]}"',
            "Content-Length": str(row["result_size"]),
        },
    )


ROUTES = [certificate_pdf, job_page, job_state, job_file]
