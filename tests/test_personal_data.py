"""PRIVACY.md is the record of processing, true to the schema: every column of every table is said
personal or not (`ordi.personal_data`), every personal column is named in PRIVACY.md under its kind,
and a column whose name looks personal is not said otherwise without a reason."""

from __future__ import annotations

import re
from pathlib import Path

from ordi.personal_data import LOOKS_PERSONAL, NOT_PERSONAL, NOT_PERSONAL_BECAUSE, PERSONAL
from ordi.piccolo_app import TABLES

RECORD = Path(__file__).resolve().parent.parent / "PRIVACY.md"


def _columns() -> set[str]:
    return {f"{t._meta.tablename}.{c._meta.db_column_name}" for t in TABLES for c in t._meta.columns}


def _not_personal() -> set[str]:
    return {f"{table}.{column}" for table, columns in NOT_PERSONAL.items() for column in columns}


def test_every_column_of_every_table_is_classified_once() -> None:
    columns = _columns()
    personal, other = set(PERSONAL), _not_personal()
    assert personal & other == set(), "said both personal and not"
    unclassified = columns - personal - other
    assert unclassified == set(), f"classez ces colonnes dans ordi/personal_data.py (et PRIVACY.md) : {unclassified}"
    assert (personal | other) - columns == set(), "the register names columns that no longer exist"


def _sections(text: str) -> dict[str, str]:
    """PRIVACY.md's sections by the kind named in their title: ``## Title (`kind`)``."""
    parts = re.split(r"^## .*\(`(\w+)`\)\s*$", text, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_every_personal_column_is_in_the_record_under_its_kind() -> None:
    sections = _sections(RECORD.read_text(encoding="utf-8"))
    assert set(PERSONAL.values()) <= set(sections), "a kind of data has no section in PRIVACY.md"
    for column, kind in PERSONAL.items():
        assert f"`{column}`" in sections[kind], f"PRIVACY.md, section `{kind}`, ne nomme pas `{column}`"
    for kind, body in sections.items():
        for part in ("**Données**", "**Pourquoi**", "**Qui voit**", "**Combien de temps**", "**Droits**"):
            assert part in body, f"section `{kind}` : {part} manque"


def test_a_column_that_looks_personal_is_personal_unless_a_reason_says_otherwise() -> None:
    for column in _not_personal():
        words = set(column.split(".", 1)[1].split("_"))
        if words & set(LOOKS_PERSONAL):
            assert column in NOT_PERSONAL_BECAUSE, f"{column} looks personal: classify it, or say why not"
    assert set(NOT_PERSONAL_BECAUSE) <= _not_personal()


def test_the_retention_settings_the_record_cites_exist() -> None:
    text = RECORD.read_text(encoding="utf-8")
    config = (Path(__file__).resolve().parent.parent / "ordi" / "config.py").read_text(encoding="utf-8")
    for setting in set(re.findall(r"`(ORDI_[A-Z_]+)`", text)) - {"ORDI_SMTP_"}:
        assert f'"{setting}"' in config, setting
