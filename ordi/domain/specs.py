"""What a device is made of (its specs), and what an association may ask as a minimum.

Pure rules, shared by every path that takes specs: the JSON declaration, the spreadsheet import
(cells read as text by `read_cell`), the workshop's confirmation at refurbishment, and a donor's
correction of a declared device. `validate` is the one check of a specs mapping; `problems` gives
every fault at once (a spreadsheet line reports them all). A spec nobody stated is `None`, and a
device without a spec never meets a minimum on it (`meets`): an association asking for 8 GB of
RAM gets no device whose RAM nobody knows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

from ordi.domain.errors import InvalidRecord

StorageKind = Literal["hdd", "ssd", "nvme", "emmc", "hybrid", "other", "none"]
OsLicence = Literal["windows", "macos", "chromeos", "linux", "other", "none"]
STORAGE_KINDS: tuple[str, ...] = ("hdd", "ssd", "nvme", "emmc", "hybrid", "other", "none")
OS_LICENCES: tuple[str, ...] = ("windows", "macos", "chromeos", "linux", "other", "none")

# Bounds: wide enough for any computer the programme sees, narrow enough to catch a typo (RAM in
# MB typed as GB, a year with a swapped digit). The API's schemas keep the same bounds.
MAX_CPU_LENGTH = 200
MIN_RAM_GB = 0.125
MAX_RAM_GB = 4096
MAX_STORAGE_GB = 1_000_000
MIN_SCREEN_INCHES = 3
MAX_SCREEN_INCHES = 100
FIRST_YEAR = 1980
#: A device is at most from next year (a model year announced early); later is a typo.
YEARS_AHEAD = 1

SPEC_FIELDS: tuple[str, ...] = (
    "cpu",
    "ram_gb",
    "storage_gb",
    "storage_kind",
    "screen_inches",
    "year",
    "os_licence",
)
#: The specs a minimum may name: numbers are "at least", kinds and licences "one of".
MIN_FIELDS: tuple[str, ...] = ("ram_gb", "storage_gb", "storage_kind", "screen_inches", "year", "os_licence")


@dataclass(frozen=True, slots=True)
class Specs:
    """A device's specs; every field optional (None: nobody said)."""

    cpu: str | None = None
    ram_gb: float | None = None
    storage_gb: int | None = None
    storage_kind: str | None = None
    screen_inches: float | None = None
    year: int | None = None
    os_licence: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def merged(self, other: Specs) -> Specs:
        """These specs with every field `other` states put in their place (a workshop's correction)."""
        given = {f.name: getattr(other, f.name) for f in fields(other) if getattr(other, f.name) is not None}
        return Specs(**{**self.as_dict(), **given})

    @property
    def empty(self) -> bool:
        return all(v is None for v in self.as_dict().values())


@dataclass(frozen=True, slots=True)
class Problem:
    """One bad spec: the field, the message key of `ordi.i18n` and its parameters."""

    field: str
    key: str
    params: dict[str, Any]


@dataclass(frozen=True, slots=True)
class MinSpecs:
    """An association's minimum for one request line: each stated number is a floor, each stated
    list the kinds (or licences) accepted."""

    ram_gb: float | None = None
    storage_gb: int | None = None
    storage_kind: tuple[str, ...] | None = None
    screen_inches: float | None = None
    year: int | None = None
    os_licence: tuple[str, ...] | None = None

    def as_dict(self) -> dict[str, Any]:
        """What is stored and answered: the stated fields only, lists as lists."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                out[f.name] = list(value) if isinstance(value, tuple) else value
        return out


# --- checking a specs mapping ----------------------------------------------------------------


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check(name: str, value: Any, this_year: int) -> Problem | None:
    """The fault of one spec value, or None; `value` is not None."""

    def bad(key: str, **params: Any) -> Problem:
        return Problem(name, key, {"value": value, **params})

    if name == "cpu":
        if not isinstance(value, str):
            return bad("spec_text")
        if len(value) > MAX_CPU_LENGTH:
            return bad("spec_cpu_too_long", max=MAX_CPU_LENGTH)
        return None
    if name == "storage_kind":
        return None if value in STORAGE_KINDS else bad("spec_storage_kind", allowed=", ".join(STORAGE_KINDS))
    if name == "os_licence":
        return None if value in OS_LICENCES else bad("spec_os_licence", allowed=", ".join(OS_LICENCES))
    low, high = _range(name, this_year)
    whole = name in ("storage_gb", "year")
    if not _number(value) or not low <= value <= high or (whole and not float(value).is_integer()):
        return bad(f"spec_{name}", min=low, max=high)
    return None


def _range(name: str, this_year: int) -> tuple[float, float]:
    """The bounds of a numeric spec, both included."""
    return {
        "ram_gb": (MIN_RAM_GB, MAX_RAM_GB),
        "storage_gb": (1, MAX_STORAGE_GB),
        "screen_inches": (MIN_SCREEN_INCHES, MAX_SCREEN_INCHES),
        "year": (FIRST_YEAR, this_year + YEARS_AHEAD),
    }[name]


def problems(values: Mapping[str, Any], this_year: int) -> list[Problem]:
    """Every fault of a specs mapping (unknown names, types, ranges, kinds, consistency)."""
    found: list[Problem] = []
    for name, value in values.items():
        if name not in SPEC_FIELDS:
            found.append(Problem(name, "spec_unknown", {"value": name, "allowed": ", ".join(SPEC_FIELDS)}))
        elif value is not None:
            problem = _check(name, value, this_year)
            if problem is not None:
                found.append(problem)
    if not found and values.get("storage_kind") == "none" and values.get("storage_gb") is not None:
        found.append(Problem("storage_gb", "spec_storage_none", {"value": values["storage_gb"]}))
    return found


def validate(values: Mapping[str, Any], this_year: int) -> Specs:
    """The one check of a specs mapping (JSON declaration, refurbishment, correction): the specs,
    or InvalidRecord naming the first bad field."""
    found = problems(values, this_year)
    if found:
        first = found[0]
        raise InvalidRecord(first.key, field=first.field, **first.params)
    return _specs(values)


def _specs(values: Mapping[str, Any]) -> Specs:
    given = {name: values.get(name) for name in SPEC_FIELDS}
    cpu = given["cpu"]
    return Specs(
        cpu=" ".join(cpu.split()) or None if isinstance(cpu, str) else None,
        ram_gb=float(given["ram_gb"]) if given["ram_gb"] is not None else None,
        storage_gb=int(given["storage_gb"]) if given["storage_gb"] is not None else None,
        storage_kind=given["storage_kind"],
        screen_inches=float(given["screen_inches"]) if given["screen_inches"] is not None else None,
        year=int(given["year"]) if given["year"] is not None else None,
        os_licence=given["os_licence"],
    )


def from_row(row: Mapping[str, Any]) -> Specs:
    """The specs kept on a device row (its columns are named like the fields)."""
    return Specs(**{name: row.get(name) for name in SPEC_FIELDS})


# --- reading a spreadsheet cell ----------------------------------------------------------------


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


#: Words people write for a storage kind. A column headed « SSD » holds oui/non: oui is an SSD,
#: non a hard disk (the usual other case; the workshop confirms at refurbishment).
_STORAGE_WORDS: dict[str, str] = {
    **{k: k for k in STORAGE_KINDS},
    "disque dur": "hdd",
    "hard disk": "hdd",
    "hard drive": "hdd",
    "mecanique": "hdd",
    "sata ssd": "ssd",
    "ssd sata": "ssd",
    "m.2": "nvme",
    "m2": "nvme",
    "ssd nvme": "nvme",
    "nvme ssd": "nvme",
    "pcie": "nvme",
    "sshd": "hybrid",
    "hybride": "hybrid",
    "flash": "emmc",
    "autre": "other",
    "aucun": "none",
    "aucune": "none",
    "sans": "none",
    "sans disque": "none",
    "pas de disque": "none",
    "no disk": "none",
    "oui": "ssd",
    "yes": "ssd",
    "x": "ssd",
    "non": "hdd",
    "no": "hdd",
}
#: A licence cell names the system, often with its version (« Windows 10 Pro », « Ubuntu 22.04 »):
#: its first word decides.
_LICENCE_WORDS: dict[str, str] = {
    **{k: k for k in OS_LICENCES},
    "win": "windows",
    "win10": "windows",
    "win11": "windows",
    "mac": "macos",
    "os x": "macos",
    "osx": "macos",
    "chrome": "chromeos",
    "chromebook": "chromeos",
    "ubuntu": "linux",
    "debian": "linux",
    "mint": "linux",
    "fedora": "linux",
    "primtux": "linux",
    "emmabuntus": "linux",
    "autre": "other",
    "aucun": "none",
    "aucune": "none",
    "sans": "none",
    "non": "none",
}
_NUMBER = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([a-z\"″'’ ]*)\s*$")
#: Units a number cell may carry, per spec, as a factor to the spec's unit.
_UNITS: dict[str, dict[str, float]] = {
    "ram_gb": {"": 1, "go": 1, "gb": 1, "g": 1, "gio": 1, "gib": 1, "mo": 1 / 1024, "mb": 1 / 1024},
    "storage_gb": {"": 1, "go": 1, "gb": 1, "g": 1, "to": 1000, "tb": 1000},
    "screen_inches": {"": 1, '"': 1, "″": 1, "pouces": 1, "pouce": 1, "in": 1, "inch": 1, "inches": 1},
    "year": {"": 1},
}


class CellError(ValueError):
    """A cell that says nothing the spec can hold: the message key and its parameters."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def read_cell(name: str, text: str) -> Any:
    """A spreadsheet cell as the value of spec `name` (None when empty), or CellError.

    Numbers take a decimal comma and a unit (`8 Go`, `1 To`, `15,6"`); a storage kind or a
    licence is read from the words people write (`disque dur`, `Windows 10 Pro`, `aucun`).
    The value is then checked by `problems` like any other.
    """
    cell = text.strip()
    if not cell:
        return None
    if name == "cpu":
        return cell
    folded = _fold(cell)
    if name == "storage_kind":
        kind = _STORAGE_WORDS.get(folded)
        if kind is None:
            raise CellError("spec_storage_kind", value=cell, allowed=", ".join(STORAGE_KINDS))
        return kind
    if name == "os_licence":
        first = folded.split()[0]
        licence = (
            _LICENCE_WORDS.get(folded) or _LICENCE_WORDS.get(first) or _LICENCE_WORDS.get(first.rstrip("0123456789"))
        )
        if licence is None:
            raise CellError("spec_os_licence", value=cell, allowed=", ".join(OS_LICENCES))
        return licence
    match = _NUMBER.match(folded)
    factor = _UNITS[name].get(match.group(2).strip()) if match else None
    if match is None or factor is None:
        raise CellError("cell_number", value=cell)
    number = float(match.group(1).replace(",", ".")) * factor
    if name in ("storage_gb", "year"):
        return int(number) if number.is_integer() else number
    return round(number, 3)


# --- minimum specs ---------------------------------------------------------------------------


def validate_minimum(values: Mapping[str, Any], this_year: int) -> MinSpecs:
    """An association's minimum for a request line, or InvalidRecord naming the first bad field.

    Each number is checked like a device's spec; a list of kinds or licences must name known ones.
    """
    for name, value in values.items():
        if name not in MIN_FIELDS:
            raise InvalidRecord("spec_unknown", field=name, value=name, allowed=", ".join(MIN_FIELDS))
        if value is None:
            continue
        if name in ("storage_kind", "os_licence"):
            if not isinstance(value, Sequence) or isinstance(value, str) or not value:
                raise InvalidRecord("min_specs_list", field=name)
            for item in value:
                problem = _check(name, item, this_year)
                if problem is not None:
                    raise InvalidRecord(problem.key, field=name, **problem.params)
        else:
            problem = _check(name, value, this_year)
            if problem is not None:
                raise InvalidRecord(problem.key, field=name, **problem.params)
    kinds = values.get("storage_kind")
    licences = values.get("os_licence")
    return MinSpecs(
        ram_gb=float(values["ram_gb"]) if values.get("ram_gb") is not None else None,
        storage_gb=int(values["storage_gb"]) if values.get("storage_gb") is not None else None,
        storage_kind=tuple(dict.fromkeys(kinds)) if kinds else None,
        screen_inches=float(values["screen_inches"]) if values.get("screen_inches") is not None else None,
        year=int(values["year"]) if values.get("year") is not None else None,
        os_licence=tuple(dict.fromkeys(licences)) if licences else None,
    )


def minimum_from_dict(values: Mapping[str, Any] | None) -> MinSpecs | None:
    """A stored minimum (`MinSpecs.as_dict`) read back; None when the line states none."""
    if not values:
        return None
    kinds = values.get("storage_kind")
    licences = values.get("os_licence")
    return MinSpecs(
        ram_gb=values.get("ram_gb"),
        storage_gb=values.get("storage_gb"),
        storage_kind=tuple(kinds) if kinds else None,
        screen_inches=values.get("screen_inches"),
        year=values.get("year"),
        os_licence=tuple(licences) if licences else None,
    )


#: Numbers of a minimum: each a floor on the device's spec of the same name.
FLOORS: tuple[str, ...] = ("ram_gb", "storage_gb", "screen_inches", "year")
#: Lists of a minimum: the device's spec must be one of them.
ONE_OF: tuple[str, ...] = ("storage_kind", "os_licence")


def meets(specs: Specs, minimum: MinSpecs | None) -> bool:
    """Whether a device's specs meet a minimum. A spec the minimum states and the device lacks
    (None) is not met. The allocation query applies the same rule in SQL (`FLOORS`, `ONE_OF`)."""
    if minimum is None:
        return True
    for name in FLOORS:
        floor = getattr(minimum, name)
        if floor is None:
            continue
        value = getattr(specs, name)
        if value is None or value < floor:
            return False
    for name in ONE_OF:
        accepted = getattr(minimum, name)
        if accepted is None:
            continue
        if getattr(specs, name) not in accepted:
            return False
    return True
