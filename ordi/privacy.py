"""Retention: what is kept only for a while is deleted when its time is up (`ordi purge`, daily).

- beneficiaries' contacts (GDPR: kept only for warranty), at their `purge_after`;
- background jobs' result files and uploaded spreadsheets, `ORDI_JOB_RETENTION_DAYS` after the
  job ended (see `ordi.jobs.service.purge_expired`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ordi.clock import now
from ordi.db import write_transaction
from ordi.devices.tables import BeneficiaryContact
from ordi.jobs import service as jobs


@dataclass(frozen=True)
class Purged:
    contacts: int
    jobs: int


async def purge_expired() -> Purged:
    """Everything whose retention has ended."""
    return Purged(contacts=await purge_expired_contacts(), jobs=await jobs.purge_expired())


async def purge_expired_contacts() -> int:
    async with write_transaction():
        expired = (
            await BeneficiaryContact.delete()
            .where(BeneficiaryContact.purge_after <= now())
            .returning(BeneficiaryContact.id)
        )
    return len(expired)
