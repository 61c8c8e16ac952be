"""Shared fixtures: a development signing key and a certificate built like the API will build it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ordi.certificates.model import (
    CertificateDevice,
    MediumRecord,
    WipeCertificate,
    Workshop,
    overall_result,
)
from ordi.certificates.signing import load_signing_key

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture(scope="session")
def dev_key() -> Ed25519PrivateKey:
    return load_signing_key(None, "tests-secret-key-not-for-production")


def make_media(n: int = 2, failed: int = 0) -> tuple[MediumRecord, ...]:
    media = []
    for i in range(n):
        media.append(
            MediumRecord(
                kind="ssd" if i % 2 == 0 else "hdd",
                model=f"Modèle de disque {i}",
                serial=f"SER{i:05d}",
                capacity_gb=256 * (i + 1),
                result="failed" if i < failed else "erased",
                verification="Relecture complète : conforme",
                started_at=datetime(2026, 3, 12, 8, 2, 21, tzinfo=UTC),
                ended_at=datetime(2026, 3, 12, 9, 0, 0, tzinfo=UTC),
            )
        )
    return tuple(media)


def make_certificate(media: tuple[MediumRecord, ...] | None = None, **overrides: object) -> WipeCertificate:
    media = media if media is not None else make_media()
    fields: dict[str, object] = {
        "number": "CE-2026-000123",
        "issued_at": datetime(2026, 3, 12, 12, 0, 0, 654321, tzinfo=UTC),
        "workshop": Workshop(name="Atelier Solidaire du Calvados", siret="12345678901234", label_number="O2-2025-042"),
        "operator": "Technicien T-07",
        "device": CertificateDevice(
            asset_tag="K7M2Q9", category="ordinateur portable", model="Dell Latitude 5490", serial_number="7XK2Q52"
        ),
        "level": "clear",
        "method": "DoD Short",
        "tool": "nwipe",
        "tool_version": "0.38",
        "started_at": datetime(2026, 3, 12, 8, 2, 21, tzinfo=UTC),
        "ended_at": datetime(2026, 3, 12, 11, 33, 25, tzinfo=UTC),
        "verification": "Relecture de la dernière passe",
        "media": media,
        "overall_result": overall_result(media),
    }
    fields.update(overrides)
    return WipeCertificate(**fields)  # type: ignore[arg-type]


@pytest.fixture
def certificate() -> WipeCertificate:
    return make_certificate()
