"""The committee's figures: thin handlers over `ordi.stats.service` (committee and operator only)."""

from __future__ import annotations

from litestar import get

from ordi.domain.lifecycle import Actor
from ordi.http.openapi import documented
from ordi.http.params import DayFrom, DayTo, within_days
from ordi.stats import service
from ordi.stats.schemas import Figures, StatsQuery


@get(
    "/api/v1/stats/summary",
    tags=["stats"],
    summary="Chiffres du comité de pilotage pour une période",
    description="Par défaut, l'année civile en cours jusqu'à aujourd'hui.",
    **documented(403, 422),
)
async def summary(actor: Actor, start: DayFrom = None, end: DayTo = None) -> Figures:
    return await service.figures(actor, StatsQuery(start=within_days(start), end=within_days(end)))
