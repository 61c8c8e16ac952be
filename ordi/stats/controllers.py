"""The committee's figures."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import get
from litestar.params import Parameter

from ordi.domain.lifecycle import Actor
from ordi.stats import service


@get("/api/v1/stats/summary", tags=["stats"], summary="Chiffres du comité de pilotage pour une période")
async def summary(
    actor: Actor,
    start: Annotated[date | None, Parameter(query="from", description="Premier jour (inclus)")] = None,
    end: Annotated[date | None, Parameter(query="to", description="Dernier jour (inclus)")] = None,
) -> dict[str, Any]:
    return await service.summary(actor, start, end)
