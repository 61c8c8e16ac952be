"""Every HTML page sends the security headers /scan sends; a 405 names the allowed methods."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.certificates.helpers import at_bench
from tests.fixtures import WIPE_OK, Api, World


def assert_secure_page(response: Any) -> str:
    """The page's Content-Security-Policy, once every header is checked."""
    assert response.headers["content-type"].startswith("text/html")
    policy = str(response.headers["content-security-policy"])
    for directive in ("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"):
        assert directive in policy, directive
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    return policy


async def test_the_scan_page(client: AsyncTestClient[Any]) -> None:
    response = await client.get("/scan")
    assert response.status_code == 200
    assert "'unsafe-inline'" not in assert_secure_page(response)


async def test_the_public_device_page_found_or_not(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    tag = (await api.declare(world.donor, [{"category": "laptop"}]))["devices"][0]["asset_tag"]
    for path, status in ((f"/d/{tag}", 200), (f"/D/{tag.lower()}", 200), ("/d/INCONNU", 404)):
        response = await client.get(path)
        assert response.status_code == status, path
        assert_secure_page(response)


async def test_the_verify_page_allows_its_own_style_only(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    unknown = await client.get("/verify/CE-2026-999999")
    assert unknown.status_code == 404
    assert_secure_page(unknown)

    (tag,) = await at_bench(api, world)
    await api.act(world.workshop, tag, WIPE_OK)
    listed = await client.get(f"/api/v1/devices/{tag}/certificates", headers=world.workshop.headers)
    number = listed.json()["items"][0]["number"]
    page = await client.get(f"/verify/{number}")
    assert page.status_code == 200 and number in page.text
    policy = assert_secure_page(page)
    styles = re.findall(r"<style>(.*?)</style>", page.text, re.S)
    assert len(styles) == 1
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    assert f"style-src 'self' 'sha256-{digest}'" in policy
    assert "'unsafe-inline'" not in policy


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/api/v1/devices/ABCDEFGHJK", {"GET", "PATCH", "DELETE"}),
        ("DELETE", "/api/v1/donations", {"GET", "POST"}),
        ("PUT", "/api/v1/auth/token", {"POST"}),
        ("POST", "/scan", {"GET"}),
    ],
)
async def test_a_405_carries_allow(
    client: AsyncTestClient[Any], world: World, method: str, path: str, allowed: set[str]
) -> None:
    response = await client.request(method, path, headers=world.workshop.headers)
    assert response.status_code == 405
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "method_not_allowed"
    methods = {m.strip() for m in response.headers["allow"].split(",")}
    assert allowed <= methods and method not in methods
