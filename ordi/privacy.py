"""Retention: what is kept only for a while is deleted when its time is up.

The purges run on a schedule inside the workers and the embedded worker (`ordi.periodic`, registered
by `ordi.wiring`, every ORDI_PURGE_EVERY_SECONDS), and by hand with `ordi purge`. Each one counts from
the event's own date with the retention *in force*, so a shorter setting applies to what is already
kept:

- beneficiaries' warranty contacts, ORDI_CONTACT_RETENTION_DAYS after the hand-over
  (`ordi.beneficiaries.service.purge_expired`; a return or a recycling purges them at once);
- donors' work contacts for a pickup, ORDI_PICKUP_CONTACT_RETENTION_DAYS after it ended;
- background jobs' result files and uploaded spreadsheets, ORDI_JOB_RETENTION_DAYS after the job
  ended (`ordi.jobs.service.purge_expired`; a spreadsheet already goes when its import ends);
- notifications, ORDI_NOTIFICATION_RETENTION_DAYS after they were written;
- the log of reads and rights, ORDI_PRIVACY_LOG_RETENTION_DAYS after each line;
- what other capabilities register (`register_purge`: expired reset links, sessions).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from ordi.beneficiaries import service as beneficiaries
from ordi.clock import now
from ordi.config import get_settings
from ordi.db import write_transaction
from ordi.jobs import service as jobs
from ordi.notifications import delivery as notifications
from ordi.pickups.tables import Pickup

Purge = Callable[[], Awaitable[int]]
_EXTRA: dict[str, Purge] = {}


def register_purge(name: str, purge: Purge) -> None:
    """Another capability's purge (expired password-reset links, ended sessions), run with the others."""
    _EXTRA[name] = purge


@dataclass(frozen=True)
class Purged:
    contacts: int
    jobs: int
    pickup_contacts: int = 0
    notifications: int = 0
    log_lines: int = 0
    other: dict[str, int] = field(default_factory=dict)


async def purge_expired() -> Purged:
    """Everything whose retention has ended."""
    return Purged(
        contacts=await purge_expired_contacts(),
        jobs=await jobs.purge_expired(),
        pickup_contacts=await purge_pickup_contacts(),
        notifications=await notifications.purge_expired(),
        log_lines=await beneficiaries.purge_old_log(),
        other={name: await purge() for name, purge in sorted(_EXTRA.items())},
    )


async def purge_pickup_contacts() -> int:
    """A donor's work contact for a pickup, once the pickup ended and the retention in force ran out.

    `contact_purge_after` is set when a pickup ends (collected, cancelled, missed) and says that
    its contact is still there; an ended pickup changes no more, so its `updated_at` is its end.
    """
    cutoff = now() - timedelta(days=get_settings().pickup_contact_retention_days)
    async with write_transaction():
        emptied = (
            await Pickup.update({Pickup.contact: "{}", Pickup.contact_purge_after: None})
            .where(Pickup.contact_purge_after.is_not_null() & (Pickup.updated_at <= cutoff))
            .returning(Pickup.id)
        )
    return len(emptied)


async def purge_expired_contacts() -> int:
    """Warranty contacts whose warranty ended (see `ordi.beneficiaries.service`)."""
    return await beneficiaries.purge_expired()
