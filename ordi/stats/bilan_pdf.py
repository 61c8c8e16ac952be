"""The yearly bilan as a portrait A4 PDF: the committee's figures of one year, for the meeting table.

Why platypus here (the other PDFs draw on the canvas by hand, `ordi.pdf.Page`): the bilan is a
few pages of aggregated figures, never a stream of rows, and its sections flow (headings kept with
their chart, tables that wrap and repeat their header). Text is in an embedded TrueType font
(`ordi.pdf.unicode_fonts`), so "≈", "Łódź" or a workshop's name in any script prints as written.

Words: `ordi.i18n` (`bilan.*`), French unless `lang`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, BinaryIO

from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ordi.clock import PARIS
from ordi.i18n import (
    BENEFICIARY_NAMES,
    Lang,
    beneficiary_name,
    category_name,
    date_text,
    datetime_text,
    number_text,
    word,
)
from ordi.pdf import unicode_fonts
from ordi.stats import charts
from ordi.stats.bilan_data import SERIES_STAGES, BilanData

__all__ = ["render_bilan_pdf"]

WIDTH, HEIGHT = A4
MARGIN = 18 * mm
BODY_W = WIDTH - 2 * MARGIN
BLUE = colors.HexColor("#1f5fa8")
PALE = colors.HexColor("#eef3f9")
GREY = colors.HexColor("#666666")
LINE = colors.HexColor("#cccccc")

#: The stages of the key-figures table, in the order of the journey.
KEY_STAGES = (
    "declared",
    "collected",
    "received",
    "wiped",
    "wipe_failed",
    "refurbished",
    "redistributed",
    "returned",
    "recycled",
    "lost",
)


#: The sections, in their order (the cover lists them).
CONTENTS = (
    "key_figures",
    "volumes",
    "stock",
    "lead_times",
    "reuse",
    "regions",
    "workshops",
    "beneficiaries",
    "impact",
    "annex",
)


class _Styles:
    def __init__(self) -> None:
        regular, bold = unicode_fonts()
        registerFontFamily(regular, normal=regular, bold=bold, italic=regular, boldItalic=bold)
        base = ParagraphStyle("base", fontName=regular, fontSize=9.5, leading=13, alignment=TA_LEFT)
        self.regular, self.bold = regular, bold
        self.body = base
        self.small = ParagraphStyle("small", base, fontSize=8, leading=10.5, textColor=GREY)
        self.cell = ParagraphStyle("cell", base, fontSize=8, leading=10)
        self.h1 = ParagraphStyle(
            "h1", base, fontName=bold, fontSize=16, leading=20, spaceBefore=4, spaceAfter=8, textColor=BLUE
        )
        self.h2 = ParagraphStyle("h2", base, fontName=bold, fontSize=11.5, leading=15, spaceBefore=10, spaceAfter=4)
        self.kicker = ParagraphStyle("kicker", base, fontSize=10, textColor=GREY)
        self.title = ParagraphStyle("title", base, fontName=bold, fontSize=30, leading=36, textColor=BLUE)
        self.subtitle = ParagraphStyle("subtitle", base, fontSize=13, leading=18)
        self.figure = ParagraphStyle("figure", base, fontName=bold, fontSize=19, leading=23, textColor=BLUE)
        self.figure_label = ParagraphStyle("figure_label", base, fontSize=8.5, leading=11, textColor=GREY)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: escaped, so a name with "&" or "<" prints as written."""
    return Paragraph(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), style)


def _count(n: int | None, data: BilanData, lang: Lang) -> str:
    return f"< {data.small_cell}" if n is None else number_text(n, 0, lang)


def _rate(rate: float | None, lang: Lang) -> str:
    return word("none", lang) if rate is None else f"{number_text(rate * 100, 1, lang)}\u00a0%"


def _table(rows: Sequence[Sequence[Any]], widths: Sequence[float], numeric_from: int = 1, total: bool = False) -> Table:
    regular, bold = unicode_fonts()
    table = Table(list(rows), colWidths=list(widths), repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), regular, 8),
        ("FONT", (0, 0), (-1, 0), bold, 8),
        ("BACKGROUND", (0, 0), (-1, 0), PALE),
        ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, BLUE),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, LINE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if total:
        style += [("FONT", (0, -1), (-1, -1), bold, 8), ("LINEABOVE", (0, -1), (-1, -1), 0.6, BLUE)]
    table.setStyle(TableStyle(style))
    return table


def _chart(title: str, drawing: Drawing, styles: _Styles, note: str = "") -> KeepTogether:
    parts: list[Flowable] = [_p(title, styles.h2), drawing]
    if note:
        parts.append(_p(note, styles.small))
    return KeepTogether(parts)


def _key_figure_tiles(data: BilanData, styles: _Styles, lang: Lang) -> Table:
    figures = [
        (number_text(data.stages["collected"], 0, lang), word("bilan.tile.collected", lang)),
        (number_text(data.stages["redistributed"], 0, lang), word("bilan.tile.redistributed", lang)),
        (_rate(data.reuse_rate, lang), word("bilan.tile.reuse_rate", lang)),
        (number_text(data.kg_co2e_avoided / 1000, 1, lang), word("bilan.tile.co2e", lang)),
        (number_text(data.kg_ewaste_avoided / 1000, 2, lang), word("bilan.tile.ewaste", lang)),
        (number_text(data.insertion_labour_hours, 0, lang), word("bilan.tile.hours", lang)),
    ]
    cells = [[_p(value, styles.figure), _p(label, styles.figure_label)] for value, label in figures]
    rows = [[cells[i], cells[i + 1], cells[i + 2]] for i in (0, 3)]
    grid = Table(rows, colWidths=[BODY_W / 3] * 3, rowHeights=[62, 62])
    grid.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), styles.regular, 9),
                ("BACKGROUND", (0, 0), (-1, -1), PALE),
                ("BOX", (0, 0), (-1, -1), 0, colors.white),
                ("INNERGRID", (0, 0), (-1, -1), 4, colors.white),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
            ]
        )
    )
    return grid


def _story(data: BilanData, styles: _Styles, lang: Lang) -> list[Flowable]:
    year = data.start.year
    period = word(
        "bilan.period", lang, start=date_text(data.start, PARIS, lang=lang), end=date_text(data.end, PARIS, lang=lang)
    )
    story: list[Flowable] = [
        Spacer(1, 40 * mm),
        _p(word("bilan.kicker", lang), styles.kicker),
        Spacer(1, 4 * mm),
        _p(word("bilan.title", lang, year=year), styles.title),
        Spacer(1, 3 * mm),
        _p(period, styles.subtitle),
        Spacer(1, 12 * mm),
        _key_figure_tiles(data, styles, lang),
        Spacer(1, 10 * mm),
        _p(word("bilan.cover_note", lang), styles.small),
        _p(word("bilan.generated", lang, at=datetime_text(data.generated_at, PARIS, lang)), styles.small),
        Spacer(1, 10 * mm),
        _p(word("bilan.contents", lang), styles.h2),
        *[_p(word(f"bilan.section.{key}", lang), styles.body) for key in CONTENTS],
        NextPageTemplate("body"),
        PageBreak(),
    ]

    # 1. Key figures
    story.append(_p(word("bilan.section.key_figures", lang), styles.h1))
    rows: list[list[Any]] = [[word("bilan.col.figure", lang), word("bilan.col.value", lang)]]
    for stage in KEY_STAGES:
        rows.append([word(f"bilan.stage.{stage}", lang), number_text(data.stages.get(stage, 0), 0, lang)])
    rows += [
        [word("bilan.reuse_rate", lang), _rate(data.reuse_rate, lang)],
        [word("bilan.wipe_failure_rate", lang), _rate(data.wipe_failure_rate, lang)],
        [word("bilan.stock_now", lang), number_text(data.stock_total, 0, lang)],
        [word("bilan.kg_ewaste", lang), number_text(data.kg_ewaste_avoided, 1, lang)],
        [word("bilan.kg_co2e_avoided", lang), number_text(data.kg_co2e_avoided, 1, lang)],
        [word("bilan.labour_hours", lang), number_text(data.insertion_labour_hours, 1, lang)],
    ]
    story.append(_table(rows, [BODY_W * 0.7, BODY_W * 0.3]))
    story.append(Spacer(1, 3 * mm))
    story.append(_p(word("bilan.key_figures_note", lang), styles.small))

    # 2. Volumes by month
    story.append(PageBreak())
    story.append(_p(word("bilan.section.volumes", lang), styles.h1))
    story.append(_chart(word("bilan.chart.volumes", lang), charts.volumes_chart(data, lang, BODY_W), styles))
    labels = [p.start for p in data.series]
    head = [word("bilan.col.period", lang), *[word(f"bilan.stage.short.{s}", lang) for s in SERIES_STAGES]]
    monthly: list[list[Any]] = [head]
    for point, start in zip(data.series, labels, strict=True):
        name = (
            word(f"bilan.month.long.{start.month}", lang)
            if data.grain == "month"
            else date_text(start, PARIS, lang=lang)
        )
        monthly.append([name, *[number_text(point.stages.get(s, 0), 0, lang) for s in SERIES_STAGES]])
    monthly.append([word("bilan.total", lang), *[number_text(data.stages.get(s, 0), 0, lang) for s in SERIES_STAGES]])
    story.append(Spacer(1, 2 * mm))
    story.append(_table(monthly, [BODY_W * 0.22] + [BODY_W * 0.13] * 6, total=True))

    # 3. Stock and its age
    story.append(PageBreak())
    story.append(_p(word("bilan.section.stock", lang), styles.h1))
    story.append(
        _chart(
            word("bilan.chart.stock", lang),
            charts.stock_chart(data, lang, BODY_W),
            styles,
            word("bilan.stock_note", lang, date=date_text(data.generated_at, PARIS, lang=lang)),
        )
    )
    story.append(
        _chart(
            word("bilan.chart.age", lang), charts.age_chart(data, lang, BODY_W), styles, word("bilan.age_note", lang)
        )
    )

    # 4. Lead times
    story.append(_p(word("bilan.section.lead_times", lang), styles.h1))
    story.append(_chart(word("bilan.chart.lead_times", lang), charts.lead_time_chart(data, lang, BODY_W), styles))
    lead_rows: list[list[Any]] = [
        [
            word("bilan.col.lead", lang),
            word("bilan.col.devices", lang),
            word("bilan.median", lang),
            word("bilan.p90", lang),
        ]
    ]
    for lead in data.lead_times:
        lead_rows.append(
            [
                word(f"bilan.lead.{lead.key}", lang),
                number_text(lead.count, 0, lang),
                word("none", lang)
                if lead.median_days is None
                else word("bilan.days", lang, days=number_text(lead.median_days, 1, lang)),
                word("none", lang)
                if lead.p90_days is None
                else word("bilan.days", lang, days=number_text(lead.p90_days, 1, lang)),
            ]
        )
    story.append(_table(lead_rows, [BODY_W * 0.46, BODY_W * 0.18, BODY_W * 0.18, BODY_W * 0.18]))

    # 5. Reuse rate
    story.append(CondPageBreak(70 * mm))
    story.append(_p(word("bilan.section.reuse", lang), styles.h1))
    story.append(
        _p(
            word(
                "bilan.reuse_text",
                lang,
                rate=_rate(data.reuse_rate, lang),
                redistributed=number_text(data.stages["redistributed"], 0, lang),
                recycled=number_text(data.stages["recycled"], 0, lang),
                wipe=_rate(data.wipe_failure_rate, lang),
            ),
            styles.body,
        )
    )
    story.append(_chart(word("bilan.chart.reuse", lang), charts.reuse_chart(data, lang, BODY_W), styles))
    story.append(_chart(word("bilan.chart.wipes", lang), charts.wipe_chart(data, lang, BODY_W), styles))

    # 6. By région
    story.append(PageBreak())
    story.append(_p(word("bilan.section.regions", lang), styles.h1))
    region_rows: list[list[Any]] = [
        [
            word("bilan.col.region", lang),
            word("bilan.stage.short.collected", lang),
            word("bilan.stage.short.wiped", lang),
            word("bilan.stage.short.refurbished", lang),
            word("bilan.stage.short.redistributed", lang),
            word("bilan.stage.short.recycled", lang),
            word("bilan.col.stock", lang),
        ]
    ]
    for r in data.regions:
        region_rows.append(
            [
                _p(r.name or word("bilan.unknown", lang), styles.cell),
                number_text(r.collected, 0, lang),
                number_text(r.wiped, 0, lang),
                number_text(r.refurbished, 0, lang),
                _count(r.redistributed, data, lang),
                number_text(r.recycled, 0, lang),
                number_text(r.stock, 0, lang),
            ]
        )
    map_drawing = charts.region_map(data, lang, BODY_W * 0.56)
    side = Table(
        [[map_drawing, _p(word("bilan.regions_note", lang, small=data.small_cell), styles.small)]],
        colWidths=[BODY_W * 0.6, BODY_W * 0.4],
    )
    side.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONT", (0, 0), (-1, -1), styles.regular, 8)]))
    story.append(side)
    story.append(Spacer(1, 3 * mm))
    story.append(_table(region_rows, [BODY_W * 0.28] + [BODY_W * 0.12] * 6))

    # 7. By workshop
    story.append(CondPageBreak(60 * mm))
    story.append(_p(word("bilan.section.workshops", lang), styles.h1))
    shop_rows: list[list[Any]] = [
        [
            word("bilan.col.workshop", lang),
            word("bilan.stage.short.collected", lang),
            word("bilan.stage.short.wiped", lang),
            word("bilan.stage.short.wipe_failed", lang),
            word("bilan.stage.short.refurbished", lang),
            word("bilan.stage.short.redistributed", lang),
            word("bilan.stage.short.recycled", lang),
            word("bilan.col.hours", lang),
        ]
    ]
    for s in data.workshops:
        shop_rows.append(
            [
                _p(f"{s.name} ({s.region_name})" if s.region_name else s.name, styles.cell),
                number_text(s.collected, 0, lang),
                number_text(s.wiped, 0, lang),
                number_text(s.wipe_failed, 0, lang),
                number_text(s.refurbished, 0, lang),
                _count(s.redistributed, data, lang),
                number_text(s.recycled, 0, lang),
                number_text(s.labour_hours, 1, lang),
            ]
        )
    if not data.workshops:
        shop_rows.append([word("bilan.no_data", lang), "", "", "", "", "", "", ""])
    story.append(_table(shop_rows, [BODY_W * 0.265] + [BODY_W * 0.105] * 7))

    # 8. Beneficiaries
    story.append(PageBreak())
    story.append(_p(word("bilan.section.beneficiaries", lang), styles.h1))
    story.append(_p(word("bilan.small_cell_rule", lang, small=data.small_cell), styles.body))
    story.append(_chart(word("bilan.chart.beneficiaries", lang), charts.beneficiary_chart(data, lang, BODY_W), styles))
    people_rows: list[list[Any]] = [[word("bilan.col.beneficiary", lang), word("bilan.col.people", lang)]]
    order = list(BENEFICIARY_NAMES)
    for code, n in sorted(data.beneficiaries.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99):
        name = word("bilan.unknown", lang) if code == "unknown" else _beneficiary(code, lang)
        people_rows.append([name, _count(n, data, lang)])
    people_rows.append([word("bilan.total", lang), _count(data.beneficiaries_total, data, lang)])
    story.append(_table(people_rows, [BODY_W * 0.7, BODY_W * 0.3], total=True))

    # 9. Impact
    story.append(CondPageBreak(80 * mm))
    story.append(_p(word("bilan.section.impact", lang), styles.h1))
    story.append(
        _p(
            word(
                "bilan.impact_text",
                lang,
                kg=number_text(data.kg_ewaste_avoided, 1, lang),
                co2e=number_text(data.kg_co2e_avoided, 1, lang),
                hours=number_text(data.insertion_labour_hours, 1, lang),
                version=data.factor_set_version,
            ),
            styles.body,
        )
    )
    story.append(_chart(word("bilan.chart.impact", lang), charts.impact_chart(data, lang, BODY_W), styles))

    # Annex: methodology and sources
    story.append(PageBreak())
    story.append(_p(word("bilan.section.annex", lang), styles.h1))
    for key in ("source", "stages", "stock", "lead_times", "reuse", "regions", "impact", "small_cells"):
        story.append(_p(word(f"bilan.method.{key}.title", lang), styles.h2))
        story.append(_p(word(f"bilan.method.{key}", lang, small=data.small_cell), styles.body))
    story.append(PageBreak())  # the factors' table has tall rows: it starts a page with its heading
    story.append(_p(word("bilan.section.factors", lang, version=data.factor_set_version), styles.h2))
    head_style = ParagraphStyle("head", styles.cell, fontName=styles.bold)
    factor_rows: list[list[Any]] = [
        [
            _p(word(k, lang), head_style)
            for k in ("bilan.col.category", "bilan.col.kg", "bilan.col.co2e", "bilan.col.sources")
        ]
    ]
    for f in data.factors:
        sources = "\n".join(
            (
                word("bilan.source.mass", lang, text=_source_text(f.source_weight, lang)),
                word("bilan.source.co2e", lang, text=_source_text(f.source_co2e, lang)),
            )
        )
        factor_rows.append(
            [
                _p(_category(f.category, lang), styles.cell),
                number_text(f.weight_kg, 2, lang),
                number_text(f.co2e_kg_avoided, 1, lang),
                [_p(line, ParagraphStyle("src", styles.cell, spaceAfter=3)) for line in sources.split("\n")],
            ]
        )
    factors = _table(factor_rows, [BODY_W * 0.16, BODY_W * 0.12, BODY_W * 0.12, BODY_W * 0.60], numeric_from=1)
    factors.setStyle(TableStyle([("VALIGN", (0, 1), (-1, -1), "TOP"), ("ALIGN", (3, 0), (3, -1), "LEFT")]))
    story.append(factors)
    return story


def _category(code: str, lang: Lang) -> str:
    return category_name(code, lang)


def _beneficiary(code: str, lang: Lang) -> str:
    return beneficiary_name(code, lang).capitalize()


def _source_text(source: dict[str, Any], lang: Lang) -> str:
    parts = [source.get("title") or ""]
    if source.get("publisher") and str(source["publisher"]) not in parts[0]:
        parts.append(str(source["publisher"]))
    if source.get("year"):
        parts.append(str(source["year"]))
    head = ", ".join(p for p in parts if p)
    tail = " ".join(str(source[k]) for k in ("note", "url") if source.get(k))
    return f"{head}. {tail}".strip()


class _NumberedCanvas(Canvas):
    """Writes "page N / M" once the page count is known (every page is kept until save)."""

    footer_text = ""
    lang: Lang = "fr"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            if self._pageNumber > 1:
                regular = unicode_fonts()[0]
                self.setFont(regular, 7.5)
                self.setFillColor(GREY)
                self.drawString(MARGIN, 10 * mm, self.footer_text)
                self.drawRightString(
                    WIDTH - MARGIN, 10 * mm, word("bilan.page", self.lang, number=self._pageNumber, total=total)
                )
                self.setStrokeColor(LINE)
                self.setLineWidth(0.4)
                self.line(MARGIN, 13 * mm, WIDTH - MARGIN, 13 * mm)
            super().showPage()
        super().save()


def render_bilan_pdf(data: BilanData, out: BinaryIO, lang: Lang = "fr") -> None:
    """Write the bilan of `data`'s year to `out`."""
    styles = _Styles()
    doc = BaseDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=word("bilan.document_title", lang, year=data.start.year),
        author="Ordi 2.0",
        subject=word("bilan.kicker", lang),
        lang="fr-FR" if lang == "fr" else "en-GB",
        initialFontName=styles.regular,  # else reportlab opens each page in Helvetica, a font not embedded
    )
    frame = Frame(MARGIN, MARGIN, BODY_W, HEIGHT - 2 * MARGIN, id="body", leftPadding=0, rightPadding=0)

    def cover(canvas: Canvas, _doc: Any) -> None:
        canvas.setFillColor(BLUE)
        canvas.rect(0, HEIGHT - 14 * mm, WIDTH, 14 * mm, stroke=0, fill=1)
        canvas.rect(0, 0, WIDTH, 8 * mm, stroke=0, fill=1)

    doc.addPageTemplates(
        [
            PageTemplate(id="cover", frames=[frame], onPage=cover),
            PageTemplate(id="body", frames=[frame]),
        ]
    )

    class Numbered(_NumberedCanvas):
        footer_text = word("bilan.footer", lang, year=data.start.year)

    Numbered.lang = lang
    doc.build(_story(data, styles, lang), canvasmaker=Numbered)
