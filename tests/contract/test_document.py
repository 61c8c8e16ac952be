"""The OpenAPI document tells the truth: who may call, how a call fails, what it sends and gets back."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.certificates.helpers import at_bench
from tests.fixtures import WIPE_OK, Api, World

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
#: `GET /health` (ordi/health.py) does not declare its 400 and 503 problems yet: its owner is
#: reworking it (the jobs' queue state); `documented(auth=False, responses={503: …})` is the change.
NOT_YET_DOCUMENTED = {("GET", "/health")}


@pytest.fixture(scope="module")
async def document(app_client: AsyncTestClient[Any]) -> dict[str, Any]:
    response = await app_client.get("/schema/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


def _needs_actor() -> dict[tuple[str, str], bool]:
    """From the handlers themselves: which operations take the `actor` dependency."""
    from ordi.app import create_app

    found: dict[tuple[str, str], bool] = {}
    for route in create_app().routes:
        for handler in getattr(route, "route_handlers", []):
            if not handler.resolve_include_in_schema():
                continue
            for method in handler.http_methods:
                found[(method, route.path_format)] = "actor" in handler.parsed_fn_signature.parameters
    return found


def test_security_schemes_are_bearer_and_api_key(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    bearer = next(s for s in schemes.values() if s["type"] == "http")
    key = next(s for s in schemes.values() if s["type"] == "apiKey")
    assert bearer["scheme"] == "bearer"
    assert key["name"] == "X-API-Key" and key["in"] == "header"


def test_an_operation_declares_security_exactly_when_it_needs_an_actor(document: dict[str, Any]) -> None:
    needs = _needs_actor()
    names = set(document["components"]["securitySchemes"])
    for method, path, operation in _operations(document):
        declared = operation.get("security") or []
        assert needs[(method, path)] == bool(declared), (method, path)
        if declared:
            assert {name for requirement in declared for name in requirement} == names, (method, path)
            assert "401" in operation["responses"] and "403" in operation["responses"], (method, path)


def test_every_error_is_a_problem_document(document: dict[str, Any]) -> None:
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["required"]) >= {"type", "title", "status", "detail", "instance", "code"}
    for method, path, operation in _operations(document):
        errors = {code: r for code, r in operation["responses"].items() if code.startswith(("4", "5"))}
        if (method, path) in NOT_YET_DOCUMENTED:
            continue
        assert "400" in errors, (method, path)
        for code, response in errors.items():
            assert list(response["content"]) == ["application/problem+json"], (method, path, code)
            schema = response["content"]["application/problem+json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Problem"}, (method, path, code)


@pytest.mark.parametrize(
    ("path", "media_type"),
    [("/api/v1/donations/import", "text/csv"), ("/api/v1/devices/{tag}/wipe-report", "text/plain")],
)
def test_raw_uploads_declare_their_media_type(document: dict[str, Any], path: str, media_type: str) -> None:
    body = document["paths"][path]["post"]["requestBody"]
    assert body["required"] is True
    assert list(body["content"]) == [media_type]
    assert body["content"][media_type]["schema"]["type"] == "string"
    assert "415" in document["paths"][path]["post"]["responses"]


@pytest.mark.parametrize(
    ("path", "media_types"),
    [
        ("/api/v1/devices/{tag}/label.png", {"image/png"}),
        ("/api/v1/devices/{tag}/label.pdf", {"application/pdf"}),
        ("/api/v1/devices/{tag}/label.zpl", {"application/zpl"}),
        ("/api/v1/donations/{donation_id}/report.pdf", {"application/pdf"}),
        ("/api/v1/donations/{donation_id}/report.csv", {"text/csv"}),
        ("/api/v1/certificates/{ref}", {"application/json", "application/pdf"}),
        ("/api/v1/jobs/{job_id}/result", {"application/pdf", "application/zpl", "text/csv", "application/json"}),
    ],
)
def test_files_are_declared_in_their_media_types(document: dict[str, Any], path: str, media_types: set[str]) -> None:
    content = document["paths"][path]["get"]["responses"]["200"]["content"]
    assert set(content) == media_types
    for media_type, entry in content.items():
        if media_type != "application/json":
            assert entry["schema"] == {"type": "string", "format": "binary"}, (path, media_type)


def test_a_large_report_declares_its_job(document: dict[str, Any]) -> None:
    for fmt in ("pdf", "csv", "json"):
        accepted = document["paths"][f"/api/v1/donations/{{donation_id}}/report.{fmt}"]["get"]["responses"]["202"]
        assert accepted["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/JobOut"}


def test_lists_and_figures_are_typed(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    lists = {
        "/api/v1/devices": "DeviceOut",
        "/api/v1/devices/{tag}/events": "EventOut",
        "/api/v1/devices/{tag}/certificates": "CertificateSummary",
        "/api/v1/donations": "DonationOut",
        "/api/v1/organisations": "OrganisationOut",
        "/api/v1/organisations/{organisation_id}/users": "UserOut",
        "/api/v1/directory": "DirectoryEntry",
        "/api/v1/requests": "RequestOut",
        "/api/v1/auth/api-keys": "ApiKeyOut",
    }
    for path, item in lists.items():
        ref = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        page = schemas[ref.rsplit("/", 1)[1]]
        assert set(page["required"]) == {"items", "total", "total_estimated", "next", "limit", "offset"}, path
        assert page["properties"]["items"]["items"] == {"$ref": f"#/components/schemas/{item}"}, path
    for path in ("/api/v1/stats/summary", "/api/v1/auth/me", "/api/v1/label-formats"):
        schema = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        target = schemas[schema["$ref"].rsplit("/", 1)[1]]
        assert target["type"] == "object" and target["properties"], path
        assert all(p != {} and p != {"type": "object"} for p in target["properties"].values()), path


def test_request_bodies_refuse_unknown_fields_in_the_document_too(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    for name in ("DonationIn", "DonationItemIn", "Wipe", "MediumIn", "RequestIn", "OrganisationIn", "LabelJobIn"):
        assert schemas[name]["additionalProperties"] is False, name


def test_bounds_are_in_the_document(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    medium = schemas["MediumIn"]["properties"]
    assert medium["capacity_gb"]["exclusiveMinimum"] == 0 and medium["capacity_gb"]["maximum"] == 1_000_000
    assert schemas["Wipe"]["properties"]["media"]["maxItems"] == 32
    assert schemas["Wipe"]["properties"]["method"]["maxLength"] == 200
    assert schemas["Refurbish"]["properties"]["checks"]["items"] == {"type": "string", "maxLength": 200}
    for path, name in (("/api/v1/donations/{donation_id}", "donation_id"), ("/api/v1/devices", "donation")):
        parameter = next(p for p in document["paths"][path]["get"]["parameters"] if p["name"] == name)
        assert (
            parameter["schema"].get("maximum", 0) == 2**31 - 1
            or any(alt.get("maximum") == 2**31 - 1 for alt in parameter["schema"].get("oneOf", []))
            or parameter["schema"].get("maximum") == 2**31 - 1
        ), (path, parameter)


def test_the_main_calls_carry_examples(document: dict[str, Any]) -> None:
    for path in ("/api/v1/auth/token", "/api/v1/donations", "/api/v1/devices/{tag}/events", "/api/v1/requests"):
        body = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        schema = body["schema"]
        examples = body.get("examples") or schema.get("examples")
        assert examples, path


async def test_the_documented_upload_is_what_the_server_takes(
    client: AsyncTestClient[Any], api: Api, world: World, document: dict[str, Any]
) -> None:
    """A client that follows the document (its media type, its example) is served, not refused 415."""
    body = document["paths"]["/api/v1/donations/import"]["post"]["requestBody"]["content"]["text/csv"]
    example = body["examples"]["exemple"]["value"]
    response = await client.post(
        "/api/v1/donations/import",
        content=example.encode(),
        headers={**world.donor.headers, "Content-Type": "text/csv"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["device_count"] == 2


async def test_a_wipe_example_of_the_document_is_recorded(
    client: AsyncTestClient[Any], api: Api, world: World, document: dict[str, Any]
) -> None:
    body = document["paths"]["/api/v1/devices/{tag}/events"]["post"]["requestBody"]["content"]["application/json"]
    examples = body["schema"]["examples"]  # Litestar puts a body's examples in its schema (JSON Schema's list)
    wipe = next(e for e in examples if e["action"] == "wipe")
    assert wipe["media"] and set(wipe) <= set(WIPE_OK) | {"tool_version"}
    (tag,) = await at_bench(api, world)
    response = await client.post(f"/api/v1/devices/{tag}/events", json=wipe, headers=world.workshop.headers)
    assert response.status_code == 201, response.text
