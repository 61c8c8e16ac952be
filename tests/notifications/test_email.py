"""Notifications reach a real SMTP server on loopback, in French, once each, even when a send is
interrupted (the worker killed in the middle) and retried; a person who opted out gets none."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import timedelta
from typing import Any

import pytest

from tests.fixtures import Api, World, wait_for
from tests.notifications.helpers import notifications_of, scheduled_pickup, second_person
from tests.notifications.smtp import SmtpServer


async def _sent(notification_id: int) -> dict[str, Any]:
    from ordi.notifications.tables import Notification

    row = await Notification.select().where(Notification.id == notification_id).first()
    assert row is not None
    return dict(row)


async def test_a_scheduled_pickup_is_mailed_to_the_donor_in_french_once(
    api: Api, world: World, smtp: SmtpServer
) -> None:
    from ordi.notifications import delivery

    colleague = await second_person(world.donor, "collegue")
    pickup = await scheduled_pickup(api, world)
    (mine,) = await notifications_of(world.donor)
    assert mine["kind"] == "pickup_scheduled" and mine["email_status"] == "pending"
    assert len(await notifications_of(colleague)) == 1  # every active person of the donor
    assert await notifications_of(world.workshop) == []

    sweep = await delivery.sweep()  # the periodic sweep hands them to the actor (embedded worker)
    assert sweep.sent == 2

    async def both_arrived() -> bool:
        return len(smtp.mailbox.messages) == 2

    await wait_for(both_arrived)
    (message,) = smtp.mailbox.to(world.donor.email)
    assert message["Subject"] == f"Enlèvement n° {pickup['id']} planifié le " + _french_date(pickup["scheduled_for"])
    assert message["Message-ID"] == delivery.message_id(mine["id"])
    assert message["Content-Language"] == "fr"
    text = message.get_content()
    assert text.startswith("Bonjour,") and "par l'atelier Atelier Caen" in text
    assert "/api/v1/notifications/preferences" in text

    async def marked() -> bool:
        return (await _sent(mine["id"]))["email_status"] == "sent"

    await wait_for(marked)
    # Sent once: a later sweep, a duplicate message or a direct call does nothing more.
    assert (await delivery.sweep()).sent == 0
    assert await delivery.deliver(mine["id"]) == "skipped"
    await asyncio.sleep(0.2)
    assert len(smtp.mailbox.messages) == 2


def _french_date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


async def test_a_person_who_opted_out_gets_neither_mail_nor_entry(api: Api, world: World, smtp: SmtpServer) -> None:
    from ordi.notifications import delivery

    colleague = await second_person(world.donor, "collegue")
    off = {"preferences": [{"kind": "pickup_scheduled", "enabled": False}]}
    response = await api.client.put("/api/v1/notifications/preferences", json=off, headers=world.donor.headers)
    assert response.status_code == 200, response.text
    chosen = {p["kind"]: p["enabled"] for p in response.json()["preferences"]}
    assert chosen["pickup_scheduled"] is False and chosen["request_approved"] is True
    await scheduled_pickup(api, world)
    assert await notifications_of(world.donor) == []
    assert len(await notifications_of(colleague)) == 1
    await delivery.sweep()

    async def arrived() -> bool:
        return len(smtp.mailbox.messages) >= 1

    await wait_for(arrived)
    await asyncio.sleep(0.2)
    assert smtp.mailbox.to(world.donor.email) == []
    assert len(smtp.mailbox.to(colleague.email)) == 1
    listed = (await api.client.get("/api/v1/notifications", headers=world.donor.headers)).json()
    assert listed["items"] == [] and listed["total"] == 0


async def test_a_worker_killed_in_the_middle_of_a_send_leaves_it_to_the_next_which_sends_it_once(
    api: Api, world: World, smtp: SmtpServer
) -> None:
    """A real worker process is killed (SIGKILL) while the server holds its session before the
    message was accepted; its lease runs out, the sweep queues it again, and the next attempt sends
    it: the server has it once, with the Message-ID of the notification."""
    from ordi.notifications import delivery

    await scheduled_pickup(api, world)
    (row,) = await notifications_of(world.donor)
    smtp.mailbox.stall_rcpt = 1
    env = {
        **os.environ,
        "ORDI_SMTP_HOST": "127.0.0.1",
        "ORDI_SMTP_PORT": str(smtp.port),
        "ORDI_SMTP_STARTTLS": "0",
        "ORDI_NOTIFICATION_LEASE_SECONDS": "1",
    }
    code = f"import asyncio; from ordi.notifications.delivery import deliver; asyncio.run(deliver({row['id']}))"
    worker = await asyncio.create_subprocess_exec(sys.executable, "-c", code, env=env)
    try:
        await asyncio.to_thread(smtp.mailbox.stalled.wait, 60)
        assert smtp.mailbox.stalled.is_set(), "the worker never reached the server"
        claimed = await _sent(row["id"])
        assert claimed["email_status"] == "sending" and claimed["email_attempts"] == 1
        worker.send_signal(signal.SIGKILL)
        await asyncio.wait_for(worker.wait(), 10)
    finally:
        if worker.returncode is None:
            worker.kill()
    smtp.mailbox.release.set()
    await asyncio.sleep(0.2)
    assert smtp.mailbox.messages == []  # nothing was accepted: the worker died in the middle

    # The dead worker's lease (1 s) runs out; the sweep takes the send back and dispatches it.
    await asyncio.sleep(1.2)
    swept = await delivery.sweep()
    assert swept.taken_back == 1 and swept.sent == 1

    async def arrived() -> bool:
        return len(smtp.mailbox.messages) == 1 and (await _sent(row["id"]))["email_status"] == "sent"

    await wait_for(arrived)
    (message,) = smtp.mailbox.messages
    assert message["Message-ID"] == delivery.message_id(row["id"]) and message["To"] == world.donor.email
    assert message["Subject"].startswith("Enlèvement n°")
    assert (await _sent(row["id"]))["email_attempts"] == 2
    await asyncio.sleep(0.3)
    assert len(smtp.mailbox.messages) == 1


async def test_a_send_lost_after_the_server_accepted_it_comes_again_with_the_same_message_id(
    api: Api, world: World, smtp: SmtpServer
) -> None:
    """The one window SMTP leaves open: the server accepted, the worker died before recording it.
    The retry sends the same message (same Message-ID, same Date), which mail systems recognise."""
    from ordi.clock import now
    from ordi.notifications import delivery
    from ordi.notifications.tables import Notification

    await scheduled_pickup(api, world)
    (row,) = await notifications_of(world.donor)
    claimed = await delivery.claim(row["id"])
    assert claimed is not None
    settings = delivery.get_settings()
    await asyncio.to_thread(delivery.send_blocking, delivery.build_message(claimed, settings), settings)
    # ... and the worker dies here. Its lease runs out:
    await Notification.update({Notification.email_lease_until: now() - timedelta(seconds=1)}).where(
        Notification.id == row["id"]
    )
    assert (await delivery.sweep()).taken_back == 1

    async def resent() -> bool:
        return len(smtp.mailbox.messages) == 2 and (await _sent(row["id"]))["email_status"] == "sent"

    await wait_for(resent)
    first, again = smtp.mailbox.messages
    assert first["Message-ID"] == again["Message-ID"] == delivery.message_id(row["id"])
    assert first["Date"] == again["Date"] and first.get_content() == again.get_content()
    assert len({m["Message-ID"] for m in smtp.mailbox.messages}) == 1


async def test_a_server_that_refuses_is_tried_again_later_then_given_up(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    from ordi.config import get_settings
    from ordi.notifications import delivery
    from tests.notifications.smtp import free_port

    closed = dataclasses.replace(get_settings(), smtp_host="127.0.0.1", smtp_port=free_port(), smtp_starttls=False)
    monkeypatch.setattr(delivery, "get_settings", lambda: closed)
    await scheduled_pickup(api, world)
    (row,) = await notifications_of(world.donor)
    assert await delivery.deliver(row["id"]) == "retry"
    waiting = await _sent(row["id"])
    assert waiting["email_status"] == "pending" and waiting["email_send_after"] is not None
    assert "ConnectionRefusedError" in waiting["email_error"]
    assert (await delivery.sweep()).sent == 0  # not before its delay
    for _ in range(delivery.MAX_ATTEMPTS - 1):
        await delivery.deliver(row["id"])
    assert (await _sent(row["id"]))["email_status"] == "failed"
    assert await delivery.deliver(row["id"]) == "skipped"


async def test_without_a_mail_server_nothing_is_sent_and_the_list_still_says_it(api: Api, world: World) -> None:
    from ordi.notifications import delivery

    await scheduled_pickup(api, world)
    (row,) = await notifications_of(world.donor)
    assert (await delivery.sweep()).sent == 0
    assert await delivery.deliver(row["id"]) == "disabled"
    listed = (await api.client.get("/api/v1/notifications", headers=world.donor.headers)).json()
    assert [n["email_status"] for n in listed["items"]] == ["pending"]


async def test_a_person_deactivated_since_the_event_is_not_mailed(api: Api, world: World, smtp: SmtpServer) -> None:
    from ordi.notifications import delivery
    from ordi.organisations.tables import User

    await scheduled_pickup(api, world)
    (row,) = await notifications_of(world.donor)
    await User.update({User.active: False}).where(User.id == world.donor.actor.user_id)
    assert await delivery.deliver(row["id"]) == "skipped"
    assert smtp.mailbox.messages == []
    assert (await _sent(row["id"]))["email_status"] == "failed"
