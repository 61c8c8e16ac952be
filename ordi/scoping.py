"""The one place that says what each organisation may see.

Every query that reads devices, donations, requests or jobs on behalf of a caller takes its
filter from here, so a rule changes in one place and a forgotten filter shows up in review.
Rows outside the scope are reported as "not found" (404): their existence must not leak.
"""

from __future__ import annotations

from typing import Any

from ordi.certificates.tables import WipeCertificate
from ordi.devices.tables import Device
from ordi.domain.errors import Forbidden
from ordi.domain.lifecycle import Actor, OrgKind
from ordi.donations.tables import Donation
from ordi.jobs.tables import Job
from ordi.notifications.tables import Notification
from ordi.organisations.tables import User
from ordi.pickups.tables import Pickup, PickupDonation
from ordi.requests.tables import EquipmentRequest


def require_kind(actor: Actor, *kinds: OrgKind) -> None:
    """The role gate the services use: the caller's organisation kind must be one of `kinds`."""
    if actor.kind not in kinds:
        raise _no_access(actor)


def _no_access(actor: Actor) -> Forbidden:
    return Forbidden("role_forbidden", kind=actor.kind.value)


def devices(actor: Actor) -> Any | None:
    """Filter on `Device` (None: everything). The committee reads figures, never devices."""
    org = actor.organisation_id
    if actor.kind is OrgKind.OPERATOR:
        return None
    if actor.kind is OrgKind.DONOR:
        return Device.donor == org
    if actor.kind is OrgKind.REFURBISHER:
        return _workshop_devices(org)
    if actor.kind is OrgKind.ASSOCIATION:
        return Device.association == org
    raise _no_access(actor)


def _workshop_devices(org: int) -> Any:
    """A workshop's devices: those it holds or held, and the declared ones of the pickups (or
    drop-offs) it is in charge of. Nobody else's declared devices: their donor's address and
    shelf are not a workshop's business until it is put in charge (`ordi.domain.pickups`)."""
    return Device.refurbisher == org


def device_row_visible(actor: Actor, row: dict[str, Any]) -> bool:
    """The same rule as `devices`, applied to a row already read (hot path: scan)."""
    org = actor.organisation_id
    if actor.kind is OrgKind.OPERATOR:
        return True
    if actor.kind is OrgKind.DONOR:
        return bool(row["donor"] == org)
    if actor.kind is OrgKind.REFURBISHER:
        return bool(row["refurbisher"] == org)
    if actor.kind is OrgKind.ASSOCIATION:
        return bool(row["association"] == org)
    return False


def donations(actor: Actor) -> Any | None:
    org = actor.organisation_id
    if actor.kind is OrgKind.OPERATOR:
        return None
    if actor.kind is OrgKind.DONOR:
        return Donation.donor == org
    if actor.kind is OrgKind.REFURBISHER:
        # The donations of the pickups (and drop-offs) it was put in charge of: a few rows per
        # workshop, where going through its devices read tens of thousands at national scale.
        in_charge = Pickup.select(Pickup.id).where(Pickup.workshop == org)
        return Donation.id.is_in(
            PickupDonation.select(PickupDonation.donation).where(PickupDonation.pickup.is_in(in_charge))
        )
    raise _no_access(actor)


def pickups(actor: Actor, region: str) -> Any | None:
    """Filter on `Pickup` (None: everything); `region` is the caller's (a workshop's queue).

    The same rule as `ordi.domain.pickups.visible`, as a query: the donor its own, the workshop
    those it is in charge of and the unassigned open ones of its région, the operator all.
    """
    org = actor.organisation_id
    if actor.kind is OrgKind.OPERATOR:
        return None
    if actor.kind is OrgKind.DONOR:
        return Pickup.donor == org
    if actor.kind is OrgKind.REFURBISHER:
        queue = Pickup.workshop.is_null() & (Pickup.region == region) & Pickup.state.is_in(["requested", "scheduled"])
        return (Pickup.workshop == org) | queue
    raise _no_access(actor)


def requests(actor: Actor) -> Any | None:
    if actor.kind is OrgKind.OPERATOR:
        return None
    if actor.kind is OrgKind.ASSOCIATION:
        return EquipmentRequest.association == actor.organisation_id
    raise _no_access(actor)


def jobs(actor: Actor) -> Any | None:
    """Filter on `Job` (None: everything): whose progress the caller follows. A job belongs to the
    organisation that started it; the operator, who runs the programme, follows every job
    (`/admin/taches`), but its file stays its organisation's (`job_files`)."""
    if actor.kind is OrgKind.OPERATOR:
        return None
    return job_files(actor)


def job_files(actor: Actor) -> Any:
    """Filter on `Job`: whose file the caller may download (a report, a bilan, a label sheet, a
    pickup receipt with its contact): only the organisation that started it, the operator too."""
    return Job.organisation == actor.organisation_id


def people(actor: Actor) -> Any | None:
    """Filter on `User` (None: everyone): the operator sees every person, anyone else the people
    of their own organisation (a manager manages them, a member sees them); others are 404."""
    if actor.kind is OrgKind.OPERATOR:
        return None
    return User.organisation == actor.organisation_id


def combine(scope: Any | None, condition: Any) -> Any:
    return condition if scope is None else (condition & scope)


def certificates(actor: Actor) -> Any | None:
    """Filter on `WipeCertificate` (None: everything).

    A donor sees the certificates of its donations' devices, a workshop those it issued; the
    committee reads figures, never per-device proof, and associations have no use for it.
    """
    org = actor.organisation_id
    if actor.kind is OrgKind.OPERATOR:
        return None
    if actor.kind is OrgKind.DONOR:
        return WipeCertificate.device._.donor == org
    if actor.kind is OrgKind.REFURBISHER:
        return WipeCertificate.workshop == org
    raise _no_access(actor)


def certificate_row_visible(actor: Actor, row: dict[str, Any]) -> bool:
    """The same rule as `certificates`, on a row with `donor` (of the device) and `workshop`."""
    if actor.kind is OrgKind.OPERATOR:
        return True
    if actor.kind is OrgKind.DONOR:
        return bool(row["donor"] == actor.organisation_id)
    if actor.kind is OrgKind.REFURBISHER:
        return bool(row["workshop"] == actor.organisation_id)
    raise _no_access(actor)


def donation_report_visible(actor: Actor, donation_row: dict[str, Any]) -> bool:
    """A donation's traceability report: its donor and the operator only (per-device details)."""
    if actor.kind is OrgKind.OPERATOR:
        return True
    if actor.kind is OrgKind.DONOR:
        return bool(donation_row["donor"] == actor.organisation_id)
    raise _no_access(actor)


def notifications(actor: Actor) -> Any:
    """A person's notifications are theirs alone (not their organisation's, not the operator's)."""
    return Notification.recipient == actor.user_id


def warranty_contact_readable(actor: Actor, recorded_by: int) -> bool:
    """A beneficiary's warranty contact is read back only by the association that recorded it:
    not another association, not the workshop, not the committee, not even the operator (who
    serves the beneficiary's rights through `ordi.beneficiaries`, each act logged)."""
    return actor.kind is OrgKind.ASSOCIATION and actor.organisation_id == recorded_by


def record_editable(actor: Actor, donor_id: int) -> bool:
    """A declared device's or a donation's edit (`PATCH`/`DELETE`): its donor, and the operator (who
    sees everything, and is then refused: 403); anyone else, a workshop in charge included, learns
    nothing of it (404)."""
    if actor.kind is OrgKind.OPERATOR:
        return True
    return actor.kind is OrgKind.DONOR and donor_id == actor.organisation_id
