"""The wipe certificate record, and exactly which part of it is signed.

A certificate attests one wipe (or media destruction) of one device, per NIST SP 800-88 Rev. 1:
the sanitisation level (clear / purge / destroy), the method and tool, and for each storage medium
its identity and result. :meth:`WipeCertificate.canonical_content` is the signed dictionary; it is
versioned (``"schema": "ordi-wipe-certificate/1"``) so that a later format can coexist with
certificates already handed to donors.

Timestamps are normalised to UTC with second precision when the record is built, so the signed
strings (``2026-03-12T08:14:02Z``) and the stored values never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Literal

import msgspec
from msgspec.structs import force_setattr

__all__ = [
    "CERTIFICATE_SCHEMA",
    "CertificateDevice",
    "Level",
    "MediumKind",
    "MediumRecord",
    "MediumResult",
    "OverallResult",
    "WipeCertificate",
    "Workshop",
    "certificate_number",
    "format_utc",
    "normalise_serial",
    "overall_result",
    "parse_certificate_number",
]

CERTIFICATE_SCHEMA = "ordi-wipe-certificate/1"

Level = Literal["clear", "purge", "destroy"]
MediumKind = Literal["hdd", "ssd", "nvme", "emmc", "usb", "other"]
MediumResult = Literal["erased", "failed", "destroyed"]
OverallResult = Literal["erased", "erased_with_exceptions", "not_erased"]

LEVELS: frozenset[str] = frozenset({"clear", "purge", "destroy"})
MEDIUM_KINDS: frozenset[str] = frozenset({"hdd", "ssd", "nvme", "emmc", "usb", "other"})
MEDIUM_RESULTS: frozenset[str] = frozenset({"erased", "failed", "destroyed"})

_NUMBER_RE = re.compile(r"^CE-(\d{4})-(\d{6,})$")
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_SIRET_RE = re.compile(r"^\d{14}$")


def certificate_number(year: int, sequence: int) -> str:
    """``CE-<year>-<sequence on 6+ digits>``, e.g. ``CE-2026-000123``.

    No check character: the number is looked up exactly (it usually arrives through the QR URL), so a
    typo yields "not found" rather than a wrong certificate. The sequence is per calendar year and
    must come from one database sequence to stay unique across workshops.
    """
    if not 2000 <= year <= 9999:
        raise ValueError(f"année de certificat invalide : {year}")
    if sequence < 1:
        raise ValueError(f"numéro de séquence invalide : {sequence}")
    return f"CE-{year:04d}-{sequence:06d}"


def parse_certificate_number(text: str) -> tuple[int, int]:
    """Inverse of :func:`certificate_number`; tolerant of case and surrounding spaces."""
    match = _NUMBER_RE.fullmatch(text.strip().upper())
    if not match:
        raise ValueError(f"numéro de certificat invalide : {text!r}")
    return int(match.group(1)), int(match.group(2))


def normalise_serial(serial: str) -> str:
    """Serial numbers compare without whitespace and case (labels, tools and humans disagree on both)."""
    return "".join(serial.split()).upper()


def format_utc(value: datetime) -> str:
    """The signed form of a timestamp: UTC, second precision, ``Z`` suffix."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _norm_dt(value: datetime | None, field: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise ValueError(f"{field} : date et heure attendues")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{field} : fuseau horaire manquant (date naïve refusée)")
    return value.astimezone(UTC).replace(microsecond=0)


def _check_period(start: datetime | None, end: datetime | None, where: str) -> None:
    if start is not None and end is not None and end < start:
        raise ValueError(f"{where} : la fin précède le début")


def _opt_utc(value: datetime | None) -> str | None:
    return None if value is None else format_utc(value)


class Workshop(msgspec.Struct, frozen=True, kw_only=True):
    """The refurbishing workshop that performed the wipe (a legal entity, hence its SIRET)."""

    name: str
    siret: str
    label_number: str

    def __post_init__(self) -> None:
        if not _SIRET_RE.fullmatch(self.siret):
            raise ValueError("SIRET invalide : 14 chiffres attendus, sans espace")
        if not self.name.strip():
            raise ValueError("nom de l'atelier manquant")


class CertificateDevice(msgspec.Struct, frozen=True, kw_only=True):
    """The computer whose media were sanitised, as known to the programme."""

    asset_tag: str
    category: str
    model: str
    serial_number: str


class MediumRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One storage medium and what happened to it."""

    kind: MediumKind
    model: str
    serial: str
    capacity_gb: int
    result: MediumResult
    verification: str = ""
    started_at: datetime | None = None
    ended_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.kind not in MEDIUM_KINDS:
            raise ValueError(f"type de support inconnu : {self.kind!r}")
        if self.result not in MEDIUM_RESULTS:
            raise ValueError(f"résultat de support inconnu : {self.result!r}")
        if isinstance(self.capacity_gb, bool) or not isinstance(self.capacity_gb, int):
            raise ValueError("capacité : nombre entier de Go attendu")
        if self.capacity_gb < 0:
            raise ValueError("capacité négative")
        force_setattr(self, "started_at", _norm_dt(self.started_at, "début du support"))
        force_setattr(self, "ended_at", _norm_dt(self.ended_at, "fin du support"))
        _check_period(self.started_at, self.ended_at, f"support {self.serial}")

    def canonical_content(self) -> dict[str, Any]:
        """The signed form of this medium (every key present, ``None`` when unknown)."""
        return {
            "kind": self.kind,
            "model": self.model,
            "serial": self.serial,
            "capacity_gb": self.capacity_gb,
            "result": self.result,
            "verification": self.verification,
            "started_at": _opt_utc(self.started_at),
            "ended_at": _opt_utc(self.ended_at),
        }


def overall_result(media: Iterable[MediumRecord]) -> OverallResult:
    """Summarise media results: all sanitised -> ``erased``; some -> ``erased_with_exceptions``;
    none (or no media at all, since nothing is then attested) -> ``not_erased``.

    "Sanitised" means ``erased`` or ``destroyed``.
    """
    results = [m.result for m in media]
    ok = sum(1 for r in results if r in ("erased", "destroyed"))
    if results and ok == len(results):
        return "erased"
    if ok:
        return "erased_with_exceptions"
    return "not_erased"


class WipeCertificate(msgspec.Struct, frozen=True, kw_only=True):
    """A wipe certificate. Immutable: a correction is a new certificate with a new number."""

    number: str
    issued_at: datetime
    workshop: Workshop
    operator: str
    device: CertificateDevice
    level: Level
    method: str
    tool: str
    tool_version: str
    started_at: datetime
    ended_at: datetime
    verification: str
    media: tuple[MediumRecord, ...]
    overall_result: OverallResult
    source_report_sha256: str | None = None
    source_report_tool: str | None = None

    def __post_init__(self) -> None:
        parse_certificate_number(self.number)
        if self.number != self.number.strip().upper():
            raise ValueError("numéro de certificat non normalisé")
        if self.level not in LEVELS:
            raise ValueError(f"niveau NIST inconnu : {self.level!r}")
        if not isinstance(self.media, tuple):
            force_setattr(self, "media", tuple(self.media))
        if not self.media:
            raise ValueError("un certificat doit porter sur au moins un support")
        for name in ("issued_at", "started_at", "ended_at"):
            force_setattr(self, name, _norm_dt(getattr(self, name), name))
        _check_period(self.started_at, self.ended_at, "effacement")
        expected = overall_result(self.media)
        if self.overall_result != expected:
            raise ValueError(
                f"résultat global incohérent : {self.overall_result!r} déclaré, {expected!r} d'après les supports"
            )
        if self.source_report_sha256 is not None and not _SHA256_RE.fullmatch(self.source_report_sha256):
            raise ValueError("empreinte SHA-256 du rapport d'origine invalide (64 hexadécimaux minuscules)")

    def canonical_content(self) -> dict[str, Any]:
        """Everything that is signed. Changing this layout means a new ``schema`` value."""
        return {
            "schema": CERTIFICATE_SCHEMA,
            "number": self.number,
            "issued_at": format_utc(self.issued_at),
            "workshop": {
                "name": self.workshop.name,
                "siret": self.workshop.siret,
                "label_number": self.workshop.label_number,
            },
            "operator": self.operator,
            "device": {
                "asset_tag": self.device.asset_tag,
                "category": self.device.category,
                "model": self.device.model,
                "serial_number": self.device.serial_number,
            },
            "level": self.level,
            "method": self.method,
            "tool": self.tool,
            "tool_version": self.tool_version,
            "started_at": format_utc(self.started_at),
            "ended_at": format_utc(self.ended_at),
            "verification": self.verification,
            "media": [m.canonical_content() for m in self.media],
            "overall_result": self.overall_result,
            "source_report_sha256": self.source_report_sha256,
            "source_report_tool": self.source_report_tool,
        }

    @classmethod
    def from_canonical(cls, content: Mapping[str, Any]) -> WipeCertificate:
        """Rebuild a certificate from its signed content (e.g. stored JSON), checking the schema."""
        if content.get("schema") != CERTIFICATE_SCHEMA:
            raise ValueError(f"schéma de certificat non pris en charge : {content.get('schema')!r}")
        data = {k: v for k, v in content.items() if k != "schema"}
        try:
            return msgspec.convert(data, cls)
        except msgspec.ValidationError as exc:
            raise ValueError(f"contenu de certificat invalide : {exc}") from exc
