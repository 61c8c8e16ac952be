"""Demo data (PRODUCT.md §7): organisations named after the real partners, and six accounts.

Only `ordi demo` and `ordi seed-demo` call this; outside demo mode no default account exists.
"""

from __future__ import annotations

from datetime import date

from ordi.auth.passwords import hash_password
from ordi.domain import geography
from ordi.domain.lifecycle import Actor, OrgKind
from ordi.domain.specs import Specs
from ordi.donations import service as donations
from ordi.donations.spreadsheet import DeviceItem
from ordi.organisations.tables import Organisation, User
from ordi.pickups import service as pickups
from ordi.pickups.schemas import Contact, PickupIn

DEMO_PASSWORD = "ordi-demo-2026"  # noqa: S105 - documented demo password, demo mode only

# (key, name, kind, subkind, postcode, city, SIRET, label number) — SIRETs are made-up valid numbers.
_ORGS = [
    ("canope", "Atelier Canopé 76 – Rouen", "donor", "atelier_canope", "76000", "Rouen", None, None),
    ("ibm", "IBM France", "donor", "member_firm", "92270", "Bois-Colombes", None, None),
    ("atelier", "Atelier du Réemploi Solidaire (Caen)", "refurbisher", None, "14000", "Caen", None, "O2-REC-2026-014"),
    ("epn", "EPN Le Havre Connecté", "association", None, "76600", "Le Havre", None, "O2-ASSO-2026-076"),
    ("comite", "Comité de pilotage Ordi 2.0", "committee", None, "75007", "Paris", None, None),
    ("operateur", "Opérateur du programme Ordi 2.0", "operator", None, "75015", "Paris", None, None),
]
ACCOUNTS = [
    ("admin@demo.ordi2.fr", "operateur", "Administratrice du programme"),
    ("donateur@demo.ordi2.fr", "canope", "Responsable Atelier Canopé"),
    ("entreprise@demo.ordi2.fr", "ibm", "Référent RSE IBM France"),
    ("atelier@demo.ordi2.fr", "atelier", "Technicien de l'atelier"),
    ("association@demo.ordi2.fr", "epn", "Médiatrice numérique"),
    ("comite@demo.ordi2.fr", "comite", "Membre du comité de pilotage"),
]
_COORDS = {
    "76000": (49.4431, 1.0993),
    "92270": (48.9153, 2.2690),
    "14000": (49.1829, -0.3707),
    "76600": (49.4944, 0.1079),
    "75007": (48.8566, 2.3125),
    "75015": (48.8412, 2.3003),
}


async def seed() -> bool:
    """Create the demo data once; returns False when it was already there."""
    if await User.exists().where(User.email == ACCOUNTS[0][0]):
        return False
    ids: dict[str, int] = {}
    for key, name, kind, subkind, postcode, city, siret, label in _ORGS:
        where = geography.locate(postcode)
        lat, lon = _COORDS[postcode]
        org = Organisation(
            name=name,
            kind=kind,
            subkind=subkind,
            postcode=postcode,
            city=city,
            siret=siret,
            departement=where.departement_code,
            region=where.region_code,
            latitude=lat,
            longitude=lon,
            label_number=label,
            label_valid_from=date(2026, 1, 1) if label else None,
            label_valid_until=date(2028, 12, 31) if label else None,
        )
        await org.save()
        ids[key] = org.id
    password_hash = hash_password(DEMO_PASSWORD)
    users: dict[str, int] = {}
    for email, org_key, full_name in ACCOUNTS:
        user = User(
            organisation=ids[org_key], email=email, full_name=full_name, role="manager", password_hash=password_hash
        )
        await user.save()
        users[org_key] = user.id
    donor = Actor(user_id=users["canope"], organisation_id=ids["canope"], kind=OrgKind.DONOR)
    canope = await donations.declare(
        donor,
        [
            DeviceItem("laptop", "Dell", "Latitude 5490", "DL5490-0001", specs=Specs("Intel Core i5", 8, 256, "ssd")),
            DeviceItem("laptop", "Lenovo", "ThinkPad T480", "PF1ABC23", specs=Specs(ram_gb=4, storage_kind="hdd")),
            DeviceItem("desktop", "HP", "EliteDesk 800 G3", "CZC7281XYZ"),
            DeviceItem("monitor", "Dell", "P2219H", "CN0ABC12", specs=Specs(screen_inches=22)),  # no storage
        ],
        pickup_address="Atelier Canopé 76, Rouen",
        pickup_postcode="76000",
        notes="Don de démonstration",
    )
    # Rouen asks for a pickup: it waits in the queue of Normandie's workshops (Caen claims it).
    await pickups.create(
        donor,
        PickupIn(
            donation_ids=[canope.id],
            postcode="76000",
            city="Rouen",
            address="Atelier Canopé 76, rue de Fontenelle",
            access_notes="Accueil au rez-de-chaussée, quai de livraison à l'arrière",
            contact=Contact(name="Accueil de l'Atelier Canopé", role="Secrétariat"),
        ),
    )
    # IBM France drops two laptops at the Caen workshop: the technician can scan them at once.
    firm = Actor(user_id=users["ibm"], organisation_id=ids["ibm"], kind=OrgKind.DONOR)
    dropped = await donations.declare(
        firm,
        [
            DeviceItem("laptop", "Lenovo", "ThinkPad X1 Carbon", "PC0XYZ01"),
            DeviceItem("laptop", "HP", "EliteBook 840", "5CG8123ABC"),
        ],
        notes="Dépôt de démonstration",
    )
    await pickups.create(
        firm,
        PickupIn(
            donation_ids=[dropped.id],
            postcode="92270",
            city="Bois-Colombes",
            contact=Contact(name="Référent RSE"),
            mode="drop_off",
            workshop_id=ids["atelier"],
        ),
    )
    return True
