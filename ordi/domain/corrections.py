"""What a donor's edit or a correcting event does to a device's record: its projection before → after.

`ordi.domain.lifecycle` decides who may edit or correct, and when (`amend`, `withdraw`, `correct`);
these pure rules say what the entry changes: the columns of the device row it rewrites, each as
(before, after), and the payload its history entry keeps. The history stays append-only: a
correcting event names the entry it corrects (`corrects`), keeps it, and carries the record's
values after it (`values`), so the next correction and the committee's figures read the record
from the last correction of its chain. A projection given as before → after is also what a
rollup of the figures needs to move a device from one cell to another (grade A → B).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ordi.domain.categories import has_storage_by_default
from ordi.domain.errors import InvalidRecord
from ordi.domain.records import CORRECTABLE, DECLARED_FIELDS, AmendRecord, CorrectionRecord, normalise_value

#: Fields of a record that live on the device row (the others, like labour minutes, in the log only).
PROJECTED: frozenset[str] = frozenset({*DECLARED_FIELDS, "grade"})


@dataclass(frozen=True, slots=True)
class Effect:
    """Device columns before → after (only those that change), and the history entry's payload."""

    projection: dict[str, tuple[Any, Any]]
    payload: dict[str, Any]

    def after(self) -> dict[str, Any]:
        return {name: new for name, (_, new) in self.projection.items()}


def amend(row: Mapping[str, Any], record: AmendRecord) -> Effect:
    """The donor's new values for a declared device; unchanged fields are left out (maybe all).

    A category that holds storage by default (laptop) makes the device one with storage if it was
    not: a disk must never skip its wipe because it was first declared as a monitor.
    """
    changes = {name: normalise_value(name, value) for name, value in record.changes.items()}
    projection: dict[str, tuple[Any, Any]] = {
        name: (row[name], value) for name, value in changes.items() if row[name] != value
    }
    payload: dict[str, Any] = {"changes": {n: {"from": b, "to": a} for n, (b, a) in projection.items()}}
    if "category" in projection and not row["has_storage"] and has_storage_by_default(changes["category"]):
        projection["has_storage"] = (False, True)
        projection["data_cleared"] = (row["data_cleared"], False)
        payload["has_storage"] = True
    return Effect(projection, payload)


def correct(
    row: Mapping[str, Any], record: CorrectionRecord, current: Mapping[str, Any], *, root: int, latest: bool
) -> Effect:
    """A correcting event of a record whose values are `current` (the original entry's, or its last
    correction's); `root`: the original entry; `latest`: it is the device's latest record of its
    kind (its last refurbishment), so the device row takes its values. Declared fields live on the
    row alone: a correction of them is the device's word on them from now on."""
    fields = CORRECTABLE[record.corrected_action]
    changes = {name: normalise_value(name, value) for name, value in record.changes.items()}
    if all(current.get(name) == value for name, value in changes.items()):
        raise InvalidRecord("correction_changes_nothing")
    values = {**{name: current.get(name) for name in fields}, **changes}
    declared = record.corrected_action in ("declare", "amend")
    projection: dict[str, tuple[Any, Any]] = {}
    for name, value in changes.items():
        if name in PROJECTED and (declared or latest) and row[name] != value:
            projection[name] = (row[name], value)
    payload = {
        "corrected_action": record.corrected_action,
        "original_event": root,
        "reason": record.reason.strip(),
        "changes": {name: {"from": current.get(name), "to": value} for name, value in changes.items()},
        "values": values,
    }
    return Effect(projection, payload)


def record_values(action: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The correctable values an entry holds: a correction's `values`, an original entry's own fields."""
    if action == "correct":
        return dict(payload.get("values") or {})
    return {name: payload.get(name) for name in CORRECTABLE.get(action, ())}


def replay(declared: Mapping[str, Any], events: Iterable[tuple[int, str, Mapping[str, Any]]]) -> dict[str, Any]:
    """The record a device's row should hold, from its declaration and its history in order
    (`(event id, action, payload)`): the donor's edits, the last refurbishment's grade, and every
    correction. Tests check the row against it, as they check the state against `lifecycle.fold`."""
    sheet: dict[str, Any] = {name: declared[name] for name in DECLARED_FIELDS}
    grades: dict[int, Any] = {}
    last_refurbish: int | None = None
    for event_id, action, payload in events:
        kind = payload.get("corrected_action") if action == "correct" else action
        if action == "amend" or (action == "correct" and kind in ("declare", "amend")):
            for name, change in (payload.get("changes") or {}).items():
                if name in DECLARED_FIELDS:
                    sheet[name] = change["to"]
        elif action == "refurbish":
            last_refurbish = event_id
            grades[event_id] = payload.get("grade")
        elif action == "correct" and kind == "refurbish":
            grades[int(payload["original_event"])] = (payload.get("values") or {}).get("grade")
    sheet["grade"] = grades.get(last_refurbish) if last_refurbish is not None else None
    return sheet
