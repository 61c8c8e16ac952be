"""Demo data (PRODUCT.md §7): a year of the programme, written through the services.

Organisations named after the real partners and a few more in four régions, the six documented
accounts (and one person for each other organisation), then twelve months of donations, pickups,
wipes and their certificates, requests, shipments, hand-overs, returns and recycling. Every write
goes through the services that the API calls (devices, pickups, donations, requests), each under
`ordi.clock.frozen_at` the moment it happened, so the history, the certificates and the
committee's rollups are what the same year lived through the API would have left (`ordi
rebuild-stats` finds the same rollups). A step that would fall after the present is not taken:
the recent donations are still on their way, and every page has something in every state.

Only `ordi demo` and `ordi seed-demo` call this; outside demo mode no default account exists.
Reproducible: the same seed draws the same year (ending now).
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

import msgspec

from ordi import clock
from ordi.auth.passwords import hash_password
from ordi.db import execute_in_transaction, write_transaction
from ordi.devices import corrections
from ordi.devices import service as devices
from ordi.devices.schemas import EventRequest
from ordi.devices.tables import Device, DeviceEvent
from ordi.domain import geography
from ordi.domain.errors import DomainError
from ordi.domain.lifecycle import Actor, OrgKind
from ordi.domain.specs import Specs
from ordi.donations import service as donations
from ordi.donations.spreadsheet import DeviceItem
from ordi.organisations.tables import Organisation, User
from ordi.pickups import service as pickups
from ordi.pickups.schemas import CollectIn, Contact, Person, PickupIn, ReceptionIn
from ordi.pickups.tables import Pickup, PickupDonation
from ordi.requests import service as requests
from ordi.requests.schemas import DecisionIn, RequestIn
from ordi.requests.tables import EquipmentRequest

DEMO_PASSWORD = "ordi-demo-2026"  # noqa: S105 - documented demo password, demo mode only
SEED = 2026

# (key, name, kind, subkind, postcode, city, label number, latitude, longitude)
_ORGS = [
    ("canope", "Atelier Canopé 76 – Rouen", "donor", "atelier_canope", "76000", "Rouen", None, 49.4431, 1.0993),
    ("ibm", "IBM France", "donor", "member_firm", "92270", "Bois-Colombes", None, 48.9153, 2.2690),
    (
        "atelier",
        "Atelier du Réemploi Solidaire (Caen)",
        "refurbisher",
        None,
        "14000",
        "Caen",
        "O2-REC-2026-014",
        49.1829,
        -0.3707,
    ),
    ("epn", "EPN Le Havre Connecté", "association", None, "76600", "Le Havre", "O2-ASSO-2026-076", 49.4944, 0.1079),
    ("comite", "Comité de pilotage Ordi 2.0", "committee", None, "75007", "Paris", None, 48.8566, 2.3125),
    ("operateur", "Opérateur du programme Ordi 2.0", "operator", None, "75015", "Paris", None, 48.8412, 2.3003),
    # The rest of the programme: two more workshops, donors and associations in their régions.
    ("canope69", "Atelier Canopé 69 – Lyon", "donor", "atelier_canope", "69003", "Lyon", None, 45.7597, 4.8590),
    (
        "cpam",
        "Caisse primaire d'assurance maladie du Calvados",
        "donor",
        "public_body",
        "14000",
        "Caen",
        None,
        49.18,
        -0.36,
    ),
    ("lille", "Ville de Lille", "donor", "public_body", "59000", "Lille", None, 50.6292, 3.0573),
    ("banque", "Banque Populaire du Nord", "donor", "member_firm", "59800", "Lille", None, 50.6365, 3.0635),
    ("lyon", "Recyclerie numérique de Lyon", "refurbisher", None, "69007", "Lyon", "O2-REC-2026-069", 45.7485, 4.8467),
    (
        "roubaix",
        "Atelier numérique solidaire de Roubaix",
        "refurbisher",
        None,
        "59100",
        "Roubaix",
        "O2-REC-2026-059",
        50.6942,
        3.1746,
    ),
    (
        "caen_asso",
        "Maison des solidarités de Caen",
        "association",
        None,
        "14000",
        "Caen",
        "O2-ASSO-2026-014",
        49.1850,
        -0.3600,
    ),
    (
        "villeurbanne",
        "Espace numérique de Villeurbanne",
        "association",
        None,
        "69100",
        "Villeurbanne",
        "O2-ASSO-2026-069",
        45.7719,
        4.8902,
    ),
    (
        "stetienne",
        "EPN de Saint-Étienne",
        "association",
        None,
        "42000",
        "Saint-Étienne",
        "O2-ASSO-2026-042",
        45.4397,
        4.3872,
    ),
    (
        "roubaix_asso",
        "Centre social de l'Alma (Roubaix)",
        "association",
        None,
        "59100",
        "Roubaix",
        "O2-ASSO-2026-059",
        50.6900,
        3.1700,
    ),
]
ACCOUNTS = [
    ("admin@demo.ordi2.fr", "operateur", "Administratrice du programme"),
    ("donateur@demo.ordi2.fr", "canope", "Responsable Atelier Canopé"),
    ("entreprise@demo.ordi2.fr", "ibm", "Référent RSE IBM France"),
    ("atelier@demo.ordi2.fr", "atelier", "Technicien de l'atelier"),
    ("association@demo.ordi2.fr", "epn", "Médiatrice numérique"),
    ("comite@demo.ordi2.fr", "comite", "Membre du comité de pilotage"),
]
#: One person for each other organisation (same password): the banner lists them after ACCOUNTS.
OTHER_ACCOUNTS = [
    ("canope69@demo.ordi2.fr", "canope69", "Secrétaire de l'Atelier Canopé 69"),
    ("cpam@demo.ordi2.fr", "cpam", "Service informatique de la CPAM"),
    ("lille@demo.ordi2.fr", "lille", "Direction du numérique de Lille"),
    ("banque@demo.ordi2.fr", "banque", "Responsable RSE de la banque"),
    ("atelier.lyon@demo.ordi2.fr", "lyon", "Technicienne de la recyclerie"),
    ("atelier.roubaix@demo.ordi2.fr", "roubaix", "Technicien de l'atelier de Roubaix"),
    ("caen@demo.ordi2.fr", "caen_asso", "Conseillère numérique"),
    ("villeurbanne@demo.ordi2.fr", "villeurbanne", "Animateur de l'espace numérique"),
    ("saint-etienne@demo.ordi2.fr", "stetienne", "Médiateur numérique"),
    ("roubaix@demo.ordi2.fr", "roubaix_asso", "Référente insertion"),
]

#: Who gives to whom: each donor's pickups go to the workshop of its région; IBM France (Île-de-France,
#: no workshop there) drops off at Caen or has the operator assign its pickups.
_DONORS = {
    "canope": "atelier",
    "cpam": "atelier",
    "ibm": "atelier",
    "canope69": "lyon",
    "lille": "roubaix",
    "banque": "roubaix",
}
_DONOR_WEIGHTS = {"canope": 5, "ibm": 4, "cpam": 2, "canope69": 3, "lille": 3, "banque": 2}
_ASSOCIATIONS = {"epn": "76", "caen_asso": "14", "villeurbanne": "69", "stetienne": "42", "roubaix_asso": "59"}

# category, weight, storage medium (None: no storage), kg, models
_CATALOGUE: list[tuple[str, int, tuple[str, int] | None, float, list[tuple[str, str]]]] = [
    (
        "laptop",
        46,
        ("ssd", 256),
        2.1,
        [
            ("Dell", "Latitude 5490"),
            ("Lenovo", "ThinkPad T480"),
            ("HP", "EliteBook 840 G5"),
            ("Lenovo", "ThinkPad X280"),
            ("Dell", "Latitude 7400"),
        ],
    ),
    (
        "desktop",
        24,
        ("hdd", 500),
        7.5,
        [("HP", "EliteDesk 800 G3"), ("Dell", "OptiPlex 7060"), ("Lenovo", "ThinkCentre M720q")],
    ),
    ("monitor", 16, None, 4.5, [("Dell", "P2219H"), ("HP", "E24 G4"), ("Iiyama", "ProLite XU2493")]),
    ("tablet", 7, ("emmc", 32), 0.6, [("Apple", "iPad 6"), ("Samsung", "Galaxy Tab A7")]),
    ("smartphone", 7, ("emmc", 64), 0.2, [("Samsung", "Galaxy A40"), ("Fairphone", "Fairphone 3")]),
]
_REQUESTS = [("laptop", (4, 14)), ("desktop", (2, 8)), ("monitor", (2, 6)), ("tablet", (1, 4)), ("smartphone", (1, 4))]
#: Days between two requests of each association: about what its région's workshop refurbishes.
_REQUEST_EVERY = {
    "epn": (10, 28),
    "caen_asso": (10, 28),
    "villeurbanne": (35, 70),
    "stetienne": (35, 70),
    "roubaix_asso": (15, 35),
}
_REASONS = [
    "Ateliers d'accompagnement à la recherche d'emploi",
    "Prêt d'ordinateurs aux lycéens du quartier",
    "Cours d'initiation au numérique pour les seniors",
    "Équipement des familles suivies par le centre social",
]
_BENEFICIARIES = ["job_seeker"] * 5 + ["student"] * 3 + ["senior"] * 2 + ["low_income"] * 2 + ["disability"]
_AGES = ["18_25", "26_45", "26_45", "46_64", "65_plus"]
_NEAREST = {"atelier": "epn", "lyon": "villeurbanne", "roubaix": "roubaix_asso"}  # an association of its région
_TECHNICIANS = {"atelier": "Lucas Lefèvre", "lyon": "Amina Benali", "roubaix": "Julien Caron"}


def _label_dates(today: date) -> tuple[date, date]:
    return date(today.year - 1, 1, 1), date(today.year + 2, 12, 31)


@dataclass
class _Year:
    """The simulation: steps in time order, each taken on the programme's clock at its moment."""

    rng: random.Random
    end: datetime
    actors: dict[str, Actor]
    steps: list[tuple[datetime, int, Callable[[], Awaitable[None]]]] = field(default_factory=list)
    order: itertools.count[int] = field(default_factory=itertools.count)
    workshop_of: dict[str, str] = field(default_factory=dict)  # tag -> workshop key
    storage_of: dict[str, tuple[str, int] | None] = field(default_factory=dict)
    weight_of: dict[str, float] = field(default_factory=dict)
    serials: itertools.count[int] = field(default_factory=lambda: itertools.count(1001))
    ids: dict[str, int] = field(default_factory=dict)  # organisation key -> id
    postcodes: dict[str, str] = field(default_factory=dict)
    cities: dict[str, str] = field(default_factory=dict)
    done: int = 0  # steps taken
    refused: int = 0  # steps the rules refused (none, when the year is consistent)

    def at(self, when: datetime, step: Callable[[], Awaitable[None]]) -> None:
        """Take `step` at `when`, unless that is still to come."""
        if when < self.end:
            heapq.heappush(self.steps, (when, next(self.order), step))

    async def run(self) -> None:
        """In time order, in one transaction (a commit per step made the seed several times slower
        on SQLite; nobody else writes while it runs); each step in a savepoint, so that a step the
        rules refuse leaves nothing behind."""
        async with write_transaction():
            while self.steps:
                when, _, step = heapq.heappop(self.steps)
                with clock.frozen_at(when):
                    await execute_in_transaction("SAVEPOINT demo_step")
                    try:
                        await step()
                    except DomainError:
                        await execute_in_transaction("ROLLBACK TO SAVEPOINT demo_step")
                        self.refused += 1
                    await execute_in_transaction("RELEASE SAVEPOINT demo_step")
                self.done += 1

    def days(self, low: float, high: float) -> timedelta:
        return timedelta(days=self.rng.uniform(low, high))

    async def act(self, who: str, tag: str, body: dict[str, Any]) -> None:
        """One step through the devices service (a refusal undoes the whole step, see `run`)."""
        request = msgspec.convert(body, EventRequest)  # type: ignore[arg-type]
        await devices.perform(self.actors[who], tag, request)

    # --- a donation's journey ---------------------------------------------------------------

    def items(self, count: int, *, big_firm: bool) -> list[DeviceItem]:
        weights = [w * (1.6 if big_firm and c in ("laptop", "monitor") else 1) for c, w, *_ in _CATALOGUE]
        out = []
        for _ in range(count):
            category, _, medium, kg, models = self.rng.choices(_CATALOGUE, weights=weights)[0]
            brand, model = self.rng.choice(models)
            serial = f"{brand[:2].upper()}{next(self.serials):06d}{self.rng.choice('ABCDEFGHJK')}"
            specs = None
            if category in ("laptop", "desktop"):
                specs = Specs(
                    self.rng.choice(["Intel Core i5", "Intel Core i3", "Intel Core i7", "AMD Ryzen 5"]),
                    self.rng.choice([4, 8, 8, 16]),
                    medium[1] if medium else None,
                    medium[0] if medium else None,
                )
            out.append(
                DeviceItem(category, brand, model, serial, has_storage=medium is not None, weight_kg=kg, specs=specs)
            )
        return out

    async def donation(self, donor: str, count: int) -> None:
        workshop = _DONORS[donor]
        declared = await donations.declare(
            self.actors[donor],
            self.items(count, big_firm=donor in ("ibm", "banque")),
            pickup_address=f"{self.rng.randint(1, 90)} rue de la République",
            pickup_postcode=self.postcodes[donor],
            notes=self.rng.choice(["Renouvellement du parc", "Fin de bail des postes", "Déménagement du service", ""]),
        )
        tags = [d.asset_tag for d in declared.devices or []]
        items = {d.asset_tag: d for d in declared.devices or []}
        for tag in tags:
            self.workshop_of[tag] = workshop
            self.storage_of[tag] = next(m for c, _, m, _, _ in _CATALOGUE if c == items[tag].category)
            self.weight_of[tag] = next(kg for c, _, _, kg, _ in _CATALOGUE if c == items[tag].category)
        now = clock.now()
        roll = self.rng.random()
        if roll < 0.06 and count <= 12:  # a small one cancelled by the donor a few days later
            self.at(now + self.days(1, 4), lambda: self.cancel(donor, declared.id))
            return
        if roll < 0.1:
            # One device kept back by the donor before the pickup.
            kept, tags = tags[0], tags[1:]
            self.at(now + self.days(0.2, 1), lambda: self.withdraw(donor, kept))
        if donor == "ibm" and self.rng.random() < 0.5:
            self.at(now + self.days(0.1, 0.5), lambda: self.drop_off(donor, declared.id, workshop, tags))
        else:
            self.at(now + self.days(0.05, 0.3), lambda: self.pickup(donor, declared.id, workshop, tags))

    async def cancel(self, donor: str, donation_id: int) -> None:
        await donations.cancel_donation(self.actors[donor], donation_id, "Matériel finalement réaffecté en interne")

    async def withdraw(self, donor: str, tag: str) -> None:
        await corrections.withdraw(self.actors[donor], tag, "Poste conservé par le service")

    async def drop_off(self, donor: str, donation_id: int, workshop: str, tags: list[str]) -> None:
        announced = await pickups.create(
            self.actors[donor],
            PickupIn(
                donation_ids=[donation_id],
                postcode=self.postcodes[donor],
                contact=Contact(name="Référent RSE"),
                mode="drop_off",
                workshop_id=self.ids[workshop],
            ),
        )
        # Brought to the workshop's counter a few days later: handed over (the receipt), then received.
        self.at(clock.now() + self.days(2, 8), partial(self.collect, announced.id, workshop, tags, at_counter=True))

    async def pickup(self, donor: str, donation_id: int, workshop: str, tags: list[str]) -> None:
        asked = await pickups.create(
            self.actors[donor],
            PickupIn(
                donation_ids=[donation_id],
                postcode=self.postcodes[donor],
                city=self.cities[donor],
                address=f"{self.rng.randint(1, 90)} rue de la République",
                access_notes="Accueil au rez-de-chaussée, quai de livraison à l'arrière",
                contact=Contact(name="Accueil", role="Secrétariat", phone="02 35 00 00 00"),
            ),
        )
        claimed = clock.now() + self.days(0.5, 4)
        self.at(claimed, lambda: self.claim(donor, asked.id, workshop, tags))

    async def claim(self, donor: str, pickup_id: int, workshop: str, tags: list[str]) -> None:
        if donor == "ibm":  # no workshop in Île-de-France: the operator assigns it
            await pickups.assign(self.actors["operateur"], pickup_id, self.ids[workshop])
        else:
            await pickups.claim(self.actors[workshop], pickup_id)
        day = clock.today() + timedelta(days=self.rng.randint(2, 12))
        await pickups.schedule(self.actors[workshop], pickup_id, day)
        collected = datetime.combine(day, time(9, 30), clock.PARIS) + self.days(0, 0.25)
        self.at(collected, lambda: self.collect(pickup_id, workshop, tags))

    async def collect(self, pickup_id: int, workshop: str, tags: list[str], *, at_counter: bool = False) -> None:
        taken = tags if at_counter or len(tags) < 4 or self.rng.random() > 0.1 else tags[:-1]  # one not found
        await pickups.collect(
            self.actors[workshop],
            pickup_id,
            CollectIn(handed_over_by=Person(name="Accueil", role="Secrétariat"), tags=taken),
        )
        later = self.days(0.02, 0.2) if at_counter else self.days(1, 10)
        self.at(clock.now() + later, lambda: self.reception(pickup_id, workshop, taken))

    async def collect_only(self, pickup_id: int, workshop: str, tags: list[str]) -> None:
        """A lot collected this morning, on its way to the workshop."""
        person = Person(name="Accueil", role="Secrétariat")
        await pickups.collect(self.actors[workshop], pickup_id, CollectIn(handed_over_by=person, tags=tags))

    async def reception(self, pickup_id: int, workshop: str, tags: list[str]) -> None:
        await pickups.reception(self.actors[workshop], pickup_id, ReceptionIn(tags=tags))
        for tag in tags:
            self.next_on_bench(workshop, tag, clock.now())

    def next_on_bench(self, workshop: str, tag: str, since: datetime) -> None:
        """A received device waits its turn on the bench: lost now and then, wiped, refurbished."""
        if self.rng.random() < 0.015:
            self.at(since + self.days(5, 60), lambda: self.lose(workshop, tag))
        elif self.storage_of[tag] is None:
            self.at(since + self.days(2, 30), lambda: self.refurbish(workshop, tag))
        else:
            self.at(since + self.days(1, 28), lambda: self.wipe(workshop, tag, first=True))

    async def lose(self, workshop: str, tag: str) -> None:
        await self.act(workshop, tag, {"action": "lose", "note": "Introuvable à l'inventaire du mois"})

    def wipe_body(self, workshop: str, tag: str, result: str, level: str = "purge") -> dict[str, Any]:
        medium = self.storage_of[tag] or ("hdd", 500)
        started = clock.now() - timedelta(hours=2)
        return {
            "action": "wipe",
            "level": level,
            "method": "Broyage du support" if level == "destroy" else "NIST SP 800-88 purge (ATA Secure Erase)",
            "tool": "nwipe",
            "tool_version": "0.37",
            "operator": _TECHNICIANS[workshop],
            "media": [{"kind": medium[0], "serial": f"S{tag}", "capacity_gb": medium[1], "result": result}],
            "started_at": started.isoformat(),
            "ended_at": (started + timedelta(minutes=self.rng.randint(20, 110))).isoformat(),
        }

    async def wipe(self, workshop: str, tag: str, *, first: bool) -> None:
        now = clock.now()
        if first and self.rng.random() < 0.08:  # the medium resists: a failed wipe, then another try
            await self.act(workshop, tag, self.wipe_body(workshop, tag, "failed"))
            if self.rng.random() < 0.3:  # destroyed and recycled
                self.at(now + self.days(2, 20), lambda: self.destroy(workshop, tag))
            else:
                self.at(now + self.days(5, 40), lambda: self.wipe(workshop, tag, first=False))
            return
        await self.act(workshop, tag, self.wipe_body(workshop, tag, "erased"))
        if self.rng.random() < 0.07:  # beyond repair: recycled
            self.at(now + self.days(1, 15), lambda: self.recycle(workshop, tag, "Carte mère hors service"))
        else:
            self.at(now + self.days(1, 14), lambda: self.refurbish(workshop, tag))

    async def destroy(self, workshop: str, tag: str) -> None:
        await self.act(workshop, tag, self.wipe_body(workshop, tag, "destroyed", level="destroy"))
        self.at(clock.now() + self.days(1, 10), lambda: self.recycle(workshop, tag, "Support détruit"))

    async def recycle(self, workshop: str, tag: str, reason: str) -> None:
        channel = self.rng.choice(["eco_organism", "weee_collector"])
        body = {"action": "recycle", "reason": reason, "weight_kg": self.weight_of[tag], "channel": channel}
        await self.act(workshop, tag, body)

    async def refurbish(self, workshop: str, tag: str) -> None:
        grade = self.rng.choices("ABC", weights=[4, 5, 2])[0]
        body = {
            "action": "refurbish",
            "grade": grade,
            "os": "Linux Mint 22" if self.storage_of[tag] else None,
            "checks": ["batterie", "clavier", "écran"] if self.storage_of[tag] else ["dalle", "connectique"],
            "labour_minutes": self.rng.randint(25, 150),
        }
        await self.act(workshop, tag, {k: v for k, v in body.items() if v is not None})

    # --- requests and what becomes of the devices ----------------------------------------------

    async def request(self, association: str) -> None:
        lines = self.rng.sample(_REQUESTS, k=self.rng.choice([1, 1, 2]))
        items = [{"category": c, "quantity": self.rng.randint(*q)} for c, q in lines]
        body = {"items": items, "reason": self.rng.choice(_REASONS)}
        asked = await requests.create(self.actors[association], msgspec.convert(body, RequestIn))
        now = clock.now()
        self.at(now + self.days(1, 10), lambda: self.decide(association, asked.id))
        self.at(now + self.days(*_REQUEST_EVERY[association]), lambda: self.request(association))

    async def decide(self, association: str, request_id: int) -> None:
        operator = self.actors["operateur"]
        if self.rng.random() < 0.12:
            reason = "Demande déjà couverte par un autre programme"
            await requests.decide(operator, request_id, False, DecisionIn(reason=reason))
            return
        await requests.decide(operator, request_id, True, DecisionIn(reason=""))
        self.at(clock.now() + self.days(1, 8), lambda: self.allocate(association, request_id))

    async def allocate(self, association: str, request_id: int) -> None:
        allocated = await requests.allocate(self.actors["operateur"], request_id)  # what is ready, maybe less
        shipped = clock.now() + self.days(1, 6)
        for tag in allocated.reserved:
            self.at(shipped + self.days(0, 0.1), partial(self.ship, association, tag))

    async def ship(self, association: str, tag: str) -> None:
        body = {"action": "ship", "carrier": "Colissimo", "tracking_number": f"6A{self.rng.randint(10**9, 10**10)}"}
        await self.act(self.workshop_of[tag], tag, body)
        self.at(clock.now() + self.days(2, 7), lambda: self.deliver(association, tag))

    async def deliver(self, association: str, tag: str) -> None:
        await self.act(association, tag, {"action": "deliver"})
        self.at(clock.now() + self.days(1, 25), lambda: self.hand_over(association, tag))

    async def hand_over(self, association: str, tag: str) -> None:
        beneficiary = {
            "category": self.rng.choice(_BENEFICIARIES),
            "age_band": self.rng.choice(_AGES),
            "departement": _ASSOCIATIONS[association],
        }
        await self.act(association, tag, {"action": "hand_over", "beneficiary": beneficiary})
        if self.rng.random() < 0.05:
            self.at(clock.now() + self.days(10, 90), lambda: self.give_back(association, tag))

    async def give_back(self, association: str, tag: str) -> None:
        reason = self.rng.choice(["Écran défaillant", "Ne démarre plus", "Bénéficiaire équipé par ailleurs"])
        await self.act(association, tag, {"action": "return", "reason": reason})
        workshop = self.workshop_of[tag]
        self.at(clock.now() + self.days(7, 45), lambda: self.back_at_workshop(workshop, tag, reason))

    async def back_at_workshop(self, workshop: str, tag: str, reason: str) -> None:
        """Back from a beneficiary, so with its data again: wiped for a second life, or its medium
        destroyed and the device recycled (the rule asks for one or the other first)."""
        await self.act(workshop, tag, {"action": "receive", "note": f"Retour : {reason}"})
        if self.storage_of[tag] is None:
            self.at(clock.now() + self.days(2, 15), lambda: self.recycle(workshop, tag, reason))
        elif self.rng.random() < 0.5:
            self.at(clock.now() + self.days(2, 15), lambda: self.wipe(workshop, tag, first=False))
        else:
            self.at(clock.now() + self.days(2, 15), lambda: self.destroy(workshop, tag))


async def seed(*, devices_target: int = 500) -> bool:
    """Create the demo data once; returns False when it was already there."""
    if await User.exists().where(User.email == ACCOUNTS[0][0]):
        return False
    end = clock.now()
    start = end - timedelta(days=365)
    label_from, label_until = _label_dates(clock.today())
    ids: dict[str, int] = {}
    kinds: dict[str, OrgKind] = {}
    postcodes: dict[str, str] = {}
    cities: dict[str, str] = {}
    for key, name, kind, subkind, postcode, city, label, lat, lon in _ORGS:
        where = geography.locate(postcode)
        org = Organisation(
            name=name,
            kind=kind,
            subkind=subkind,
            postcode=postcode,
            city=city,
            departement=where.departement_code,
            region=where.region_code,
            latitude=lat,
            longitude=lon,
            label_number=label,
            label_valid_from=label_from if label else None,
            label_valid_until=label_until if label else None,
            created_at=start - timedelta(days=30),
        )
        await org.save()
        ids[key], kinds[key], postcodes[key], cities[key] = org.id, OrgKind(kind), postcode, city
    password_hash = hash_password(DEMO_PASSWORD)
    actors: dict[str, Actor] = {}
    for email, org_key, full_name in ACCOUNTS + OTHER_ACCOUNTS:
        user = User(
            organisation=ids[org_key],
            email=email,
            full_name=full_name,
            role="manager",
            password_hash=password_hash,
            created_at=start - timedelta(days=30),
        )
        await user.save()
        labelled = kinds[org_key] in (OrgKind.REFURBISHER, OrgKind.ASSOCIATION)
        actors[org_key] = Actor(
            user_id=user.id,
            organisation_id=ids[org_key],
            kind=kinds[org_key],
            is_manager=True,
            label_valid_from=label_from if labelled else None,
            label_valid_until=label_until if labelled else None,
        )
    year = _Year(random.Random(SEED), end - timedelta(hours=1), actors, ids=ids, postcodes=postcodes, cities=cities)
    _plan(year, start, devices_target)
    await year.run()
    await _this_morning(year)
    await year.run()
    await _today(year)
    return True


def _plan(year: _Year, start: datetime, devices_target: int) -> None:
    """The donations of the year (more in the spring and the autumn) and the associations' first requests."""
    rng = year.rng
    donors = list(_DONOR_WEIGHTS)
    weights = list(_DONOR_WEIGHTS.values())
    sizes: list[int] = []
    while sum(sizes) < devices_target:
        sizes.append(rng.choice([4, 6, 8, 10, 12, 15, 18, 25]) if rng.random() > 0.1 else rng.randint(35, 60))
    sizes[-1] = max(1, sizes[-1] - (sum(sizes) - devices_target))
    # Spread over the year, the last few in the last three weeks (on their way at the end).
    days = sorted(rng.uniform(0, 340) for _ in sizes[:-4]) + sorted(rng.uniform(350, 364.5) for _ in sizes[-4:])
    for count, day in zip(sizes, days, strict=True):
        when = start + timedelta(days=day, hours=rng.uniform(8, 17))
        donor = rng.choices(donors, weights=weights)[0]
        year.at(when, partial(year.donation, donor, count))
    for association in _ASSOCIATIONS:
        year.at(start + timedelta(days=rng.uniform(40, 90)), partial(year.request, association))


#: What the workshops and associations do this morning when the year left no device in a state:
#: (state wanted, state it comes from, who acts, the step). Every page then shows every state.
_MORNING: list[tuple[str, str, str, dict[str, Any]]] = [
    ("wiped", "received", "workshop", {}),  # the step's body is drawn by `_Year.wipe_body`
    ("wipe_failed", "received", "workshop", {}),
    ("lost", "received", "workshop", {"action": "lose", "note": "Introuvable à l'inventaire du mois"}),
    ("delivered", "shipped", "association", {"action": "deliver"}),
    ("shipped", "reserved", "workshop", {"action": "ship", "carrier": "Colissimo"}),
    ("reserved", "ready", "operator", {"action": "reserve"}),
    ("returned", "handed_over", "association", {"action": "return", "reason": "Ne démarre plus"}),
    # last: the wipes and the loss above may have taken the only received device with storage (a
    # received monitor has nothing to wipe)
    ("received_with_storage", "collected", "workshop", {"action": "receive"}),
    ("withdrawn", "declared", "donor", {}),  # kept back by its donor (`corrections.withdraw`)
]


async def _this_morning(year: _Year) -> None:
    """The last hour: a step for each state the year happened to leave empty (one after the other,
    each on a device found at its moment); a pickup collected when no device waits between pickup
    and reception, one scheduled when none is; a request of each status that has none."""
    by_id = {v: k for k, v in year.ids.items()}
    async with write_transaction():
        # A lot collected first, when none is on its way: the steps below may need a collected device.
        with clock.frozen_at(year.end - timedelta(minutes=58)):
            if not await _in_state("collected"):
                await _collect_one(year, by_id)
        # Downstream first (a device shipped from the only reserved one, then another reserved),
        # a few rounds until nothing is missing that can be made.
        for minutes, (wanted, source, who, body) in enumerate(_MORNING * 3):
            with clock.frozen_at(year.end - timedelta(minutes=56 - minutes)):
                if not await _in_state(wanted):
                    await _morning_step(year, by_id, wanted, source, who, body)
        with clock.frozen_at(year.end - timedelta(minutes=26)):
            if not await _in_state("collected"):  # the receptions above took the whole lot
                await _collect_one(year, by_id)
        with clock.frozen_at(year.end - timedelta(minutes=25)):
            if await _scheduled() is None:
                await _claim_one(year, by_id)
        with clock.frozen_at(year.end - timedelta(minutes=20)):
            await _requests_of_the_morning(year)


async def _collect_one(year: _Year, by_id: dict[int, str]) -> None:
    """A scheduled pickup collected this morning (claimed and scheduled first if none is)."""
    pickup = await _scheduled() or await _claim_one(year, by_id)
    lot = PickupDonation.select(PickupDonation.donation).where(PickupDonation.pickup == pickup["id"])
    rows = await Device.select(Device.asset_tag).where(Device.donation.is_in(lot) & (Device.state == "declared"))
    await year.collect_only(pickup["id"], by_id[pickup["workshop"]], [r["asset_tag"] for r in rows])


async def _scheduled() -> dict[str, Any] | None:
    return await Pickup.select(Pickup.id, Pickup.workshop).where(Pickup.state == "scheduled").first()


async def _claim_one(year: _Year, by_id: dict[int, str]) -> dict[str, Any]:
    """A pickup asked in a workshop's région, claimed and scheduled by it (asked first if none is)."""
    regions = {await _region(year.ids[w]): w for w in _TECHNICIANS}
    asked = await (
        Pickup.select(Pickup.id, Pickup.region)
        .where((Pickup.state == "requested") & Pickup.workshop.is_null() & Pickup.region.is_in(list(regions)))
        .first()
    )
    if asked is None:
        donation = await donations.declare(year.actors["lille"], year.items(5, big_firm=False), pickup_postcode="59000")
        contact = Contact(name="Accueil", role="Secrétariat")
        made = await pickups.create(
            year.actors["lille"], PickupIn(donation_ids=[donation.id], postcode="59000", city="Lille", contact=contact)
        )
        asked = {"id": made.id, "region": await _region(year.ids["lille"])}
    workshop = regions[asked["region"]]
    await pickups.claim(year.actors[workshop], asked["id"])
    await pickups.schedule(year.actors[workshop], asked["id"], clock.today() + timedelta(days=3))
    return {"id": asked["id"], "workshop": year.ids[workshop]}


async def _region(organisation_id: int) -> str:
    row = await Organisation.select(Organisation.region).where(Organisation.id == organisation_id).first()
    return str(row["region"]) if row else ""


async def _requests_of_the_morning(year: _Year) -> None:
    """A request of each status the year left without one: approved, rejected, still pending."""
    statuses = {r["status"] for r in await EquipmentRequest.select(EquipmentRequest.status)}
    operator = year.actors["operateur"]
    for status, association in (("approved", "caen_asso"), ("rejected", "stetienne"), ("pending", "epn")):
        if status in statuses:
            continue
        body = {"items": [{"category": "laptop", "quantity": 4}], "reason": _REASONS[0]}
        asked = await requests.create(year.actors[association], msgspec.convert(body, RequestIn))
        if status != "pending":
            reason = "" if status == "approved" else "Demande déjà couverte par un autre programme"
            await requests.decide(operator, asked.id, status == "approved", DecisionIn(reason=reason))


async def _morning_step(
    year: _Year, by_id: dict[int, str], wanted: str, source: str, who: str, body: dict[str, Any]
) -> None:
    where: Any = Device.state == source
    if source in ("received", "collected"):  # a wipe needs storage; a received device comes from a collected one
        where &= Device.has_storage == True  # noqa: E712 - Piccolo's column comparison
    # The wipes take the first device, a loss the last one: never the one whose wipe just failed.
    first = wanted in ("wiped", "wipe_failed", "received_with_storage")
    row = (
        await Device.select(Device.asset_tag, Device.custodian, Device.association)
        .where(where)
        .order_by(Device.id, ascending=first)
        .first()
    )
    if row is None:
        return
    tag, holder = row["asset_tag"], by_id[row["custodian"]]
    if wanted == "withdrawn":
        await year.withdraw(holder, tag)
        return
    if wanted in ("wiped", "wipe_failed"):
        body = year.wipe_body(holder, tag, "erased" if wanted == "wiped" else "failed")
    elif who == "operator":
        holder, body = "operateur", {**body, "association_id": year.ids[_NEAREST[holder]]}
    elif who == "association":
        holder = by_id[row["association"]]
    await year.act(holder, tag, body)


async def _in_state(state: str) -> bool:
    if state == "wipe_failed":  # received, its last step a failed wipe
        last = DeviceEvent.select(DeviceEvent.device).where(
            (DeviceEvent.action == "wipe") & (DeviceEvent.outcome == "failed")
        )
        received = await Device.select(Device.id, Device.event_count).where(
            (Device.state == "received") & Device.id.is_in(last)
        )
        for row in received:
            final = (
                await DeviceEvent.select(DeviceEvent.action, DeviceEvent.outcome)
                .where((DeviceEvent.device == row["id"]) & (DeviceEvent.seq == row["event_count"]))
                .first()
            )
            if final and final["action"] == "wipe" and final["outcome"] == "failed":
                return True
        return False
    if state == "received_with_storage":
        return await Device.exists().where((Device.state == "received") & (Device.has_storage == True))  # noqa: E712
    return await Device.exists().where(Device.state == state)


async def _today(year: _Year) -> None:
    """What the demo walk-through starts from (README): Rouen's new donation waiting for its
    pickup, and two laptops IBM France drops off at Caen for the technician to scan."""
    donor, firm = year.actors["canope"], year.actors["ibm"]
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
            workshop_id=year.ids["atelier"],
        ),
    )
