"""The API keeps its OpenAPI contract: schemathesis over every operation, as each role and anonymous.

A small world is seeded first (a donation whose devices stand at several steps, a wipe certificate,
an equipment request, a print job, an API key) so that drawn requests reach the handlers' rules,
not only their 404. The budget is fixed (cases per operation, seed): some 900 requests, drawn once
and sent as each role, and 3,000 edge cases; about four minutes per engine on two shared cores.
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.certificates.helpers import at_bench
from tests.contract import runner
from tests.fixtures import WIPE_OK, Api, World

#: Cases per operation and role: positive (half aimed at the seeded world), then negative.
POSITIVE = 12
NEGATIVE = 5
SEED = 20261201

ROLES = ["operator", "donor", "workshop", "association", "committee", "anonymous"]

#: schemathesis's own strategies draw from `random` (Hypothesis frowns upon it; the seed still holds).
pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")


async def seed_world(api: Api, world: World) -> dict[str, Any]:
    """Things to name in paths: a tag, the donation, a request, an organisation, a key, a job and a
    certificate number, all visible to at least one role. Built with the suite's own helpers, so
    that it follows the journey's rules as they change."""
    client = api.client
    received = await at_bench(api, world, n=2)
    await api.act(world.workshop, received[1], WIPE_OK)
    ready = await api.ready_device(world)
    certificates = await client.get(f"/api/v1/devices/{received[1]}/certificates", headers=world.workshop.headers)
    number = certificates.json()["items"][0]["number"]
    donation_id = (await api.device(world.donor, received[0]))["donation_id"]
    asked = await client.post(
        "/api/v1/requests",
        json={"items": [{"category": "laptop", "quantity": 1}], "reason": "Atelier numérique"},
        headers=world.association.headers,
    )
    assert asked.status_code == 201, asked.text
    key = await client.post("/api/v1/auth/api-keys", json={"name": "Poste"}, headers=world.workshop.headers)
    assert key.status_code == 201, key.text
    job = await client.post("/api/v1/label-jobs", json={"tags": received}, headers=world.donor.headers)
    assert job.status_code == 202, job.text
    return {
        "tag": ready,
        "code": ready,
        "donation_id": donation_id,
        "request_id": asked.json()["id"],
        "organisation_id": world.workshop.organisation_id,
        "user_id": world.association.actor.user_id,
        "key_id": key.json()["id"],
        "job_id": job.json()["id"],
        "ref": number,
    }


def _headers(world: World, role: str) -> dict[str, str]:
    if role == "anonymous":
        return {}
    return dict(getattr(world, role).headers)


@pytest.fixture(scope="module")
async def document(app_client: AsyncTestClient[Any]) -> dict[str, Any]:
    response = await app_client.get("/schema/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


@pytest.mark.parametrize("role", ROLES)
async def test_every_operation_keeps_the_contract(api: Api, world: World, document: dict[str, Any], role: str) -> None:
    known = await seed_world(api, world)
    schema = runner.load(document)

    def aimed(operation: Any) -> dict[str, Any] | None:
        names = [p.name for p in operation.path_parameters]
        return {name: known[name] for name in names if name in known} or None

    report = await runner.run(
        api.client,
        schema,
        role,
        _headers(world, role),
        positive=POSITIVE,
        negative=NEGATIVE,
        known=aimed,
        seed=SEED,
    )
    print(f"\n[{role}] {report.summary()}")
    assert not report.failures, report.summary()


async def test_edge_cases_keep_the_contract(api: Api, world: World, document: dict[str, Any]) -> None:
    """schemathesis's coverage phase, as the operator (who may call every operation): each bound,
    length and type at and past its limit, missing and unknown fields, unlisted methods."""
    await seed_world(api, world)
    report = await runner.run_coverage(api.client, runner.load(document), "operator", _headers(world, "operator"))
    print(f"\n[coverage] {report.summary()}")
    assert not report.failures, report.summary()
