"""Recording a wipe from nwipe's own log: parsed, matched by serial, kept, and hashed in the certificate."""

from __future__ import annotations

import hashlib
from typing import Any

from litestar.testing import AsyncTestClient

from tests.certificates.conftest import SAMPLES
from tests.certificates.helpers import at_bench, certificates_of, give_siret, pdf_text
from tests.fixtures import Api, World

OK_LOG = (SAMPLES / "nwipe-0.38-dodshort-2drives.log").read_bytes()
FAILED_LOG = (SAMPLES / "nwipe-0.38-prng-verifyall-failed.log").read_bytes()
TEXT = {"Content-Type": "text/plain"}


async def _upload(client: AsyncTestClient[Any], headers: dict[str, str], tag: str, body: bytes, **params: Any) -> Any:
    return await client.post(
        f"/api/v1/devices/{tag}/wipe-report", content=body, params=params, headers={**headers, **TEXT}
    )


async def test_nwipe_log_records_the_wipe_and_pins_the_report(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    from ordi.certificates.tables import WipeToolReport

    await give_siret(world.workshop)
    (tag,) = await at_bench(api, world)
    response = await _upload(client, world.workshop.headers, tag, OK_LOG, operator="T-07")
    assert response.status_code == 201, response.text
    result = response.json()
    digest = hashlib.sha256(OK_LOG).hexdigest()
    assert result["report_sha256"] == digest
    assert result["report_format"] == "nwipe-0.38-log"
    assert result["device"]["state"] == "wiped"
    assert result["event"]["action"] == "wipe" and result["event"]["outcome"] == "done"
    assert result["media"] == ["S3Z2NB0K612345A", "WD-WCC6Y7ABCDEF"]
    number = result["certificate_number"]

    document = (await client.get(f"/api/v1/certificates/{number}", headers=world.donor.headers)).json()
    content = document["content"]
    assert content["source_report_sha256"] == digest and content["source_report_tool"] == "nwipe"
    assert content["tool"] == "nwipe" and content["tool_version"] == "0.38"
    assert content["method"] == "DoD Short" and content["level"] == "clear"  # an overwrite is NIST Clear
    assert content["operator"] == "T-07"
    assert [(m["kind"], m["serial"], m["capacity_gb"], m["result"]) for m in content["media"]] == [
        ("ssd", "S3Z2NB0K612345A", 500, "erased"),
        ("hdd", "WD-WCC6Y7ABCDEF", 1000, "erased"),
    ]
    assert content["media"][0]["model"] == "Samsung SSD 860 EVO 500GB"
    assert "conforme" in content["media"][0]["verification"]
    # nwipe logs Paris local time: 08:02:21 in March is 07:02:21 UTC.
    assert content["media"][0]["started_at"] == "2026-03-12T07:02:21Z"
    assert content["ended_at"] == "2026-03-12T10:33:23Z"  # the last drive's end

    stored = await WipeToolReport.select(WipeToolReport.content, WipeToolReport.sha256).first()
    assert stored is not None and bytes(stored["content"]) == OK_LOG and stored["sha256"] == digest

    pdf = await client.get(f"/api/v1/certificates/{number}.pdf", headers=world.donor.headers)
    assert digest[:16] in pdf_text(pdf.content).replace("\n", "")
    page = await client.get(f"/verify/{number}")
    assert "intègre" in page.text and digest in page.text

    history = (await client.get(f"/api/v1/devices/{tag}/events", headers=world.workshop.headers)).json()
    assert history["items"][-1]["payload"]["tool"] == "nwipe"


async def test_failed_drive_leaves_the_device_received(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    (tag,) = await at_bench(api, world)
    response = await _upload(client, world.workshop.headers, tag, FAILED_LOG)
    assert response.status_code == 201, response.text
    result = response.json()
    assert result["event"]["outcome"] == "failed"
    assert result["device"]["state"] == "received"
    (summary,) = await certificates_of(api, world.workshop, tag)
    assert summary["overall_result"] == "erased_with_exceptions"
    assert summary["source_report_sha256"] == hashlib.sha256(FAILED_LOG).hexdigest()


async def test_drives_are_matched_by_serial(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    first, second = await at_bench(api, world, n=2)
    # One bench wiped the disks of two computers: each takes only its own drive.
    one = await _upload(client, world.workshop.headers, first, OK_LOG, serial=["s3z2nb0k612345a"])
    assert one.status_code == 201, one.text
    assert one.json()["media"] == ["S3Z2NB0K612345A"]
    other = await _upload(client, world.workshop.headers, second, OK_LOG, serial=["WD-WCC6Y7ABCDEF"])
    assert other.status_code == 201, other.text
    assert other.json()["media"] == ["WD-WCC6Y7ABCDEF"]

    missing = await _upload(client, world.workshop.headers, second, OK_LOG, serial=["NOT-THERE"])
    assert missing.status_code == 422
    assert "NOT-THERE" in missing.json()["detail"]


async def test_a_retry_matches_the_media_of_the_previous_wipe(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    (tag,) = await at_bench(api, world)
    typed = {
        "action": "wipe",
        "level": "clear",
        "method": "DoD Short",
        "tool": "nwipe",
        "media": [{"kind": "hdd", "serial": "WD-WCC6Y7ABCDEF", "result": "failed"}],
    }
    await api.act(world.workshop, tag, typed)
    response = await _upload(client, world.workshop.headers, tag, OK_LOG)
    assert response.status_code == 201, response.text
    assert response.json()["media"] == ["WD-WCC6Y7ABCDEF"]
    assert response.json()["device"]["state"] == "wiped"


async def test_another_workshop_learns_nothing_of_a_wiped_device(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    (tag,) = await at_bench(api, world)
    typed = {
        "action": "wipe",
        "level": "clear",
        "method": "DoD Short",
        "tool": "nwipe",
        "media": [{"kind": "hdd", "serial": "SECRET-DISK-42", "result": "failed"}],
    }
    await api.act(world.workshop, tag, typed)
    # Strangers, the committee included (it sees no device), are told the device does not exist.
    for member, expected in ((world.other_workshop, 404), (world.other_donor, 404), (world.committee, 404)):
        response = await _upload(client, member.headers, tag, OK_LOG)
        assert response.status_code == expected, response.text
        assert "SECRET-DISK-42" not in response.text


async def test_bad_reports_and_wrong_callers_are_refused(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    (tag,) = await at_bench(api, world)
    garbage = await _upload(client, world.workshop.headers, tag, b"ceci n'est pas un journal\n")
    assert garbage.status_code == 422
    assert garbage.json()["detail"].startswith("Rapport nwipe illisible")
    empty = await _upload(client, world.workshop.headers, tag, b"")
    assert empty.status_code == 422
    wrong_type = await client.post(
        f"/api/v1/devices/{tag}/wipe-report",
        content=OK_LOG,
        headers={**world.workshop.headers, "Content-Type": "application/json"},
    )
    assert wrong_type.status_code == 415
    # Someone else's device: not found; a donor may not wipe.
    assert (await _upload(client, world.other_workshop.headers, tag, OK_LOG)).status_code == 404
    assert (await _upload(client, world.donor.headers, tag, OK_LOG)).status_code == 403
    assert (await certificates_of(api, world.workshop, tag)) == []


async def test_the_same_upload_retried_is_recorded_once(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    (tag,) = await at_bench(api, world)
    headers = {**world.workshop.headers, "Idempotency-Key": "upload-1"}
    first = await _upload(client, headers, tag, OK_LOG)
    again = await _upload(client, headers, tag, OK_LOG)
    assert first.status_code == 201 and again.status_code == 200, again.text
    assert again.json()["certificate_number"] == first.json()["certificate_number"]
    assert len(await certificates_of(api, world.workshop, tag)) == 1
