"""`GET /comite`: the committee's dashboard, the bilan's figures and charts on one page.

Server-rendered with Litestar's Jinja engine (autoescaping on: every name, every figure is escaped
by the template, no HTML is built in Python). The period and grain picker is a plain GET form, so
the page works without JavaScript; the charts are the bilan's own drawings (`ordi.stats.charts`)
as SVG images in ``data:`` URIs, which the pages' security policy allows (no inline style, no script).

The page is one of the web application's (`ordi.web`): its templates extend the shared
`layout.html` (one header, one navigation, one stylesheet) and are rendered by `ordi.web.rendering.page`.
Who may read it: the committee and the operator, by the web application's session (`/connexion`) or
by the API's credentials (`Authorization: Bearer …` or `X-API-Key`, a kiosk). A stranger gets the
"login required" page (401), any other role the "not found" page (404): the committee's page does
not exist for them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any

from litestar import Request, get
from litestar.params import Parameter
from litestar.response import Template
from litestar.types import ControllerRouterHandler

from ordi.auth.service import actor_from_credentials
from ordi.clock import PARIS, now
from ordi.domain.errors import DomainError, Forbidden, InvalidRecord, NotFound, Unauthenticated
from ordi.domain.lifecycle import Actor
from ordi.i18n import (
    BENEFICIARY_NAMES,
    Lang,
    beneficiary_name,
    category_name,
    date_text,
    datetime_text,
    message,
    number_text,
    pick_language,
    state_name,
    word,
)
from ordi.stats import charts
from ordi.stats.bilan_data import GRAINS, STOCK_STATES, BilanData, gather
from ordi.web.rendering import page
from ordi.web.session import LANG_COOKIE, SESSION_COOKIE, Viewer, provide_viewer

__all__ = ["ROUTES", "comite_page"]


#: The charts of the page, in its order: the word of its title, and its width in points on a laptop
#: (a half column, the whole width, the map's column). Each is drawn twice, words enlarged: for a
#: laptop, and 340 points wide for a phone (`<picture>` picks one), so no word is smaller than the page's.
_CHARTS = (
    ("volumes", "bilan.chart.volumes", 760),
    ("reuse", "bilan.chart.reuse", 440),
    ("stock", "bilan.chart.stock", 440),
    ("age", "bilan.chart.age", 440),
    ("lead_times", "bilan.chart.lead_times", 440),
    ("regions", "bilan.map_title", 300),
    ("beneficiaries", "bilan.chart.beneficiaries", 440),
    ("impact", "bilan.chart.impact", 440),
)
PHONE_WIDTH = 340
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
LAPTOP_TEXT, PHONE_TEXT = 1.3, 1.5


@dataclass(frozen=True)
class _Picker:
    start: str
    end: str
    grain: str


def _render(viewer: Viewer, name: str, lang: Lang, status: int = 200, **context: Any) -> Template:
    """The page in the web application's layout (its header, navigation and account bar): the
    committee's words are the documents' (`w`), the layout's the web's (`t`)."""

    def w(key: str, **params: Any) -> str:
        return word(key, lang, **params)

    def heading(key: str) -> str:
        """A section's title without the bilan's number."""
        return re.sub(r"^\d+\.\s*", "", word(key, lang))

    viewer.lang = lang
    return page(viewer, name, status, w=w, heading=heading, **context)


async def _caller(request: Request[Any, Any, Any]) -> tuple[Actor, Viewer]:
    """The person reading the page: the web application's session (`/connexion`), else the API's
    credentials (a script or a kiosk: the layout then shows no account). The viewer is the page's
    either way (its language, its navigation)."""
    viewer = await provide_viewer(request)
    if request.cookies.get(SESSION_COOKIE) and not request.headers.get("authorization"):
        if viewer.person is None:
            raise Unauthenticated("session_ended")
        return viewer.person.actor, viewer
    credentials = await actor_from_credentials(request.headers.get("authorization"), request.headers.get("x-api-key"))
    return credentials, viewer


def _day(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidRecord("date_out_of_range", min="2000-01-01", max="2100-12-31") from None


def _count(n: int | None, data: BilanData, lang: Lang) -> str:
    return f"<\u00a0{data.small_cell}" if n is None else number_text(n, 0, lang)


def _rate(rate: float | None, lang: Lang) -> str:
    return word("none", lang) if rate is None else f"{number_text(rate * 100, 1, lang)}\u00a0%"


#: The page's charts of the last figures shown: drawing 16 SVGs costs a few hundred milliseconds of
#: CPU, and a committee reloads the same figures; the key is the figures themselves (not their time).
_CHART_CACHE: OrderedDict[str, dict[str, dict[str, str]]] = OrderedDict()
_CHART_CACHE_SIZE = 16


def _drawn(data: BilanData, lang: Lang) -> dict[str, dict[str, str]]:
    key = hashlib.sha256(repr((lang, dataclasses.replace(data, generated_at=_EPOCH))).encode()).hexdigest()
    cached = _CHART_CACHE.get(key)
    if cached is not None:
        _CHART_CACHE.move_to_end(key)
        return cached
    drawn: dict[str, dict[str, str]] = {}
    for name, title, wide in _CHARTS:
        draw, caption = charts.CHARTS[name], word(title, lang)
        with charts.text_scale(LAPTOP_TEXT):
            laptop = charts.data_uri(draw(data, lang, wide), caption)
        with charts.text_scale(PHONE_TEXT):
            phone = charts.data_uri(draw(data, lang, PHONE_WIDTH), caption)
        drawn[name] = {"title": caption, "src": laptop, "phone": phone}
    _CHART_CACHE[key] = drawn
    while len(_CHART_CACHE) > _CHART_CACHE_SIZE:
        _CHART_CACHE.popitem(last=False)
    return drawn


def _view(data: BilanData, lang: Lang) -> dict[str, Any]:
    """What the template shows: texts already written the French way (numbers, dates, "< 11")."""
    n = lambda value, d=0: number_text(value, d, lang)  # noqa: E731
    tiles = [
        (n(data.stages["collected"]), word("bilan.tile.collected", lang)),
        (n(data.stages["redistributed"]), word("bilan.tile.redistributed", lang)),
        (_rate(data.reuse_rate, lang), word("bilan.tile.reuse_rate", lang)),
        (n(data.kg_co2e_avoided / 1000, 1), word("bilan.tile.co2e", lang)),
        (n(data.kg_ewaste_avoided / 1000, 2), word("bilan.tile.ewaste", lang)),
        (n(data.insertion_labour_hours), word("bilan.tile.hours", lang)),
    ]
    figures = [(word(f"bilan.stage.{s}", lang), n(data.stages.get(s, 0))) for s in (
        "declared", "collected", "received", "wiped", "wipe_failed", "refurbished", "redistributed", "returned",
        "recycled", "lost")]  # fmt: skip
    figures += [
        (word("bilan.reuse_rate", lang), _rate(data.reuse_rate, lang)),
        (word("bilan.wipe_failure_rate", lang), _rate(data.wipe_failure_rate, lang)),
        (word("bilan.stock_now", lang), n(data.stock_total)),
    ]
    drawn = _drawn(data, lang)
    order = list(BENEFICIARY_NAMES)
    people = [
        (
            word("bilan.unknown", lang) if code == "unknown" else beneficiary_name(code, lang).capitalize(),
            _count(value, data, lang),
        )
        for code, value in sorted(
            data.beneficiaries.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99
        )
    ]
    return {
        "period": word(
            "bilan.period",
            lang,
            start=date_text(data.start, PARIS, lang=lang),
            end=date_text(data.end, PARIS, lang=lang),
        ),
        "generated": datetime_text(data.generated_at, PARIS, lang),
        "tiles": tiles,
        "figures": figures,
        "charts": drawn,
        "stock": [
            (state_name(s.value, lang).capitalize(), n(data.stock_by_state.get(s.value, 0))) for s in STOCK_STATES
        ],
        "lead_times": [
            (
                word(f"bilan.lead.{lead.key}", lang),
                n(lead.count),
                word("none", lang)
                if lead.median_days is None
                else word("bilan.days", lang, days=n(lead.median_days, 1)),
                word("none", lang) if lead.p90_days is None else word("bilan.days", lang, days=n(lead.p90_days, 1)),
            )
            for lead in data.lead_times
        ],
        "regions": [
            (
                r.name or word("bilan.unknown", lang),
                n(r.collected),
                n(r.wiped),
                n(r.refurbished),
                _count(r.redistributed, data, lang),
                n(r.recycled),
                n(r.stock),
            )
            for r in data.regions
        ],
        "workshops": [
            (
                w.name,
                w.region_name,
                n(w.collected),
                n(w.wiped),
                n(w.wipe_failed),
                n(w.refurbished),
                _count(w.redistributed, data, lang),
                n(w.recycled),
                n(w.labour_hours, 1),
            )
            for w in data.workshops
        ],
        "people": people,
        "people_total": _count(data.beneficiaries_total, data, lang),
        "impact": [(category_name(f.category, lang), n(f.weight_kg, 2), n(f.co2e_kg_avoided, 1)) for f in data.factors],
        "impact_text": word(
            "bilan.impact_text",
            lang,
            kg=n(data.kg_ewaste_avoided, 1),
            co2e=n(data.kg_co2e_avoided, 1),
            hours=n(data.insertion_labour_hours, 1),
            version=data.factor_set_version,
        ),
        "small_cell_rule": word("bilan.small_cell_rule", lang, small=data.small_cell),
    }


def _links(picker: _Picker, year: int) -> dict[str, str]:
    query = f"from={picker.start}&to={picker.end}" if picker.start and picker.end else ""
    grain = f"grain={picker.grain}"
    both = "&".join(part for part in (query, grain) if part)
    return {
        "json": f"/api/v1/stats/summary?{both}",
        "csv": f"/api/v1/stats/summary.csv?{both}",
        "events": f"/api/v1/stats/events.csv?{query}" if query else "/api/v1/stats/events.csv",
        "bilan": f"/api/v1/stats/bilan/{year}.pdf",
        "bilan_previous": f"/api/v1/stats/bilan/{year - 1}.pdf",
    }


@get("/comite", include_in_schema=False)
async def comite_page(
    request: Request[Any, Any, Any],
    start: Annotated[str, Parameter(query="from", max_length=10)] = "",
    end: Annotated[str, Parameter(query="to", max_length=10)] = "",
    grain: Annotated[str, Parameter(max_length=10)] = "month",
) -> Template:
    # The web application's choice (French unless switched); a browser that never chose: its own.
    chosen = request.cookies.get(LANG_COOKIE)
    lang: Lang = chosen if chosen in ("fr", "en") else pick_language(request.headers.get("accept-language"))  # type: ignore[assignment]
    try:
        actor, viewer = await _caller(request)
    except Unauthenticated:
        stranger = getattr(request.state, "viewer", None)
        if not isinstance(stranger, Viewer):
            stranger = await provide_viewer(request)
        stranger.person = None
        return _render(stranger, "comite_login.html", lang, 401)
    if viewer.person is not None:
        lang = viewer.lang
    picker = _Picker(start.strip(), end.strip(), grain if grain in GRAINS else "month")
    year = (_day(picker.end) if _safe_day(picker.end) else None) or now().astimezone(PARIS).date()
    context: dict[str, Any] = {
        "picker": picker,
        "grains": GRAINS,
        "links": _links(picker, year.year),
        "year": year.year,
        "data": None,
        "error": "",
    }
    try:
        data = await gather(actor, _day(picker.start), _day(picker.end), grain)
    except (Forbidden, NotFound):
        return _render(viewer, "comite_not_found.html", lang, 404)
    except DomainError as error:  # a period the figures refuse: the form again, with the reason
        context["error"] = message(error.key, lang, **error.params)
        return _render(viewer, "comite.html", lang, 422, **context)
    if not picker.start:
        context["picker"] = _Picker(data.start.isoformat(), data.end.isoformat(), picker.grain)
        context["links"] = _links(context["picker"], data.end.year)
    context["data"] = await asyncio.to_thread(_view, data, lang)  # the drawing is CPU: not on the event loop
    return _render(viewer, "comite.html", lang, **context)


def _safe_day(text: str) -> bool:
    try:
        return _day(text) is not None
    except InvalidRecord:
        return False


ROUTES: list[ControllerRouterHandler] = [comite_page]
