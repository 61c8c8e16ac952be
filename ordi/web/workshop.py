"""The workshop's pages, "Atelier": the work queue (pickups to claim and scheduled, devices in
custody by state with their counts and age), a pickup's page (schedule, collect, receipt), the
devices of a state, a device's page (history, certificates, the station's actions) and label
printing (a background job with its progress). Thin: each handler calls the API's services.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.response import Redirect, Response, Template

from ordi.certificates import service as certificates
from ordi.clock import now, today
from ordi.devices import service as devices
from ordi.domain.errors import DomainError
from ordi.domain.lifecycle import OrgKind
from ordi.http.problems import validation_text
from ordi.i18n import station_words
from ordi.paging import PageRequest
from ordi.pickups import service as pickups
from ordi.pickups.schemas import CollectIn
from ordi.printing import service as printing
from ordi.printing.schemas import LabelJobIn
from ordi.web.donor import STATE_ORDER
from ordi.web.pages import posted, text
from ordi.web.rendering import page, problem_text, redirect, status_of
from ordi.web.session import Viewer, station_token

WORKSHOP = OrgKind.REFURBISHER
QUEUE_SIZE = 20
DEVICE_PAGE_SIZE = 50
MAX_TAGS_IN_FORM = 2_000


def _tags(raw: str) -> list[str]:
    """Tags typed, pasted or scanned one per line (a label's URL gives its tag)."""
    found = []
    for part in re.split(r"[\s,;]+", raw.strip()):
        match = re.search(r"/D/([A-Za-z0-9-]+)/?$", part, re.IGNORECASE)
        tag = (match.group(1) if match else part).replace("-", "").upper()
        if tag:
            found.append(tag[:20])
    return found[:MAX_TAGS_IN_FORM]


# --------------------------------------------------------------------------- the work queue


@get("/atelier", include_in_schema=False)
async def queue(viewer: Viewer) -> Template:
    person = viewer.require(WORKSHOP)
    to_claim = await pickups.list_pickups(person.actor, "requested", PageRequest(limit=QUEUE_SIZE), viewer.lang)
    scheduled = await pickups.list_pickups(person.actor, "scheduled", PageRequest(limit=QUEUE_SIZE), viewer.lang)
    custody = {r["state"]: r for r in await devices.custody_summary(person.actor)}
    moment = now()
    stock = [
        {"state": s, "n": custody[s]["n"], "days": max((moment - custody[s]["oldest"]).days, 0)}
        for s in STATE_ORDER
        if s in custody
    ]
    mine = [p for p in to_claim.items if p.workshop_id == person.actor.organisation_id]
    open_queue = [p for p in to_claim.items if p.workshop_id is None]
    return page(viewer, "workshop/queue.html", open_queue=open_queue, mine=mine, scheduled=scheduled.items, stock=stock)


@get("/atelier/chercher", include_in_schema=False)
async def find_device(viewer: Viewer, code: str = "") -> Redirect:
    viewer.require(WORKSHOP)
    tags = _tags(code[:200])
    return redirect(viewer, f"/atelier/appareils/{tags[0]}" if tags else "/atelier")


# --------------------------------------------------------------------------- pickups


async def _pickup_view(viewer: Viewer, pickup_id: int, errors: list[str] | None = None, status: int = 200) -> Template:
    person = viewer.require(WORKSHOP)
    pickup = await pickups.get(person.actor, pickup_id, viewer.lang)
    declared: list[str] = []
    if pickup.state == "scheduled" and pickup.workshop_id == person.actor.organisation_id:
        for donation_id in pickup.donation_ids or []:
            listed = await devices.list_devices(
                person.actor,
                state="declared",
                category=None,
                donation=donation_id,
                request=PageRequest(limit=500),
                lang=viewer.lang,
            )
            declared += [d.asset_tag for d in listed.items]
    return page(
        viewer,
        "workshop/pickup.html",
        status,
        pickup=pickup,
        declared=declared,
        errors=errors or [],
        mine=pickup.workshop_id == person.actor.organisation_id,
        today=today().isoformat(),
    )


@get("/atelier/enlevements/{pickup_id:int}", include_in_schema=False)
async def pickup_page(viewer: Viewer, pickup_id: int) -> Template:
    return await _pickup_view(viewer, pickup_id)


@post("/atelier/enlevements/{pickup_id:int}/{step:str}", include_in_schema=False, status_code=200)
async def pickup_step(request: Request[Any, Any, Any], viewer: Viewer, pickup_id: int, step: str) -> Any:
    """One step of the pickup, as the API's `claim`, `schedule` and `collect`."""
    person = viewer.require(WORKSHOP)
    form = await posted(request, viewer)
    try:
        if step == "prendre":
            await pickups.claim(person.actor, pickup_id, viewer.lang)
        elif step == "planifier":
            await pickups.schedule(person.actor, pickup_id, date.fromisoformat(text(form, "date", 10)), viewer.lang)
        elif step == "collecter":
            data = {
                "handed_over_by": {"name": text(form, "handed_over_by", 200)},
                "tags": _tags(text(form, "tags", 50_000)),
            }
            data["note"] = text(form, "note", 2000)
            await pickups.collect(person.actor, pickup_id, msgspec.convert(data, CollectIn), viewer.lang)
        else:
            return await _pickup_view(viewer, pickup_id, status=404)
    except ValueError as exc:  # a date that is not one (msgspec's ValidationError is one too)
        return await _pickup_view(viewer, pickup_id, [validation_text(str(exc), viewer.lang)], 422)
    except DomainError as exc:
        if exc.key.endswith("not_found"):
            raise
        return await _pickup_view(viewer, pickup_id, [problem_text(exc, viewer.lang)], status_of(exc))
    return redirect(viewer, f"/atelier/enlevements/{pickup_id}")


@get("/atelier/enlevements/{pickup_id:int}/bon", include_in_schema=False)
async def receipt(viewer: Viewer, pickup_id: int) -> Response[bytes]:
    person = viewer.require(WORKSHOP, OrgKind.DONOR, OrgKind.OPERATOR)
    number, pdf = await pickups.receipt_pdf(person.actor, pickup_id, viewer.lang)
    return Response(
        pdf, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{number}.pdf"'}
    )


# --------------------------------------------------------------------------- devices


@get("/atelier/appareils", include_in_schema=False)
async def device_list(viewer: Viewer, etat: str = "received", apres: str | None = None) -> Template:
    person = viewer.require(WORKSHOP)
    state = etat if etat in STATE_ORDER else "received"
    listed = await devices.list_devices(
        person.actor,
        state=state,
        category=None,
        donation=None,
        request=PageRequest(limit=DEVICE_PAGE_SIZE, cursor=apres),
        lang=viewer.lang,
    )
    return page(viewer, "workshop/devices.html", state=state, listed=listed, first=apres is None)


@get("/atelier/appareils/{tag:str}", include_in_schema=False)
async def device_page(viewer: Viewer, tag: str) -> Template:
    person = viewer.require(WORKSHOP, OrgKind.OPERATOR)
    device = await devices.get_device(person.actor, tag[:40], viewer.lang)
    events = await devices.history(person.actor, device.asset_tag, PageRequest(limit=100))
    issued = await certificates.list_for_device(person.actor, device.asset_tag, PageRequest(limit=20))
    return page(
        viewer,
        "workshop/device.html",
        device=device,
        events=events.items,
        certificates=issued.items,
        token=station_token(person),
        station_words=station_words(viewer.lang),
    )


@get("/atelier/appareils/{tag:str}/etiquette", include_in_schema=False)
async def one_label(viewer: Viewer, tag: str) -> Response[bytes]:
    person = viewer.require(WORKSHOP)
    label = await printing.render_one(person.actor, tag[:40], "pdf", None)
    return Response(
        label.data,
        media_type=label.content_type,
        headers={"Content-Disposition": f'inline; filename="{label.filename}"'},
    )


# --------------------------------------------------------------------------- label printing


def _print_page(viewer: Viewer, fields: dict[str, str], errors: list[str], status: int = 200) -> Template:
    formats = printing.list_formats()
    return page(viewer, "workshop/labels.html", status, formats=formats.items, fields=fields, errors=errors)


@get("/atelier/etiquettes", include_in_schema=False)
async def label_form(viewer: Viewer, don: str = "", tags: str = "") -> Template:
    viewer.require(WORKSHOP)
    fields = {"donation_id": don[:12], "tags": tags[:20_000], "format": "avery-l7160", "skip": "0"}
    return _print_page(viewer, fields, [])


@post("/atelier/etiquettes", include_in_schema=False, status_code=200)
async def print_labels(request: Request[Any, Any, Any], viewer: Viewer) -> Template | Redirect:
    person = viewer.require(WORKSHOP)
    form = await posted(request, viewer)
    fields = {k: text(form, k, 50_000 if k == "tags" else 40) for k in ("donation_id", "tags", "format", "skip")}
    data: dict[str, Any] = {"format": fields["format"] or "avery-l7160"}
    tags = _tags(fields["tags"])
    if tags:
        data["tags"] = tags
    elif fields["donation_id"].isdigit():
        data["donation_id"] = int(fields["donation_id"])
    if fields["skip"]:
        data["skip"] = int(fields["skip"]) if fields["skip"].isdigit() else fields["skip"]
    try:
        job_id = await printing.create_job(person.actor, msgspec.convert(data, LabelJobIn))
    except msgspec.ValidationError as exc:
        return _print_page(viewer, fields, [validation_text(str(exc), viewer.lang)], 422)
    except DomainError as exc:
        return _print_page(viewer, fields, [problem_text(exc, viewer.lang)], status_of(exc))
    return redirect(viewer, f"/taches/{job_id}")


ROUTES = [
    queue,
    find_device,
    pickup_page,
    receipt,
    pickup_step,
    device_list,
    device_page,
    one_label,
    label_form,
    print_labels,
]
