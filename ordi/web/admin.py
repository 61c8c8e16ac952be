"""The operator's pages, "Administration": the approval queue (approve, or reject with a reason;
allocate, with the proposed devices shown before confirming), the pickups to dispatch to a
workshop, and the organisations (create, label and its validity, their people).

People: each one's page changes their role, deactivates or reactivates them and hands over a
password-reset link (`organisations.service`, the calls of `PATCH /api/v1/users/{id}` and of its
reset link). Background jobs: every organisation's, newest first (`jobs.service.list_jobs`).
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.response import Redirect, Template

from ordi.domain.errors import DomainError, NotFound
from ordi.domain.lifecycle import OrgKind
from ordi.http.problems import validation_text
from ordi.i18n import web_word, web_word_or
from ordi.jobs import service as jobs
from ordi.organisations import service as organisations
from ordi.organisations.schemas import LabelIn, OrganisationIn, UserIn, UserPatch
from ordi.paging import PageRequest
from ordi.pickups import service as pickups
from ordi.requests import service as requests
from ordi.requests.schemas import DecisionIn
from ordi.web.pages import posted, text
from ordi.web.rendering import page, problem_text, redirect, status_of
from ordi.web.session import Viewer

OPERATOR = OrgKind.OPERATOR
LIST_SIZE = 25
KINDS = ("donor", "refurbisher", "association", "committee", "operator")


async def _workshops(person: Any) -> list[Any]:
    listed = await organisations.list_organisations(person.actor, "refurbisher", PageRequest(limit=200))
    return list(listed.items)


async def _dashboard(viewer: Viewer, errors: list[str] | None = None, status: int = 200) -> Template:
    person = viewer.require(OPERATOR)
    pending = await requests.list_requests(person.actor, "pending", PageRequest(limit=LIST_SIZE))
    approved = await requests.list_requests(person.actor, "approved", PageRequest(limit=LIST_SIZE))
    asked = await pickups.list_pickups(person.actor, "requested", PageRequest(limit=LIST_SIZE), viewer.lang)
    return page(
        viewer,
        "admin/dashboard.html",
        status,
        pending=pending.items,
        approved=approved.items,
        to_dispatch=[p for p in asked.items if p.workshop_id is None],
        workshops=await _workshops(person),
        errors=errors or [],
    )


@get("/admin", include_in_schema=False)
async def dashboard(viewer: Viewer) -> Template:
    return await _dashboard(viewer)


@post("/admin/demandes/{request_id:int}/{decision:str}", include_in_schema=False, status_code=200)
async def decide(
    request: Request[Any, Any, Any], viewer: Viewer, request_id: int, decision: str
) -> Template | Redirect:
    person = viewer.require(OPERATOR)
    form = await posted(request, viewer)
    if decision not in {"approuver", "refuser"}:
        raise NotFound("not_found")
    try:
        data = msgspec.convert({"reason": text(form, "reason", 2000)}, DecisionIn)
        await requests.decide(person.actor, request_id, decision == "approuver", data)
    except msgspec.ValidationError as exc:
        return await _dashboard(viewer, [validation_text(str(exc), viewer.lang)], 422)
    except DomainError as exc:
        if exc.key.endswith("not_found"):
            raise
        return await _dashboard(viewer, [problem_text(exc, viewer.lang)], status_of(exc))
    return redirect(viewer, "/admin")


@get("/admin/demandes/{request_id:int}/attribution", include_in_schema=False)
async def allocation_preview(viewer: Viewer, request_id: int) -> Template:
    person = viewer.require(OPERATOR)
    asked = await requests.get(person.actor, request_id)
    proposed = await requests.propose(person.actor, request_id)
    return page(viewer, "admin/allocate.html", asked=asked, proposed=proposed, result=None)


@post("/admin/demandes/{request_id:int}/attribution", include_in_schema=False, status_code=200)
async def allocate(request: Request[Any, Any, Any], viewer: Viewer, request_id: int) -> Template:
    person = viewer.require(OPERATOR)
    await posted(request, viewer)
    result = await requests.allocate(person.actor, request_id)
    return page(viewer, "admin/allocate.html", asked=result.request, proposed={}, result=result)


@post("/admin/enlevements/{pickup_id:int}/confier", include_in_schema=False, status_code=200)
async def assign_pickup(request: Request[Any, Any, Any], viewer: Viewer, pickup_id: int) -> Template | Redirect:
    person = viewer.require(OPERATOR)
    form = await posted(request, viewer)
    workshop = text(form, "workshop_id", 12)
    try:
        if not workshop.isdigit():
            raise msgspec.ValidationError("Object missing required field `workshop_id`")
        await pickups.assign(person.actor, pickup_id, int(workshop), viewer.lang)
    except msgspec.ValidationError as exc:
        return await _dashboard(viewer, [validation_text(str(exc), viewer.lang)], 422)
    except DomainError as exc:
        if exc.key == "pickup_not_found":
            raise
        return await _dashboard(viewer, [problem_text(exc, viewer.lang)], status_of(exc))
    return redirect(viewer, "/admin")


# --------------------------------------------------------------------------- organisations


def _blank_organisation() -> dict[str, str]:
    names = (
        "name",
        "kind",
        "postcode",
        "city",
        "address",
        "siret",
        "label_number",
        "label_valid_from",
        "label_valid_until",
    )
    return dict.fromkeys(names, "")


async def _organisations_view(
    viewer: Viewer, kind: str, apres: str | None, fields: dict[str, str], errors: list[str], status: int = 200
) -> Template:
    person = viewer.require(OPERATOR)
    listed = await organisations.list_organisations(
        person.actor, kind if kind in KINDS else None, PageRequest(limit=LIST_SIZE, cursor=apres)
    )
    return page(
        viewer, "admin/organisations.html", status, listed=listed, kind=kind, kinds=KINDS, first=apres is None,
        fields=fields, errors=errors,
    )  # fmt: skip


@get("/admin/organisations", include_in_schema=False)
async def organisation_list(viewer: Viewer, kind: str = "", apres: str | None = None) -> Template:
    return await _organisations_view(viewer, kind, apres, _blank_organisation(), [])


def _optional(value: str) -> str | None:
    return value or None


@post("/admin/organisations", include_in_schema=False, status_code=200)
async def create_organisation(request: Request[Any, Any, Any], viewer: Viewer) -> Template | Redirect:
    person = viewer.require(OPERATOR)
    form = await posted(request, viewer)
    fields = {k: text(form, k, 300) for k in _blank_organisation()}
    data: dict[str, Any] = {k: fields[k] for k in ("name", "kind", "postcode", "city", "address")}
    for k in ("siret", "label_number", "label_valid_from", "label_valid_until"):
        if fields[k]:
            data[k] = fields[k]
    try:
        created = await organisations.create_organisation(person.actor, msgspec.convert(data, OrganisationIn))
    except msgspec.ValidationError as exc:
        return await _organisations_view(viewer, "", None, fields, [validation_text(str(exc), viewer.lang)], 422)
    except DomainError as exc:
        return await _organisations_view(viewer, "", None, fields, [problem_text(exc, viewer.lang)], status_of(exc))
    return redirect(viewer, f"/admin/organisations/{created.id}")


async def _organisation_view(
    viewer: Viewer, organisation_id: int, errors: list[str] | None = None, status: int = 200
) -> Template:
    person = viewer.require(OPERATOR)
    organisation = await organisations.get_organisation(person.actor, organisation_id)
    people = (await organisations.list_users(person.actor, organisation_id, PageRequest(limit=200))).items
    return page(
        viewer, "admin/organisation.html", status, organisation=organisation, people=people, errors=errors or []
    )


@get("/admin/organisations/{organisation_id:int}", include_in_schema=False)
async def organisation_page(viewer: Viewer, organisation_id: int) -> Template:
    return await _organisation_view(viewer, organisation_id)


@post("/admin/organisations/{organisation_id:int}/{what:str}", include_in_schema=False, status_code=200)
async def organisation_change(
    request: Request[Any, Any, Any], viewer: Viewer, organisation_id: int, what: str
) -> Template | Redirect:
    """`label`: the label and its validity; `personnes`: a new person of the organisation."""
    return await _organisation_change(request, viewer, organisation_id, what)


@post("/admin/organisations/{organisation_id:int}/personnes", include_in_schema=False, status_code=200)
async def add_person(request: Request[Any, Any, Any], viewer: Viewer, organisation_id: int) -> Template | Redirect:
    """Its own route: `…/personnes/{user_id}` makes `personnes` a path of its own for the router."""
    return await _organisation_change(request, viewer, organisation_id, "personnes")


async def _organisation_change(
    request: Request[Any, Any, Any], viewer: Viewer, organisation_id: int, what: str
) -> Template | Redirect:
    person = viewer.require(OPERATOR)
    form = await posted(request, viewer)
    try:
        if what == "label":
            values = {
                k: _optional(text(form, k, 40)) for k in ("label_number", "label_valid_from", "label_valid_until")
            }
            await organisations.set_label(person.actor, organisation_id, msgspec.convert(values, LabelIn))
        elif what == "personnes":
            values = {k: text(form, k, 254) for k in ("email", "full_name", "password", "role")}
            await organisations.create_user(person.actor, organisation_id, msgspec.convert(values, UserIn))
        else:
            raise NotFound("not_found")
    except msgspec.ValidationError as exc:
        return await _organisation_view(viewer, organisation_id, [validation_text(str(exc), viewer.lang)], 422)
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        return await _organisation_view(viewer, organisation_id, [problem_text(exc, viewer.lang)], status_of(exc))
    return redirect(viewer, f"/admin/organisations/{organisation_id}")


# --------------------------------------------------------------------------- people


async def _person_of(viewer: Viewer, organisation_id: int, user_id: int) -> tuple[Any, Any]:
    """The organisation and one of its people (someone of another organisation: 404)."""
    person = viewer.require(OPERATOR)
    organisation = await organisations.get_organisation(person.actor, organisation_id)
    someone = await organisations.get_user(person.actor, user_id)
    if someone.organisation_id != organisation.id:
        raise NotFound("user_not_found")
    return organisation, someone


async def _person_view(
    viewer: Viewer, organisation_id: int, user_id: int, errors: list[str] | None = None, status: int = 200,
    link: Any = None, said: str = "",
) -> Template:  # fmt: skip
    organisation, someone = await _person_of(viewer, organisation_id, user_id)
    assert viewer.person is not None
    return page(
        viewer, "admin/person.html", status, organisation=organisation, someone=someone, errors=errors or [],
        link=link, said=said, myself=someone.id == viewer.person.user_id,
    )  # fmt: skip


@get("/admin/organisations/{organisation_id:int}/personnes/{user_id:int}", include_in_schema=False)
async def person_page(viewer: Viewer, organisation_id: int, user_id: int, fait: str = "") -> Template:
    said = web_word_or(f"admin.person_done.{fait}", "", viewer.lang) if fait else ""
    return await _person_view(viewer, organisation_id, user_id, said=said)


@post("/admin/organisations/{organisation_id:int}/personnes/{user_id:int}/{what:str}", include_in_schema=False,
      status_code=200)  # fmt: skip
async def person_change(
    request: Request[Any, Any, Any], viewer: Viewer, organisation_id: int, user_id: int, what: str
) -> Template | Redirect:
    """`role`: a new role; `desactiver` (confirmed by its box) and `reactiver`; `lien`: a one-time
    password-reset link, shown once on the answer (nothing keeps it)."""
    person = viewer.require(OPERATOR)
    form = await posted(request, viewer)
    await _person_of(viewer, organisation_id, user_id)
    here = f"/admin/organisations/{organisation_id}/personnes/{user_id}"
    try:
        if what == "role":
            await organisations.update_user(
                person.actor, user_id, msgspec.convert({"role": text(form, "role", 20)}, UserPatch)
            )
        elif what == "desactiver":
            if form.get("confirm") != "1":
                errors = [web_word("form.confirm_needed", viewer.lang)]
                return await _person_view(viewer, organisation_id, user_id, errors, 422)
            await organisations.update_user(person.actor, user_id, UserPatch(active=False))
        elif what == "reactiver":
            await organisations.update_user(person.actor, user_id, UserPatch(active=True))
        elif what == "lien":
            link = await organisations.hand_over_reset_link(person.actor, user_id)
            return await _person_view(viewer, organisation_id, user_id, link=link)
        else:
            raise NotFound("not_found")
    except msgspec.ValidationError as exc:
        return await _person_view(viewer, organisation_id, user_id, [validation_text(str(exc), viewer.lang)], 422)
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        errors = [problem_text(exc, viewer.lang)]
        return await _person_view(viewer, organisation_id, user_id, errors, status_of(exc))
    return redirect(viewer, f"{here}?fait={what}")


# --------------------------------------------------------------------------- background jobs


@get("/admin/taches", include_in_schema=False)
async def job_list(viewer: Viewer, etat: str = "", apres: str | None = None) -> Template:
    person = viewer.require(OPERATOR)
    status = etat if etat in jobs.STATUSES else None
    listed = await jobs.list_jobs(person.actor, status, PageRequest(limit=LIST_SIZE, cursor=apres))
    return page(
        viewer, "admin/jobs.html", listed=listed, statuses=jobs.STATUSES, chosen=status or "", first=apres is None
    )


ROUTES = [
    person_page,
    person_change,
    job_list,
    dashboard,
    decide,
    allocation_preview,
    allocate,
    assign_pickup,
    organisation_list,
    create_organisation,
    organisation_page,
    organisation_change,
    add_person,
]
