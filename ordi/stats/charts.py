"""The committee's charts, drawn once for both the bilan PDF and the `/comite` page.

Why reportlab's own graphics (`reportlab.graphics`): it is already the service's PDF library (no new
dependency, nothing to install on a worker), a `Drawing` goes into the PDF as vector paths and text
in the embedded font (sharp when printed, its words extractable), and the very same drawing renders
to SVG (`renderSVG`) for the dashboard, so the page and the paper never disagree. matplotlib would
have added a large dependency and a second look.

Each function takes :class:`ordi.stats.bilan_data.BilanData` and a language and returns a
``Drawing`` of the given width; words come from :mod:`ordi.i18n`. A suppressed count of people
(small-cell rule) is drawn as an empty bar labelled "< 11".
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from html import escape

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

from ordi.i18n import Lang, beneficiary_name, category_name, number_text, state_name, word
from ordi.pdf import unicode_fonts
from ordi.stats.bilan_data import SERIES_STAGES, STOCK_STATES, BilanData

__all__ = [
    "CHARTS",
    "PALETTE",
    "age_chart",
    "beneficiary_chart",
    "data_uri",
    "impact_chart",
    "lead_time_chart",
    "region_map",
    "reuse_chart",
    "stock_chart",
    "svg",
    "text_scale",
    "volumes_chart",
    "wipe_chart",
]

PALETTE = [colors.HexColor(c) for c in ("#1f5fa8", "#2a9d8f", "#e9a23b", "#8e5ea2", "#3b9a4a", "#c8553d", "#6c757d")]
INK = colors.HexColor("#222222")
MUTED = colors.HexColor("#666666")
GRID = colors.HexColor("#dddddd")
EMPTY = colors.HexColor("#f1f1f1")
HATCH = colors.HexColor("#bbbbbb")


#: How much larger the words are than on paper: a screen shows a drawing narrower than an A4 page.
_TEXT_SCALE: ContextVar[float] = ContextVar("chart_text_scale", default=1.0)


@contextmanager
def text_scale(scale: float) -> Iterator[None]:
    """Draw the charts made inside the block with words `scale` times their paper size (the page)."""
    token = _TEXT_SCALE.set(scale)
    try:
        yield
    finally:
        _TEXT_SCALE.reset(token)


def _k() -> float:
    return _TEXT_SCALE.get()


def _fonts() -> tuple[str, str]:
    return unicode_fonts()


def _drawing(width: float, height: float) -> Drawing:
    """A drawing whose default font is the embedded one (reportlab's default would add Helvetica)."""
    d = Drawing(width, height)
    d.initialFontName = _fonts()[0]
    d.initialFontSize = 7.5
    return d


def _text(x: float, y: float, text: str, size: float = 7.5, bold: bool = False, **kw: object) -> String:
    regular, heavy = _fonts()
    return String(x, y, text, fontName=heavy if bold else regular, fontSize=size, fillColor=kw.pop("color", INK), **kw)


def _fit(text: str, size: float, width: float) -> str:
    font = _fonts()[0]
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _hbars(
    width: float,
    rows: Sequence[tuple[str, Sequence[float | None], Sequence[str]]],
    series: Sequence[str] = (),
    row_h: float = 15,
) -> Drawing:
    """Horizontal bars: one row per label, one bar per series in it, the value written after each bar.

    A ``None`` value is a suppressed cell: an empty hatched bar and its text ("< 11")."""
    k = _k()
    row_h *= k
    n_series = max((len(values) for _, values, _ in rows), default=1)
    legend_h = 14 * k if series else 0
    height = legend_h + max(1, len(rows)) * (row_h * max(1, n_series * 0.75)) + 6
    d = _drawing(width, height)
    label_w = min(150.0 * k, width * 0.4)
    value_w = 56.0 * k
    bar_w = width - label_w - value_w
    top = max((v for _, values, _ in rows for v in values if v is not None), default=0) or 1
    band = row_h * max(1, n_series * 0.75)
    bar_h = (band - 4 * k) / n_series
    y = height - legend_h
    if series:
        x = label_w
        for i, name in enumerate(series):
            d.add(Rect(x, height - 10 * k, 8 * k, 8 * k, fillColor=PALETTE[i], strokeColor=None))
            d.add(_text(x + 11 * k, height - 9 * k, name, 7 * k))
            x += 26 * k + stringWidth(name, _fonts()[0], 7 * k)
    for label, values, texts in rows:
        y -= band
        size = 7.5 * k
        d.add(_text(label_w - 4, y + band / 2 - size * 0.4, _fit(label, size, label_w - 6), size, textAnchor="end"))
        for i, (value, text) in enumerate(zip(values, texts, strict=True)):
            by = y + 2 * k + (n_series - 1 - i) * bar_h
            baseline = by + bar_h / 2 - 7 * k * 0.4
            if value is None:
                d.add(Rect(label_w, by, 18 * k, bar_h - 1, fillColor=EMPTY, strokeColor=HATCH, strokeDashArray=[2, 1]))
                d.add(_text(label_w + 22 * k, baseline, text, 7 * k, color=MUTED))
                continue
            length = bar_w * value / top
            d.add(Rect(label_w, by, max(length, 0.5), bar_h - 1, fillColor=PALETTE[i], strokeColor=None))
            d.add(_text(label_w + length + 3, baseline, text, 7 * k))
    d.add(Line(label_w, 2, label_w, height - legend_h, strokeColor=MUTED, strokeWidth=0.5))
    return d


def _count(n: int | None, data: BilanData, lang: Lang) -> str:
    return f"< {data.small_cell}" if n is None else number_text(n, 0, lang)


def _period_labels(data: BilanData, lang: Lang) -> list[str]:
    out: list[str] = []
    for point in data.series:
        if data.grain == "year":
            out.append(str(point.start.year))
        elif data.grain == "quarter":
            out.append(word("bilan.quarter", lang, q=(point.start.month - 1) // 3 + 1, year=point.start.strftime("%y")))
        else:
            out.append(
                word(f"bilan.month.{point.start.month}", lang)
                + (point.start.strftime(" %y") if len({p.start.year for p in data.series}) > 1 else "")
            )
    return out


def _legend_rows(names: list[str], x0: float, width: float, size: float) -> list[list[tuple[float, str]]]:
    """The legend's entries (x, name), line by line, wrapped to the drawing's width."""
    regular = _fonts()[0]
    rows: list[list[tuple[float, str]]] = [[]]
    x = x0
    for name in names:
        step = 3.4 * size + stringWidth(name, regular, size)
        if rows[-1] and x + step > width:
            rows.append([])
            x = x0
        rows[-1].append((x, name))
        x += step
    return rows


def _line_chart(
    width: float, height: float, labels: list[str], lines: list[list[float | None]], names: list[str], percent: bool
) -> Drawing:
    regular = _fonts()[0]
    k = _k()
    size = 7 * k
    left = 30 + 6 * k
    legend = _legend_rows(names, left, width, size) if len(names) > 1 or not percent else []
    legend_h = len(legend) * 1.6 * size + (4 if legend else 0)
    height = height * max(1.0, k) + legend_h
    d = _drawing(width, height)
    chart = HorizontalLineChart()
    chart.x, chart.y = left, 16 + 14 * k
    chart.width, chart.height = width - chart.x - 10, height - chart.y - 10 - legend_h
    chart.data = [tuple(v for v in line) for line in lines] or [(0,)]
    chart.categoryAxis.categoryNames = labels or [""]
    chart.categoryAxis.labels.fontName = regular
    chart.categoryAxis.labels.fontSize = 6.5 * k
    widest = max((stringWidth(label, regular, 6.5 * k) for label in labels), default=0)
    crowded = (widest + 4 * k) * len(labels) > chart.width
    chart.categoryAxis.labels.angle = 45 if crowded else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if crowded else "n"
    chart.valueAxis.labels.fontName = regular
    chart.valueAxis.labels.fontSize = 6.5 * k
    chart.valueAxis.valueMin = 0
    chart.valueAxis.gridStrokeColor = GRID
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.strokeColor = MUTED
    chart.categoryAxis.strokeColor = MUTED
    peak = max((v for line in lines for v in line if v is not None), default=0)
    if percent:
        chart.valueAxis.valueMax = 100
        chart.valueAxis.valueStep = 25
        chart.valueAxis.labelTextFormat = "%d %%"
    elif peak < 5:
        chart.valueAxis.valueMax = 5
        chart.valueAxis.valueStep = 1
    chart.lineLabels.fontName = regular  # every text of the chart in the embedded font
    # reportlab draws a joined line only through runs of two points or more: a lone month (or none)
    # between gaps is drawn as markers alone.
    chart.joinedLines = int(all(_runs_of_two(line) for line in lines))
    for i in range(len(lines)):
        chart.lines[i].strokeColor = PALETTE[i % len(PALETTE)]
        chart.lines[i].strokeWidth = 1.6
        chart.lines[i].symbol = makeMarker("FilledCircle", size=3.2 * k, fillColor=PALETTE[i % len(PALETTE)])
    d.add(chart)
    for row, entries in enumerate(legend):
        y = height - (row + 1) * 1.6 * size
        for x, name in entries:
            d.add(
                Rect(
                    x,
                    y,
                    1.15 * size,
                    1.15 * size,
                    fillColor=PALETTE[names.index(name) % len(PALETTE)],
                    strokeColor=None,
                )
            )
            d.add(_text(x + 1.6 * size, y + 0.15 * size, name, size))
    return d


def _runs_of_two(line: list[float | None]) -> bool:
    run, runs = 0, []
    for value in [*line, None]:
        if value is None:
            if run:
                runs.append(run)
            run = 0
        else:
            run += 1
    return bool(runs) and min(runs) >= 2


def volumes_chart(data: BilanData, lang: Lang = "fr", width: float = 500, height: float = 190) -> Drawing:
    """Steps per month (quarter, year) and stage."""
    lines: list[list[float | None]] = [[float(p.stages.get(stage, 0)) for p in data.series] for stage in SERIES_STAGES]
    names = [word(f"bilan.stage.short.{stage}", lang) for stage in SERIES_STAGES]
    return _line_chart(width, height, _period_labels(data, lang), lines, names, percent=False)


def reuse_chart(data: BilanData, lang: Lang = "fr", width: float = 500, height: float = 150) -> Drawing:
    """The reuse rate of each month (quarter, year), in percent; a month with neither fate is a gap."""
    line = [None if p.reuse_rate is None else round(p.reuse_rate * 100, 1) for p in data.series]
    return _line_chart(width, height, _period_labels(data, lang), [line], [word("bilan.reuse_rate", lang)], True)


def wipe_chart(data: BilanData, lang: Lang = "fr", width: float = 500, height: float = 150) -> Drawing:
    """Wipes passed and failed in each month (quarter, year)."""
    lines: list[list[float | None]] = [
        [float(p.stages.get(stage, 0)) for p in data.series] for stage in ("wiped", "wipe_failed")
    ]
    names = [word(f"bilan.stage.short.{stage}", lang) for stage in ("wiped", "wipe_failed")]
    return _line_chart(width, height, _period_labels(data, lang), lines, names, percent=False)


def stock_chart(data: BilanData, lang: Lang = "fr", width: float = 500) -> Drawing:
    rows = [
        (
            state_name(s.value, lang).capitalize(),
            [data.stock_by_state.get(s.value, 0)],
            [number_text(data.stock_by_state.get(s.value, 0), 0, lang)],
        )
        for s in STOCK_STATES
    ]
    return _hbars(width, rows)


def age_chart(data: BilanData, lang: Lang = "fr", width: float = 500) -> Drawing:
    """Devices in stock by days since their last step, oldest first."""
    rows = []
    for bucket in data.stock_age:
        if bucket.high_days is None:
            label = word("bilan.age.over", lang, days=bucket.low_days)
        elif bucket.low_days == 0:
            label = word("bilan.age.under", lang, days=bucket.high_days)
        else:
            label = word("bilan.age.between", lang, low=bucket.low_days, high=bucket.high_days - 1)
        rows.append((label, [bucket.count], [number_text(bucket.count, 0, lang)]))
    return _hbars(width, rows)


def lead_time_chart(data: BilanData, lang: Lang = "fr", width: float = 500) -> Drawing:
    """Median and 90th percentile of each lead time, in days."""
    rows = []
    for lead in data.lead_times:
        values = [lead.median_days, lead.p90_days]
        texts = [
            word("bilan.days", lang, days=number_text(v, 1, lang)) if v is not None else word("bilan.no_data", lang)
            for v in values
        ]
        rows.append((word(f"bilan.lead.{lead.key}", lang), [v if v is not None else 0.0 for v in values], texts))
    return _hbars(width, rows, series=[word("bilan.median", lang), word("bilan.p90", lang)])


def beneficiary_chart(data: BilanData, lang: Lang = "fr", width: float = 500) -> Drawing:
    """People handed a device, by beneficiary category; small cells suppressed."""
    ordered = sorted(data.beneficiaries.items(), key=lambda kv: (kv[1] is None, -(kv[1] or 0), kv[0]))
    rows = [
        (
            beneficiary_name(code, lang).capitalize() if code != "unknown" else word("bilan.unknown", lang),
            [n if n is None else float(n)],
            [_count(n, data, lang)],
        )
        for code, n in ordered
    ]
    return _hbars(width, rows or [(word("bilan.no_data", lang), [0.0], [""])])


def impact_chart(data: BilanData, lang: Lang = "fr", width: float = 500) -> Drawing:
    """kg CO2e avoided by device category."""
    ordered = sorted(data.co2e_by_category.items(), key=lambda kv: -kv[1])
    rows = [
        (category_name(code, lang), [value], [word("bilan.kg_co2e", lang, kg=number_text(value, 0, lang))])
        for code, value in ordered
    ]
    return _hbars(width, rows or [(word("bilan.no_data", lang), [0.0], [""])])


#: Tile map of the régions: code -> (column, row, width) on a grid, roughly where each lies.
_TILES: dict[str, tuple[float, float, float]] = {
    "32": (2, 0, 1),
    "28": (1, 1, 1),
    "11": (2, 1, 1),
    "44": (3, 1, 1),
    "53": (0, 2, 1),
    "52": (1, 2, 1),
    "24": (2, 2, 1),
    "27": (3, 2, 1),
    "75": (1, 3, 1.5),
    "84": (2.5, 3, 1.5),
    "76": (1.5, 4, 1.5),
    "93": (3, 4, 1),
    "94": (4.2, 4.6, 0.8),
    "01": (0, 5.9, 0.8),
    "02": (0.85, 5.9, 0.8),
    "03": (1.7, 5.9, 0.8),
    "04": (2.55, 5.9, 0.8),
    "06": (3.4, 5.9, 0.8),
    "COM": (4.25, 5.9, 0.8),
}
_SHORT = {"01": "GP", "02": "MQ", "03": "GF", "04": "RE", "06": "YT", "COM": "COM"}


def region_map(data: BilanData, lang: Lang = "fr", width: float = 260) -> Drawing:
    """The régions as tiles, shaded by the devices handed over there ("< 11" tiles stay pale)."""
    cell = width / 5.2
    legend_text = word("bilan.map_legend", lang, small=data.small_cell)
    legend_lines = len(simpleSplit(legend_text, _fonts()[0], 6.5 * _k(), width))
    height = cell * 7 + 4 + legend_lines * 6.5 * _k() * 1.25
    d = _drawing(width, height)
    values = {r.code: r for r in data.regions}
    top = max((r.redistributed or 0 for r in data.regions), default=0) or 1
    base = colors.HexColor("#1f5fa8")
    for code, (col, row, w) in _TILES.items():
        x, y = col * cell, height - (row + 1) * cell
        region = values.get(code)
        n = region.redistributed if region else 0
        if n is None:
            fill = EMPTY
        else:
            fill = colors.linearlyInterpolatedColor(colors.HexColor("#e8eff8"), base, 0, 1, (n / top) ** 0.7)
        d.add(Rect(x + 1, y + 1, w * cell - 2, cell - 2, fillColor=fill, strokeColor=colors.white, strokeWidth=1))
        dark = n is not None and n / top > 0.45
        ink = colors.white if dark else INK
        size = min(5.8 * _k(), cell / 7)
        name = _SHORT.get(code) or _fit(_region_short(code), size, w * cell - 4)
        d.add(_text(x + w * cell / 2, y + cell / 2 + 2, name, size, textAnchor="middle", color=ink))
        d.add(
            _text(
                x + w * cell / 2,
                y + cell / 2 - 1.25 * size,
                _count(n, data, lang),
                size * 1.2,
                bold=True,
                textAnchor="middle",
                color=ink,
            )
        )
    size = 6.5 * _k()
    for i, line in enumerate(reversed(simpleSplit(legend_text, _fonts()[0], size, width))):
        d.add(_text(0, 2 + i * size * 1.25, line, size, color=MUTED))
    return d


_REGION_SHORT = {
    "11": "Île-de-Fr.",
    "24": "Centre-VdL",
    "27": "Bourg.-FC",
    "28": "Normandie",
    "32": "Hauts-de-Fr.",
    "44": "Grand Est",
    "52": "Pays de Loire",
    "53": "Bretagne",
    "75": "Nvelle-Aquit.",
    "76": "Occitanie",
    "84": "Auv.-Rhône-Alpes",
    "93": "PACA",
    "94": "Corse",
}


def _region_short(code: str) -> str:
    return _REGION_SHORT.get(code, code)


CHARTS = {
    "volumes": volumes_chart,
    "stock": stock_chart,
    "age": age_chart,
    "lead_times": lead_time_chart,
    "reuse": reuse_chart,
    "wipes": wipe_chart,
    "beneficiaries": beneficiary_chart,
    "impact": impact_chart,
    "regions": region_map,
}


def svg(drawing: Drawing, title: str) -> str:
    """The drawing as an SVG document, in DejaVu Sans where the reader has it (else a close sans-serif)."""
    text = renderSVG.drawToString(drawing)
    regular, bold = _fonts()
    family = "'DejaVu Sans', Verdana, Arial, sans-serif"
    text = text.replace(f"font-family: {bold};", f"font-family: {family}; font-weight: bold;")
    text = text.replace(f"font-family: {regular};", f"font-family: {family};")
    return text.replace("<title>...</title>", f"<title>{escape(title)}</title>", 1).replace("<desc>...</desc>", "", 1)


def data_uri(drawing: Drawing, title: str) -> str:
    """An ``<img src>`` for the page: the page's policy allows ``data:`` images and no inline style."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg(drawing, title).encode()).decode("ascii")
