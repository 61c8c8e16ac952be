"""Retention: what is kept only for a while is deleted when its time is up (`ordi purge`, daily).

- beneficiaries' contacts (GDPR: kept only for warranty), at their `purge_after`;
- donors' work contacts for a pickup, `ORDI_PICKUP_CONTACT_RETENTION_DAYS` after it ended;
- background jobs' result files and uploaded spreadsheets, `ORDI_JOB_RETENTION_DAYS` after the
  job ended (see `ordi.jobs.service.purge_expired`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ordi.clock import now
from ordi.db import write_transaction
from ordi.devices.tables import BeneficiaryContact
from ordi.jobs import service as jobs
from ordi.pickups.tables import Pickup


@dataclass(frozen=True)
class Purged:
    contacts: int
    jobs: int
    pickup_contacts: int = 0


async def purge_expired() -> Purged:
    """Everything whose retention has ended."""
    return Purged(
        contacts=await purge_expired_contacts(),
        jobs=await jobs.purge_expired(),
        pickup_contacts=await purge_pickup_contacts(),
    )


async def purge_pickup_contacts() -> int:
    """A donor's work contact for a pickup, once the pickup ended and its retention ran out."""
    async with write_transaction():
        emptied = (
            await Pickup.update({Pickup.contact: "{}", Pickup.contact_purge_after: None})
            .where(Pickup.contact_purge_after <= now())
            .returning(Pickup.id)
        )
    return len(emptied)


async def purge_expired_contacts() -> int:
    async with write_transaction():
        expired = (
            await BeneficiaryContact.delete()
            .where(BeneficiaryContact.purge_after <= now())
            .returning(BeneficiaryContact.id)
        )
    return len(expired)
