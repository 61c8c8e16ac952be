"""Wipe certificates through the API: issued with every wipe, signed, rendered, verified in public."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from ordi.certificates.signing import canonical_json
from tests.certificates.helpers import WORKSHOP_SIRET, at_bench, certificates_of, give_siret, pdf_qr_codes, pdf_text
from tests.fixtures import WIPE_FAILED, WIPE_OK, Api, World


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


async def _public_key(client: AsyncTestClient[Any]) -> dict[str, Any]:
    response = await client.get("/api/v1/certificates/public-key")  # no credentials
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _certificate(client: AsyncTestClient[Any], headers: dict[str, str], number: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/certificates/{number}", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_a_passed_wipe_issues_a_signed_certificate(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    await give_siret(world.workshop)
    (tag,) = await at_bench(api, world)
    await api.act(world.workshop, tag, WIPE_OK)

    (summary,) = await certificates_of(api, world.workshop, tag)
    number = summary["number"]
    assert number.startswith("CE-") and len(number) == len("CE-2026-000001")
    assert summary["overall_result"] == "erased"

    document = await _certificate(client, world.donor.headers, number)
    content = document["content"]
    assert document["intact"] is True
    assert content["number"] == number
    assert content["workshop"] == {"name": "Atelier Caen", "siret": WORKSHOP_SIRET, "label_number": "L-Atelier Ca"}
    assert content["device"]["asset_tag"] == tag
    assert content["device"]["model"] == "Dell Latitude 5490"
    assert content["device"]["serial_number"] == "SN-0000"
    assert content["level"] == "purge" and content["tool"] == "nwipe" and content["tool_version"] == "0.35"
    assert content["operator"] == "Technicien 1"
    assert content["media"][0]["serial"] == "SSD-001" and content["media"][0]["capacity_gb"] == 256
    assert content["overall_result"] == "erased"
    assert content["source_report_sha256"] is None

    # An independent library checks the signature with the published key.
    published = await _public_key(client)
    assert published["key_id"] == document["signature"]["key_id"]
    verify_key = VerifyKey(base64.b64decode(published["public_key_base64"]))
    signature = _b64url(document["signature"]["value"])
    verify_key.verify(canonical_json(content), signature)
    altered = {**content, "level": "clear"}
    with pytest.raises(BadSignatureError):
        verify_key.verify(canonical_json(altered), signature)
    assert published["public_key_pem"].startswith("-----BEGIN PUBLIC KEY-----")


async def test_failed_wipe_and_destruction_each_get_a_certificate(
    api: Api, client: AsyncTestClient[Any], world: World
) -> None:
    await give_siret(world.workshop)
    (tag,) = await at_bench(api, world)
    failed = await api.act(world.workshop, tag, WIPE_FAILED)
    assert failed["event"]["outcome"] == "failed"
    destroy = {**WIPE_OK, "level": "destroy", "media": [{"kind": "hdd", "serial": "HDD-001", "result": "destroyed"}]}
    await api.act(world.workshop, tag, destroy)

    first, second = await certificates_of(api, world.workshop, tag)
    assert first["overall_result"] == "not_erased"
    assert second["overall_result"] == "erased" and second["level"] == "destroy"
    a, b = (int(x["number"].rsplit("-", 1)[1]) for x in (first, second))
    assert b == a + 1
    content = (await _certificate(client, world.workshop.headers, first["number"]))["content"]
    assert content["media"][0]["result"] == "failed"


async def test_certificate_pdf_carries_a_qr_to_the_public_page(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    await give_siret(world.workshop)
    (tag,) = await at_bench(api, world)
    await api.act(world.workshop, tag, WIPE_OK)
    (summary,) = await certificates_of(api, world.donor, tag)
    number = summary["number"]

    response = await client.get(f"/api/v1/certificates/{number}.pdf", headers=world.donor.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.content
    assert pdf_qr_codes(pdf) == [f"https://ordi.test/verify/{number}"]
    text = pdf_text(pdf)
    assert number in text
    assert tag in text
    assert "Atelier Caen" in text
    assert "SSD-001" in text

    # The QR opens the public page, which says the certificate is intact.
    page = await client.get(f"/verify/{number}")
    assert page.status_code == 200
    assert "authentique et intègre" in page.text
    assert tag in page.text


async def test_a_workshop_without_siret_still_certifies(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    (tag,) = await at_bench(api, world)  # world.workshop has no SIRET on record
    await api.act(world.workshop, tag, WIPE_OK)
    (summary,) = await certificates_of(api, world.workshop, tag)
    document = await _certificate(client, world.workshop.headers, summary["number"])
    assert document["content"]["workshop"]["siret"] == ""
    pdf = await client.get(f"/api/v1/certificates/{summary['number']}.pdf", headers=world.workshop.headers)
    assert pdf.status_code == 200, pdf.text
    assert summary["number"] in pdf_text(pdf.content)


async def test_public_verification_shows_no_personal_data(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    await give_siret(world.workshop)
    (tag,) = await at_bench(api, world)
    await api.act(world.workshop, tag, WIPE_OK)
    (summary,) = await certificates_of(api, world.workshop, tag)
    number = summary["number"]

    page = await client.get(f"/verify/{number}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for secret in ("Technicien 1", "SSD-001", "SN-0000", WORKSHOP_SIRET):
        assert secret not in page.text
    assert "Purge" in page.text and "Données effacées" in page.text

    as_json = await client.get(f"/verify/{number}.json")
    assert as_json.status_code == 200
    body = as_json.json()
    assert body["exists"] is True and body["intact"] is True and body["status"] == "intact"
    assert body["certifies"]["asset_tag"] == tag
    dumped = json.dumps(body)
    for secret in ("Technicien 1", "SSD-001", "SN-0000", "operator", "serial"):
        assert secret not in dumped

    unknown = await client.get("/verify/CE-2026-999999")
    assert unknown.status_code == 404
    assert "Aucun certificat" in unknown.text

    english = await client.get(f"/verify/{number}", headers={"Accept-Language": "en"})
    assert '<html lang="en">' in english.text and "Authentic and intact certificate" in english.text
    assert "Data erased" in english.text and "intègre" not in english.text
    garbage = await client.get("/verify/<script>.json")
    assert garbage.status_code == 404
    assert garbage.json()["exists"] is False


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: {**c, "overall_result": "erased_with_exceptions"},
        lambda c: {**c, "device": {**c["device"], "serial_number": "AUTRE"}},
        lambda c: {**c, "media": [{**c["media"][0], "result": "erased", "capacity_gb": 512}]},
    ],
)
async def test_tampering_with_the_stored_certificate_is_detected(
    client: AsyncTestClient[Any], api: Api, world: World, tamper: Any
) -> None:
    from ordi.certificates.tables import WipeCertificate

    (tag,) = await at_bench(api, world)
    await api.act(world.workshop, tag, WIPE_OK)
    (summary,) = await certificates_of(api, world.workshop, tag)
    number = summary["number"]
    row = await WipeCertificate.select(WipeCertificate.content).where(WipeCertificate.number == number).first()
    assert row is not None
    content = row["content"] if isinstance(row["content"], dict) else json.loads(row["content"])
    await WipeCertificate.update({WipeCertificate.content: tamper(content)}).where(WipeCertificate.number == number)

    page = await client.get(f"/verify/{number}")
    assert page.status_code == 200
    assert "non intègre" in page.text
    assert "authentique" not in page.text
    body = (await client.get(f"/verify/{number}.json")).json()
    assert body["intact"] is False and body["status"] == "altered" and body["certifies"] is None
    # The API still shows what is stored, flagged; the PDF is refused rather than printed as if signed.
    document = await _certificate(client, world.donor.headers, number)
    assert document["intact"] is False
    pdf = await client.get(f"/api/v1/certificates/{number}.pdf", headers=world.donor.headers)
    assert pdf.status_code == 409
    assert "altéré" in pdf.json()["detail"]


async def test_who_sees_which_certificate(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    (tag,) = await at_bench(api, world)
    await api.act(world.workshop, tag, WIPE_OK)
    (summary,) = await certificates_of(api, world.workshop, tag)
    number = summary["number"]

    for member in (world.donor, world.workshop, world.operator):
        assert (await client.get(f"/api/v1/certificates/{number}", headers=member.headers)).status_code == 200
        assert (await client.get(f"/api/v1/certificates/{number}.pdf", headers=member.headers)).status_code == 200
    for member in (world.other_donor, world.other_workshop):
        for path in (f"/api/v1/certificates/{number}", f"/api/v1/certificates/{number}.pdf"):
            response = await client.get(path, headers=member.headers)
            assert response.status_code == 404, (member.email, response.text)
        listing = await client.get(f"/api/v1/devices/{tag}/certificates", headers=member.headers)
        assert listing.status_code == 404
    for member in (world.association, world.committee):
        for path in (
            f"/api/v1/certificates/{number}",
            f"/api/v1/certificates/{number}.pdf",
            f"/api/v1/devices/{tag}/certificates",
        ):
            response = await client.get(path, headers=member.headers)
            assert response.status_code == 403, (member.email, path, response.text)
    assert (await client.get(f"/api/v1/certificates/{number}")).status_code == 401
    missing = await client.get("/api/v1/certificates/CE-2026-999999", headers=world.operator.headers)
    assert missing.status_code == 404
    assert missing.json()["detail"].startswith("Certificat introuvable")


async def test_concurrent_wipes_get_distinct_consecutive_numbers(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    import asyncio

    tags = await at_bench(api, world, n=8)
    responses = await asyncio.gather(
        *(client.post(f"/api/v1/devices/{tag}/events", json=WIPE_OK, headers=world.workshop.headers) for tag in tags)
    )
    assert all(r.status_code == 201 for r in responses), [r.text for r in responses]
    numbers = [(await certificates_of(api, world.workshop, tag))[0]["number"] for tag in tags]
    sequences = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert sequences == list(range(sequences[0], sequences[0] + 8))


async def test_the_answer_shows_what_is_signed_and_names_a_column_that_disagrees(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    from ordi.certificates.tables import WipeCertificate

    (tag,) = await at_bench(api, world)
    await api.act(world.workshop, tag, WIPE_OK)
    (summary,) = await certificates_of(api, world.workshop, tag)
    number = summary["number"]
    await WipeCertificate.update({WipeCertificate.overall_result: "failed"}).where(WipeCertificate.number == number)
    document = await _certificate(client, world.donor.headers, number)
    assert document["overall_result"] == document["content"]["overall_result"] == "erased"
    assert document["signature_valid"] is True
    assert document["intact"] is False and document["discrepancies"] == ["overall_result"]
