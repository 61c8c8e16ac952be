"""`GET /api/v1/scan/{code}`: what the bench scanner calls at every step."""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.params import Parameter

from ordi.devices.schemas import ScanResult
from ordi.domain.lifecycle import Actor
from ordi.http.openapi import documented
from ordi.scan import service

#: A `path` parameter reaches the handler with its leading "/": its length is documented (what a
#: client sends), not enforced by Litestar; a longer code matches nothing (404).
Code = Annotated[
    str,
    Parameter(
        description="Une étiquette (toute casse), l'URL de son QR ou un numéro de série",
        schema_extra={"minLength": 1, "maxLength": 300},
    ),
]


@get("/api/v1/scan/{code:path}", tags=["scan"], summary="Résoudre un code scanné", **documented(404))
async def scan(actor: Actor, lang: str, code: Code) -> ScanResult:
    return await service.resolve(actor, code.lstrip("/"), lang)
