"""The rules of a pickup, without any I/O."""

from __future__ import annotations

from datetime import date

import pytest

from ordi.domain.errors import Forbidden, InvalidRecord, TransitionNotAllowed
from ordi.domain.lifecycle import Actor, OrgKind
from ordi.domain.pickups import PickupAction, PickupFacts, PickupState, Workshop, decide, sees_details, visible

TODAY = date(2026, 12, 1)
LABEL = {"label_valid_from": date(2026, 1, 1), "label_valid_until": date(2027, 1, 1)}
donor = Actor(1, 1, OrgKind.DONOR)
other_donor = Actor(2, 2, OrgKind.DONOR)
rouen = Actor(3, 3, OrgKind.REFURBISHER, **LABEL)
caen = Actor(4, 4, OrgKind.REFURBISHER, **LABEL)
marseille = Actor(5, 5, OrgKind.REFURBISHER, **LABEL)
operator = Actor(6, 6, OrgKind.OPERATOR)
ROUEN, CAEN, MARSEILLE = Workshop(3, "28", True), Workshop(4, "28", True), Workshop(5, "93", True)
EXPIRED = Workshop(4, "28", False)


def requested(workshop_id: int | None = None) -> PickupFacts:
    return PickupFacts(state=PickupState.REQUESTED, donor_id=1, region="28", workshop_id=workshop_id)


def test_a_workshop_of_the_region_claims_an_unassigned_pickup() -> None:
    after = decide(requested(), rouen, PickupAction.CLAIM, TODAY, caller_workshop=ROUEN)
    assert after.workshop_id == 3 and after.state is PickupState.REQUESTED


def test_a_workshop_elsewhere_neither_sees_nor_claims() -> None:
    assert not visible(requested(), marseille, "93")
    with pytest.raises(Forbidden):
        decide(requested(), marseille, PickupAction.CLAIM, TODAY, caller_workshop=MARSEILLE)


def test_once_claimed_the_others_of_the_region_see_nothing() -> None:
    claimed = requested(workshop_id=3)
    assert visible(claimed, rouen, "28") and not visible(claimed, caen, "28")
    with pytest.raises(Forbidden):
        decide(claimed, caen, PickupAction.CLAIM, TODAY, caller_workshop=CAEN)


def test_the_queue_shows_no_address_until_claimed() -> None:
    assert visible(requested(), caen, "28") and not sees_details(requested(), caen)
    assert sees_details(requested(workshop_id=4), caen) and sees_details(requested(), donor)
    assert not visible(requested(), other_donor)


def test_an_expired_label_claims_nothing() -> None:
    with pytest.raises(Forbidden) as error:
        decide(requested(), caen, PickupAction.CLAIM, TODAY, caller_workshop=EXPIRED)
    assert error.value.key == "label_invalid"


def test_the_operator_assigns_a_labelled_workshop_but_never_collects() -> None:
    after = decide(requested(), operator, PickupAction.ASSIGN, TODAY, target=MARSEILLE)
    assert after.workshop_id == 5
    with pytest.raises(InvalidRecord):
        decide(requested(), operator, PickupAction.ASSIGN, TODAY, target=EXPIRED)
    with pytest.raises(Forbidden):
        decide(after, operator, PickupAction.COLLECT, TODAY)


def test_scheduling_needs_a_date_ahead_and_collecting_follows() -> None:
    claimed = requested(workshop_id=3)
    with pytest.raises(InvalidRecord):
        decide(claimed, rouen, PickupAction.SCHEDULE, TODAY, caller_workshop=ROUEN, scheduled_for=date(2026, 11, 30))
    scheduled = decide(claimed, rouen, PickupAction.SCHEDULE, TODAY, caller_workshop=ROUEN, scheduled_for=TODAY)
    assert scheduled.state is PickupState.SCHEDULED and scheduled.scheduled_for == TODAY
    assert decide(scheduled, rouen, PickupAction.COLLECT, TODAY, caller_workshop=ROUEN).state is PickupState.COLLECTED


def test_cancel_and_miss_need_a_reason_and_end_the_pickup() -> None:
    with pytest.raises(InvalidRecord):
        decide(requested(), donor, PickupAction.CANCEL, TODAY, reason=" ")
    cancelled = decide(requested(), donor, PickupAction.CANCEL, TODAY, reason="Matériel déjà parti")
    with pytest.raises(TransitionNotAllowed):
        decide(cancelled, operator, PickupAction.ASSIGN, TODAY, target=ROUEN)
    with pytest.raises(Forbidden):
        decide(requested(), other_donor, PickupAction.CANCEL, TODAY, reason="x")
