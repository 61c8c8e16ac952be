"""Reading a donor's spreadsheet: what French office software saves as CSV.

Accepts `;` or `,` as separator, UTF-8 with or without BOM, French or English column names and
category names. Every bad cell is reported with its line and column; nothing is written unless
the whole file is valid.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from typing import Any

from ordi.domain.errors import InvalidImport

CATEGORIES = ("laptop", "desktop", "tablet", "smartphone", "monitor", "printer", "other")
MAX_ROWS = 20_000

_COLUMN_ALIASES: dict[str, str] = {
    "category": "category",
    "categorie": "category",
    "type": "category",
    "brand": "brand",
    "marque": "brand",
    "fabricant": "brand",
    "model": "model",
    "modele": "model",
    "serial_number": "serial_number",
    "serial": "serial_number",
    "numero de serie": "serial_number",
    "n de serie": "serial_number",
    "no de serie": "serial_number",
    "num serie": "serial_number",
    "numero_de_serie": "serial_number",
    "has_storage": "has_storage",
    "stockage": "has_storage",
    "disque": "has_storage",
    "support de stockage": "has_storage",
    "weight_kg": "weight_kg",
    "poids": "weight_kg",
    "poids kg": "weight_kg",
    "poids (kg)": "weight_kg",
}
_CATEGORY_ALIASES: dict[str, str] = {
    **{c: c for c in CATEGORIES},
    "portable": "laptop",
    "ordinateur portable": "laptop",
    "pc portable": "laptop",
    "fixe": "desktop",
    "ordinateur fixe": "desktop",
    "pc fixe": "desktop",
    "unite centrale": "desktop",
    "tablette": "tablet",
    "telephone": "smartphone",
    "ecran": "monitor",
    "moniteur": "monitor",
    "imprimante": "printer",
    "autre": "other",
}
_TRUE = {"1", "oui", "o", "yes", "y", "true", "vrai", "x"}
_FALSE = {"0", "non", "n", "no", "false", "faux", ""}
_LIMITS = {"brand": 100, "model": 150, "serial_number": 100}


@dataclass(frozen=True)
class DeviceItem:
    """One device as declared by a donor (from JSON or from a spreadsheet row)."""

    category: str
    brand: str = ""
    model: str = ""
    serial_number: str = ""
    has_storage: bool = True
    weight_kg: float | None = None


def _fold(text: str) -> str:
    """Lower case, no accents, single spaces: how people type column and category names."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("°", " ").replace("º", " ").replace(".", " ").split())


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidImport("import_encoding", errors=[]) from exc


def parse(text: str) -> list[DeviceItem]:
    lines = text.splitlines()
    if not lines:
        raise InvalidImport("import_empty", errors=[])
    header_line = lines[0]
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, [])
    columns = [_COLUMN_ALIASES.get(_fold(h)) for h in header]
    if "category" not in columns:
        raise InvalidImport(
            "import_missing_columns",
            errors=[],
            columns="category (catégorie)",
        )
    items: list[DeviceItem] = []
    errors: list[dict[str, Any]] = []
    seen_serials: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(items) >= MAX_ROWS:
            raise InvalidImport("donation_too_large", errors=[], max=MAX_ROWS)
        item = _row(row, header, columns, line, errors, seen_serials)
        if item is not None:
            items.append(item)
    if errors:
        raise InvalidImport("import_invalid", errors=errors[:200], count=len(errors))
    if not items:
        raise InvalidImport("import_empty", errors=[])
    return items


def _row(
    row: list[str],
    header: list[str],
    columns: list[str | None],
    line: int,
    errors: list[dict[str, Any]],
    seen_serials: dict[str, int],
) -> DeviceItem | None:
    def fail(column: str, key: str, **params: Any) -> None:
        errors.append({"line": line, "column": column, "key": key, "params": params})

    if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
        fail("", "row_too_many_cells")
        return None
    values: dict[str, Any] = {}
    ok = True
    for index, field in enumerate(columns):
        if field is None:
            continue
        cell = row[index].strip() if index < len(row) else ""
        name = header[index].strip()
        if field == "category":
            category = _CATEGORY_ALIASES.get(_fold(cell))
            if not cell:
                fail(name, "cell_required")
                ok = False
            elif category is None:
                fail(name, "cell_category", value=cell, allowed=", ".join(CATEGORIES))
                ok = False
            values["category"] = category
        elif field == "has_storage":
            folded = _fold(cell)
            if folded in _TRUE:
                values["has_storage"] = True
            elif folded in _FALSE:
                values["has_storage"] = not cell  # an empty cell keeps the default: has storage
            else:
                fail(name, "cell_boolean", value=cell)
                ok = False
        elif field == "weight_kg":
            if cell:
                try:
                    values["weight_kg"] = float(cell.replace(",", "."))
                except ValueError:
                    fail(name, "cell_number", value=cell)
                    ok = False
        else:
            if len(cell) > _LIMITS[field]:
                fail(name, "cell_too_long", max=_LIMITS[field])
                ok = False
            if field == "serial_number" and cell:
                cell = cell.upper()
                if cell in seen_serials:
                    fail(name, "cell_duplicate_serial", line=seen_serials[cell])
                    ok = False
                seen_serials.setdefault(cell, line)
            values[field] = cell
    return DeviceItem(**values) if ok else None
