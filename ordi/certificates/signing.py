"""Canonical JSON and Ed25519 signatures for proof documents.

Why canonical JSON: a signature covers bytes, but a certificate travels as JSON that any tool may
re-serialise (other key order, other spacing). Both sides therefore sign/verify the *canonical*
bytes, computed from the parsed value, following RFC 8785 (JCS) for the subset accepted here:

- objects (``dict`` with ``str`` keys), arrays (``list``/``tuple``), ``str``, ``int``, ``bool``, ``None``;
- keys sorted by their UTF-16 code units (what JCS says; differs from code-point order only for
  characters outside the BMP), no whitespace, strings escaped as ECMAScript ``JSON.stringify`` does
  (only ``"``, ``\\`` and control characters; everything else raw UTF-8);
- **floats are refused**, NaN and infinities included. Formatting doubles exactly like ECMAScript is
  the one hard part of JCS and nothing in a certificate needs it: capacities are whole gigabytes,
  weights are not signed. Integers must be "safe" (|n| <= 2**53 - 1) so that JavaScript verifiers
  read the same number;
- datetimes are not accepted: callers format them as ISO 8601 strings first.

For that subset the output is byte-identical to any conforming JCS implementation, so a verifier
in another language can use an off-the-shelf JCS library.

Signatures are Ed25519 (RFC 8032) over those bytes, transported as unpadded base64url (RFC 4648 §5).
The key id is the first 16 hex characters of SHA-256 of the 32-byte raw public key, so a document
names the key that signed it and keys can be rotated.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "DEV_KEY_HKDF_INFO",
    "MAX_SAFE_INTEGER",
    "SIGNATURE_ALGORITHM",
    "CanonicalizationError",
    "canonical_json",
    "key_id",
    "load_public_key",
    "load_signing_key",
    "public_key_pem",
    "public_key_raw_b64",
    "sign",
    "signed_document",
    "verify",
    "verify_document",
]

SIGNATURE_ALGORITHM = "Ed25519"
DEV_KEY_HKDF_INFO = b"ordi-certificate-signing"
MAX_SAFE_INTEGER = 2**53 - 1
_MAX_DEPTH = 32
_B64URL_RE = re.compile(r"^[A-Za-z0-9_-]*={0,2}$")
_B64_RE = re.compile(r"^[A-Za-z0-9+/_-]*={0,2}$")


class CanonicalizationError(ValueError):
    """The value is outside the JSON subset that can be signed."""


# --------------------------------------------------------------------------- canonical JSON


def canonical_json(value: Any) -> bytes:
    """Return the RFC 8785 canonical UTF-8 bytes of ``value`` (see module docstring for the subset)."""
    parts: list[str] = []
    _write(value, parts, 0)
    try:
        return "".join(parts).encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates cannot be UTF-8
        raise CanonicalizationError("chaîne Unicode invalide (surrogate isolé)") from exc


def _utf16_key(key: str) -> bytes:
    # Big-endian UTF-16 bytes compare exactly like sequences of UTF-16 code units.
    try:
        return key.encode("utf-16-be")
    except UnicodeEncodeError as exc:
        raise CanonicalizationError("clé Unicode invalide (surrogate isolé)") from exc


def _write(value: Any, parts: list[str], depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise CanonicalizationError("imbrication trop profonde")
    if value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise CanonicalizationError(f"entier hors de l'intervalle sûr (±2^53-1) : {value}")
        parts.append(str(int(value)))
    elif isinstance(value, float):
        raise CanonicalizationError("nombre à virgule refusé : utilisez un entier ou une chaîne")
    elif isinstance(value, str):
        parts.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                raise CanonicalizationError(f"clé d'objet non textuelle : {key!r}")
        parts.append("{")
        for i, key in enumerate(sorted(value, key=_utf16_key)):
            if i:
                parts.append(",")
            parts.append(json.dumps(key, ensure_ascii=False))
            parts.append(":")
            _write(value[key], parts, depth + 1)
        parts.append("}")
    elif isinstance(value, list | tuple):
        parts.append("[")
        for i, item in enumerate(value):
            if i:
                parts.append(",")
            _write(item, parts, depth + 1)
        parts.append("]")
    else:
        raise CanonicalizationError(f"type non signable : {type(value).__name__}")


# --------------------------------------------------------------------------- keys


def load_signing_key(env_value: str | None, secret_key: str) -> Ed25519PrivateKey:
    """Load the certificate signing key from ``ORDI_SIGNING_KEY``, or derive the development key.

    ``env_value`` is a PEM PKCS#8 Ed25519 private key, or the base64 (standard or url-safe, padding
    optional) of the 32-byte raw seed. When it is ``None`` or blank, the key is derived from
    ``secret_key`` with HKDF-SHA256 (no salt, info ``b"ordi-certificate-signing"``) so that a
    development instance keeps verifying its own certificates across restarts. The caller must refuse
    that fallback in production: anybody who knows the secret key can then sign.
    """
    if env_value is not None and env_value.strip():
        text = env_value.strip()
        if text.startswith("-----BEGIN"):
            try:
                key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
            except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
                raise ValueError("ORDI_SIGNING_KEY : clé PEM illisible (PKCS#8 non chiffrée attendue)") from exc
            if not isinstance(key, Ed25519PrivateKey):
                raise ValueError("ORDI_SIGNING_KEY : la clé n'est pas une clé Ed25519")
            return key
        seed = _b64decode_any(text)
        if seed is None or len(seed) != 32:
            raise ValueError("ORDI_SIGNING_KEY : attendu une clé PEM PKCS#8 ou le base64 d'une graine de 32 octets")
        return Ed25519PrivateKey.from_private_bytes(seed)
    if not secret_key:
        raise ValueError("ni ORDI_SIGNING_KEY ni clé secrète : impossible de dériver la clé de signature")
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=DEV_KEY_HKDF_INFO).derive(
        secret_key.encode("utf-8")
    )
    return Ed25519PrivateKey.from_private_bytes(seed)


def _b64decode_any(text: str) -> bytes | None:
    compact = "".join(text.split())
    if not _B64_RE.fullmatch(compact):
        return None
    compact = compact.rstrip("=").replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(compact + "=" * (-len(compact) % 4), validate=True)
    except binascii.Error:
        return None


def _public(key: Ed25519PrivateKey | Ed25519PublicKey) -> Ed25519PublicKey:
    return key.public_key() if isinstance(key, Ed25519PrivateKey) else key


def _raw(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    return _public(key).public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """PEM SubjectPublicKeyInfo of the public key: what ``openssl pkeyutl -verify`` reads."""
    return (
        _public(key)
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def public_key_raw_b64(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """Standard base64 (padded) of the 32-byte raw public key: what libsodium/PyNaCl read."""
    return base64.b64encode(_raw(key)).decode("ascii")


def key_id(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """First 16 hex characters of SHA-256(raw public key): names the key inside documents."""
    return hashlib.sha256(_raw(key)).hexdigest()[:16]


def load_public_key(value: str | Ed25519PublicKey) -> Ed25519PublicKey:
    """Accept a published public key as PEM or as base64 of the 32 raw bytes."""
    if isinstance(value, Ed25519PublicKey):
        return value
    text = value.strip()
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(text.encode("ascii"))
        except (ValueError, UnsupportedAlgorithm) as exc:
            raise ValueError("clé publique PEM illisible") from exc
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("la clé publique n'est pas une clé Ed25519")
        return key
    raw = _b64decode_any(text)
    if raw is None or len(raw) != 32:
        raise ValueError("clé publique : attendu PEM ou base64 de 32 octets")
    return Ed25519PublicKey.from_public_bytes(raw)


# --------------------------------------------------------------------------- sign / verify


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign(content: Mapping[str, Any], key: Ed25519PrivateKey) -> str:
    """Sign the canonical bytes of ``content``; returns unpadded base64url (86 characters)."""
    return _b64url(key.sign(canonical_json(content)))


def verify(content: Mapping[str, Any], signature: str, public_key: Ed25519PublicKey | str) -> bool:
    """True only if ``signature`` is a valid Ed25519 signature of the canonical bytes of ``content``.

    Malformed input (bad base64, unsignable content, unreadable key) gives ``False``, never an
    exception, because this runs on what the public sends to the verification page.
    """
    if not isinstance(signature, str) or not _B64URL_RE.fullmatch(signature):
        return False
    stripped = signature.rstrip("=")
    try:
        raw_sig = base64.urlsafe_b64decode(stripped + "=" * (-len(stripped) % 4))
        pub = load_public_key(public_key)
        message = canonical_json(content)
    except (ValueError, binascii.Error):
        return False
    if len(raw_sig) != 64:
        return False
    try:
        pub.verify(raw_sig, message)
    except InvalidSignature:
        return False
    return True


def signed_document(content: Mapping[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    """The JSON form a certificate is published in: the signed content plus its signature."""
    return {
        "content": dict(content),
        "signature": {"alg": SIGNATURE_ALGORITHM, "key_id": key_id(key), "value": sign(content, key)},
    }


def verify_document(document: Mapping[str, Any], public_key: Ed25519PublicKey | str) -> bool:
    """Check a :func:`signed_document`: algorithm, key id of ``public_key`` and signature."""
    try:
        content = document["content"]
        sig = document["signature"]
        if not isinstance(content, Mapping) or not isinstance(sig, Mapping):
            return False
        if sig.get("alg") != SIGNATURE_ALGORITHM:
            return False
        pub = load_public_key(public_key)
    except (KeyError, TypeError, ValueError):
        return False
    if sig.get("key_id") != key_id(pub):
        return False
    value = sig.get("value")
    return isinstance(value, str) and verify(content, value, pub)
