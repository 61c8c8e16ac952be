"""The committee's figures over HTTP: thin handlers over `ordi.stats.service` and `ordi.stats.exports`.

Committee and operator only (others: 403, as the service decides). Every table answers JSON, or
CSV in the French spreadsheet dialect with `Accept: text/csv` or the `.csv` suffix.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Request, Response, get
from litestar.params import Parameter
from litestar.response import Stream

from ordi.domain.lifecycle import Actor
from ordi.http.openapi import documented, file_response, json_response, operation
from ordi.http.params import MAX_ID, DayFrom, DayTo, within_days
from ordi.i18n import Lang
from ordi.stats import exports, service
from ordi.stats.schemas import Dimension, Figures, Filters, Grain, StatsQuery, StatsTable

CSV = "text/csv; charset=utf-8"
_Code = Annotated[str | None, Parameter(required=False, max_length=30, pattern=r"^[A-Za-z0-9_]+$")]
_OrgId = Annotated[int | None, Parameter(required=False, ge=1, le=MAX_ID)]
TableName = Literal[
    "stages",
    "series",
    "stock",
    "stock_age",
    "lead_times",
    "reuse",
    "beneficiaries",
    "requests",
    "impact",
    "groups",
    "stages.csv",
    "series.csv",
    "stock.csv",
    "stock_age.csv",
    "lead_times.csv",
    "reuse.csv",
    "beneficiaries.csv",
    "requests.csv",
    "impact.csv",
    "groups.csv",
]


async def provide_query(
    start: DayFrom = None,
    end: DayTo = None,
    grain: Annotated[Grain, Parameter(description="Pas de la série : month, quarter, year")] = "month",
    group_by: Annotated[Dimension | None, Parameter(required=False, description="Regrouper par…")] = None,
    donor_kind: _Code = None,
    donor: _OrgId = None,
    refurbisher: _OrgId = None,
    region: Annotated[str | None, Parameter(required=False, max_length=3, pattern=r"^[0-9A-Za-z]{1,3}$")] = None,
    departement: Annotated[str | None, Parameter(required=False, max_length=3, pattern=r"^[0-9AaBb]{1,3}$")] = None,
    category: _Code = None,
    grade: Annotated[str | None, Parameter(required=False, pattern=r"^[ABC]$")] = None,
    beneficiary_category: _Code = None,
) -> StatsQuery:
    """The question of every stats call: period, grain, grouping and filters from the query string."""
    return StatsQuery(
        start=within_days(start),
        end=within_days(end),
        grain=grain,
        group_by=group_by,
        filters=Filters(
            donor_kind=donor_kind,
            donor=donor,
            refurbisher=refurbisher,
            region=region,
            departement=departement,
            category=category,
            grade=grade,
            beneficiary_category=beneficiary_category,
        ),
    )


def _lang(lang: str) -> Lang:
    return "en" if lang == "en" else "fr"


def _wants_csv(request: Request[Any, Any, Any]) -> bool:
    accept = request.headers.get("accept", "")
    return "text/csv" in accept and "application/json" not in accept.split("text/csv")[0]


def _csv(body: bytes, filename: str) -> Response[bytes]:
    return Response(body, media_type=CSV, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


_SUMMARY_DOC = (
    "Par défaut l'année civile en cours jusqu'à aujourd'hui, par mois. Chaque chiffre se filtre (donateur, "
    "type de donateur, atelier, région, département, catégorie, grade, catégorie de bénéficiaire) et se "
    "regroupe (`group_by`). Les cases qui comptent des personnes sous 11 s'affichent « < 11 » (voir "
    "`small_cells`). `Accept: text/csv` : tous les tableaux en un CSV (`;`, BOM, virgule décimale)."
)


@get(
    "/api/v1/stats/summary",
    tags=["stats"],
    summary="Chiffres du comité de pilotage pour une période",
    description=_SUMMARY_DOC,
    dependencies={"question": provide_query},
    operation_class=operation(files={200: [CSV]}),
    **documented(403, 422, responses={200: json_response(Figures, "Les chiffres")}),
)
async def summary(actor: Actor, request: Request[Any, Any, Any], lang: str, question: StatsQuery) -> Response[Any]:
    figures = await service.figures(actor, question, _lang(lang))
    if _wants_csv(request):
        return _csv(exports.every_table_csv(figures, lang), "chiffres-comite.csv")
    return Response(figures)


@get(
    "/api/v1/stats/summary.csv",
    tags=["stats"],
    summary="Chiffres du comité : tous les tableaux en un CSV",
    description="Les mêmes paramètres que `/api/v1/stats/summary` ; CSV `;`, BOM, virgule décimale.",
    dependencies={"question": provide_query},
    **documented(403, 422, responses={200: file_response(CSV, "Tous les tableaux, l'un après l'autre")}),
)
async def summary_csv(actor: Actor, lang: str, question: StatsQuery) -> Response[bytes]:
    figures = await service.figures(actor, question, _lang(lang))
    return _csv(exports.every_table_csv(figures, lang), "chiffres-comite.csv")


@get(
    "/api/v1/stats/tables/{name:str}",
    tags=["stats"],
    summary="Un tableau des chiffres du comité (JSON, ou CSV avec .csv ou Accept: text/csv)",
    description=f"Tableaux : {', '.join(exports.TABLES)}. Les mêmes paramètres que `/api/v1/stats/summary`.",
    dependencies={"question": provide_query},
    operation_class=operation(files={200: [CSV]}),
    **documented(403, 404, 422, responses={200: json_response(StatsTable, "Le tableau")}),
)
async def stats_table(
    actor: Actor, request: Request[Any, Any, Any], lang: str, question: StatsQuery, name: TableName
) -> Response[Any]:
    as_csv = name.endswith(".csv") or _wants_csv(request)
    figures = await service.figures(actor, question, _lang(lang))
    t = exports.table(figures, name.removesuffix(".csv"), _lang(lang))
    if as_csv:
        return _csv(exports.table_csv(t), f"{t.name}.csv")
    return Response(t)


@get(
    "/api/v1/stats/events.csv",
    tags=["stats"],
    summary="L'historique pseudonymisé, pour recalculer chaque chiffre",
    description=(
        "Une ligne par entrée de l'historique : identifiant, appareil (empreinte HMAC de son numéro), action, "
        "états, date (UTC), type de l'organisation qui agit, région et département (de l'atelier en charge, du "
        "donateur avant), type de donateur et donateur (empreinte), atelier, catégorie, grade, catégorie de "
        "bénéficiaire, minutes de travail, demande (empreinte) et son approbation. Aucun nom, numéro de série, "
        "adresse ni identifiant de donateur. Diffusé en flux ; `from` et `to` bornent les lignes."
    ),
    **documented(403, 422, responses={200: file_response(CSV, "L'historique pseudonymisé")}),
)
async def events_csv(actor: Actor, start: DayFrom = None, end: DayTo = None) -> Stream:
    chunks = await exports.events_csv(actor, within_days(start), within_days(end))
    return Stream(
        chunks, media_type=CSV, headers={"Content-Disposition": 'attachment; filename="historique-pseudonymise.csv"'}
    )


@get(
    "/api/v1/stats/requests.csv",
    tags=["stats"],
    summary="Les demandes des associations, pseudonymisées",
    description="Une ligne par article demandé : demande (empreinte), état, dates, région et département de "
    "l'association, catégorie, quantité demandée et attribuée.",
    **documented(403, responses={200: file_response(CSV, "Les demandes")}),
)
async def requests_csv(actor: Actor) -> Response[bytes]:
    return _csv(await exports.requests_csv(actor), "demandes.csv")


ROUTES = [summary, summary_csv, stats_table, events_csv, requests_csv]
