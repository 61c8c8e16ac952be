"""The donor's pages, "Mes dons": the donations and their counts per state, the new-donation form,
the spreadsheet upload (dry run shown before confirming), a donation's page (devices paged,
certificates, the traceability report) and its pickup request.

Every handler reads the form, calls the service the API calls, and renders; a refusal from the
service is shown on the form (or as an error page), never a 500.
"""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime, time
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.datastructures import FormMultiDict, UploadFile
from litestar.response import Redirect, Response, Template

from ordi.certificates import service as certificates
from ordi.clock import PARIS
from ordi.devices import service as devices
from ordi.domain.errors import DomainError, InvalidImport, NotFound
from ordi.domain.lifecycle import OrgKind
from ordi.donations import report
from ordi.donations import service as donations
from ordi.donations.controllers import _EXTENSIONS as EXTENSIONS
from ordi.donations.schemas import DonationIn, ImportCheckOut
from ordi.donations.spreadsheet import WORKBOOK_TYPES, is_workbook
from ordi.http.problems import validation_text
from ordi.i18n import message, web_word
from ordi.paging import PageRequest
from ordi.pickups import service as pickups
from ordi.pickups.schemas import PickupIn
from ordi.web.pages import posted, text
from ordi.web.rendering import line_errors, page, problem_text, redirect
from ordi.web.session import Viewer

DONOR = OrgKind.DONOR
PAGE_SIZE = 25
DEVICE_PAGE_SIZE = 50
#: Rows of the new-donation form: three to start with, more on demand, a bounded form.
FIRST_ROWS = 3
MAX_FORM_ROWS = 200
#: A confirmed file of more rows than this is imported by a background job, with its progress.
BACKGROUND_ROWS = 1_000
#: The order the pages list states in: the journey's.
STATE_ORDER = (
    "declared", "collected", "received", "wiped", "ready", "reserved", "shipped", "delivered", "handed_over",
    "returned", "recycled", "lost",
)  # fmt: skip


def ordered_counts(counts: dict[str, int] | None) -> list[tuple[str, int]]:
    counts = counts or {}
    return [(s, counts[s]) for s in STATE_ORDER if counts.get(s)]


# --------------------------------------------------------------------------- list


@get("/dons", include_in_schema=False)
async def donation_list(viewer: Viewer, apres: str | None = None) -> Template:
    person = viewer.require(DONOR)
    listed = await donations.list_donations(person.actor, PageRequest(limit=PAGE_SIZE, cursor=apres))
    counts = await donations.state_counts(person.actor, [d.id for d in listed.items])
    rows = [{"donation": d, "counts": ordered_counts(counts.get(d.id))} for d in listed.items]
    return page(viewer, "donor/list.html", rows=rows, listed=listed, first=apres is None)


# --------------------------------------------------------------------------- new donation


def _blank_row() -> dict[str, Any]:
    return {"category": "", "brand": "", "model": "", "serial_number": "", "has_storage": True, "weight_kg": ""}


def _rows_from(form: FormMultiDict) -> list[dict[str, Any]]:
    try:
        count = min(max(int(text(form, "rows", 4) or FIRST_ROWS), 1), MAX_FORM_ROWS)
    except ValueError:
        count = FIRST_ROWS
    return [
        {
            "category": text(form, f"category-{i}", 30),
            "brand": text(form, f"brand-{i}", 100),
            "model": text(form, f"model-{i}", 150),
            "serial_number": text(form, f"serial-{i}", 100),
            "has_storage": form.get(f"storage-{i}") == "1",
            "weight_kg": text(form, f"weight-{i}", 10),
        }
        for i in range(count)
    ]


def _filled(row: dict[str, Any]) -> bool:
    return any(row[k] for k in ("category", "brand", "model", "serial_number", "weight_kg"))


def _item(row: dict[str, Any]) -> dict[str, Any]:
    item = {k: row[k] for k in ("category", "brand", "model", "serial_number", "has_storage")}
    if row["weight_kg"]:
        try:
            item["weight_kg"] = float(row["weight_kg"].replace(",", "."))
        except ValueError:
            item["weight_kg"] = row["weight_kg"]  # the schema says what is wrong with it
    return item


def _form_page(
    viewer: Viewer, rows: list[dict[str, Any]], fields: dict[str, str], errors: list[str], status: int = 200
) -> Template:
    return page(viewer, "donor/new.html", status, rows=rows, fields=fields, errors=errors, max_rows=MAX_FORM_ROWS)


@get("/dons/nouveau", include_in_schema=False)
async def new_donation(viewer: Viewer) -> Template:
    viewer.require(DONOR)
    fields = {"pickup_address": "", "pickup_postcode": "", "notes": ""}
    return _form_page(viewer, [_blank_row() for _ in range(FIRST_ROWS)], fields, [])


@post("/dons/nouveau", include_in_schema=False, status_code=200)
async def declare_donation(request: Request[Any, Any, Any], viewer: Viewer) -> Template | Redirect:
    person = viewer.require(DONOR)
    form = await posted(request, viewer)
    rows = _rows_from(form)
    fields = {
        "pickup_address": text(form, "pickup_address", 300),
        "pickup_postcode": text(form, "pickup_postcode", 5),
        "notes": text(form, "notes", 2000),
    }
    if form.get("more"):  # "add rows" without JavaScript: the same form, three rows longer
        rows += [_blank_row() for _ in range(min(FIRST_ROWS, MAX_FORM_ROWS - len(rows)))]
        return _form_page(viewer, rows, fields, [])
    items = [_item(r) for r in rows if _filled(r)]
    try:
        data = msgspec.convert({"items": items, **fields}, DonationIn)
        declared = await donations.declare(
            person.actor,
            donations.items_from_json(data),
            pickup_address=data.pickup_address,
            pickup_postcode=data.pickup_postcode,
            notes=data.notes,
            lang=viewer.lang,
        )
    except msgspec.ValidationError as exc:
        error = message("validation_failed", viewer.lang, message=validation_text(str(exc), viewer.lang))
        return _form_page(viewer, rows, fields, [_row_hint(str(exc), viewer.lang) or error], 422)
    except DomainError as exc:
        errors = [_line_text(e, viewer.lang) for e in line_errors(exc, viewer.lang)] or [problem_text(exc, viewer.lang)]
        return _form_page(viewer, rows, fields, errors, 422)
    return redirect(viewer, f"/dons/{declared.id}?nouveau=1")


def _row_hint(error: str, lang: str) -> str:
    """msgspec's `$.items[1].category` said as the form's row number."""
    head, _, where = error.partition(" - at ")
    if where.startswith("`$.items["):
        index = where[len("`$.items[") :].split("]", 1)[0]
        field = where.rsplit(".", 1)[-1].rstrip("`")
        if index.isdigit():
            text_ = validation_text(head, lang)
            return web_word("donor.row_error", lang, row=int(index) + 1, field=field, message=text_)
    return ""


def _line_text(error: dict[str, Any], lang: str) -> str:
    return web_word("error.line", lang, line=error["line"], column=error["column"], message=error["message"])


# --------------------------------------------------------------------------- spreadsheet import


def _upload_page(viewer: Viewer, status: int = 200, **context: Any) -> Template:
    defaults: dict[str, Any] = {"check": None, "errors": [], "payload": "", "media_type": "", "filename": ""}
    return page(viewer, "donor/import.html", status, **{**defaults, **context})


@get("/dons/import", include_in_schema=False)
async def import_form(viewer: Viewer) -> Template:
    viewer.require(DONOR)
    return _upload_page(viewer)


def _media_type(upload: UploadFile) -> str:
    media_type = (upload.content_type or "").split(";")[0].strip().lower()
    if media_type in WORKBOOK_TYPES:
        return media_type
    name = (upload.filename or "").lower()
    return next((t for ext, t in EXTENSIONS.items() if name.endswith(ext)), "text/csv")


@post("/dons/import", include_in_schema=False, status_code=200)
async def import_upload(request: Request[Any, Any, Any], viewer: Viewer) -> Template | Redirect:
    """Step 1, a file: its dry run (columns read, unknown ones, every line error). Step 2, the
    confirmation: the same bytes (carried by the form, nothing kept on the server) imported."""
    person = viewer.require(DONOR)
    form = await posted(request, viewer)
    upload = form.get("file")
    if isinstance(upload, UploadFile):
        raw, media_type, filename = await upload.read(), _media_type(upload), (upload.filename or "")[:200]
    else:
        try:
            raw = base64.b64decode(text(form, "payload", 30_000_000), validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        media_type, filename = text(form, "media_type", 100), text(form, "filename", 200)
    if not raw:
        return _upload_page(viewer, 422, errors=[message("import_empty", viewer.lang)])
    if not is_workbook(raw, media_type) and b"\x00" in raw:
        return _upload_page(viewer, 422, errors=[message("import_unreadable", viewer.lang)])
    confirm = bool(form.get("confirm")) and not isinstance(upload, UploadFile)
    try:
        check = await donations.import_spreadsheet(
            person.actor, raw, False, viewer.lang, media_type=media_type, dry_run=True
        )
        assert isinstance(check, ImportCheckOut)
        if not confirm or not check.valid:
            payload = base64.b64encode(raw).decode("ascii") if check.valid else ""
            return _upload_page(
                viewer,
                200 if check.valid else 422,
                check=check,
                payload=payload,
                media_type=media_type,
                filename=filename,
            )
        background = check.rows > BACKGROUND_ROWS
        result = await donations.import_spreadsheet(person.actor, raw, background, viewer.lang, media_type=media_type)
    except DomainError as exc:
        errors = [_line_text(e, viewer.lang) for e in line_errors(exc, viewer.lang)] or [problem_text(exc, viewer.lang)]
        return _upload_page(viewer, 422, errors=errors, filename=filename)
    if isinstance(result, str):
        return redirect(viewer, f"/taches/{result}")
    return redirect(viewer, f"/dons/{result.id}?nouveau=1")  # type: ignore[union-attr]


# --------------------------------------------------------------------------- one donation


async def _donation_view(
    viewer: Viewer,
    donation_id: int,
    apres: str | None = None,
    created: bool = False,
    pickup_fields: dict[str, str] | None = None,
    pickup_errors: list[str] | None = None,
    status: int = 200,
) -> Template:
    person = viewer.require(DONOR)
    donation = await donations.get_donation(person.actor, donation_id, viewer.lang, with_devices=True)
    listed = await devices.list_devices(
        person.actor,
        state=None,
        category=None,
        donation=donation_id,
        request=PageRequest(limit=DEVICE_PAGE_SIZE, cursor=apres),
        lang=viewer.lang,
    )
    numbers = await certificates.numbers_for_devices(person.actor, [d.asset_tag for d in listed.items])
    its_pickups = await pickups.for_donation(person.actor, donation_id, viewer.lang)
    return page(
        viewer,
        "donor/donation.html",
        status,
        donation=donation,
        counts=ordered_counts(donation.state_counts),
        listed=listed,
        numbers=numbers,
        pickups=its_pickups,
        first=apres is None,
        created=created,
        pickup_fields=pickup_fields or {"postcode": donation.pickup_postcode, "address": donation.pickup_address},
        pickup_errors=pickup_errors or [],
        inline_max=report.INLINE_MAX_DEVICES,
    )


@get("/dons/{donation_id:int}", include_in_schema=False)
async def donation_page(viewer: Viewer, donation_id: int, apres: str | None = None, nouveau: bool = False) -> Template:
    return await _donation_view(viewer, donation_id, apres, created=nouveau)


@post("/dons/{donation_id:int}/enlevement", include_in_schema=False, status_code=200)
async def ask_pickup(request: Request[Any, Any, Any], viewer: Viewer, donation_id: int) -> Template | Redirect:
    person = viewer.require(DONOR)
    form = await posted(request, viewer)
    fields = {
        k: text(form, k, 300)
        for k in (
            "address",
            "postcode",
            "city",
            "access_notes",
            "contact_name",
            "contact_phone",
            "contact_email",
            "day",
            "from",
            "to",
        )
    }
    data: dict[str, Any] = {
        "donation_ids": [donation_id],
        "postcode": fields["postcode"],
        "address": fields["address"],
        "city": fields["city"],
        "access_notes": fields["access_notes"],
        "contact": {"name": fields["contact_name"], "phone": fields["contact_phone"], "email": fields["contact_email"]},
    }
    if fields["day"]:
        data["windows"] = [
            {
                "from": _paris(fields["day"], fields["from"] or "09:00"),
                "to": _paris(fields["day"], fields["to"] or "17:00"),
            }
        ]
    try:
        await pickups.create(person.actor, msgspec.convert(data, PickupIn), viewer.lang)
    except msgspec.ValidationError as exc:
        return await _pickup_error(viewer, donation_id, fields, validation_text(str(exc), viewer.lang))
    except DomainError as exc:
        if isinstance(exc, InvalidImport) or exc.key.endswith("not_found"):
            raise
        return await _pickup_error(viewer, donation_id, fields, problem_text(exc, viewer.lang))
    return redirect(viewer, f"/dons/{donation_id}#enlevement")


def _paris(day: str, hour: str) -> str:
    """A day and an hour typed in the form, as the aware instant the schema wants (Paris time);
    what is not a date is passed on as typed, for the schema to refuse."""
    try:
        return datetime.combine(date.fromisoformat(day), time.fromisoformat(hour), tzinfo=PARIS).isoformat()
    except ValueError:
        return f"{day}T{hour}"


async def _pickup_error(viewer: Viewer, donation_id: int, fields: dict[str, str], error: str) -> Template:
    return await _donation_view(viewer, donation_id, pickup_fields=fields, pickup_errors=[error], status=422)


@get("/dons/{donation_id:int}/rapport/{fmt:str}", include_in_schema=False)
async def donation_report(viewer: Viewer, donation_id: int, fmt: str) -> Response[Any] | Redirect:
    person = viewer.require(DONOR, OrgKind.OPERATOR)
    if fmt not in report.FORMATS:
        raise NotFound("not_found")
    result = await report.request_report(person.actor, donation_id, fmt, viewer.lang)
    if isinstance(result, str):
        return redirect(viewer, f"/taches/{result}")
    body, filename = result
    return Response(
        body, media_type=report.FORMATS[fmt], headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


ROUTES = [
    donation_list,
    new_donation,
    declare_donation,
    import_form,
    import_upload,
    donation_page,
    ask_pickup,
    donation_report,
]
