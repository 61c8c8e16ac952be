"""The device journey of PRODUCT.md §3: states, actions, who may act, and the hard rules.

Pure Python on purpose: no database, no web framework. The services load the facts of a
device and of the caller, ask `decide` what one action does, and persist the answer. The
same rules therefore hold for the API, the scanning station and the background jobs, and
they are tested here without any I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from ordi.domain.errors import Forbidden, InvalidRecord, TransitionNotAllowed
from ordi.domain.records import (
    AmendRecord,
    AssignRecord,
    CorrectionRecord,
    HandOverRecord,
    LossRecord,
    ReceiveRecord,
    Record,
    RecycleRecord,
    RefurbishRecord,
    ReserveRecord,
    WipeRecord,
    WithdrawRecord,
)


class State(StrEnum):
    DECLARED = "declared"
    COLLECTED = "collected"
    RECEIVED = "received"
    WIPED = "wiped"
    READY = "ready"
    RESERVED = "reserved"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    HANDED_OVER = "handed_over"
    RETURNED = "returned"
    RECYCLED = "recycled"
    LOST = "lost"
    #: Removed by its donor before collection (the device, or its whole donation cancelled).
    WITHDRAWN = "withdrawn"


TERMINAL_STATES = frozenset({State.RECYCLED, State.LOST, State.WITHDRAWN})


class Action(StrEnum):
    DECLARE = "declare"
    COLLECT = "collect"
    RECEIVE = "receive"
    WIPE = "wipe"
    REFURBISH = "refurbish"
    RECYCLE = "recycle"
    RESERVE = "reserve"
    RELEASE = "release"
    SHIP = "ship"
    DELIVER = "deliver"
    HAND_OVER = "hand_over"
    RETURN = "return"
    LOSE = "lose"
    #: Not a step of the journey: a label of the device was printed (history only, see below).
    LABEL_PRINTED = "label_printed"
    #: Not a step either: a workshop is put in charge of collecting a declared device (a pickup
    #: claimed or assigned), or no longer (cancelled). It changes who may see and collect it.
    ASSIGN = "assign"
    #: The donor's edits before collection (`PATCH`/`DELETE` of a declared device or donation) and
    #: the workshop's or operator's correcting events after it: see EDIT_ACTIONS.
    AMEND = "amend"
    WITHDRAW = "withdraw"
    CORRECT = "correct"


class OrgKind(StrEnum):
    DONOR = "donor"
    REFURBISHER = "refurbisher"
    ASSOCIATION = "association"
    COMMITTEE = "committee"
    OPERATOR = "operator"


#: History entries that are not transitions: recorded with from_state == to_state, never asked for
#: through `POST /devices/{tag}/events`, skipped by `fold` and by the committee's figures.
RECORD_ONLY_ACTIONS: frozenset[Action] = frozenset({Action.LABEL_PRINTED})

#: Entries that change the projection without moving the device: recorded with from_state ==
#: to_state by their own services (pickups), replayed by `fold`, skipped by the figures.
STAY_ACTIONS: frozenset[Action] = frozenset({Action.ASSIGN, Action.AMEND, Action.CORRECT})

#: Edits of the record, asked for through their own calls (`PATCH`/`DELETE /devices/{tag}`,
#: `DELETE /donations/{id}`, `POST /devices/{tag}/corrections`), never as a bench step.
EDIT_ACTIONS: frozenset[Action] = frozenset({Action.AMEND, Action.WITHDRAW, Action.CORRECT})

#: Actions a client may ask for through `POST /devices/{tag}/events` (declare comes with the donation).
CLIENT_ACTIONS: tuple[Action, ...] = tuple(
    a for a in Action if a is not Action.DECLARE and a not in RECORD_ONLY_ACTIONS | STAY_ACTIONS | EDIT_ACTIONS
)

# from-state -> to-state for each action. `wipe` maps received -> wiped when it passes; a failed
# wipe is recorded but leaves the device received (see `decide`).
TRANSITIONS: dict[Action, dict[State, State]] = {
    Action.COLLECT: {State.DECLARED: State.COLLECTED},
    Action.RECEIVE: {
        State.COLLECTED: State.RECEIVED,
        State.DECLARED: State.RECEIVED,  # drop-off at the workshop
        State.RETURNED: State.RECEIVED,
    },
    Action.WIPE: {State.RECEIVED: State.WIPED},
    Action.REFURBISH: {State.WIPED: State.READY, State.RECEIVED: State.READY},
    Action.RECYCLE: {State.RECEIVED: State.RECYCLED, State.WIPED: State.RECYCLED, State.READY: State.RECYCLED},
    Action.RESERVE: {State.READY: State.RESERVED},
    Action.RELEASE: {State.RESERVED: State.READY},
    Action.SHIP: {State.RESERVED: State.SHIPPED},
    Action.DELIVER: {State.SHIPPED: State.DELIVERED},
    Action.HAND_OVER: {State.DELIVERED: State.HANDED_OVER},
    Action.RETURN: {State.HANDED_OVER: State.RETURNED, State.DELIVERED: State.RETURNED},
    Action.LOSE: {s: State.LOST for s in State if s not in TERMINAL_STATES},
    Action.LABEL_PRINTED: {},  # history only: never a transition (see RECORD_ONLY_ACTIONS)
    Action.ASSIGN: {State.DECLARED: State.DECLARED},
    Action.AMEND: {State.DECLARED: State.DECLARED},
    Action.WITHDRAW: {State.DECLARED: State.WITHDRAWN},
    # After collection, whatever became of the device (a recycled one's grade may be wrong too).
    Action.CORRECT: {s: s for s in State if s not in (State.DECLARED, State.WITHDRAWN)},
}

#: Why an edit is refused in the device's state, in the caller's words (409).
EDIT_REFUSALS: dict[Action, str] = {
    Action.AMEND: "edit_after_collection",
    Action.WITHDRAW: "edit_after_collection",
    Action.CORRECT: "correct_before_collection",
}

#: The record each action carries; actions missing here carry none (an optional note).
RECORD_TYPES: dict[Action, type[Record]] = {
    Action.WIPE: WipeRecord,
    Action.REFURBISH: RefurbishRecord,
    Action.RECYCLE: RecycleRecord,
    Action.RESERVE: ReserveRecord,
    Action.HAND_OVER: HandOverRecord,
    Action.LOSE: LossRecord,
    Action.ASSIGN: AssignRecord,
    Action.AMEND: AmendRecord,
    Action.CORRECT: CorrectionRecord,
}

#: Records an action may carry but does not need.
OPTIONAL_RECORD_TYPES: dict[Action, type[Record]] = {Action.RECEIVE: ReceiveRecord, Action.WITHDRAW: WithdrawRecord}

#: The hard rule of §3: these steps need a passed wipe (or destroyed media) first, with the reason.
NEEDS_CLEARED_DATA: dict[Action, str] = {
    Action.REFURBISH: "wipe_required",
    Action.RESERVE: "wipe_required",
    Action.RECYCLE: "destruction_required",
}

_WORKSHOP_ACTIONS = frozenset({Action.RECEIVE, Action.WIPE, Action.REFURBISH, Action.RECYCLE, Action.SHIP})
_ASSOCIATION_ACTIONS = frozenset({Action.DELIVER, Action.HAND_OVER, Action.RETURN})


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: one person (or scanning station) of one organisation."""

    user_id: int
    organisation_id: int
    kind: OrgKind
    label_valid_until: date | None = None
    label_valid_from: date | None = None
    is_manager: bool = False

    def label_valid(self, today: date) -> bool:
        return label_valid(self.label_valid_from, self.label_valid_until, today)


def label_valid(valid_from: date | None, valid_until: date | None, today: date) -> bool:
    """An Ordi 2.0 label is valid from its first day to its last day, both included."""
    if valid_until is None:
        return False
    if valid_from is not None and today < valid_from:
        return False
    return today <= valid_until


def takes_custody(action: Action, state: State) -> bool:
    """Collecting, or receiving a drop-off: the steps where a workshop takes a donated device."""
    return action is Action.COLLECT or (action is Action.RECEIVE and state is State.DECLARED)


@dataclass(frozen=True, slots=True)
class DeviceFacts:
    """What the rules need to know of a device: the fold of its events."""

    state: State
    has_storage: bool
    data_cleared: bool
    donor_id: int
    custodian_id: int
    refurbisher_id: int | None = None
    association_id: int | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of one allowed action: the new facts, and whether the step succeeded."""

    action: Action
    from_state: State
    to_state: State
    after: DeviceFacts
    outcome: str = "done"  # "done", or "failed" for a wipe that did not erase every medium


def decide(device: DeviceFacts, actor: Actor, action: Action, record: Record | None, today: date) -> Decision:
    """Apply one action to a device, or raise why it is not allowed.

    Order of checks: the caller's right to act (403) before the state (409) before the record
    (422), so that a stranger learns nothing about a device's state from the answer.
    """
    _check_actor(device, actor, action, today)
    targets = TRANSITIONS[action]
    if device.state not in targets:
        key = EDIT_REFUSALS.get(action, "transition_not_allowed")
        raise TransitionNotAllowed(key, action=action.value, state=device.state.value)
    to_state = targets[device.state]
    expected = RECORD_TYPES.get(action)
    if expected is not None and not isinstance(record, expected):
        raise InvalidRecord("record_required", action=action.value)
    if record is not None:
        record.validate()
    return _apply(device, actor, action, record, to_state)


def _apply(device: DeviceFacts, actor: Actor, action: Action, record: Record | None, to_state: State) -> Decision:
    if action in NEEDS_CLEARED_DATA and _data_pending(device):
        raise TransitionNotAllowed(NEEDS_CLEARED_DATA[action])
    after = replace(device, state=to_state)
    outcome = "done"
    if action is Action.ASSIGN:
        assert isinstance(record, AssignRecord)
        after = replace(after, refurbisher_id=record.workshop_id)
    elif action is Action.COLLECT:
        after = replace(after, custodian_id=actor.organisation_id, refurbisher_id=actor.organisation_id)
    elif action is Action.RECEIVE:
        # What the workshop finds on its bench overrides what the donor declared (a disk the
        # donor thought removed must still be wiped). A device that comes back from a
        # beneficiary may hold new personal data: wipe again.
        found = record.has_storage if isinstance(record, ReceiveRecord) else None
        has_storage = device.has_storage if found is None else found
        after = replace(
            after,
            custodian_id=actor.organisation_id,
            refurbisher_id=actor.organisation_id,
            has_storage=has_storage,
            data_cleared=not has_storage,
            association_id=None if device.state is State.RETURNED else device.association_id,
        )
    elif action is Action.WIPE:
        assert isinstance(record, WipeRecord)
        # A wipe record lists media: the device has storage, whatever was declared.
        if record.passed:
            after = replace(after, has_storage=True, data_cleared=True)
        else:
            # Stays received: retry, or destroy the media.
            after = replace(device, has_storage=True, data_cleared=False)
            to_state = device.state
            outcome = "failed"
    elif action is Action.RESERVE:
        assert isinstance(record, ReserveRecord)
        after = replace(after, association_id=record.association_id)
    elif action is Action.RELEASE:
        after = replace(after, association_id=None)
    elif action is Action.DELIVER:
        after = replace(after, custodian_id=actor.organisation_id)
    elif action is Action.RETURN:
        after = replace(after, custodian_id=device.refurbisher_id or device.custodian_id)
    elif action is Action.WITHDRAW:
        after = replace(after, refurbisher_id=None)  # no workshop is in charge of it any more
    return Decision(action=action, from_state=device.state, to_state=to_state, after=after, outcome=outcome)


def _check_actor(device: DeviceFacts, actor: Actor, action: Action, today: date) -> None:
    """Role and custody rules of §3; raises Forbidden with the reason."""
    kind = actor.kind
    if action is Action.DECLARE:
        if kind is not OrgKind.DONOR:
            raise Forbidden("only_donors_declare")
        return
    if action is Action.ASSIGN:
        # The pickup's rules (ordi.domain.pickups) decided who is in charge; here only who records it.
        if kind not in (OrgKind.OPERATOR, OrgKind.REFURBISHER, OrgKind.DONOR):
            raise Forbidden("pickup_forbidden", action=action.value)
        if kind is OrgKind.DONOR and actor.organisation_id != device.donor_id:
            raise Forbidden("pickup_forbidden", action=action.value)
        return
    if action in (Action.AMEND, Action.WITHDRAW):
        # Only the donor that declared it edits its shelf; the others do not even see it (404 first).
        if kind is not OrgKind.DONOR or actor.organisation_id != device.donor_id:
            raise Forbidden("only_donor_edits", action=action.value)
        return
    if action is Action.CORRECT:
        # After collection the record is the workshop's (the device's refurbisher) or the operator's.
        if kind is OrgKind.OPERATOR:
            return
        if kind is not OrgKind.REFURBISHER or actor.organisation_id != device.refurbisher_id:
            raise Forbidden("only_workshop_corrects")
        return
    if takes_custody(action, device.state):
        # Taking custody of a donated device: the labelled workshop in charge of its pickup (or
        # of its drop-off) only; nobody else even sees it before.
        if kind is not OrgKind.REFURBISHER:
            raise Forbidden("only_refurbishers", action=action.value)
        if not actor.label_valid(today):
            raise Forbidden("label_invalid")
        if device.refurbisher_id != actor.organisation_id:
            raise Forbidden("not_workshop_in_charge", action=action.value)
        return
    if action in _WORKSHOP_ACTIONS:
        if kind is not OrgKind.REFURBISHER or actor.organisation_id != device.custodian_id:
            raise Forbidden("only_custodian_workshop", action=action.value)
        return
    if action in _ASSOCIATION_ACTIONS:
        if kind is not OrgKind.ASSOCIATION or actor.organisation_id != device.association_id:
            raise Forbidden("only_receiving_association", action=action.value)
        return
    if action is Action.RESERVE:
        if kind is not OrgKind.OPERATOR:
            raise Forbidden("only_operator_allocates")
        return
    if action is Action.RELEASE:
        if kind is OrgKind.OPERATOR:
            return
        if kind is OrgKind.REFURBISHER and actor.organisation_id == device.custodian_id:
            return
        raise Forbidden("only_operator_or_custodian", action=action.value)
    if action is Action.LOSE:
        # A donor holds its declared devices on paper only: it declares and reads, never acts.
        holder = kind in (OrgKind.REFURBISHER, OrgKind.ASSOCIATION) and actor.organisation_id == device.custodian_id
        if kind is OrgKind.OPERATOR or holder:
            return
        raise Forbidden("only_operator_or_custodian", action=action.value)
    raise Forbidden("action_unknown", action=action.value)  # pragma: no cover - every action is listed


def _data_pending(device: DeviceFacts) -> bool:
    return device.has_storage and not device.data_cleared


def available_actions(device: DeviceFacts, actor: Actor, today: date) -> list[Action]:
    """The actions this caller may do now: what the scanning station shows as buttons."""
    result: list[Action] = []
    for action in CLIENT_ACTIONS:
        if device.state not in TRANSITIONS[action]:
            continue
        try:
            _check_actor(device, actor, action, today)
        except Forbidden:
            continue
        if action in NEEDS_CLEARED_DATA and _data_pending(device):
            continue
        result.append(action)
    return result


@dataclass(frozen=True, slots=True)
class EventFacts:
    """The part of a stored event that the fold needs."""

    action: Action
    actor_organisation_id: int
    to_state: State
    outcome: str = "done"
    association_id: int | None = None
    has_storage: bool | None = None  # the workshop's finding at reception (or a donor's new category)
    workshop_id: int | None = None  # the workshop put in charge by an `assign` entry


def fold(donor_id: int, has_storage: bool, events: Iterable[EventFacts]) -> DeviceFacts:
    """Rebuild a device's facts from its history: the current state is the fold of its events.

    The database keeps a projection of the result on the device row for speed; tests check
    that both always agree.
    """
    facts = DeviceFacts(
        state=State.DECLARED,
        has_storage=has_storage,
        data_cleared=not has_storage,
        donor_id=donor_id,
        custodian_id=donor_id,
    )
    for event in events:
        if event.action is Action.DECLARE or event.action in RECORD_ONLY_ACTIONS:
            continue
        actor = Actor(user_id=0, organisation_id=event.actor_organisation_id, kind=OrgKind.OPERATOR)
        record: Record | None = None
        if event.action is Action.RESERVE:
            record = ReserveRecord(association_id=event.association_id or 0)
        elif event.action is Action.RECEIVE:
            record = ReceiveRecord(has_storage=event.has_storage)
        elif event.action is Action.ASSIGN:
            record = AssignRecord(workshop_id=event.workshop_id)
        facts = _replay(facts, actor, event, record)
    return facts


def _replay(facts: DeviceFacts, actor: Actor, event: EventFacts, record: Record | None) -> DeviceFacts:
    if event.action is Action.AMEND and event.has_storage is not None:
        # A new category that holds storage (`ordi.domain.corrections.amend`): it must be wiped.
        return replace(facts, has_storage=event.has_storage, data_cleared=not event.has_storage)
    if event.action is Action.WIPE:
        if event.outcome == "done":
            return replace(facts, state=event.to_state, has_storage=True, data_cleared=True)
        return replace(facts, has_storage=True, data_cleared=False)
    to_state = TRANSITIONS[event.action][facts.state]
    return _apply(facts, actor, event.action, record, to_state).after
