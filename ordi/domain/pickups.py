"""A pickup: a donor's request that a labelled workshop comes for one or more donations.

Pure rules, in the manner of `ordi.domain.lifecycle`: the states, who may do each action, and
what it changes. The services load a pickup's facts and the caller, ask `decide`, and persist.

    requested ──claim / assign──▶ requested (a workshop in charge) ──schedule──▶ scheduled
        │                                        ▲  │                               │
        │                                        └──┘ assign (another workshop)     ├──collect──▶ collected
        └──────────────── cancel (a reason) ─────────────────────────────────────────┤
                                                                                     └──miss (a reason)──▶ missed

Who sees what: the donor its own pickups; the operator all; the workshop in charge everything of
its pickups (address, contact, the donations' devices); the other workshops of the donor's région
see an unassigned pickup in their queue without address nor contact, and claim it; every other
workshop sees nothing of it (404).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from ordi.domain.errors import Forbidden, InvalidRecord, TransitionNotAllowed
from ordi.domain.lifecycle import Actor, OrgKind


class PickupState(StrEnum):
    REQUESTED = "requested"
    SCHEDULED = "scheduled"
    COLLECTED = "collected"
    CANCELLED = "cancelled"
    MISSED = "missed"


class PickupAction(StrEnum):
    CLAIM = "claim"
    ASSIGN = "assign"
    SCHEDULE = "schedule"
    CANCEL = "cancel"
    MISS = "miss"
    COLLECT = "collect"


OPEN_STATES = frozenset({PickupState.REQUESTED, PickupState.SCHEDULED})

TRANSITIONS: dict[PickupAction, dict[PickupState, PickupState]] = {
    PickupAction.CLAIM: {PickupState.REQUESTED: PickupState.REQUESTED},
    PickupAction.ASSIGN: {PickupState.REQUESTED: PickupState.REQUESTED, PickupState.SCHEDULED: PickupState.REQUESTED},
    PickupAction.SCHEDULE: {PickupState.REQUESTED: PickupState.SCHEDULED, PickupState.SCHEDULED: PickupState.SCHEDULED},
    PickupAction.CANCEL: {PickupState.REQUESTED: PickupState.CANCELLED, PickupState.SCHEDULED: PickupState.CANCELLED},
    PickupAction.MISS: {PickupState.SCHEDULED: PickupState.MISSED},
    PickupAction.COLLECT: {PickupState.REQUESTED: PickupState.COLLECTED, PickupState.SCHEDULED: PickupState.COLLECTED},
}

#: Who may do each action: the operator always; besides, the workshop in charge (`in_charge`),
#: a labelled workshop of the area when nobody is in charge (`area`), the donor (`donor`).
ALLOWED: dict[PickupAction, frozenset[str]] = {
    PickupAction.CLAIM: frozenset({"area"}),
    PickupAction.ASSIGN: frozenset(),
    PickupAction.SCHEDULE: frozenset({"in_charge"}),
    PickupAction.CANCEL: frozenset({"donor", "in_charge"}),
    PickupAction.MISS: frozenset({"in_charge"}),
    PickupAction.COLLECT: frozenset({"in_charge"}),
}

#: What the operator may do itself; claiming and collecting are the workshop's (custody is theirs).
OPERATOR_MAY = frozenset({PickupAction.ASSIGN, PickupAction.SCHEDULE, PickupAction.CANCEL, PickupAction.MISS})

#: How far ahead a pickup may be scheduled, in days.
MAX_SCHEDULE_DAYS = 366


@dataclass(frozen=True, slots=True)
class PickupFacts:
    state: PickupState
    donor_id: int
    region: str
    workshop_id: int | None = None
    scheduled_for: date | None = None


@dataclass(frozen=True, slots=True)
class Workshop:
    """The workshop an action names (assign) or the caller's own (claim), as the rules need it."""

    id: int
    region: str
    label_valid: bool


def relation(pickup: PickupFacts, actor: Actor, workshop_region: str | None = None) -> set[str]:
    """What the caller is to this pickup: operator, donor, in_charge, area (may claim), or nothing."""
    roles: set[str] = set()
    if actor.kind is OrgKind.OPERATOR:
        roles.add("operator")
    if actor.kind is OrgKind.DONOR and actor.organisation_id == pickup.donor_id:
        roles.add("donor")
    if actor.kind is OrgKind.REFURBISHER:
        if pickup.workshop_id == actor.organisation_id:
            roles.add("in_charge")
        elif pickup.workshop_id is None and workshop_region == pickup.region and pickup.state in OPEN_STATES:
            roles.add("area")
    return roles


def visible(pickup: PickupFacts, actor: Actor, workshop_region: str | None = None) -> bool:
    return bool(relation(pickup, actor, workshop_region))


def sees_details(pickup: PickupFacts, actor: Actor) -> bool:
    """Address, contact and devices: the donor, the operator and the workshop in charge only."""
    return bool(relation(pickup, actor) & {"operator", "donor", "in_charge"})


def decide(
    pickup: PickupFacts,
    actor: Actor,
    action: PickupAction,
    today: date,
    *,
    caller_workshop: Workshop | None = None,
    target: Workshop | None = None,
    scheduled_for: date | None = None,
    reason: str = "",
) -> PickupFacts:
    """The pickup after `action`, or why not (403 before 409 before 422, as for devices)."""
    roles = relation(pickup, actor, caller_workshop.region if caller_workshop else None)
    operator_may = "operator" in roles and action in OPERATOR_MAY
    if not operator_may and not roles & ALLOWED[action]:
        raise Forbidden("pickup_forbidden", action=action.value)
    if actor.kind is OrgKind.REFURBISHER and (caller_workshop is None or not caller_workshop.label_valid):
        raise Forbidden("label_invalid")
    targets = TRANSITIONS[action]
    if pickup.state not in targets:
        raise TransitionNotAllowed("pickup_transition_not_allowed", action=action.value, state=pickup.state.value)
    after = replace(pickup, state=targets[pickup.state])
    if action is PickupAction.CLAIM:
        after = replace(after, workshop_id=actor.organisation_id)
    elif action is PickupAction.ASSIGN:
        if target is None or not target.label_valid:
            raise InvalidRecord("pickup_workshop_invalid")
        after = replace(after, workshop_id=target.id, scheduled_for=None)
    elif action is PickupAction.SCHEDULE:
        if scheduled_for is None or not today <= scheduled_for <= date.fromordinal(
            today.toordinal() + MAX_SCHEDULE_DAYS
        ):
            raise InvalidRecord("pickup_date_invalid", max=MAX_SCHEDULE_DAYS)
        after = replace(after, scheduled_for=scheduled_for)
    elif action in (PickupAction.CANCEL, PickupAction.MISS):
        if not reason.strip():
            raise InvalidRecord("reason_required")
    elif action is PickupAction.COLLECT and pickup.workshop_id is None:
        raise TransitionNotAllowed("pickup_unassigned")  # pragma: no cover - in_charge implies a workshop
    return after
