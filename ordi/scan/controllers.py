"""`GET /api/v1/scan/{code}`: what the bench scanner calls at every step."""

from __future__ import annotations

from litestar import get

from ordi.devices.schemas import ScanResult
from ordi.domain.lifecycle import Actor
from ordi.scan import service


@get("/api/v1/scan/{code:path}", tags=["scan"], summary="Résoudre un code scanné")
async def scan(actor: Actor, lang: str, code: str) -> ScanResult:
    return await service.resolve(actor, code.lstrip("/"), lang)
