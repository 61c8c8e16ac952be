"""The baseline of `make bench`: a bare Litestar app served exactly like `ordi.app:app`.

Same paths as the two endpoints under test, so the same load-generator script hits both:

* `GET /api/v1/scan/{code}` returns a constant dict about the size of a real scan answer;
* `POST /api/v1/devices/{tag}/events` decodes a small JSON body into a msgspec struct and answers
  201 with a small dict.

No auth, no database, no dependency injection: what Litestar + uvicorn cost on their own.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar, get, post

# About the shape and size (≈ 700 bytes) of a real `ScanResult` for a declared laptop.
_DEVICE: dict[str, Any] = {
    "asset_tag": "0123456789",
    "state": "declared",
    "state_label": "déclaré",
    "category": "laptop",
    "brand": "Lenovo",
    "model": "ThinkPad T480",
    "serial_number": "BENCH-0000000001",
    "has_storage": True,
    "data_cleared": False,
    "grade": None,
    "donation_id": 12,
    "donor_id": 1,
    "custodian_id": 1,
    "refurbisher_id": None,
    "association_id": None,
    "state_changed_at": "2026-11-23T00:00:00.000000Z",
    "url": "HTTP://127.0.0.1:8000/D/0123456789",
}
_SCAN: dict[str, Any] = {
    "device": _DEVICE,
    "actions": ["collect", "receive", "recycle", "lose"],
    "action_labels": {
        "collect": "collecter",
        "receive": "réceptionner",
        "recycle": "recycler",
        "lose": "déclarer perdu",
    },
}


class EventIn(msgspec.Struct, forbid_unknown_fields=True):
    action: str
    note: str | None = None


@get("/api/v1/scan/{code:path}")
async def scan(code: str) -> dict[str, Any]:
    return {**_SCAN, "code": code}


@post("/api/v1/devices/{tag:str}/events")
async def event(tag: str, data: EventIn) -> dict[str, Any]:
    return {"tag": tag, "action": data.action, "device": _DEVICE}


@get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


app = Litestar(route_handlers=[scan, event, health])
