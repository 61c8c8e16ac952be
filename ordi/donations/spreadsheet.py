"""Reading a donor's spreadsheet as people save it.

CSV in UTF-8 (with or without BOM) or Windows-1252 (what French Excel writes as « CSV (séparateur :
point-virgule) »), by a strict rule: bytes that are valid UTF-8 are UTF-8, any other bytes are
Windows-1252 (and a byte Windows-1252 leaves undefined refuses the file). Separator `;`, `,` or tab,
whichever the header line holds most. `.xlsx` and `.ods` workbooks (first sheet) through
python-calamine. Every cell is read as text: a serial `000123` keeps its zeros, a number cell 123.0
becomes `123`. Column names in French or English, case, accents and spaces aside; a column the
service does not know is reported, not refused. Every bad cell is reported with its line and column;
nothing is written unless the whole file is valid. Spec columns (processor, RAM, disk, screen, year,
licence) are read and checked by `ordi.domain.specs`; an empty storage cell (or no such column) leaves
`has_storage` to the device's category.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from ordi.clock import today
from ordi.domain import specs
from ordi.domain.errors import InvalidImport
from ordi.domain.specs import Specs

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
    "n serie": "serial_number",
    "no serie": "serial_number",
    "numero serie": "serial_number",
    "s/n": "serial_number",
    "sn": "serial_number",
    "serial number": "serial_number",
    "serial no": "serial_number",
    "manufacturer": "brand",
    "constructeur": "brand",
    "modele / reference": "model",
    "reference": "model",
    "categorie d'appareil": "category",
    "device type": "category",
    "retour": "is_return",
    "return": "is_return",
    "is_return": "is_return",
    "retour confirme": "is_return",
    "has_storage": "has_storage",
    "stockage": "has_storage",
    "disque": "has_storage",
    "support de stockage": "has_storage",
    "weight_kg": "weight_kg",
    "poids": "weight_kg",
    "poids kg": "weight_kg",
    "poids (kg)": "weight_kg",
    **{name: name for name in specs.SPEC_FIELDS},
    # device specs (`ordi.domain.specs`)
    "processeur": "cpu",
    "cpu": "cpu",
    "processor": "cpu",
    "ram": "ram_gb",
    "ram (go)": "ram_gb",
    "ram (gb)": "ram_gb",
    "ram go": "ram_gb",
    "memoire": "ram_gb",
    "memoire (go)": "ram_gb",
    "memoire vive": "ram_gb",
    "memoire vive (go)": "ram_gb",
    "memory": "ram_gb",
    "memory (gb)": "ram_gb",
    "disque (go)": "storage_gb",
    "stockage (go)": "storage_gb",
    "capacite (go)": "storage_gb",
    "capacite disque": "storage_gb",
    "capacite du disque (go)": "storage_gb",
    "taille disque (go)": "storage_gb",
    "storage (gb)": "storage_gb",
    "storage gb": "storage_gb",
    "disk (gb)": "storage_gb",
    "type de disque": "storage_kind",
    "type de stockage": "storage_kind",
    "type disque": "storage_kind",
    "ssd": "storage_kind",
    "storage type": "storage_kind",
    "disk type": "storage_kind",
    "storage kind": "storage_kind",
    "ecran (pouces)": "screen_inches",
    "ecran pouces": "screen_inches",
    "taille ecran": "screen_inches",
    "taille d'ecran": "screen_inches",
    "taille de l'ecran (pouces)": "screen_inches",
    "diagonale": "screen_inches",
    "screen (inches)": "screen_inches",
    "screen size": "screen_inches",
    "screen": "screen_inches",
    "annee": "year",
    "annee de fabrication": "year",
    "annee d'achat": "year",
    "year": "year",
    "licence": "os_licence",
    "licence os": "os_licence",
    "systeme": "os_licence",
    "systeme d'exploitation": "os_licence",
    "os": "os_licence",
    "license": "os_licence",
    "os license": "os_licence",
    "operating system": "os_licence",
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
    #: None: the donor did not say; the category's usual answer is declared (`has_storage_by_default`).
    has_storage: bool | None = None
    weight_kg: float | None = None
    #: The line of the spreadsheet (or the position in a JSON declaration, from 1) it comes from.
    line: int = 0
    #: The donor confirms this is a device it gave before coming back (`retour` = oui): its serial
    #: may already be on a device in service.
    is_return: bool = False
    #: What the donor says the device is made of (checked by `ordi.domain.specs`).
    specs: Specs | None = None


def _fold(text: str) -> str:
    """Lower case, no accents, single spaces: how people type column and category names."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("°", " ").replace("º", " ").replace(".", " ").split())


def _column(header: str) -> str | None:
    """The field a column name stands for (`N° de série`, `S/N`, `serial_number`…), or None."""
    folded = _fold(header)
    spaced = " ".join(folded.replace("_", " ").replace("-", " ").split())
    return _COLUMN_ALIASES.get(folded) or _COLUMN_ALIASES.get(spaced) or _COLUMN_ALIASES.get(spaced.replace(" ", "_"))


def normalise_brand(brand: str) -> str:
    """How two brands are compared (duplicates): upper case, single spaces."""
    return " ".join(brand.upper().split())


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
WORKBOOK_TYPES = frozenset({XLSX_TYPE, ODS_TYPE})
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Sheet:
    """A file's header and its rows of text cells, each with its line (from 1, the header's line)."""

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    header_line: int = 1


@dataclass
class Analysis:
    """What a file says: its column mapping, the columns ignored, its devices and its line errors."""

    columns: dict[str, str]
    unknown_columns: list[str]
    items: list[DeviceItem]
    errors: list[dict[str, Any]] = field(default_factory=list)
    rows: int = 0
    serial_column: str = "serial_number"
    file_format: str = "csv"


def decode(raw: bytes) -> str:
    """UTF-8 (BOM or not) when the bytes are valid UTF-8, else Windows-1252; else refused."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise InvalidImport("import_unreadable", errors=[]) from exc


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])  # ties: `;` first, as French Excel writes
    return best if counts[best] else ";"


def _csv_sheet(text: str) -> Sheet:
    header_text = next((line for line in text.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(header_text))
    try:
        header = next((row for row in reader if any(cell.strip() for cell in row)), None)
    except csv.Error as exc:  # a lone carriage return in a field, a NUL…: not a CSV file
        raise InvalidImport("import_unreadable", errors=[]) from exc
    if header is None:
        raise InvalidImport("import_empty", errors=[])

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for row in reader:
                yield reader.line_num, row
        except csv.Error as exc:
            raise InvalidImport("import_unreadable", errors=[]) from exc

    return Sheet(header, rows(), header_line=reader.line_num)


def _cell_text(value: Any) -> str:
    """A workbook cell as the text the donor sees: 123.0 → `123`, a date in ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    text = str(value)
    if "\x00" in text:  # no field has a use for it, and PostgreSQL stores none
        raise InvalidImport("import_workbook", errors=[])
    return text


def _workbook_sheet(raw: bytes) -> Sheet:
    import python_calamine  # only a workbook import needs it

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(raw))
        if not workbook.sheet_names:
            raise InvalidImport("import_empty", errors=[])
        cells = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except InvalidImport:
        raise
    except Exception as exc:  # calamine's errors: a damaged or unknown workbook
        raise InvalidImport("import_workbook", errors=[]) from exc
    if not cells:
        raise InvalidImport("import_empty", errors=[])
    first = next((i for i, row in enumerate(cells) if any(_cell_text(c).strip() for c in row)), None)
    if first is None:
        raise InvalidImport("import_empty", errors=[])
    header = [_cell_text(c) for c in cells[first]]

    def rows() -> Iterator[tuple[int, list[str]]]:
        for index in range(first + 1, len(cells)):
            yield index + 1, [_cell_text(c) for c in cells[index]]

    return Sheet(header, rows(), header_line=first + 1)


def is_workbook(raw: bytes, media_type: str = "") -> bool:
    return media_type in WORKBOOK_TYPES or raw.startswith(_ZIP_MAGIC)


def read(raw: bytes, media_type: str = "") -> tuple[Sheet, str]:
    """The sheet of a CSV, `.xlsx` or `.ods` file, and its format (`csv`, `xlsx` or `ods`)."""
    if is_workbook(raw, media_type):
        kind = "ods" if media_type == ODS_TYPE or b"opendocument.spreadsheet" in raw[:200] else "xlsx"
        return _workbook_sheet(raw), kind
    return _csv_sheet(decode(raw)), "csv"


def to_csv(sheet: Sheet) -> str:
    """A sheet as UTF-8 CSV text (`;`), the same lines kept: a queued workbook is read by its job."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(sheet.header)
    expected = sheet.header_line + 1
    for line, row in sheet.rows:
        while expected < line:  # keep line numbers: the job reports the workbook's lines
            writer.writerow([])
            expected += 1
        writer.writerow(row)
        expected = line + 1
    text = out.getvalue()
    return "\n" * (sheet.header_line - 1) + text


def analyse(sheet: Sheet, file_format: str = "csv", this_year: int | None = None) -> Analysis:
    """Every row checked; file-level faults (no category column, too many rows) raise."""
    header = sheet.header
    columns = [_column(h) for h in header]
    if "category" not in columns:
        raise InvalidImport("import_missing_columns", errors=[], columns="category (catégorie)")
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    for name, target in zip(header, columns, strict=True):
        if target is None:
            if name.strip():
                unknown.append(name.strip())
        else:
            mapping[name.strip()] = target
    serial_column = next((h.strip() for h, c in zip(header, columns, strict=True) if c == "serial_number"), "")
    items: list[DeviceItem] = []
    errors: list[dict[str, Any]] = []
    seen_serials: dict[tuple[str, str], int] = {}
    rows = 0
    for line, row in sheet.rows:
        if not any(cell.strip() for cell in row):
            continue
        rows += 1
        if rows > MAX_ROWS:
            raise InvalidImport("donation_too_large", errors=[], max=MAX_ROWS)
        item = _row(row, header, columns, line, errors, seen_serials, this_year or today().year)
        if item is not None:
            items.append(item)
    return Analysis(mapping, unknown, items, errors, rows, serial_column or "serial_number", file_format)


def parse(text: str) -> list[DeviceItem]:
    """A CSV text's devices, or InvalidImport with every line error (the background job's reading)."""
    if not text.strip():
        raise InvalidImport("import_empty", errors=[])
    analysis = analyse(_csv_sheet(text))
    return valid_items(analysis)


def valid_items(analysis: Analysis) -> list[DeviceItem]:
    if analysis.errors:
        raise InvalidImport("import_invalid", errors=analysis.errors[:200], count=len(analysis.errors))
    if not analysis.items:
        raise InvalidImport("import_empty", errors=[])
    return analysis.items


def _row(
    row: list[str],
    header: list[str],
    columns: list[str | None],
    line: int,
    errors: list[dict[str, Any]],
    seen_serials: dict[tuple[str, str], int],
    this_year: int,
) -> DeviceItem | None:
    def fail(column: str, key: str, **params: Any) -> None:
        errors.append({"line": line, "column": column, "key": key, "params": params})

    if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
        fail("", "row_too_many_cells")
        return None
    values: dict[str, Any] = {"line": line}
    spec_values: dict[str, Any] = {}
    spec_columns: dict[str, str] = {}
    spec_cells: dict[str, str] = {}
    ok = spec_ok = True
    serial_name = ""
    for index, target in enumerate(columns):
        if target is None:
            continue
        cell = row[index].strip() if index < len(row) else ""
        name = header[index].strip()
        if target == "category":
            category = _CATEGORY_ALIASES.get(_fold(cell))
            if not cell:
                fail(name, "cell_required")
                ok = False
            elif category is None:
                fail(name, "cell_category", value=cell, allowed=", ".join(CATEGORIES))
                ok = False
            values["category"] = category
        elif target in ("has_storage", "is_return"):
            folded = _fold(cell)
            if folded in _TRUE:
                values[target] = True
            elif folded in _FALSE:
                if cell or target == "is_return":  # empty storage: the category's usual answer
                    values[target] = False
            else:
                fail(name, "cell_boolean", value=cell)
                ok = False
        elif target == "weight_kg":
            if cell:
                try:
                    values["weight_kg"] = float(cell.replace(",", "."))
                except ValueError:
                    fail(name, "cell_number", value=cell)
                    ok = False
        elif target in specs.SPEC_FIELDS:
            spec_columns[target] = name
            spec_cells[target] = cell
            try:
                spec_values[target] = specs.read_cell(target, cell)
            except specs.CellError as exc:
                fail(name, exc.key, **exc.params)
                ok = spec_ok = False
                continue
            for problem in specs.problems({target: spec_values[target]}, this_year):
                fail(name, problem.key, **{**problem.params, "value": cell})
                ok = spec_ok = False
        else:
            if len(cell) > _LIMITS[target]:
                fail(name, "cell_too_long", max=_LIMITS[target])
                ok = False
            if target == "serial_number":
                cell = cell.upper()
                serial_name = name
            values[target] = cell
    serial = values.get("serial_number", "")
    if serial:
        key = (normalise_brand(values.get("brand", "")), serial)
        if key in seen_serials:
            fail(serial_name, "cell_duplicate_serial", line=seen_serials[key])
            ok = False
        seen_serials.setdefault(key, line)
    if spec_ok:  # each cell is right: what they say together (no capacity on « aucun » storage)
        for problem in specs.problems(spec_values, this_year):
            params = {**problem.params, "value": spec_cells.get(problem.field, problem.params.get("value"))}
            fail(spec_columns.get(problem.field, problem.field), problem.key, **params)
            ok = False
    if ok and any(v is not None for v in spec_values.values()):
        values["specs"] = specs.validate(spec_values, this_year)
    return DeviceItem(**values) if ok else None
