"""GDPR retention: beneficiaries' contacts (kept only for warranty) are deleted when they expire."""

from __future__ import annotations

from ordi.clock import now
from ordi.db import write_transaction
from ordi.devices.tables import BeneficiaryContact


async def purge_expired_contacts() -> int:
    async with write_transaction():
        expired = (
            await BeneficiaryContact.delete()
            .where(BeneficiaryContact.purge_after <= now())
            .returning(BeneficiaryContact.id)
        )
    return len(expired)
