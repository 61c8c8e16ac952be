"""The custody receipt (*bon d'enlèvement*) as an A4 PDF: a readable rendering of the signed content.

What proves the hand-off is the signed JSON (`GET /api/v1/pickups/{id}/receipt.json`); this page
shows the same content, with the tags in columns so a 2,000-device lot stays a few pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ordi.clock import PARIS
from ordi.i18n import Lang, date_text, word
from ordi.pdf import BOLD, FONT, GREY, MARGIN, MONO, Page, draw_footer, fit, pdf_text, wrap

_TAG_COLUMNS = 5
_LINE = 11


def render_receipt_pdf(content: dict[str, Any], key_id: str, out: BinaryIO, lang: Lang = "fr") -> None:
    width, height = A4
    c = Canvas(out, pagesize=A4, pageCompression=1)
    number = str(content["number"])
    c.setTitle(word("receipt.title", lang, number=number))
    c.setAuthor("Ordi 2.0")
    left, right = MARGIN, width - MARGIN

    def footer(canvas: Canvas, page_number: int) -> None:
        text = word("receipt.footer", lang, number=number)
        draw_footer(canvas, text, word("page", lang, number=page_number), left, right, MARGIN - 8, 7.5)

    page = Page(c, width, height, footer)
    c.setFont(FONT, 8.5)
    c.setFillColor(GREY)
    c.drawString(left, page.y - 2, pdf_text(word("receipt.kicker", lang)))
    c.setFillColorRGB(0, 0, 0)
    c.setFont(BOLD, 18)
    page.y -= 26
    c.drawString(left, page.y, pdf_text(word("receipt.title", lang, number=number)))
    page.y -= 22
    collected = datetime.fromisoformat(str(content["collected_at"]).replace("Z", "+00:00")).astimezone(PARIS)
    donor, workshop = content["donor"], content["workshop"]
    rows = [
        (word("receipt.collected_at", lang), f"{date_text(collected, PARIS, lang=lang)} {collected:%H:%M}"),
        (word("receipt.donor", lang), _party(donor["name"], donor.get("siret"))),
        (word("receipt.workshop", lang), _party(workshop["name"], workshop.get("siret"), workshop.get("label_number"))),
        (word("receipt.handed_over_by", lang), _person(content["handed_over_by"])),
        (word("receipt.taken_by", lang), _person(content["taken_by"])),
        (word("receipt.donations", lang), ", ".join(content["donations"])),
        (word("receipt.count", lang), str(content["device_count"])),
    ]
    if content.get("note"):
        rows.append((word("receipt.note", lang), str(content["note"])))
    label_w = 52 * mm
    for label, value in rows:
        lines = wrap(value, FONT, 10, right - left - label_w)
        page.ensure(_LINE * len(lines) + 4)
        c.setFont(BOLD, 9.5)
        c.drawString(left, page.y, fit(label, BOLD, 9.5, label_w - 6))
        c.setFont(FONT, 10)
        for line in lines:
            c.drawString(left + label_w, page.y, line)
            page.y -= _LINE + 1
        page.y -= 3
    for key, tags in (
        ("receipt.tags", content["tags"]),
        ("receipt.extra", content["extra"]),
        ("receipt.missing", content["missing"]),
    ):
        _tag_block(page, c, word(key, lang), tags, word("receipt.none", lang), left, right)
    page.ensure(40)
    page.y -= 8
    c.setFont(FONT, 7.5)
    c.setFillColor(GREY)
    for line in wrap(word("receipt.signature", lang, key_id=key_id), FONT, 7.5, right - left):
        c.drawString(left, page.y, line)
        page.y -= 9
    c.setFillColorRGB(0, 0, 0)
    page.finish()
    c.save()


def _party(name: str, siret: str | None, label: str | None = None) -> str:
    parts = [name] + ([f"SIRET {siret}"] if siret else []) + ([f"label {label}"] if label else [])
    return " — ".join(parts)


def _person(person: dict[str, Any]) -> str:
    role = str(person.get("role") or "").strip()
    return f"{person['name']} ({role})" if role else str(person["name"])


def _tag_block(page: Page, c: Canvas, title: str, tags: Sequence[str], none: str, left: float, right: float) -> None:
    page.ensure(34)
    page.y -= 6
    c.setFont(BOLD, 11)
    c.drawString(left, page.y, pdf_text(f"{title} ({len(tags)})"))
    page.y -= _LINE + 3
    c.setFont(MONO, 9.5)
    if not tags:
        c.setFont(FONT, 9.5)
        c.drawString(left, page.y, pdf_text(none))
        page.y -= _LINE
        return
    column_w = (right - left) / _TAG_COLUMNS
    for start in range(0, len(tags), _TAG_COLUMNS):
        page.ensure(_LINE)
        c.setFont(MONO, 9.5)
        for i, tag in enumerate(tags[start : start + _TAG_COLUMNS]):
            c.drawString(left + i * column_w, page.y, tag)
        page.y -= _LINE
