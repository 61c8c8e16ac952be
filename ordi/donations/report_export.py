"""The donation traceability report as CSV for French spreadsheets, and as a JSON stream.

CSV: ``;`` separator, decimal comma, UTF-8 with BOM (so Excel detects the encoding), dates
``JJ/MM/AAAA``, and cells that a spreadsheet would run as a formula are defused. JSON: codes, not
French labels, and ISO 8601 dates. Both write one row at a time.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TextIO

import msgspec

from ordi.clock import PARIS
from ordi.donations.report_model import (
    DeviceFateRow,
    DonationReportHeader,
    DonationTotals,
    ImpactSummary,
    beneficiary_fr,
    state_fr,
)
from ordi.pdf import fr_date

__all__ = ["iter_donation_report_json", "write_donation_report_csv"]

_CSV_HEADER = [
    "N° inventaire",
    "Catégorie",
    "Modèle",
    "N° de série",
    "État",
    "Déclaré le",
    "Collecté le",
    "Réceptionné le",
    "Effacé le",
    "Prêt le",
    "Remis le",
    "Recyclé le",
    "N° certificat d'effacement",
    "Grade",
    "Filière de recyclage",
    "Poids recyclé (kg)",
    "Département",
    "Catégorie de bénéficiaire",
]


def _csv_safe(text: str) -> str:
    """Defuse spreadsheet formulas (CSV injection): donor-typed models must not run as ``=HYPERLINK``."""
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def write_donation_report_csv(rows: Iterable[DeviceFateRow], out: TextIO) -> int:
    """Stream the report rows as CSV for French spreadsheets; returns the number of rows written.

    ``out`` must be a text stream opened with ``newline=""`` (the csv module writes ``\\r\\n``). A BOM
    is written first so spreadsheet software reads UTF-8.
    """
    zone = PARIS
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(_CSV_HEADER)
    count = 0
    for row in rows:
        dates = [fr_date(v, zone) for v in row.steps]
        writer.writerow(
            [
                _csv_safe(row.asset_tag),
                _csv_safe(row.category),
                _csv_safe(row.model),
                _csv_safe(row.serial_number),
                state_fr(row.state),
                *dates,
                _csv_safe(row.certificate_number or ""),
                _csv_safe(row.grade or ""),
                _csv_safe(row.recycle_channel or ""),
                "" if row.recycle_weight_kg is None else f"{row.recycle_weight_kg:.1f}".replace(".", ","),
                _csv_safe(row.departement or ""),
                beneficiary_fr(row.beneficiary_category),
            ]
        )
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
