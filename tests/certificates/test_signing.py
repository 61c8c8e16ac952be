"""Canonical JSON (RFC 8785 subset), key loading and Ed25519 signatures, checked independently."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nacl.encoding import Base64Encoder
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from ordi.certificates.signing import (
    CanonicalizationError,
    canonical_json,
    key_id,
    load_public_key,
    load_signing_key,
    public_key_pem,
    public_key_raw_b64,
    sign,
    signed_document,
    verify,
    verify_document,
)

from .conftest import make_certificate

# RFC 8032 §7.1, test 1.
RFC8032_SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
RFC8032_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
RFC8032_SIG_EMPTY = (
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
    "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --------------------------------------------------------------------------- canonical JSON


def test_canonical_is_compact_sorted_utf8() -> None:
    value = {"b": [1, True, None, "é\n\x1f"], "a": {"z": 0, "y": "\u2028€"}}
    expected = '{"a":{"y":"\u2028€","z":0},"b":[1,true,null,"é\\n\\u001f"]}'.encode()
    assert canonical_json(value) == expected


def test_canonical_independent_of_key_order() -> None:
    a = {"x": 1, "y": {"b": 2, "a": [3, {"d": 4, "c": 5}]}}
    b = {"y": {"a": [3, {"c": 5, "d": 4}], "b": 2}, "x": 1}
    assert canonical_json(a) == canonical_json(b)


def test_canonical_sorts_by_utf16_code_units_like_rfc8785() -> None:
    # RFC 8785 §3.2.3 sorting example: U+1F600 (surrogates D83D DE00) sorts *before* U+FB33.
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    keys = list(json.loads(canonical_json(value)).keys())
    assert keys == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


def test_canonical_matches_json_roundtrip_of_itself() -> None:
    value = {"né": "Crème brûlée", "n": -(2**53 - 1), "l": [], "o": {}}
    once = canonical_json(value)
    assert canonical_json(json.loads(once)) == once


@pytest.mark.parametrize(
    "bad",
    [
        {"f": 1.5},
        {"f": float("nan")},
        {"f": float("inf")},
        {"big": 2**53},
        {1: "non-string key"},
        {"s": "\ud800"},
        {"d": object()},
    ],
)
def test_canonical_rejects_what_it_cannot_represent(bad: dict) -> None:
    with pytest.raises(CanonicalizationError):
        canonical_json(bad)


def test_canonical_rejects_deep_nesting() -> None:
    value: dict = {}
    for _ in range(100):
        value = {"a": value}
    with pytest.raises(CanonicalizationError):
        canonical_json(value)


# --------------------------------------------------------------------------- keys


def test_load_key_from_base64_seed_rfc8032_vector() -> None:
    seed = bytes.fromhex(RFC8032_SEED)
    for encoded in (base64.b64encode(seed).decode(), base64.urlsafe_b64encode(seed).decode().rstrip("=")):
        key = load_signing_key(encoded, "unused")
        assert key.public_key().public_bytes_raw().hex() == RFC8032_PUBLIC
        assert key.sign(b"").hex() == RFC8032_SIG_EMPTY


def test_load_key_from_pem_pkcs8() -> None:
    original = Ed25519PrivateKey.generate()
    pem = original.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    key = load_signing_key(pem, "unused")
    assert key_id(key) == key_id(original)


def test_load_key_rejects_other_algorithms_and_garbage() -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    ec_pem = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode()
    )
    for bad in (ec_pem, "pas-du-base64!", base64.b64encode(b"short").decode(), "-----BEGIN PRIVATE KEY-----\nxx\n"):
        with pytest.raises(ValueError):
            load_signing_key(bad, "secret")


def test_dev_key_is_deterministic_and_secret_dependent() -> None:
    a = load_signing_key(None, "secret-one")
    assert key_id(load_signing_key(None, "secret-one")) == key_id(a)
    assert key_id(load_signing_key("  ", "secret-one")) == key_id(a)  # blank variable = unset
    assert key_id(load_signing_key(None, "secret-two")) != key_id(a)
    with pytest.raises(ValueError):
        load_signing_key(None, "")


def test_published_forms_of_the_public_key(dev_key: Ed25519PrivateKey) -> None:
    raw = base64.b64decode(public_key_raw_b64(dev_key))
    assert len(raw) == 32
    assert key_id(dev_key) == __import__("hashlib").sha256(raw).hexdigest()[:16]
    assert len(key_id(dev_key)) == 16
    assert public_key_pem(dev_key).startswith("-----BEGIN PUBLIC KEY-----")
    assert key_id(load_public_key(public_key_pem(dev_key))) == key_id(dev_key)
    assert key_id(load_public_key(public_key_raw_b64(dev_key))) == key_id(dev_key)


# --------------------------------------------------------------------------- sign / verify


def test_sign_verify_round_trip(dev_key: Ed25519PrivateKey) -> None:
    content = make_certificate().canonical_content()
    signature = sign(content, dev_key)
    assert len(signature) == 86 and "=" not in signature
    assert verify(content, signature, dev_key.public_key())
    assert verify(json.loads(json.dumps(content, indent=2, sort_keys=False)), signature, public_key_pem(dev_key))


def test_tampering_any_field_breaks_the_signature(dev_key: Ed25519PrivateKey) -> None:
    content = make_certificate().canonical_content()
    signature = sign(content, dev_key)
    tampered = json.loads(json.dumps(content))
    tampered["media"][1]["result"] = "erased" if tampered["media"][1]["result"] == "failed" else "failed"
    assert not verify(tampered, signature, dev_key.public_key())
    tampered = dict(content, device=dict(content["device"], asset_tag="AAAAAA"))
    assert not verify(tampered, signature, dev_key.public_key())
    tampered = dict(content, extra=None)
    assert not verify(tampered, signature, dev_key.public_key())


def test_verify_returns_false_on_malformed_input(dev_key: Ed25519PrivateKey) -> None:
    content = {"a": 1}
    good = sign(content, dev_key)
    other = load_signing_key(None, "another secret")
    assert not verify(content, good, other.public_key())
    assert not verify(content, good[:-2], dev_key.public_key())
    assert not verify(content, "!!!" + good[3:], dev_key.public_key())
    assert not verify(content, "", dev_key.public_key())
    assert not verify({"a": 1.5}, good, dev_key.public_key())
    assert not verify(content, good, "not a key")


def test_signed_document_round_trip_and_key_id(dev_key: Ed25519PrivateKey) -> None:
    doc = signed_document(make_certificate().canonical_content(), dev_key)
    assert doc["signature"]["alg"] == "Ed25519" and doc["signature"]["key_id"] == key_id(dev_key)
    assert verify_document(json.loads(json.dumps(doc)), public_key_raw_b64(dev_key))
    assert not verify_document(doc, load_signing_key(None, "other").public_key())
    assert not verify_document({"content": "x", "signature": {}}, dev_key.public_key())


def test_independent_verification_with_pynacl(dev_key: Ed25519PrivateKey) -> None:
    """libsodium (through PyNaCl) checks our signature from the *published* raw public key only."""
    content = make_certificate().canonical_content()
    signature = _b64url_decode(sign(content, dev_key))
    verify_key = VerifyKey(public_key_raw_b64(dev_key).encode(), encoder=Base64Encoder)
    verify_key.verify(canonical_json(content), signature)
    with pytest.raises(BadSignatureError):
        verify_key.verify(canonical_json(dict(content, operator="quelqu'un d'autre")), signature)


def test_independent_verification_with_openssl_cli(dev_key: Ed25519PrivateKey, tmp_path: Path) -> None:
    """The command printed on the certificate works: openssl pkeyutl -verify -rawin with the PEM key."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl absent")
    content = make_certificate().canonical_content()
    (tmp_path / "cle.pem").write_text(public_key_pem(dev_key))
    (tmp_path / "contenu.json").write_bytes(canonical_json(content))
    (tmp_path / "signature.bin").write_bytes(_b64url_decode(sign(content, dev_key)))
    cmd = [openssl, "pkeyutl", "-verify", "-pubin", "-inkey", "cle.pem", "-rawin", "-in", "contenu.json"]
    result = subprocess.run([*cmd, "-sigfile", "signature.bin"], cwd=tmp_path, capture_output=True, text=True)  # noqa: S603
    if "rawin" in result.stderr and result.returncode != 0 and "Unknown" in result.stderr:
        pytest.skip("openssl sans -rawin (< 3.0)")
    assert result.returncode == 0, result.stderr
    assert "Signature Verified Successfully" in result.stdout
    (tmp_path / "contenu.json").write_bytes(canonical_json(dict(content, operator="X")))
    result = subprocess.run([*cmd, "-sigfile", "signature.bin"], cwd=tmp_path, capture_output=True, text=True)  # noqa: S603
    assert result.returncode != 0
