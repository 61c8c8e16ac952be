"""The committee's figures."""

from __future__ import annotations

import msgspec
from litestar import get

from ordi.domain.lifecycle import Actor
from ordi.http.openapi import documented
from ordi.http.params import DayFrom, DayTo, within_days
from ordi.stats import service
from ordi.stats.schemas import StatsSummary


@get(
    "/api/v1/stats/summary",
    tags=["stats"],
    summary="Chiffres du comité de pilotage pour une période",
    description="Par défaut, l'année civile en cours jusqu'à aujourd'hui.",
    **documented(403, 422),
)
async def summary(actor: Actor, start: DayFrom = None, end: DayTo = None) -> StatsSummary:
    figures = await service.summary(actor, within_days(start), within_days(end))
    return msgspec.convert(figures, StatsSummary)
