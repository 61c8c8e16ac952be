"""The donation traceability report as CSV for French spreadsheets, and as a JSON stream.

CSV: ``;`` separator, the words of :mod:`ordi.i18n` (French: decimal comma, dates ``JJ/MM/AAAA``),
UTF-8 with BOM (so Excel detects the encoding), and cells that a spreadsheet would run as a formula
are defused. JSON: codes, not words, and ISO 8601 dates. Both write one row at a time.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TextIO

import msgspec

from ordi.clock import PARIS
from ordi.donations.report_model import (
    COLUMNS,
    DeviceFateRow,
    DonationReportHeader,
    DonationTotals,
    ImpactSummary,
    row_texts,
)
from ordi.i18n import Lang, column_heading

__all__ = ["iter_donation_report_json", "write_donation_report_csv"]


def _csv_safe(text: str) -> str:
    """Defuse spreadsheet formulas (CSV injection): a donor-typed model must not run as ``=HYPERLINK``."""
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def write_donation_report_csv(rows: Iterable[DeviceFateRow], out: TextIO, lang: Lang = "fr") -> int:
    """Stream the report rows as CSV for spreadsheets (French words unless ``lang``); returns the row count.

    ``out`` must be a text stream opened with ``newline=""`` (the csv module writes ``\\r\\n``). A BOM
    is written first so spreadsheet software reads UTF-8.
    """
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([column_heading(name, lang) for name in COLUMNS])
    count = 0
    for row in rows:
        writer.writerow([_csv_safe(text) for text in row_texts(row, PARIS, lang)])
        count += 1
    return count


def _json_default(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return dict(obj)
    raise NotImplementedError(type(obj).__name__)


def iter_donation_report_json(
    header: DonationReportHeader,
    rows: Iterable[DeviceFateRow],
    totals: DonationTotals,
    impact: ImpactSummary,
) -> Iterator[bytes]:
    """The JSON report as a stream of chunks (codes, not French labels; ISO 8601 dates)."""
    enc = msgspec.json.Encoder(enc_hook=_json_default)
    yield b'{"schema":"ordi-donation-report/1","header":' + enc.encode(header)
    yield b',"totals":' + enc.encode(
        {
            "devices": totals.devices,
            "by_state": dict(totals.by_state),
            "redistributed": totals.redistributed,
            "recycled": totals.recycled,
            "lost": totals.lost,
            "wipe_certificates": totals.wipe_certificates,
            "recycled_weight_kg": totals.recycled_weight_kg,
            "reuse_rate": totals.reuse_rate,
        }
    )
    yield b',"impact":' + enc.encode(
        {
            "kg_ewaste_avoided": impact.kg_ewaste_avoided,
            "kg_co2e_avoided": impact.kg_co2e_avoided,
            "factors": impact.factor_list(),
            "method_note": impact.method_note,
        }
    )
    yield b',"devices":['
    first = True
    for row in rows:
        yield (b"" if first else b",") + enc.encode(row)
        first = False
    yield b"]}"
