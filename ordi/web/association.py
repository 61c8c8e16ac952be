"""The association's pages, "Demandes": its requests (status, allocated devices), the request
form, incoming shipments and delivered devices, and one device's steps: confirm the delivery,
hand over (nothing pre-selected, the warranty contact optional), return with a reason.
"""

from __future__ import annotations

import secrets
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.response import Redirect, Template

from ordi.devices import service as devices
from ordi.devices.schemas import EventRequest
from ordi.domain.errors import DomainError
from ordi.domain.lifecycle import OrgKind
from ordi.http.problems import validation_text
from ordi.i18n import BENEFICIARY_NAMES
from ordi.paging import PageRequest
from ordi.requests import service as requests
from ordi.requests.schemas import RequestIn
from ordi.scan import service as scan
from ordi.web.pages import posted, text
from ordi.web.rendering import page, problem_text, redirect, status_of
from ordi.web.session import Viewer

ASSOCIATION = OrgKind.ASSOCIATION
LIST_SIZE = 20
REQUEST_ROWS = 4
AGE_BANDS = ("under_18", "18_25", "26_45", "46_64", "65_plus", "unknown")
#: The steps an association records on a device, and the form each takes.
STEPS = ("deliver", "hand_over", "return")


async def _devices(person: Any, state: str, lang: str) -> list[Any]:
    listed = await devices.list_devices(
        person.actor, state=state, category=None, donation=None, request=PageRequest(limit=LIST_SIZE), lang=lang
    )
    return list(listed.items)


@get("/demandes", include_in_schema=False)
async def requests_page(viewer: Viewer, apres: str | None = None) -> Template:
    person = viewer.require(ASSOCIATION)
    listed = await requests.list_requests(person.actor, None, PageRequest(limit=LIST_SIZE, cursor=apres))
    return page(
        viewer,
        "association/requests.html",
        listed=listed,
        first=apres is None,
        shipped=await _devices(person, "shipped", viewer.lang),
        delivered=await _devices(person, "delivered", viewer.lang),
        handed_over=await _devices(person, "handed_over", viewer.lang),
    )


def _request_form(
    viewer: Viewer, rows: list[dict[str, str]], reason: str, errors: list[str], status: int = 200
) -> Template:
    return page(viewer, "association/new.html", status, rows=rows, reason=reason, errors=errors)


@get("/demandes/nouvelle", include_in_schema=False)
async def new_request(viewer: Viewer) -> Template:
    viewer.require(ASSOCIATION)
    return _request_form(viewer, [{"category": "", "quantity": ""} for _ in range(REQUEST_ROWS)], "", [])


@post("/demandes/nouvelle", include_in_schema=False, status_code=200)
async def create_request(request: Request[Any, Any, Any], viewer: Viewer) -> Template | Redirect:
    person = viewer.require(ASSOCIATION)
    form = await posted(request, viewer)
    rows = [
        {"category": text(form, f"category-{i}", 30), "quantity": text(form, f"quantity-{i}", 6)}
        for i in range(REQUEST_ROWS)
    ]
    reason = text(form, "reason", 2000)
    items = [
        {"category": r["category"], "quantity": int(r["quantity"]) if r["quantity"].isdigit() else r["quantity"]}
        for r in rows
        if r["category"] or r["quantity"]
    ]
    try:
        await requests.create(person.actor, msgspec.convert({"items": items, "reason": reason}, RequestIn))
    except msgspec.ValidationError as exc:
        return _request_form(viewer, rows, reason, [validation_text(str(exc), viewer.lang)], 422)
    except DomainError as exc:
        return _request_form(viewer, rows, reason, [problem_text(exc, viewer.lang)], status_of(exc))
    return redirect(viewer, "/demandes?envoyee=1")


async def _device_view(
    viewer: Viewer, tag: str, errors: list[str] | None = None, fields: dict[str, str] | None = None, status: int = 200
) -> Template:
    person = viewer.require(ASSOCIATION)
    found = await scan.resolve(person.actor, tag[:40], viewer.lang)
    return page(
        viewer,
        "association/device.html",
        status,
        device=found.device,
        steps=[a for a in found.actions if a in STEPS],
        beneficiaries=list(BENEFICIARY_NAMES),
        age_bands=AGE_BANDS,
        errors=errors or [],
        fields=fields or {},
        key=secrets.token_urlsafe(12),
    )


@get("/demandes/appareils/{tag:str}", include_in_schema=False)
async def device_page(viewer: Viewer, tag: str) -> Template:
    return await _device_view(viewer, tag)


@post("/demandes/appareils/{tag:str}/{step:str}", include_in_schema=False, status_code=200)
async def device_step(request: Request[Any, Any, Any], viewer: Viewer, tag: str, step: str) -> Template | Redirect:
    person = viewer.require(ASSOCIATION)
    form = await posted(request, viewer)
    fields = {
        k: text(form, k, 500)
        for k in ("category", "age_band", "departement", "reason", "contact_name", "contact_phone")
    }
    body: dict[str, Any] = {"action": step}
    if step == "hand_over":
        body["beneficiary"] = {
            "category": fields["category"],
            "age_band": fields["age_band"],
            "departement": fields["departement"],
        }
        if fields["contact_name"]:
            body["warranty_contact"] = {"full_name": fields["contact_name"], "phone": fields["contact_phone"]}
    elif step == "return":
        body["reason"] = fields["reason"]
    try:
        if step not in STEPS or (step == "return" and not fields["reason"]):
            raise msgspec.ValidationError(
                "Object missing required field `reason`" if step == "return" else "Invalid value"
            )
        event = msgspec.convert(body, EventRequest)
        await devices.perform(person.actor, tag[:40], event, text(form, "key", 40) or None, viewer.lang)
    except msgspec.ValidationError as exc:
        return await _device_view(viewer, tag, [validation_text(str(exc), viewer.lang)], fields, 422)
    except DomainError as exc:
        if exc.key.endswith("not_found"):
            raise
        return await _device_view(viewer, tag, [problem_text(exc, viewer.lang)], fields, status_of(exc))
    return redirect(viewer, f"/demandes/appareils/{tag[:40]}?fait={step}")


ROUTES = [requests_page, new_request, create_request, device_page, device_step]
