"""Wipe certificates: issued with the wipe event, read back by the right eyes, verified by anyone.

`issue_for_wipe` is the hook of every `wipe` step (registered by `ordi.wiring`): it runs inside
the transaction that records a wipe (or a media destruction), so a wipe event never exists
without its certificate.
The certificate's canonical content is signed with the service's Ed25519 key and stored as is; it
is never updated (a correction is a new wipe event, hence a new certificate).

Numbers are ``CE-<year>-<sequence>``, the sequence taken from a per-year counter row incremented
with an upsert inside the same transaction: the row lock (PostgreSQL) or the IMMEDIATE transaction
(SQLite) hands out each number once, gap-free within a year, whatever the number of API processes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from msgspec.structs import force_setattr

from ordi import paging, scoping
from ordi.certificates import signing
from ordi.certificates.model import (
    CERTIFICATE_SCHEMA,
    CertificateDevice,
    MediumRecord,
    WipeCertificate,
    Workshop,
    format_utc,
    normalise_serial,
    overall_result,
    parse_certificate_number,
)
from ordi.certificates.model import certificate_number as format_number
from ordi.certificates.pdf import render_certificate_pdf
from ordi.certificates.tables import CertificateCounter, WipeToolReport
from ordi.certificates.tables import WipeCertificate as CertificateRow
from ordi.clock import PARIS, now
from ordi.config import ConfigError, get_settings
from ordi.devices.hooks import StepRecorded
from ordi.devices.service import find_visible
from ordi.devices.tables import Device
from ordi.domain.errors import Conflict, NotFound
from ordi.domain.lifecycle import Actor
from ordi.domain.records import Record, WipeRecord
from ordi.i18n import category_name
from ordi.organisations.tables import Organisation
from ordi.paging import Page, PageRequest

# --------------------------------------------------------------------------- key


@lru_cache(maxsize=1)
def signing_key() -> Ed25519PrivateKey:
    """Loaded once per process: ORDI_SIGNING_KEY, or (outside production) derived from the secret."""
    settings = get_settings()
    return signing.load_signing_key(settings.signing_key, settings.secret_key)


def check_signing_key() -> None:
    """At start-up: a malformed ORDI_SIGNING_KEY stops the service with the reason, instead of
    every wipe answering 500 later."""
    try:
        signing_key()
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc


def public_key_info() -> dict[str, str]:
    key = signing_key()
    return {
        "algorithm": signing.SIGNATURE_ALGORITHM,
        "key_id": signing.key_id(key),
        "public_key_pem": signing.public_key_pem(key),
        "public_key_base64": signing.public_key_raw_b64(key),
        "signed_bytes": "JSON canonique RFC 8785 (JCS) du champ « content »",
        "signature_encoding": "base64url sans remplissage (RFC 4648 §5)",
    }


def verify_url(number: str) -> str:
    return f"{get_settings().public_host_url}/verify/{number}"


# --------------------------------------------------------------------------- an attached tool report


@dataclass(frozen=True)
class AttachedReport:
    """A wiping tool's report that the wipe being recorded comes from (set by the import path)."""

    tool: str
    format: str
    raw: bytes
    sha256: str
    media: dict[str, MediumRecord] = field(default_factory=dict)  # by normalised serial


# --------------------------------------------------------------------------- issuing


class _UnregisteredWorkshop(Workshop, frozen=True, kw_only=True):
    """A workshop whose SIRET is not on record yet: the certificate says so (empty SIRET)
    rather than refusing the wipe; the operator completes the organisation's record."""

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("nom de l'atelier manquant")


def _workshop(name: str, siret: str | None, label_number: str | None) -> Workshop:
    if siret and len(siret) == 14 and siret.isdigit():
        return Workshop(name=name, siret=siret, label_number=label_number or "")
    return _UnregisteredWorkshop(name=name, siret="", label_number=label_number or "")


async def _next_sequence(year: int) -> int:
    rows = await CertificateCounter.raw(
        'INSERT INTO certificate_counter ("year", "last") VALUES ({}, 1) '
        'ON CONFLICT ("year") DO UPDATE SET "last" = certificate_counter."last" + 1 RETURNING "last"',
        year,
    )
    return int(rows[0]["last"])


def _operator(record: WipeRecord, actor: Actor) -> str:
    """The technician as the workshop identifies them (a code, not a name, is asked for);
    by default a pseudonymous id of the account that recorded the wipe."""
    typed = (record.operator or "").strip()
    if typed:
        return typed[:100]
    return f"OP-{actor.organisation_id}-{actor.user_id}" if actor.user_id else f"OP-{actor.organisation_id}"


def _media(record: WipeRecord, attached: AttachedReport | None) -> tuple[MediumRecord, ...]:
    media = []
    for medium in record.media:
        from_tool = attached.media.get(normalise_serial(medium.serial)) if attached else None
        capacity = medium.capacity_gb if medium.capacity_gb is not None else (from_tool.capacity_gb if from_tool else 0)
        media.append(
            MediumRecord(
                kind=medium.kind,
                model=medium.model or (from_tool.model if from_tool else ""),
                serial=medium.serial,
                capacity_gb=max(0, round(capacity)),
                result=medium.result,
                verification=from_tool.verification if from_tool else (record.verification or ""),
                started_at=from_tool.started_at if from_tool else None,
                ended_at=from_tool.ended_at if from_tool else None,
            )
        )
    return tuple(media)


async def issue_for_wipe(step: StepRecorded) -> None:
    """The `wipe` hook: sign and store the certificate of the step (its transaction still open)."""
    await issue(
        event_id=step.event_id,
        device=step.device,
        actor=step.actor,
        record=step.record,
        at=step.at,
        attached=step.attachment if isinstance(step.attachment, AttachedReport) else None,
    )


async def issue(
    *,
    event_id: int,
    device: dict[str, Any],
    actor: Actor,
    record: Record | None,
    at: datetime | None = None,
    attached: AttachedReport | None = None,
) -> str:
    """Sign and store the certificate of one wipe event; the caller's transaction is still open."""
    assert isinstance(record, WipeRecord), "un effacement porte un WipeRecord"
    issued_at = at or now()
    workshop_row = (
        await Organisation.select(Organisation.name, Organisation.siret, Organisation.label_number)
        .where(Organisation.id == actor.organisation_id)
        .first()
    )
    assert workshop_row is not None
    media = _media(record, attached)
    started = record.started_at or issued_at
    ended = record.ended_at or max(issued_at, started)
    year = issued_at.astimezone(PARIS).year
    number = format_number(year, await _next_sequence(year))
    certificate = WipeCertificate(
        number=number,
        issued_at=issued_at,
        workshop=_workshop(workshop_row["name"], workshop_row["siret"], workshop_row["label_number"]),
        operator=_operator(record, actor),
        device=CertificateDevice(
            asset_tag=device["asset_tag"],
            category=category_name(device["category"]),
            model=f"{device['brand']} {device['model']}".strip(),
            serial_number=device["serial_number"] or "",
        ),
        level=record.level,
        method=record.method,
        tool=record.tool,
        tool_version=record.tool_version or "",
        started_at=started,
        ended_at=ended,
        verification=record.verification or "",
        media=media,
        overall_result=overall_result(media),
        source_report_sha256=attached.sha256 if attached else None,
        source_report_tool=attached.tool if attached else None,
    )
    content = certificate.canonical_content()
    key = signing_key()
    report_id = None
    if attached is not None:
        inserted = await WipeToolReport.insert(
            WipeToolReport(
                device=device["id"],
                workshop=actor.organisation_id,
                tool=attached.tool,
                format=attached.format,
                sha256=attached.sha256,
                size=len(attached.raw),
                content=attached.raw,
                uploaded_at=issued_at,
            )
        ).returning(WipeToolReport.id)
        report_id = inserted[0]["id"]
    await CertificateRow.insert(
        CertificateRow(
            number=number,
            device=device["id"],
            workshop=actor.organisation_id,
            wipe_event=event_id,
            issued_at=issued_at,
            content=content,
            signature=signing.sign(content, key),
            key_id=signing.key_id(key),
            overall_result=certificate.overall_result,
            source_report_sha256=certificate.source_report_sha256,
            tool_report=report_id,
        )
    )
    return number


# --------------------------------------------------------------------------- reading


class SignatureOut(msgspec.Struct):
    alg: str
    key_id: str
    value: str


class CertificateOut(msgspec.Struct):
    """The signed document: every field is read from `content`, what the signature covers
    (canonical JSON, RFC 8785); nothing unsigned is shown as if it were certified."""

    number: str
    asset_tag: str
    issued_at: str
    overall_result: str
    content: dict[str, Any]
    signature: SignatureOut
    verify_url: str
    pdf_url: str
    source_report_sha256: str | None
    #: The signature verifies with the service's key over `content`, and the stored record agrees.
    intact: bool
    signature_valid: bool
    #: The stored columns that disagree with the signed content (an altered database row).
    discrepancies: list[str]


class CertificateSummary(msgspec.Struct):
    number: str
    issued_at: datetime
    level: str
    overall_result: str
    source_report_sha256: str | None
    url: str
    pdf_url: str
    verify_url: str


_COLUMNS = (
    CertificateRow.id,
    CertificateRow.number,
    CertificateRow.device,
    CertificateRow.workshop,
    CertificateRow.issued_at,
    CertificateRow.content,
    CertificateRow.signature,
    CertificateRow.key_id,
    CertificateRow.overall_result,
    CertificateRow.source_report_sha256,
    CertificateRow.device._.donor.as_alias("donor"),
    CertificateRow.device._.asset_tag.as_alias("asset_tag"),
)


def normalise_number(text: str) -> str:
    try:
        year, sequence = parse_certificate_number(text)
    except ValueError as exc:
        raise NotFound("certificate_not_found", number=text[:30]) from exc
    return format_number(year, sequence)


async def _row(number: str) -> dict[str, Any] | None:
    row = await CertificateRow.select(*_COLUMNS).where(CertificateRow.number == number).output(load_json=True).first()
    if row is not None and isinstance(row["content"], str):
        row["content"] = msgspec.json.decode(row["content"])
    return row


async def _visible_row(actor: Actor, text: str) -> dict[str, Any]:
    scoping.certificates(actor)  # refuses the kinds that see no certificate at all (403)
    number = normalise_number(text)
    row = await _row(number)
    if row is None or not scoping.certificate_row_visible(actor, row):
        raise NotFound("certificate_not_found", number=number)
    return row


def _out(row: dict[str, Any]) -> CertificateOut:
    content = row["content"] if isinstance(row["content"], dict) else {}
    number = str(content.get("number") or row["number"])
    valid = _signature_valid(row)
    disagree = _discrepancies(row, content)
    return CertificateOut(
        number=number,
        asset_tag=str((content.get("device") or {}).get("asset_tag") or ""),
        issued_at=str(content.get("issued_at") or ""),
        overall_result=str(content.get("overall_result") or ""),
        content=content,
        signature=SignatureOut(alg=signing.SIGNATURE_ALGORITHM, key_id=row["key_id"], value=row["signature"]),
        verify_url=verify_url(number),
        pdf_url=f"/api/v1/certificates/{number}.pdf",
        source_report_sha256=content.get("source_report_sha256"),
        intact=valid and not disagree,
        signature_valid=valid,
        discrepancies=disagree,
    )


async def get_certificate(actor: Actor, number: str) -> CertificateOut:
    return _out(await _visible_row(actor, number))


def certificate_from_content(content: dict[str, Any]) -> WipeCertificate:
    """Rebuild the certificate model from its stored signed content (for rendering)."""
    workshop = content.get("workshop") or {}
    if content.get("schema") == CERTIFICATE_SCHEMA and isinstance(workshop, dict) and workshop.get("siret") == "":
        placeholder = {**workshop, "siret": "0" * 14}
        certificate = WipeCertificate.from_canonical({**content, "workshop": placeholder})
        force_setattr(
            certificate, "workshop", _workshop(str(workshop.get("name", "")), None, workshop.get("label_number"))
        )
        return certificate
    return WipeCertificate.from_canonical(content)


async def certificate_pdf(actor: Actor, number: str) -> tuple[str, bytes]:
    row = await _visible_row(actor, number)
    if not _intact(row):  # never print an altered content under the original signature
        raise Conflict("certificate_unreadable", number=row["number"])
    try:
        certificate = certificate_from_content(row["content"])
    except ValueError as exc:
        raise Conflict("certificate_unreadable", number=row["number"]) from exc
    out = io.BytesIO()
    render_certificate_pdf(certificate, verify_url(row["number"]), row["signature"], row["key_id"], out)
    return row["number"], out.getvalue()


async def list_for_device(actor: Actor, tag: str, request: PageRequest) -> Page:
    """A device's certificates, oldest first, as their signed content says."""
    scope = scoping.certificates(actor)
    device = await find_visible(actor, tag)
    return await paging.keyset(
        CertificateRow,
        (CertificateRow.id, CertificateRow.number, CertificateRow.issued_at, CertificateRow.content),
        scoping.combine(scope, CertificateRow.device == device["id"]),
        request,
        key=CertificateRow.id,
        list_name=f"certificates-{device['id']}",
        out=_summary,
    )


def _summary(row: dict[str, Any]) -> CertificateSummary:
    content = row["content"] if isinstance(row["content"], dict) else msgspec.json.decode(row["content"])
    number = row["number"]
    return CertificateSummary(
        number=number,
        issued_at=row["issued_at"],
        level=str(content.get("level", "")),
        overall_result=str(content.get("overall_result", "")),
        source_report_sha256=content.get("source_report_sha256"),
        url=f"/api/v1/certificates/{number}",
        pdf_url=f"/api/v1/certificates/{number}.pdf",
        verify_url=verify_url(number),
    )


async def number_for_event(event_id: int) -> str | None:
    row = await CertificateRow.select(CertificateRow.number).where(CertificateRow.wipe_event == event_id).first()
    return None if row is None else str(row["number"])


# --------------------------------------------------------------------------- public verification


@dataclass(frozen=True)
class Verification:
    """What `/verify` may tell anyone: no person, no serial number, no operator."""

    number: str
    exists: bool
    intact: bool = False
    certifies: dict[str, Any] | None = None
    key_id: str | None = None


def _signature_valid(row: dict[str, Any]) -> bool:
    content = row["content"]
    key = signing_key()
    if not isinstance(content, dict) or row["key_id"] != signing.key_id(key):
        return False
    return signing.verify(content, row["signature"], key.public_key())


def _discrepancies(row: dict[str, Any], content: dict[str, Any]) -> list[str]:
    """Which stored columns say something else than the signed content."""
    device = content.get("device") or {}
    issued = row["issued_at"]
    pairs = {
        "number": (row["number"], content.get("number")),
        "asset_tag": (row["asset_tag"], device.get("asset_tag") if isinstance(device, dict) else None),
        "issued_at": (format_utc(issued) if isinstance(issued, datetime) else issued, content.get("issued_at")),
        "overall_result": (row["overall_result"], content.get("overall_result")),
        "source_report_sha256": (row["source_report_sha256"], content.get("source_report_sha256")),
    }
    return [name for name, (stored, signed) in pairs.items() if stored != signed]


def _intact(row: dict[str, Any]) -> bool:
    content = row["content"] if isinstance(row["content"], dict) else {}
    return _signature_valid(row) and not _discrepancies(row, content)


def _public_summary(content: dict[str, Any]) -> dict[str, Any]:
    media = content.get("media") or []
    workshop = content.get("workshop") or {}
    return {
        "number": content.get("number"),
        "issued_at": content.get("issued_at"),
        "asset_tag": (content.get("device") or {}).get("asset_tag"),
        "category": (content.get("device") or {}).get("category"),
        "model": (content.get("device") or {}).get("model"),
        "workshop": {"name": workshop.get("name"), "label_number": workshop.get("label_number")},
        "level": content.get("level"),
        "method": content.get("method"),
        "tool": content.get("tool"),
        "started_at": content.get("started_at"),
        "ended_at": content.get("ended_at"),
        "media": [{"kind": m.get("kind"), "result": m.get("result")} for m in media if isinstance(m, dict)],
        "overall_result": content.get("overall_result"),
        "source_report_sha256": content.get("source_report_sha256"),
    }


async def verify(text: str) -> Verification:
    try:
        number = normalise_number(text)
    except NotFound:
        return Verification(number=text[:30], exists=False)
    row = await _row(number)
    if row is None:
        return Verification(number=number, exists=False)
    if not _intact(row):
        return Verification(number=number, exists=True, intact=False, key_id=row["key_id"])
    return Verification(
        number=number, exists=True, intact=True, certifies=_public_summary(row["content"]), key_id=row["key_id"]
    )


async def numbers_for_devices(actor: Actor, tags: list[str]) -> dict[str, list[str]]:
    """The certificate numbers of each of these devices that the caller may see, by tag (a page of
    a donation's devices, `ordi.web`): two indexed queries, whatever the page's size."""
    if not tags:
        return {}
    visible = await Device.select(Device.id, Device.asset_tag).where(
        scoping.combine(scoping.devices(actor), Device.asset_tag.is_in(tags))
    )
    by_id = {r["id"]: r["asset_tag"] for r in visible}
    if not by_id:
        return {}
    rows = (
        await CertificateRow.select(CertificateRow.device, CertificateRow.number)
        .where(CertificateRow.device.is_in(list(by_id)))
        .order_by(CertificateRow.id)
    )
    numbers: dict[str, list[str]] = {}
    for r in rows:
        numbers.setdefault(by_id[r["device"]], []).append(r["number"])
    return numbers
