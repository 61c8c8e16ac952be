"""Edits, removals and correcting events, without any I/O (issue 9, item 6)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ordi.domain import corrections
from ordi.domain.errors import Forbidden, InvalidRecord, TransitionNotAllowed
from ordi.domain.lifecycle import (
    CLIENT_ACTIONS,
    Action,
    EventFacts,
    State,
    available_actions,
    decide,
    fold,
)
from ordi.domain.records import AmendRecord, CorrectionRecord, WithdrawRecord
from tests.domain.test_lifecycle import (
    DONOR,
    TODAY,
    association,
    declared,
    donor,
    operator,
    other_workshop,
    received,
    workshop,
)

ROW = {
    "category": "monitor",
    "brand": "Dell",
    "model": "P2419H",
    "serial_number": "CN-1",
    "grade": None,
    "has_storage": False,
    "data_cleared": True,
}


def _correction(action: str = "refurbish", **changes: object) -> CorrectionRecord:
    return CorrectionRecord(corrects=7, corrected_action=action, reason="relu", changes=changes or {"grade": "B"})


def test_only_the_donor_edits_or_withdraws_a_declared_device() -> None:
    record = AmendRecord(changes={"model": "P2422H"})
    assert decide(declared(), donor, Action.AMEND, record, TODAY).after == declared()
    for actor in (workshop, operator, association):
        with pytest.raises(Forbidden):
            decide(declared(), actor, Action.AMEND, record, TODAY)
    other_donor = replace(donor, organisation_id=99)
    with pytest.raises(Forbidden):
        decide(declared(), other_donor, Action.WITHDRAW, WithdrawRecord(), TODAY)
    withdrawn = decide(declared(), donor, Action.WITHDRAW, WithdrawRecord("doublon"), TODAY).after
    assert (withdrawn.state, withdrawn.refurbisher_id, withdrawn.custodian_id) == (State.WITHDRAWN, None, DONOR)
    # Withdrawn: out of the journey, nobody collects it, nothing more to edit.
    assert available_actions(withdrawn, workshop, TODAY) == []
    with pytest.raises(TransitionNotAllowed) as refused:
        decide(withdrawn, donor, Action.AMEND, record, TODAY)
    assert refused.value.key == "edit_after_collection"


def test_after_collection_the_donor_is_refused_with_the_reason() -> None:
    with pytest.raises(TransitionNotAllowed) as refused:
        decide(received(), donor, Action.AMEND, AmendRecord(changes={"model": "X"}), TODAY)
    assert refused.value.key == "edit_after_collection" and refused.value.params["state"] == "received"


def test_only_the_workshop_in_charge_or_the_operator_corrects_after_collection() -> None:
    for actor in (workshop, operator):
        assert decide(received(), actor, Action.CORRECT, _correction(), TODAY).after == received()
    for actor in (other_workshop, donor, association):
        with pytest.raises(Forbidden):
            decide(received(), actor, Action.CORRECT, _correction(), TODAY)
    with pytest.raises(TransitionNotAllowed) as refused:
        decide(declared(), workshop, Action.CORRECT, _correction(), TODAY)
    assert refused.value.key == "correct_before_collection"


def test_edits_are_never_bench_steps() -> None:
    for action in (Action.AMEND, Action.WITHDRAW, Action.CORRECT):
        assert action not in CLIENT_ACTIONS
        assert action not in available_actions(declared(), donor, TODAY)
        assert action not in available_actions(received(), workshop, TODAY)


@pytest.mark.parametrize(
    ("record", "key"),
    [
        (AmendRecord(changes={}), "edit_nothing"),
        (AmendRecord(changes={"grade": "A"}), "edit_field_not_correctable"),
        (AmendRecord(changes={"category": "fridge"}), "edit_value_invalid"),
        (AmendRecord(changes={"brand": "x" * 101}), "edit_value_invalid"),
        (_correction(model="X"), "edit_field_not_correctable"),
        (_correction("declare", grade="A"), "edit_field_not_correctable"),
        (_correction("wipe", grade="A"), "correction_target_invalid"),
        (_correction(labour_minutes=-1), "labour_minutes_range"),
        (_correction(labour_minutes=True), "labour_minutes_range"),
        (replace(_correction(), reason=" "), "correction_reason_required"),
        (WithdrawRecord(reason="x" * 501), "reason_too_long"),
    ],
)
def test_bad_records_are_refused(record: AmendRecord | CorrectionRecord | WithdrawRecord, key: str) -> None:
    with pytest.raises(InvalidRecord) as refused:
        record.validate()
    assert refused.value.key == key


def test_an_edit_says_what_changes_from_what_to_what() -> None:
    effect = corrections.amend(ROW, AmendRecord(changes={"brand": "Dell", "serial_number": " cn-2 "}))
    assert effect.projection == {"serial_number": ("CN-1", "CN-2")}
    assert effect.payload == {"changes": {"serial_number": {"from": "CN-1", "to": "CN-2"}}}
    assert corrections.amend(ROW, AmendRecord(changes={"brand": "Dell"})).projection == {}


def test_a_category_with_storage_makes_the_wipe_mandatory() -> None:
    effect = corrections.amend(ROW, AmendRecord(changes={"category": "laptop"}))
    assert effect.after() == {"category": "laptop", "has_storage": True, "data_cleared": False}
    assert effect.payload["has_storage"] is True
    # The fold replays it: the device must be wiped before it can be refurbished.
    events = [EventFacts(Action.AMEND, DONOR, State.DECLARED, has_storage=True)]
    facts = fold(DONOR, False, events)
    assert (facts.has_storage, facts.data_cleared) == (True, False)


def test_a_correction_moves_the_projection_only_for_the_current_record() -> None:
    row = {**ROW, "grade": "A"}
    current = {"grade": "A", "labour_minutes": 90}
    latest = corrections.correct(row, _correction(grade="B"), current, root=7, latest=True)
    assert latest.projection == {"grade": ("A", "B")}
    assert latest.payload == {
        "corrected_action": "refurbish",
        "original_event": 7,
        "reason": "relu",
        "changes": {"grade": {"from": "A", "to": "B"}},
        "values": {"grade": "B", "labour_minutes": 90},
    }
    older = corrections.correct(row, _correction(grade="B"), current, root=7, latest=False)
    assert older.projection == {} and older.payload["values"]["grade"] == "B"
    with pytest.raises(InvalidRecord):
        corrections.correct(row, _correction(grade="A"), current, root=7, latest=True)
    declared_fields = {k: ROW[k] for k in ("category", "brand", "model", "serial_number")}
    model = corrections.correct(ROW, _correction("declare", model="P2422H"), declared_fields, root=1, latest=True)
    assert model.projection == {"model": ("P2419H", "P2422H")}


def test_the_replay_of_a_history_gives_the_corrected_record() -> None:
    history = [
        (1, "declare", {"donation_id": 1}),
        (2, "amend", {"changes": {"model": {"from": "P2419H", "to": "P2422H"}}}),
        (5, "refurbish", {"grade": "A", "labour_minutes": 90}),
        (6, "correct", {"corrected_action": "refurbish", "original_event": 5, "values": {"grade": "B"}, "changes": {}}),
        (7, "correct", {"corrected_action": "declare", "original_event": 1, "changes": {"brand": {"to": "HP"}}}),
        (8, "refurbish", {"grade": "C", "labour_minutes": 10}),  # returned and refurbished again
        (9, "correct", {"corrected_action": "refurbish", "original_event": 5, "values": {"grade": "A"}, "changes": {}}),
    ]
    sheet = corrections.replay(ROW, history[:4])
    assert sheet == {"category": "monitor", "brand": "Dell", "model": "P2422H", "serial_number": "CN-1", "grade": "B"}
    assert corrections.replay(ROW, history)["grade"] == "C"  # the last refurbishment's, whatever older ones say
    assert corrections.replay(ROW, history)["brand"] == "HP"
    assert corrections.replay(ROW, [])["grade"] is None
