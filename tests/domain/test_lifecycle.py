"""The rules of the device journey, without any I/O."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from ordi.domain.errors import Forbidden, InvalidRecord, TransitionNotAllowed
from ordi.domain.lifecycle import (
    TRANSITIONS,
    Action,
    Actor,
    DeviceFacts,
    EventFacts,
    OrgKind,
    State,
    available_actions,
    decide,
    fold,
)
from ordi.domain.records import (
    AssignRecord,
    Beneficiary,
    HandOverRecord,
    LossRecord,
    Medium,
    ReceiveRecord,
    RecycleRecord,
    RefurbishRecord,
    ReserveRecord,
    WipeRecord,
)

TODAY = date(2026, 11, 23)
DONOR, WORKSHOP, OTHER_WORKSHOP, ASSOCIATION, OTHER_ASSOCIATION, OPERATOR, COMMITTEE = 1, 2, 3, 4, 5, 6, 7
LABEL = {"label_valid_from": date(2026, 1, 1), "label_valid_until": date(2027, 1, 1)}

donor = Actor(10, DONOR, OrgKind.DONOR)
workshop = Actor(20, WORKSHOP, OrgKind.REFURBISHER, **LABEL)
other_workshop = Actor(30, OTHER_WORKSHOP, OrgKind.REFURBISHER, **LABEL)
expired_workshop = Actor(31, OTHER_WORKSHOP, OrgKind.REFURBISHER, date(2025, 12, 31), date(2025, 1, 1))
association = Actor(40, ASSOCIATION, OrgKind.ASSOCIATION, **LABEL)
other_association = Actor(50, OTHER_ASSOCIATION, OrgKind.ASSOCIATION, **LABEL)
operator = Actor(60, OPERATOR, OrgKind.OPERATOR)
committee = Actor(70, COMMITTEE, OrgKind.COMMITTEE)

WIPED = WipeRecord(level="purge", method="secure erase", tool="nwipe", media=[Medium("ssd", "S1", "erased")])
FAILED = WipeRecord(level="purge", method="secure erase", tool="nwipe", media=[Medium("hdd", "H1", "failed")])
DESTROYED = WipeRecord(level="destroy", method="broyage", tool="broyeur", media=[Medium("hdd", "H1", "destroyed")])
REFURBISHED = RefurbishRecord(grade="B", labour_minutes=60)
RESERVED = ReserveRecord(association_id=ASSOCIATION)
HANDED = HandOverRecord(Beneficiary("student", "18_25", "76"))
RECYCLED = RecycleRecord(reason="carte mère HS", weight_kg=2.1, channel="eco_organism")


def declared(has_storage: bool = True, in_charge: int | None = WORKSHOP) -> DeviceFacts:
    """A declared device whose pickup (or drop-off) `workshop` is in charge of, by default."""
    return DeviceFacts(
        state=State.DECLARED,
        has_storage=has_storage,
        data_cleared=not has_storage,
        donor_id=DONOR,
        custodian_id=DONOR,
        refurbisher_id=in_charge,
    )


def step(device: DeviceFacts, actor: Actor, action: Action, record: object = None) -> DeviceFacts:
    return decide(device, actor, action, record, TODAY).after  # type: ignore[arg-type]


def received(has_storage: bool = True) -> DeviceFacts:
    return step(step(declared(has_storage), workshop, Action.COLLECT), workshop, Action.RECEIVE)


def ready() -> DeviceFacts:
    return step(step(received(), workshop, Action.WIPE, WIPED), workshop, Action.REFURBISH, REFURBISHED)


def test_full_journey_reaches_handed_over() -> None:
    device = step(ready(), operator, Action.RESERVE, RESERVED)
    device = step(device, workshop, Action.SHIP)
    device = step(device, association, Action.DELIVER)
    device = step(device, association, Action.HAND_OVER, HANDED)
    assert device.state is State.HANDED_OVER
    assert device.custodian_id == ASSOCIATION


def test_collect_gives_custody_to_the_workshop() -> None:
    device = step(declared(), workshop, Action.COLLECT)
    assert (device.state, device.custodian_id, device.refurbisher_id) == (State.COLLECTED, WORKSHOP, WORKSHOP)


def test_drop_off_receives_a_declared_device_directly() -> None:
    assert step(declared(), workshop, Action.RECEIVE).state is State.RECEIVED


def test_workshop_with_expired_label_cannot_take_custody() -> None:
    with pytest.raises(Forbidden) as error:
        decide(declared(), expired_workshop, Action.COLLECT, None, TODAY)
    assert error.value.key == "label_invalid"


def test_only_the_custodian_workshop_wipes() -> None:
    with pytest.raises(Forbidden):
        decide(received(), other_workshop, Action.WIPE, WIPED, TODAY)


def test_failed_wipe_is_recorded_but_leaves_the_device_received() -> None:
    decision = decide(received(), workshop, Action.WIPE, FAILED, TODAY)
    assert decision.outcome == "failed"
    assert decision.to_state is State.RECEIVED
    assert decision.after.data_cleared is False


def test_device_with_storage_is_never_ready_without_a_passed_wipe() -> None:
    with pytest.raises(TransitionNotAllowed) as error:
        decide(received(), workshop, Action.REFURBISH, REFURBISHED, TODAY)
    assert error.value.key == "wipe_required"


def test_device_without_storage_is_refurbished_straight_from_received() -> None:
    assert step(received(has_storage=False), workshop, Action.REFURBISH, REFURBISHED).state is State.READY


def test_a_wipe_proves_storage_on_a_device_declared_without() -> None:
    device = step(received(has_storage=False), workshop, Action.WIPE, WIPED)
    assert (device.state, device.has_storage, device.data_cleared) == (State.WIPED, True, True)


def test_workshop_finding_storage_at_reception_requires_a_wipe() -> None:
    found = step(
        step(declared(has_storage=False), workshop, Action.COLLECT),
        workshop,
        Action.RECEIVE,
        ReceiveRecord(has_storage=True),
    )
    assert found.has_storage is True and found.data_cleared is False
    with pytest.raises(TransitionNotAllowed):
        decide(found, workshop, Action.REFURBISH, REFURBISHED, TODAY)


def test_recycling_with_storage_needs_destroyed_media() -> None:
    with pytest.raises(TransitionNotAllowed) as error:
        decide(received(), workshop, Action.RECYCLE, RECYCLED, TODAY)
    assert error.value.key == "destruction_required"
    destroyed = step(received(), workshop, Action.WIPE, DESTROYED)
    assert step(destroyed, workshop, Action.RECYCLE, RECYCLED).state is State.RECYCLED


def test_destroy_level_does_not_accept_erased_media() -> None:
    record = WipeRecord(level="destroy", method="x", tool="y", media=[Medium("hdd", "H", "erased")])
    with pytest.raises(InvalidRecord):
        decide(received(), workshop, Action.WIPE, record, TODAY)


def test_terminal_states_accept_nothing() -> None:
    recycled = step(received(has_storage=False), workshop, Action.RECYCLE, RECYCLED)
    for action in Action:
        if action is Action.DECLARE:
            continue
        if action is Action.CORRECT:  # a record may still be wrong: corrected, the device stays put
            assert TRANSITIONS[action][recycled.state] is recycled.state
            continue
        assert recycled.state not in TRANSITIONS[action]


def test_only_the_receiving_association_confirms_delivery() -> None:
    shipped = step(step(ready(), operator, Action.RESERVE, RESERVED), workshop, Action.SHIP)
    with pytest.raises(Forbidden):
        decide(shipped, other_association, Action.DELIVER, None, TODAY)


def test_hand_over_needs_the_beneficiary_record() -> None:
    shipped = step(step(ready(), operator, Action.RESERVE, RESERVED), workshop, Action.SHIP)
    delivered = step(shipped, association, Action.DELIVER)
    with pytest.raises(InvalidRecord):
        decide(delivered, association, Action.HAND_OVER, None, TODAY)


def test_return_then_receive_requires_a_new_wipe() -> None:
    device = step(ready(), operator, Action.RESERVE, RESERVED)
    device = step(step(device, workshop, Action.SHIP), association, Action.DELIVER)
    device = step(step(device, association, Action.HAND_OVER, HANDED), association, Action.RETURN)
    assert device.custodian_id == WORKSHOP
    device = step(device, workshop, Action.RECEIVE)
    assert device.state is State.RECEIVED and device.data_cleared is False
    assert device.association_id is None


def test_donors_and_committee_cannot_act_on_devices() -> None:
    for actor in (donor, committee):
        with pytest.raises(Forbidden):
            decide(declared(), actor, Action.COLLECT, None, TODAY)


def test_only_operator_reserves() -> None:
    with pytest.raises(Forbidden):
        decide(ready(), workshop, Action.RESERVE, RESERVED, TODAY)


def test_wrong_actor_is_refused_before_the_state_is_revealed() -> None:
    # A stranger learns "forbidden", not "the device is declared".
    with pytest.raises(Forbidden):
        decide(declared(), association, Action.SHIP, None, TODAY)


def test_lose_is_allowed_from_every_non_terminal_state() -> None:
    for state in State:
        if state in (State.RECYCLED, State.LOST, State.WITHDRAWN):
            continue
        device = replace(received(), state=state)
        assert step(device, operator, Action.LOSE, LossRecord("volé")).state is State.LOST


def test_available_actions_match_what_decide_accepts() -> None:
    assert available_actions(declared(), workshop, TODAY) == [Action.COLLECT, Action.RECEIVE]
    assert Action.REFURBISH not in available_actions(received(), workshop, TODAY)
    assert Action.WIPE in available_actions(received(), workshop, TODAY)
    assert available_actions(received(), other_workshop, TODAY) == []


def test_fold_of_events_gives_the_same_facts_as_the_steps() -> None:
    events = [
        EventFacts(Action.DECLARE, DONOR, State.DECLARED),
        EventFacts(Action.COLLECT, WORKSHOP, State.COLLECTED),
        EventFacts(Action.RECEIVE, WORKSHOP, State.RECEIVED),
        EventFacts(Action.WIPE, WORKSHOP, State.RECEIVED, outcome="failed"),
        EventFacts(Action.WIPE, WORKSHOP, State.WIPED),
        EventFacts(Action.REFURBISH, WORKSHOP, State.READY),
        EventFacts(Action.RESERVE, OPERATOR, State.RESERVED, association_id=ASSOCIATION),
        EventFacts(Action.SHIP, WORKSHOP, State.SHIPPED),
        EventFacts(Action.DELIVER, ASSOCIATION, State.DELIVERED),
    ]
    expected = step(step(ready(), operator, Action.RESERVE, RESERVED), workshop, Action.SHIP)
    expected = step(expected, association, Action.DELIVER)
    assert fold(DONOR, True, events) == expected


def test_label_prints_are_history_only_and_the_fold_skips_them() -> None:
    from ordi.domain.lifecycle import CLIENT_ACTIONS, RECORD_ONLY_ACTIONS

    assert Action.LABEL_PRINTED in RECORD_ONLY_ACTIONS
    assert Action.LABEL_PRINTED not in CLIENT_ACTIONS and TRANSITIONS[Action.LABEL_PRINTED] == {}
    for state in State:
        for actor in (donor, workshop, association, operator):
            device = replace(received(), state=state)
            assert Action.LABEL_PRINTED not in available_actions(device, actor, TODAY)
    with pytest.raises(Forbidden):
        decide(received(), workshop, Action.LABEL_PRINTED, None, TODAY)
    printed = EventFacts(Action.LABEL_PRINTED, DONOR, State.DECLARED)
    events = [
        EventFacts(Action.DECLARE, DONOR, State.DECLARED),
        printed,
        EventFacts(Action.COLLECT, WORKSHOP, State.COLLECTED),
        EventFacts(Action.LABEL_PRINTED, WORKSHOP, State.COLLECTED),
        EventFacts(Action.RECEIVE, WORKSHOP, State.RECEIVED),
        EventFacts(Action.LABEL_PRINTED, OTHER_WORKSHOP, State.RECEIVED),
    ]
    without = [e for e in events if e.action is not Action.LABEL_PRINTED]
    assert fold(DONOR, True, events) == fold(DONOR, True, without) == received()


def test_a_donor_cannot_mark_its_declared_device_lost() -> None:
    with pytest.raises(Forbidden):
        decide(declared(), donor, Action.LOSE, LossRecord("perdu ?"), TODAY)
    assert Action.LOSE not in available_actions(declared(), donor, TODAY)


def test_only_the_workshop_in_charge_collects_a_declared_device() -> None:
    for device, actor in ((declared(in_charge=None), workshop), (declared(), other_workshop)):
        with pytest.raises(Forbidden) as error:
            decide(device, actor, Action.COLLECT, None, TODAY)
        assert error.value.key == "not_workshop_in_charge"
    assert Action.COLLECT not in available_actions(declared(in_charge=None), workshop, TODAY)


def test_an_assignment_puts_a_workshop_in_charge_without_moving_the_device() -> None:
    device = step(declared(in_charge=None), operator, Action.ASSIGN, AssignRecord(workshop_id=OTHER_WORKSHOP))
    assert (device.state, device.refurbisher_id, device.custodian_id) == (State.DECLARED, OTHER_WORKSHOP, DONOR)
    assert step(device, other_workshop, Action.COLLECT).custodian_id == OTHER_WORKSHOP
    cancelled = step(device, donor, Action.ASSIGN, AssignRecord(workshop_id=None))
    assert cancelled.refurbisher_id is None


def test_an_assignment_is_not_a_client_step_and_only_for_declared_devices() -> None:
    assert Action.ASSIGN not in available_actions(declared(in_charge=None), operator, TODAY)
    with pytest.raises(TransitionNotAllowed):
        decide(received(), operator, Action.ASSIGN, AssignRecord(workshop_id=WORKSHOP), TODAY)
    with pytest.raises(Forbidden):
        decide(declared(), association, Action.ASSIGN, AssignRecord(workshop_id=WORKSHOP), TODAY)


def test_the_fold_replays_assignments() -> None:
    events = [
        EventFacts(Action.ASSIGN, OPERATOR, State.DECLARED, workshop_id=OTHER_WORKSHOP),
        EventFacts(Action.COLLECT, OTHER_WORKSHOP, State.COLLECTED),
    ]
    facts = fold(DONOR, True, events)
    assert (facts.state, facts.refurbisher_id, facts.custodian_id) == (State.COLLECTED, OTHER_WORKSHOP, OTHER_WORKSHOP)
