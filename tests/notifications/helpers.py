"""Events that notify, as the tests cause them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.fixtures import Api, Member, World

CONTACT = {"name": "Claire Martin", "phone": "02 35 00 00 00"}


async def scheduled_pickup(api: Api, world: World, day: date | None = None) -> dict[str, Any]:
    """The donor asks a pickup, Caen's workshop (same région) claims it and fixes the date."""
    donation = await api.declare(world.donor, [{"category": "laptop"}], in_charge=None)
    body = {"donation_ids": [donation["id"]], "postcode": "76130", "contact": CONTACT}
    asked = await api.client.post("/api/v1/pickups", json=body, headers=world.donor.headers)
    assert asked.status_code == 201, asked.text
    pid = asked.json()["id"]
    claimed = await api.client.post(f"/api/v1/pickups/{pid}/claim", headers=world.workshop.headers)
    assert claimed.status_code == 200, claimed.text
    when = (day or date.today() + timedelta(days=7)).isoformat()
    scheduled = await api.client.post(
        f"/api/v1/pickups/{pid}/schedule", json={"date": when}, headers=world.workshop.headers
    )
    assert scheduled.status_code == 200, scheduled.text
    return dict(scheduled.json())


async def notifications_of(member: Member) -> list[dict[str, Any]]:
    from ordi.notifications.tables import Notification

    return list(
        await Notification.select().where(Notification.recipient == member.actor.user_id).order_by(Notification.id)
    )


async def second_person(member: Member, name: str) -> Member:
    """Another active person of the same organisation (a member, not a manager)."""
    from ordi.auth.tokens import issue_token
    from ordi.domain.lifecycle import Actor
    from ordi.organisations.tables import User

    email = f"{name}@test.ordi2.fr"
    user = User(organisation=member.organisation_id, email=email, role="member", password_hash="x", full_name=name)
    await user.save()
    actor = Actor(user_id=user.id, organisation_id=member.organisation_id, kind=member.actor.kind, is_manager=False)
    token, _ = issue_token(actor)
    headers = {"Authorization": f"Bearer {token}"}
    return Member(actor=actor, email=email, organisation_id=member.organisation_id, headers=headers)
