"""The one Piccolo app: every table, migrations in the top-level `migrations/` folder."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from ordi.auth.tables import PasswordReset
from ordi.beneficiaries.tables import PersonalDataLog
from ordi.certificates.tables import CertificateCounter, WipeCertificate, WipeToolReport
from ordi.devices.tables import BeneficiaryContact, Device, DeviceEvent
from ordi.donations.tables import Donation
from ordi.jobs.tables import Job, JobFileChunk
from ordi.notifications.tables import Notification, NotificationPreference
from ordi.organisations.tables import ApiKey, Organisation, User
from ordi.periodic.tables import PeriodicRun
from ordi.pickups.tables import CustodyReceipt, Pickup, PickupDonation
from ordi.requests.tables import EquipmentRequest, RequestItem
from ordi.stats.tables import ROLLUP_TABLES

TABLES = [
    Organisation,
    User,
    ApiKey,
    PasswordReset,
    Donation,
    Device,
    DeviceEvent,
    BeneficiaryContact,
    EquipmentRequest,
    RequestItem,
    Job,
    JobFileChunk,
    CertificateCounter,
    WipeToolReport,
    WipeCertificate,
    Pickup,
    PickupDonation,
    CustodyReceipt,
    *ROLLUP_TABLES,
    Notification,
    NotificationPreference,
    PeriodicRun,
    PersonalDataLog,
]

APP_CONFIG = AppConfig(
    app_name="ordi",
    migrations_folder_path=str(Path(__file__).resolve().parent.parent / "migrations"),
    table_classes=TABLES,
    migration_dependencies=[],
    commands=[],
)
