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
from ordi.devices import corrections
from ordi.devices import service as devices
from ordi.devices.schemas import DeviceEditIn
from ordi.domain import specs
from ordi.domain.errors import DomainError, InvalidImport, NotFound
from ordi.domain.lifecycle import OrgKind
from ordi.donations import report
from ordi.donations import service as donations
from ordi.donations.controllers import _EXTENSIONS as EXTENSIONS
from ordi.donations.schemas import DonationEditIn, DonationIn, ImportCheckOut
from ordi.donations.spreadsheet import WORKBOOK_TYPES, is_workbook
from ordi.http.problems import validation_text
from ordi.i18n import message, web_word, web_word_or
from ordi.paging import PageRequest
from ordi.pickups import service as pickups
from ordi.pickups.schemas import PickupIn
from ordi.web.pages import posted, text
from ordi.web.rendering import line_errors, page, problem_text, redirect, status_of
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
    "returned", "recycled", "lost", "withdrawn",
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


#: The specs a donor may state per device (`ordi.domain.specs`, the API's `SpecsIn`): each optional.
SPEC_FIELDS = specs.SPEC_FIELDS


def _blank_row() -> dict[str, Any]:
    row = {"category": "", "brand": "", "model": "", "serial_number": "", "has_storage": True, "weight_kg": ""}
    return row | dict.fromkeys(SPEC_FIELDS, "")


def _spec_values(row: dict[str, Any]) -> dict[str, Any] | None:
    """The specs typed in a row, read as a spreadsheet's cells are (`8 Go`, `15,6"`, `disque dur`:
    `specs.read_cell`); what it cannot read is passed on as typed, for the schema to say what is
    wrong with it. None when none is typed."""
    given: dict[str, Any] = {}
    for name in SPEC_FIELDS:
        try:
            value = specs.read_cell(name, row[name])
        except specs.CellError:
            value = row[name]
        if value is not None:
            given[name] = value
    return given or None


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
            **{name: text(form, f"{name}-{i}", 200) for name in SPEC_FIELDS},
        }
        for i in range(count)
    ]


def _filled(row: dict[str, Any]) -> bool:
    return any(row[k] for k in ("category", "brand", "model", "serial_number", "weight_kg", *SPEC_FIELDS))


def _item(row: dict[str, Any]) -> dict[str, Any]:
    item = {k: row[k] for k in ("category", "brand", "model", "serial_number", "has_storage")}
    if row["weight_kg"]:
        try:
            item["weight_kg"] = float(row["weight_kg"].replace(",", "."))
        except ValueError:
            item["weight_kg"] = row["weight_kg"]  # the schema says what is wrong with it
    given = _spec_values(row)
    if given:
        item["specs"] = given
    return item


def _form_page(
    viewer: Viewer, rows: list[dict[str, Any]], fields: dict[str, str], errors: list[str], status: int = 200
) -> Template:
    return page(
        viewer, "donor/new.html", status, rows=rows, fields=fields, errors=errors, max_rows=MAX_FORM_ROWS,
        storage_kinds=specs.STORAGE_KINDS, os_licences=specs.OS_LICENCES,
    )  # fmt: skip


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
        lines = line_errors(exc, viewer.lang)
        errors = [_row_text(e, viewer.lang) for e in lines] or [problem_text(exc, viewer.lang)]
        return _form_page(viewer, rows, fields, errors, 422)
    return redirect(viewer, f"/dons/{declared.id}?nouveau=1")


def _row_text(error: dict[str, Any], lang: str) -> str:
    """A declaration's line error said as the form's device and field (`specs.ram_gb`: "RAM")."""
    column = str(error["column"])
    field = web_word_or(f"spec.{column.removeprefix('specs.')}", column, lang)
    return web_word("donor.row_error", lang, row=error["line"], field=field, message=error["message"])


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
    said: str = "",
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
        said=said,
        editable=donations.still_editable(donation),
        pickup_fields=pickup_fields or {"postcode": donation.pickup_postcode, "address": donation.pickup_address},
        pickup_errors=pickup_errors or [],
        inline_max=report.INLINE_MAX_DEVICES,
    )


@get("/dons/{donation_id:int}", include_in_schema=False)
async def donation_page(
    viewer: Viewer,
    donation_id: int,
    apres: str | None = None,
    nouveau: bool = False,
    modifie: bool = False,
    annule: bool = False,
    appareil: str = "",
    retire: str = "",
) -> Template:
    """`?modifie`, `?annule`, `?appareil=TAG`, `?retire=TAG`: what the last form did, said once."""
    said = ""
    if modifie:
        said = web_word("donor.edited", viewer.lang)
    elif annule:
        said = web_word("donor.cancelled", viewer.lang)
    elif appareil:
        said = web_word("donor.device_edited", viewer.lang, tag=appareil[:20])
    elif retire:
        said = web_word("donor.device_removed", viewer.lang, tag=retire[:20])
    return await _donation_view(viewer, donation_id, apres, created=nouveau, said=said)


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


# --------------------------------------------------------------------------- edit, cancel, a device


def _confirmed(form: FormMultiDict) -> bool:
    return form.get("confirm") == "1"


async def _edit_view(viewer: Viewer, donation_id: int, fields: dict[str, str] | None = None,
                     errors: list[str] | None = None, status: int = 200) -> Template:  # fmt: skip
    person = viewer.require(DONOR)
    donation = await donations.get_donation(person.actor, donation_id, viewer.lang)
    fields = fields or {
        "pickup_address": donation.pickup_address,
        "pickup_postcode": donation.pickup_postcode,
        "notes": donation.notes,
    }
    return page(viewer, "donor/edit.html", status, donation=donation, fields=fields, errors=errors or [])


@get("/dons/{donation_id:int}/modifier", include_in_schema=False)
async def edit_donation_form(viewer: Viewer, donation_id: int) -> Template:
    return await _edit_view(viewer, donation_id)


@post("/dons/{donation_id:int}/modifier", include_in_schema=False, status_code=200)
async def edit_donation(request: Request[Any, Any, Any], viewer: Viewer, donation_id: int) -> Template | Redirect:
    person = viewer.require(DONOR)
    form = await posted(request, viewer)
    fields = {
        "pickup_address": text(form, "pickup_address", 300),
        "pickup_postcode": text(form, "pickup_postcode", 5),
        "notes": text(form, "notes", 2000),
    }
    try:
        await donations.update_donation(person.actor, donation_id, msgspec.convert(fields, DonationEditIn), viewer.lang)
    except msgspec.ValidationError as exc:
        return await _edit_view(viewer, donation_id, fields, [validation_text(str(exc), viewer.lang)], 422)
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        return await _edit_view(viewer, donation_id, fields, [problem_text(exc, viewer.lang)], status_of(exc))
    return redirect(viewer, f"/dons/{donation_id}?modifie=1")


async def _cancel_view(viewer: Viewer, donation_id: int, reason: str = "", errors: list[str] | None = None,
                       status: int = 200) -> Template:  # fmt: skip
    person = viewer.require(DONOR)
    donation = await donations.get_donation(person.actor, donation_id, viewer.lang)
    return page(viewer, "donor/cancel.html", status, donation=donation, reason=reason, errors=errors or [])


@get("/dons/{donation_id:int}/annuler", include_in_schema=False)
async def cancel_donation_form(viewer: Viewer, donation_id: int) -> Template:
    return await _cancel_view(viewer, donation_id)


@post("/dons/{donation_id:int}/annuler", include_in_schema=False, status_code=200)
async def cancel_donation(request: Request[Any, Any, Any], viewer: Viewer, donation_id: int) -> Template | Redirect:
    """Destructive: done only with the confirmation box ticked (no JavaScript needed)."""
    person = viewer.require(DONOR)
    form = await posted(request, viewer)
    reason = text(form, "reason", 500)
    if not _confirmed(form):
        return await _cancel_view(viewer, donation_id, reason, [web_word("form.confirm_needed", viewer.lang)], 422)
    try:
        await donations.cancel_donation(person.actor, donation_id, reason, viewer.lang)
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        return await _cancel_view(viewer, donation_id, reason, [problem_text(exc, viewer.lang)], status_of(exc))
    return redirect(viewer, f"/dons/{donation_id}?annule=1")


async def _device_of(viewer: Viewer, donation_id: int, tag: str) -> tuple[Any, Any]:
    """The donation and one of its devices (another donation's device, or another donor's: 404)."""
    person = viewer.require(DONOR)
    donation = await donations.get_donation(person.actor, donation_id, viewer.lang)
    device = await devices.get_device(person.actor, tag, viewer.lang)
    if device.donation_id != donation.id:
        raise NotFound("device_not_found")
    return donation, device


#: The declared fields a donor corrects on a device's page, with their longest length.
_DEVICE_FIELDS = {"category": 30, "brand": 100, "model": 150, "serial_number": 100}


def _device_page(
    viewer: Viewer,
    donation: Any,
    device: Any,
    status: int = 200,
    *,
    fields: dict[str, str] | None = None,
    errors: list[str] | None = None,
    reason: str = "",
    remove_errors: list[str] | None = None,
) -> Template:
    """A declared device's page, from the donation and device already read (errors shown again)."""
    fields = fields or {k: getattr(device, k) for k in _DEVICE_FIELDS}
    return page(
        viewer, "donor/device.html", status, donation=donation, device=device, fields=fields,
        errors=errors or [], reason=reason, remove_errors=remove_errors or [],
    )  # fmt: skip


@get("/dons/{donation_id:int}/appareils/{tag:str}", include_in_schema=False)
async def device_form(viewer: Viewer, donation_id: int, tag: str) -> Template:
    donation, device = await _device_of(viewer, donation_id, tag)
    return _device_page(viewer, donation, device)


@post("/dons/{donation_id:int}/appareils/{tag:str}", include_in_schema=False, status_code=200)
async def edit_device(
    request: Request[Any, Any, Any], viewer: Viewer, donation_id: int, tag: str
) -> Template | Redirect:
    person = viewer.require(DONOR)
    form = await posted(request, viewer)
    fields = {k: text(form, k, size) for k, size in _DEVICE_FIELDS.items()}
    donation, device = await _device_of(viewer, donation_id, tag)
    try:
        await corrections.amend(person.actor, device.asset_tag, msgspec.convert(fields, DeviceEditIn), viewer.lang)
    except msgspec.ValidationError as exc:
        return _device_page(
            viewer, donation, device, 422, fields=fields, errors=[validation_text(str(exc), viewer.lang)]
        )
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        return _device_page(
            viewer, donation, device, status_of(exc), fields=fields, errors=[problem_text(exc, viewer.lang)]
        )
    return redirect(viewer, f"/dons/{donation_id}?appareil={device.asset_tag}")


@post("/dons/{donation_id:int}/appareils/{tag:str}/retirer", include_in_schema=False, status_code=200)
async def remove_device(
    request: Request[Any, Any, Any], viewer: Viewer, donation_id: int, tag: str
) -> Template | Redirect:
    """Destructive: the device leaves the donation (withdrawn) only with the box ticked."""
    person = viewer.require(DONOR)
    form = await posted(request, viewer)
    reason = text(form, "reason", 500)
    donation, device = await _device_of(viewer, donation_id, tag)
    errors: list[str] = []
    status = 422
    if not _confirmed(form):
        errors = [web_word("form.confirm_needed", viewer.lang)]
    else:
        try:
            await corrections.withdraw(person.actor, device.asset_tag, reason, viewer.lang)
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise
            errors, status = [problem_text(exc, viewer.lang)], status_of(exc)
    if errors:
        return _device_page(viewer, donation, device, status, reason=reason, remove_errors=errors)
    return redirect(viewer, f"/dons/{donation_id}?retire={device.asset_tag}")


ROUTES = [
    edit_donation_form,
    edit_donation,
    cancel_donation_form,
    cancel_donation,
    device_form,
    edit_device,
    remove_device,
    donation_list,
    new_donation,
    declare_donation,
    import_form,
    import_upload,
    donation_page,
    ask_pickup,
    donation_report,
]
