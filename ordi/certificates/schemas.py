"""Certificates as the API answers them (the signed document itself: `ordi.certificates.service.CertificateOut`)."""

from __future__ import annotations

import msgspec

from ordi.certificates.service import CertificateSummary
from ordi.http.openapi import PageOut


class PublicKeyOut(msgspec.Struct, forbid_unknown_fields=True):
    algorithm: str
    key_id: str
    public_key_pem: str
    #: The 32 raw bytes, base64 (libsodium, PyNaCl).
    public_key_base64: str
    #: What the signature covers, and how it is written.
    signed_bytes: str
    signature_encoding: str


class CertificatePage(PageOut, kw_only=True):
    items: list[CertificateSummary]
