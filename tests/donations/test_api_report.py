"""The donor's traceability report: every device's fate, totals, impact; inline or as a job."""

from __future__ import annotations

import csv
import io
from typing import Any

from litestar.testing import AsyncTestClient

from ordi.donations.report import INLINE_MAX_DEVICES
from tests.certificates.helpers import at_bench, certificates_of, give_siret, pdf_text
from tests.fixtures import HAND_OVER, REFURBISH, WIPE_FAILED, WIPE_OK, Api, World, wait_for

DESTROY = {**WIPE_OK, "level": "destroy", "media": [{"kind": "hdd", "serial": "HDD-009", "result": "destroyed"}]}
RECYCLE = {"action": "recycle", "reason": "carte mère HS", "weight_kg": 8.5, "channel": "eco_organism"}


async def _donation_with_every_fate(api: Api, world: World) -> tuple[int, dict[str, str]]:
    """A handed-over laptop, a recycled desktop, a failed wipe, and one still declared."""
    await give_siret(world.workshop)
    handed, recycled, failed = await at_bench(api, world, n=3)
    donation_id = (await api.device(world.donor, handed))["donation_id"]
    await api.act(world.workshop, handed, WIPE_OK)
    await api.act(world.workshop, handed, REFURBISH)
    await api.act(world.operator, handed, {"action": "reserve", "association_id": world.association.organisation_id})
    await api.act(world.workshop, handed, {"action": "ship"})
    await api.act(world.association, handed, {"action": "deliver"})
    await api.act(
        world.association,
        handed,
        {**HAND_OVER, "warranty_contact": {"full_name": "Jeanne Martin", "phone": "0600000000"}},
    )
    await api.act(world.workshop, recycled, DESTROY)
    await api.act(world.workshop, recycled, RECYCLE)
    await api.act(world.workshop, failed, WIPE_FAILED)
    return donation_id, {"handed": handed, "recycled": recycled, "failed": failed}


async def test_json_report_lists_each_fate_and_the_impact(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    donation_id, tags = await _donation_with_every_fate(api, world)
    response = await client.get(f"/api/v1/donations/{donation_id}/report.json", headers=world.donor.headers)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["schema"] == "ordi-donation-report/1"
    rows = {row["asset_tag"]: row for row in report["devices"]}
    assert len(rows) == 3

    handed = rows[tags["handed"]]
    assert handed["state"] == "handed_over"
    assert handed["departement"] == "76" and handed["beneficiary_category"] == "job_seeker"
    assert handed["grade"] == "A"
    for step in ("declared_at", "collected_at", "received_at", "wiped_at", "ready_at", "handed_over_at"):
        assert handed[step] is not None, step
    assert handed["recycled_at"] is None
    (cert,) = await certificates_of(api, world.donor, tags["handed"])
    assert handed["certificate_number"] == cert["number"]

    recycled = rows[tags["recycled"]]
    assert recycled["state"] == "recycled"
    assert recycled["recycle_channel"] == "eco_organism" and recycled["recycle_weight_kg"] == 8.5
    assert recycled["certificate_number"].startswith("CE-")
    assert recycled["departement"] is None

    failed = rows[tags["failed"]]
    assert failed["state"] == "received" and failed["wiped_at"] is None
    assert failed["certificate_number"].startswith("CE-")  # a failed wipe is certified too, as not erased

    totals = report["totals"]
    assert totals["devices"] == 3 and totals["redistributed"] == 1 and totals["recycled"] == 1
    assert totals["wipe_certificates"] == 3
    assert totals["recycled_weight_kg"] == 8.5
    assert totals["reuse_rate"] == 0.5
    assert report["impact"]["kg_co2e_avoided"] == 54.9  # one laptop, ADEME/DINUM factor
    assert report["impact"]["kg_ewaste_avoided"] == 2.0
    (factor,) = report["impact"]["factors"]
    assert factor["category"] == "Ordinateur portable" and "ADEME" in factor["source"]

    text = response.text
    for person in ("Jeanne Martin", "0600000000", "EPN Le Havre", "Technicien 1"):
        assert person not in text


async def test_csv_and_pdf_reports(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    donation_id, tags = await _donation_with_every_fate(api, world)
    response = await client.get(f"/api/v1/donations/{donation_id}/report.csv", headers=world.donor.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[0] == "N° d'inventaire" and len(body) == 3
    by_tag = {r[0]: dict(zip(header, r, strict=True)) for r in body}
    assert by_tag[tags["handed"]]["Département"] == "76"
    assert by_tag[tags["handed"]]["Catégorie de bénéficiaire"] == "demandeur d'emploi"
    assert by_tag[tags["recycled"]]["Poids recyclé (kg)"] == "8,5"
    assert by_tag[tags["recycled"]]["État"] == "recyclé"

    pdf = await client.get(f"/api/v1/donations/{donation_id}/report.pdf", headers=world.donor.headers)
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    content = pdf_text(pdf.content)
    assert "Rapport de traçabilité du don" in content
    for tag in tags.values():
        assert tag in content
    assert "Impact environnemental" in content and "ADEME" in content
    assert "Jeanne Martin" not in content


async def test_only_the_donor_and_the_operator_read_a_report(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    (tag,) = await at_bench(api, world)
    donation_id = (await api.device(world.donor, tag))["donation_id"]
    path = f"/api/v1/donations/{donation_id}/report.json"
    assert (await client.get(path, headers=world.donor.headers)).status_code == 200
    assert (await client.get(path, headers=world.operator.headers)).status_code == 200
    assert (await client.get(path, headers=world.other_donor.headers)).status_code == 404
    for member in (world.workshop, world.association, world.committee):
        for fmt in ("pdf", "csv", "json"):
            response = await client.get(f"/api/v1/donations/{donation_id}/report.{fmt}", headers=member.headers)
            assert response.status_code == 403, (member.email, response.text)
    assert (await client.get("/api/v1/donations/999999/report.pdf", headers=world.donor.headers)).status_code == 404
    assert (await client.get(path)).status_code == 401


async def test_a_large_donation_is_rendered_by_a_job(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    n = INLINE_MAX_DEVICES + 50
    items = [
        {"category": "desktop", "brand": "HP", "model": "EliteDesk", "serial_number": f"B-{i:05d}"} for i in range(n)
    ]
    donation = await api.declare(world.donor, items)
    tags = await api.donation_tags(world.donor, donation["id"])
    for tag in tags[:3]:
        await api.act(world.workshop, tag, {"action": "collect"})
        await api.act(world.workshop, tag, {"action": "receive"})
        await api.act(world.workshop, tag, WIPE_OK)

    async def run(fmt: str) -> tuple[dict[str, Any], bytes]:
        started = await client.get(f"/api/v1/donations/{donation['id']}/report.{fmt}", headers=world.donor.headers)
        assert started.status_code == 202, started.text
        job = started.json()
        assert job["kind"] == "donation_report" and job["progress"]["total"] == 2 * n

        async def finished() -> bool:
            state = (await client.get(f"/api/v1/jobs/{job['id']}", headers=world.donor.headers)).json()
            assert state["status"] != "failed", state
            return bool(state["status"] == "succeeded")

        await wait_for(finished, 60)
        state = (await client.get(f"/api/v1/jobs/{job['id']}", headers=world.donor.headers)).json()
        assert state["progress"] == {"done": 2 * n, "total": 2 * n}
        assert state["result"]["devices"] == n
        # The file belongs to the donor who asked: another donor cannot fetch it.
        other = await client.get(f"/api/v1/jobs/{job['id']}/result", headers=world.other_donor.headers)
        assert other.status_code == 404
        result = await client.get(state["download_url"], headers=world.donor.headers)
        assert result.status_code == 200, result.text
        return state, result.content

    _, pdf = await run("pdf")
    content = pdf_text(pdf)
    assert all(tag in content for tag in tags)
    _, body = await run("json")
    import json

    report = json.loads(body)
    assert len(report["devices"]) == n
    assert report["totals"]["wipe_certificates"] == 3
    assert [row["asset_tag"] for row in report["devices"]] == sorted(
        (row["asset_tag"] for row in report["devices"]), key=tags.index
    )
