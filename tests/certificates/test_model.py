"""The certificate record: what is signed, overall result, numbering, validation."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from ordi.certificates.model import (
    CERTIFICATE_SCHEMA,
    MediumRecord,
    WipeCertificate,
    certificate_number,
    normalise_serial,
    overall_result,
    parse_certificate_number,
)
from ordi.certificates.signing import canonical_json

from .conftest import make_certificate, make_media


def _medium(result: str) -> MediumRecord:
    return MediumRecord(kind="hdd", model="m", serial="s", capacity_gb=500, result=result)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        (["erased"], "erased"),
        (["erased", "destroyed"], "erased"),
        (["destroyed"], "erased"),
        (["erased", "failed"], "erased_with_exceptions"),
        (["failed", "destroyed"], "erased_with_exceptions"),
        (["failed"], "not_erased"),
        (["failed", "failed"], "not_erased"),
        ([], "not_erased"),
    ],
)
def test_overall_result(results: list[str], expected: str) -> None:
    assert overall_result([_medium(r) for r in results]) == expected


def test_certificate_number_format_and_parse() -> None:
    assert certificate_number(2026, 123) == "CE-2026-000123"
    assert certificate_number(2026, 1_234_567) == "CE-2026-1234567"
    assert parse_certificate_number(" ce-2026-000123 ") == (2026, 123)
    for bad in ("CE-26-000123", "CE-2026-12", "XX-2026-000123", ""):
        with pytest.raises(ValueError):
            parse_certificate_number(bad)
    with pytest.raises(ValueError):
        certificate_number(2026, 0)


def test_canonical_content_is_complete_versioned_and_signable() -> None:
    cert = make_certificate()
    content = cert.canonical_content()
    assert content["schema"] == CERTIFICATE_SCHEMA
    assert content["issued_at"] == "2026-03-12T12:00:00Z"  # UTC, microseconds dropped
    assert content["workshop"] == {
        "name": "Atelier Solidaire du Calvados",
        "siret": "12345678901234",
        "label_number": "O2-2025-042",
    }
    assert content["device"]["asset_tag"] == "K7M2Q9"
    assert set(content["media"][0]) == {
        "kind",
        "model",
        "serial",
        "capacity_gb",
        "result",
        "verification",
        "started_at",
        "ended_at",
    }
    assert content["source_report_sha256"] is None
    canonical_json(content)  # no float, no datetime left


def test_timestamps_are_normalised_to_utc_seconds() -> None:
    paris_winter = timezone(timedelta(hours=1))
    cert = make_certificate(started_at=datetime(2026, 3, 12, 9, 2, 21, 999999, tzinfo=paris_winter))
    assert cert.started_at == datetime(2026, 3, 12, 8, 2, 21, tzinfo=UTC)
    assert cert.canonical_content()["started_at"] == "2026-03-12T08:02:21Z"


def test_round_trip_through_canonical_json() -> None:
    cert = make_certificate(source_report_sha256="ab" * 32, source_report_tool="nwipe 0.38")
    again = WipeCertificate.from_canonical(json.loads(canonical_json(cert.canonical_content())))
    assert again == cert
    assert again.canonical_content() == cert.canonical_content()


def test_from_canonical_rejects_unknown_schema_and_bad_values() -> None:
    content = make_certificate().canonical_content()
    with pytest.raises(ValueError):
        WipeCertificate.from_canonical(dict(content, schema="ordi-wipe-certificate/99"))
    with pytest.raises(ValueError):
        WipeCertificate.from_canonical(dict(content, level="shred"))


@pytest.mark.parametrize(
    "overrides",
    [
        {"overall_result": "erased", "media": make_media(2, failed=1)},  # inconsistent verdict
        {"media": ()},
        {"level": "wipe"},
        {"number": "CE-2026-12"},
        {"started_at": datetime(2026, 3, 12, 8, 0)},  # naive datetime
        {"ended_at": datetime(2026, 3, 12, 7, 0, tzinfo=UTC)},  # before start
        {"source_report_sha256": "XYZ"},
    ],
)
def test_invalid_certificates_are_refused(overrides: dict) -> None:
    with pytest.raises(ValueError):
        make_certificate(**overrides)


def test_medium_validation() -> None:
    with pytest.raises(ValueError):
        MediumRecord(kind="floppy", model="m", serial="s", capacity_gb=1, result="erased")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        MediumRecord(kind="hdd", model="m", serial="s", capacity_gb=1.5, result="erased")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        MediumRecord(kind="hdd", model="m", serial="s", capacity_gb=1, result="wiped")  # type: ignore[arg-type]


def test_siret_must_be_14_digits() -> None:
    from ordi.certificates.model import Workshop

    with pytest.raises(ValueError):
        Workshop(name="A", siret="123 456 789 01234", label_number="L")


def test_serial_normalisation() -> None:
    assert normalise_serial("  wd-wcc6 y7abcdef\t") == "WD-WCC6Y7ABCDEF"
