"""Personal data kept for warranty is purged when its retention period ends."""

from __future__ import annotations

from datetime import timedelta

from tests.fixtures import Api, World


async def test_expired_warranty_contacts_are_purged(api: Api, world: World) -> None:
    from ordi.clock import now
    from ordi.devices.tables import BeneficiaryContact
    from ordi.privacy import purge_expired_contacts

    tag = await api.delivered_device(world)
    await api.act(
        world.association,
        tag,
        {
            "action": "hand_over",
            "beneficiary": {"category": "senior", "age_band": "65_plus", "departement": "76"},
            "warranty_contact": {"full_name": "Jeanne Dupont"},
        },
    )
    assert await BeneficiaryContact.count() == 1
    assert await purge_expired_contacts() == 0
    await BeneficiaryContact.update({BeneficiaryContact.recorded_at: now() - timedelta(days=730, seconds=1)}).where(
        BeneficiaryContact.id > 0
    )
    assert await purge_expired_contacts() == 1
    assert await BeneficiaryContact.count() == 0
