"""The yearly bilan, read back by independent decoders: pypdf for the text and the fonts, pdfium
for the drawings. Key figures equal the API's; small cells read "< 11"; every font is embedded."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from litestar.testing import AsyncTestClient
from pypdf import PdfReader

from ordi.clock import now
from ordi.i18n import number_text
from tests.fixtures import Api, World, wait_for
from tests.stats.bilan_history import JOB_SEEKERS, STUDENTS, UNICODE_WORKSHOP, build

NBSP = "\u00a0"


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u202f", " "))


def _fonts(pdf: bytes) -> list[dict[str, Any]]:
    """Every font dictionary of every page (descendant fonts of Type0 fonts included)."""
    found: list[dict[str, Any]] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = page.get("/Resources") or {}
        fonts = resources.get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            found.append(font)
            for descendant in font.get("/DescendantFonts") or []:
                found.append(descendant.get_object())
    return found


def _paths_per_page(pdf: bytes) -> list[int]:
    document = pdfium.PdfDocument(pdf)
    counts = []
    for page in document:
        counts.append(sum(1 for obj in page.get_objects(max_depth=4) if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH))
    return counts


def _keep(pdf: bytes, name: str) -> None:
    """With ORDI_TEST_SHOTS=<folder>: the PDF and each page rasterised at 110 dpi, to be looked at."""
    folder = os.environ.get("ORDI_TEST_SHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    (Path(folder) / f"{name}.pdf").write_bytes(pdf)
    for number, page in enumerate(pdfium.PdfDocument(pdf), start=1):
        page.render(scale=110 / 72).to_pil().save(Path(folder) / f"{name}-page{number:02d}.png")


async def test_the_bilan_says_the_apis_figures_with_charts_and_embedded_fonts(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    history = await build(client, api, world)
    year = now().year
    response = await client.get(f"/api/v1/stats/bilan/{year}.pdf", headers=world.committee.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert f"bilan-ordi-{year}.pdf" in response.headers["content-disposition"]
    pdf = response.content
    _keep(pdf, f"bilan-{year}")
    pages = _pages(pdf)
    text = _flat("\n".join(pages))

    # French headings, cover to annex.
    for heading in (
        f"Bilan de l'année {year}",
        "1. Chiffres clés",
        "2. Volumes par mois et par étape",
        "3. Stock et ancienneté",
        "4. Délais",
        "5. Réemploi et effacement",
        "6. Par région",
        "7. Par atelier",
        "8. Bénéficiaires",
        "9. Impact",
        "Annexe : méthode et sources",
        "Règle des petits effectifs",
    ):
        assert heading in text, heading

    # Key figures equal to the API's summary, written the French way.
    figures = history.summary
    stages = figures["stages"]
    key_page = _flat(pages[1])
    for label, stage in (
        ("Collectés", "collected"),
        ("Recyclés", "recycled"),
        ("Remis à un bénéficiaire", "redistributed"),
        ("Effacements en échec", "wipe_failed"),
        ("Reconditionnés", "refurbished"),
    ):
        assert f"{label} {stages[stage]}" in key_page, (label, stages[stage])
    assert stages["redistributed"] == JOB_SEEKERS + STUDENTS
    rate = _flat(number_text(figures["reuse_rate"] * 100, 1))
    assert f"Taux de réemploi {rate} %" in key_page
    co2e = _flat(number_text(figures["impact"]["kg_co2e_avoided"], 1))
    assert f"Émissions évitées (kg CO2e) {co2e}" in key_page
    hours = _flat(number_text(figures["impact"]["insertion_labour_hours"], 1))
    assert f"Heures de travail en insertion {hours}" in key_page

    # Small cells: 3 students read "< 11", and the 11 job seekers are suppressed with them.
    people = _flat(next(p for p in pages[1:] if "8. Bénéficiaires" in p))  # past the cover's contents
    assert "Étudiant < 11" in people
    assert "Demandeur d'emploi < 11" in people
    assert f"Demandeur d'emploi {JOB_SEEKERS}" not in people and f"Étudiant {STUDENTS}" not in people
    assert f"Total {JOB_SEEKERS + STUDENTS}" in people  # the total alone tells nothing about either

    # Every lead time has its devices, the request's too (approved → delivered: one device).
    assert re.search(r"Demande approuvée → livraison 1 0,0 j 0,0 j", text), text[text.find("Délai Appareils") :][:300]

    # Régions and workshops by name; a non-Latin name prints as written, and "≈" too (no "?").
    assert "Normandie" in text and "Auvergne-Rhône-Alpes" in text
    assert _flat(UNICODE_WORKSHOP) in text
    assert "≈" in text
    # Every impact factor's source is in the annex.
    start = next(i for i, p in enumerate(pages) if i and "Annexe : méthode et sources" in p)
    annex = _flat("\n".join(pages[start:]))
    assert "ADEME" in annex and "Facteurs d'impact (jeu de facteurs" in annex

    # Charts: vector drawings (paths) on the chart pages, none on the text-only cover.
    paths = _paths_per_page(pdf)
    chart_pages = [
        i
        for i, p in enumerate(pages)
        if "Étapes enregistrées chaque mois" in p
        or "Ancienneté du stock" in p
        or "Personnes équipées, par catégorie" in p
        or "Remises de l'année, par région" in p
    ]
    assert len(chart_pages) >= 3
    for i in chart_pages:
        assert paths[i] >= 8, (i, paths)

    # Fonts: every one a TrueType font embedded (FontFile2), none of the 14 standard fonts.
    fonts = _fonts(pdf)
    assert fonts
    for font in fonts:
        if font.get("/Subtype") == "/Type0":
            continue
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font.get("/BaseFont")


async def test_who_may_read_the_bilan(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    year = now().year
    path = f"/api/v1/stats/bilan/{year}.pdf"
    operator = await client.get(path, headers=world.operator.headers)
    assert operator.status_code == 200 and operator.content.startswith(b"%PDF")
    for member in (world.donor, world.workshop, world.association):
        refused = await client.get(path, headers=member.headers)
        assert refused.status_code == 403, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
    assert (await client.get(path)).status_code == 401
    for name, status in (("1999.pdf", 422), (f"{year + 1}.pdf", 422), ("2026.png", 400), ("20x6.pdf", 400)):
        bad = await client.get(f"/api/v1/stats/bilan/{name}", headers=world.committee.headers)
        assert bad.status_code == status, (name, bad.text)
        assert bad.headers["content-type"].startswith("application/problem+json")


async def test_a_bilan_in_the_background_reports_its_progress(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    await api.ready_device(world)
    year = now().year
    started = await client.get(f"/api/v1/stats/bilan/{year}.pdf?background=true", headers=world.committee.headers)
    assert started.status_code == 202, started.text
    job = started.json()
    assert job["kind"] == "stats_bilan"

    async def finished() -> bool:
        state = (await client.get(f"/api/v1/jobs/{job['id']}", headers=world.committee.headers)).json()
        assert state["status"] != "failed", state
        return bool(state["status"] == "succeeded")

    await wait_for(finished, 60)
    state = (await client.get(f"/api/v1/jobs/{job['id']}", headers=world.committee.headers)).json()
    assert state["progress"]["done"] == state["progress"]["total"] > 0
    assert (await client.get(state["download_url"], headers=world.operator.headers)).status_code == 404
    result = await client.get(state["download_url"], headers=world.committee.headers)
    assert result.status_code == 200 and result.content.startswith(b"%PDF")
    assert "Bilan de l'année" in _flat("\n".join(_pages(result.content)))
