"""The donation report's files: the PDF streams 2,000 rows, the CSV suits French spreadsheets, the JSON streams."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from ordi.donations.report_export import iter_donation_report_json, write_donation_report_csv
from ordi.donations.report_model import (
    DeviceFateRow,
    DonationReportHeader,
    DonationTotals,
    ImpactSummary,
)
from ordi.donations.report_pdf import render_donation_report_pdf
from tests.certificates.helpers import pdf_pages

HEADER = DonationReportHeader(
    donation_id="7f9c2d4e",
    reference="DON-2026-0007",
    donor_name="Atelier Canopé du Calvados",
    declared_on=date(2026, 1, 5),
    generated_at=datetime(2026, 4, 1, 10, 0, tzinfo=UTC),
)
TOTALS = DonationTotals(
    devices=2000,
    by_state={"handed_over": 1333, "recycled": 667},
    redistributed=1333,
    recycled=667,
    wipe_certificates=2000,
    recycled_weight_kg=1534.1,
)
IMPACT = ImpactSummary(
    kg_ewaste_avoided=3332.5,
    kg_co2e_avoided=206615.0,
    factors=[("ordinateur portable", 2.5, 155.0, "Facteur configuré par l'opérateur (source citée ici)")],
    method_note="Appareils redistribués multipliés par le facteur de leur catégorie.",
)


def _row(i: int) -> DeviceFateRow:
    recycled = i % 3 == 0
    return DeviceFateRow(
        asset_tag=f"T{i:06d}",
        category="laptop",
        model='=HYPERLINK("http://x")' if i == 1 else "Lenovo ThinkPad T480",
        serial_number=f"SN{i:08d}",
        state="recycled" if recycled else "handed_over",
        declared_at=date(2026, 1, 5),
        collected_at=datetime(2026, 1, 10, 23, 30, tzinfo=UTC),  # 11/01 in Paris
        received_at=date(2026, 1, 12),
        wiped_at=date(2026, 1, 20),
        ready_at=None if recycled else date(2026, 1, 25),
        handed_over_at=None if recycled else date(2026, 2, 1),
        recycled_at=date(2026, 2, 3) if recycled else None,
        certificate_number=f"CE-2026-{i + 1:06d}",
        grade=None if recycled else "B",
        recycle_channel="eco_organism" if recycled else None,
        recycle_weight_kg=2.3 if recycled else None,
        departement=None if recycled else "14",
        beneficiary_category=None if recycled else "student",
    )


class _Rows:
    """A generator of rows that records how many were consumed (to prove the PDF streams)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.consumed = 0

    def __iter__(self) -> Iterator[DeviceFateRow]:
        for i in range(self.n):
            self.consumed += 1
            yield _row(i)


def test_report_pdf_streams_2000_rows() -> None:
    rows = _Rows(2000)
    calls: list[tuple[int, int]] = []
    out = io.BytesIO()
    tracemalloc.start()
    try:
        render_donation_report_pdf(
            HEADER, iter(rows), TOTALS, IMPACT, out, progress=lambda n: calls.append((n, rows.consumed))
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * 1024 * 1024, peak
    # progress: increasing, ends at 2000, and called while rows were still being produced
    done = [n for n, _ in calls]
    assert done == sorted(done) and done[-1] == 2000
    assert len(calls) > 10
    assert calls[0][1] < 100
    pages = pdf_pages(out.getvalue())
    assert 25 <= len(pages) <= 80
    assert "T000000" in pages[0] and "Rapport de traçabilité du don" in pages[0]
    assert "T001999" in pages[-1]
    assert f"page {len(pages)}" in pages[-1]
    assert all("N° d'inventaire" in p for p in pages)  # table header on every page
    text = "\n".join(pages[:2])
    for expected in ("DON-2026-0007", "Atelier Canopé du Calvados", "3 332,5", "206 615,0", "CO2e", "source citée"):
        assert expected in text, expected
    assert "11/01/26" in pages[0]  # datetimes shown in Paris time
    assert "étudiant" in pages[0] and "recyclé" in pages[0]


def test_report_pdf_never_cuts_a_tag_of_wide_letters() -> None:
    from dataclasses import replace

    wide = [replace(_row(i), asset_tag=tag) for i, tag in enumerate(["WWWWWWWWWW", "MWMWMWMWMW", "0000000000"])]
    out = io.BytesIO()
    render_donation_report_pdf(HEADER, wide, TOTALS, IMPACT, out)
    text = "\n".join(pdf_pages(out.getvalue()))
    for row in wide:
        assert row.asset_tag in text


def test_report_pdf_empty_donation() -> None:
    out = io.BytesIO()
    progress: list[int] = []
    render_donation_report_pdf(HEADER, [], DonationTotals(devices=0), ImpactSummary(0, 0), out, progress.append)
    assert "Aucun appareil" in pdf_pages(out.getvalue())[0]
    assert progress == [0]


def test_csv_for_french_spreadsheets() -> None:
    buffer = io.StringIO(newline="")
    assert write_donation_report_csv((_row(i) for i in range(4)), buffer) == 4
    data = buffer.getvalue()
    assert data.startswith("\ufeff")
    encoded = data.encode("utf-8")
    assert encoded.startswith(b"\xef\xbb\xbf")
    lines = data.lstrip("\ufeff").split("\r\n")
    assert lines[0].startswith("N° d'inventaire;Catégorie;Modèle;N° de série;État;Déclaré le;")
    parsed = list(csv.reader(io.StringIO(data.lstrip("\ufeff"), newline=""), delimiter=";"))
    assert len(parsed) == 5 and all(len(r) == 18 for r in parsed)
    first, second = parsed[1], parsed[2]
    assert first[0] == "T000000" and first[4] == "recyclé" and first[15] == "2,3"
    assert first[1] == "Ordinateur portable" and first[14] == "éco-organisme"
    assert first[6] == "11/01/2026"
    assert second[2].startswith("'=")  # formula defused
    assert second[17] == "étudiant" and second[16] == "14"


def test_json_report_streams_valid_json() -> None:
    chunks = list(iter_donation_report_json(HEADER, (_row(i) for i in range(3)), TOTALS, IMPACT))
    doc = json.loads(b"".join(chunks))
    assert doc["schema"] == "ordi-donation-report/1"
    assert doc["header"]["reference"] == "DON-2026-0007"
    assert len(doc["devices"]) == 3 and doc["devices"][1]["state"] == "handed_over"
    assert doc["totals"]["reuse_rate"] == pytest.approx(1333 / 2000)
    assert doc["impact"]["factors"][0]["kg_per_device"] == 2.5


def test_report_with_many_impact_factors_stays_on_the_page() -> None:
    factors = [(f"catégorie {i}", 1.0, 10.0, "Source " + "très longue " * 12) for i in range(40)]
    out = io.BytesIO()
    render_donation_report_pdf(HEADER, (_row(i) for i in range(5)), TOTALS, ImpactSummary(1, 2, factors), out)
    pages = pdf_pages(out.getvalue())
    assert len(pages) >= 2
    text = "\n".join(pages)
    assert "catégorie 39" in text and "T000004" in text


def test_report_in_english() -> None:
    out = io.BytesIO()
    render_donation_report_pdf(HEADER, (_row(i) for i in range(4)), TOTALS, IMPACT, out, lang="en")
    text = "\n".join(pdf_pages(out.getvalue()))
    for expected in ("Donation traceability report", "Asset tag", "handed over", "recycled", "student", "3,332.5"):
        assert expected in text, expected
    assert "11 Jan 26" in text and "Rapport" not in text
    buffer = io.StringIO(newline="")
    write_donation_report_csv((_row(i) for i in range(2)), buffer, lang="en")
    header, first, _ = list(csv.reader(io.StringIO(buffer.getvalue().lstrip("\ufeff")), delimiter=";"))
    assert header[:5] == ["Asset tag", "Category", "Model", "Serial number", "State"]
    assert first[1] == "Laptop" and first[4] == "recycled" and first[6] == "2026-01-11" and first[15] == "2.3"
