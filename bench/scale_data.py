"""The synthetic national programme of `bench/scale.py`: organisations, people, donations, devices, history.

Pure Python, no database: `plan_world` draws the organisations, people and donations (small lists);
`device_chunks` then streams the devices and their events, donation by donation, in chunks that the
caller copies into PostgreSQL. Every device's history follows the journey of `ordi.domain.lifecycle`
(PRODUCT.md §3) and the device row is the fold of that history: state, custodian, refurbisher,
association, has_storage, data_cleared, grade, event_count and state_changed_at agree with its events.

Reproducible: the same seed and device count give the same rows.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ordi.domain import asset_tags, geography
from ordi.domain.lifecycle import TRANSITIONS, Action, State

# The columns each generator fills, in the order of its tuples. `bench/scale.py` matches them
# against the Piccolo tables and the database and copies only the columns both have.
ORGANISATION_FIELDS = (
    "id",
    "name",
    "kind",
    "subkind",
    "siret",
    "address",
    "postcode",
    "city",
    "departement",
    "region",
    "latitude",
    "longitude",
    "label_number",
    "label_valid_from",
    "label_valid_until",
    "created_at",
)
USER_FIELDS = ("id", "organisation", "email", "full_name", "role", "password_hash", "active", "created_at")
DONATION_FIELDS = (
    "id",
    "reference",
    "donor",
    "declared_by",
    "pickup_address",
    "pickup_postcode",
    "notes",
    "device_count",
    "created_at",
)
DEVICE_FIELDS = (
    "id",
    "asset_tag",
    "donation",
    "donor",
    "category",
    "brand",
    "model",
    "serial_number",
    "has_storage",
    "weight_kg",
    "state",
    "data_cleared",
    "custodian",
    "refurbisher",
    "association",
    "request",
    "grade",
    "event_count",
    "state_changed_at",
    "created_at",
)
EVENT_FIELDS = (
    "id",
    "device",
    "seq",
    "action",
    "outcome",
    "from_state",
    "to_state",
    "actor_user",
    "actor_organisation",
    "occurred_at",
    "payload",
    "idempotency_key",
)

WORKSHOPS = 100
ASSOCIATIONS = 2_000
DONORS = 500
DEVICES_PER_DONATION = 50  # about 20,000 donations for 1,000,000 devices
BIG_DONOR_SHARE = 0.05  # one national firm: about 50,000 of 1,000,000 devices
PROGRAMME_YEARS = 3
EMAIL_DOMAIN = "bench.ordi2.fr"

# --- probabilities of the journey's detours (tuned for about 9.7 events per device) ------------
P_COLLECT = 0.85  # else a drop-off at the workshop (receive straight from declared)
P_DONOR_LABELS = 0.9  # the donor prints its labels after declaring
P_LABEL_AT_RECEIVE = 0.4  # the workshop reprints a damaged label at reception
P_LABEL_AT_REFURBISH = 0.8  # the workshop prints a fresh label when the device is ready
P_FAILED_WIPE = 0.08  # a first wipe fails, the second passes
P_RELEASE = 0.08  # a reservation released, then the device reserved again
P_SECOND_LIFE = 0.16  # handed over, returned, refurbished and handed over again
P_IDEMPOTENCY_KEY = 0.085  # of the scanned steps: about 5 % of all events
P_NO_ACTOR_USER = 0.03  # a few steps recorded without a person (old API keys, imports)

# State of a device by the age of its donation: (share of the donations, {state: weight}).
AGE_BANDS: list[tuple[float, dict[State, float]]] = [
    (
        0.85,
        {
            State.HANDED_OVER: 64,
            State.RECYCLED: 19,
            State.READY: 3.5,
            State.RESERVED: 1.2,
            State.SHIPPED: 0.6,
            State.DELIVERED: 1.5,
            State.RETURNED: 0.8,
            State.LOST: 1.2,
            State.RECEIVED: 1.2,
            State.WIPED: 0.8,
            State.COLLECTED: 0.3,
            State.DECLARED: 0.5,
        },
    ),
    (
        0.10,
        {
            State.DECLARED: 10,
            State.COLLECTED: 8,
            State.RECEIVED: 14,
            State.WIPED: 10,
            State.READY: 20,
            State.RESERVED: 8,
            State.SHIPPED: 5,
            State.DELIVERED: 6,
            State.HANDED_OVER: 12,
            State.RECYCLED: 6,
            State.LOST: 1,
        },
    ),
    (
        0.05,
        {
            State.DECLARED: 70,
            State.COLLECTED: 15,
            State.RECEIVED: 10,
            State.WIPED: 3,
            State.READY: 2,
        },
    ),
]

CATEGORIES: list[tuple[str, float, bool, float]] = [
    # category, weight, has storage, typical weight in kg
    ("laptop", 44, True, 2.2),
    ("desktop", 24, True, 7.5),
    ("monitor", 15, False, 4.5),
    ("tablet", 6, True, 0.6),
    ("smartphone", 6, True, 0.2),
    ("printer", 3, False, 9.0),
    ("other", 2, False, 1.5),
]
MODELS: dict[str, list[tuple[str, str]]] = {
    "laptop": [
        ("Dell", "Latitude 5490"),
        ("Dell", "Latitude 7400"),
        ("Lenovo", "ThinkPad T480"),
        ("Lenovo", "ThinkPad X280"),
        ("HP", "EliteBook 840 G5"),
        ("HP", "ProBook 450 G6"),
        ("Apple", "MacBook Air 2017"),
    ],
    "desktop": [
        ("HP", "EliteDesk 800 G3"),
        ("Dell", "OptiPlex 7060"),
        ("Lenovo", "ThinkCentre M720q"),
        ("Fujitsu", "Esprimo D538"),
    ],
    "monitor": [("Dell", "P2219H"), ("HP", "E24 G4"), ("Iiyama", "ProLite XU2493"), ("Samsung", "S24F350")],
    "tablet": [("Apple", "iPad 6"), ("Samsung", "Galaxy Tab A7"), ("Lenovo", "Tab M10")],
    "smartphone": [("Samsung", "Galaxy A40"), ("Apple", "iPhone 8"), ("Fairphone", "Fairphone 3")],
    "printer": [("HP", "LaserJet M404"), ("Brother", "HL-L2350DW")],
    "other": [("Logitech", "K120"), ("Dell", "WD19 dock"), ("", "")],
}
MEDIA = {"laptop": ("ssd", 256), "desktop": ("hdd", 500), "tablet": ("emmc", 32), "smartphone": ("emmc", 64)}
DONOR_SUBKINDS = ["atelier_canope"] * 3 + ["member_firm"] * 4 + ["public_body"] * 2 + ["other"]
FIRST_NAMES = ["Camille", "Dominique", "Claude", "Sacha", "Alix", "Morgan", "Yanis", "Inès", "Léa", "Hugo"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau"]

_ACTIONS_NEEDING_WORKSHOP = {"collect", "receive", "wipe", "wipe_failed", "wipe_destroy", "refurbish", "recycle"}
_SCANNED = {"collect", "receive", "wipe", "wipe_failed", "wipe_destroy", "refurbish", "ship", "deliver", "hand_over"}


@dataclass
class Org:
    id: int
    kind: str
    departement: str
    region: str
    users: list[int] = field(default_factory=list)


@dataclass
class DonationPlan:
    id: int
    donor: Org
    declared_by: int
    workshop: Org
    size: int
    created_at: datetime
    first_device_id: int
    age: float  # 0 = the oldest donation, 1 = the newest


@dataclass
class World:
    """Everything small: organisations, people and donations; the devices are streamed."""

    seed: int
    devices: int
    now: datetime
    organisations: list[tuple[Any, ...]]
    users: list[tuple[Any, ...]]
    donations: list[tuple[Any, ...]]
    plans: list[DonationPlan]
    operator: Org
    committee: Org
    workshops: list[Org]
    associations: list[Org]
    donors: list[Org]
    big_donor: Org
    associations_by_region: dict[str, list[Org]]


def _departements() -> list[tuple[str, str]]:
    """(département code, a postcode in it) for the 101 départements, metropolitan first."""
    result = []
    for code in geography.DEPARTEMENTS:
        if code == "2A":
            postcode = "20000"
        elif code == "2B":
            postcode = "20200"
        elif len(code) == 3:
            postcode = code + "00"
        else:
            postcode = code + "000"
        result.append((code, postcode))
    return result


def plan_world(devices: int, password_hash: str, seed: int = 2026, big_donation: int = 0) -> World:
    """`big_donation`: one donation of the national donor has that many devices (bench_pages.py's
    10,000-device donation page); 0, the usual long tail only."""
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=365 * PROGRAMME_YEARS)
    label_from, label_until = date(now.year - PROGRAMME_YEARS, 1, 1), date(now.year + 2, 12, 31)
    departements = _departements()
    organisations: list[tuple[Any, ...]] = []
    users: list[tuple[Any, ...]] = []

    def add_org(kind: str, name: str, dept_index: int, subkind: str | None = None, label: str | None = None) -> Org:
        _, postcode = departements[dept_index % len(departements)]
        where = geography.locate(postcode)
        org = Org(len(organisations) + 1, kind, where.departement_code, where.region_code)
        organisations.append(
            (
                org.id,
                name,
                kind,
                subkind,
                None,  # SIRET: optional, unique
                f"{rng.randint(1, 120)} rue de la République",
                postcode,
                where.departement_name,
                where.departement_code,
                where.region_code,
                round(rng.uniform(43.0, 50.8), 5),
                round(rng.uniform(-4.3, 7.6), 5),
                label,
                label_from if label else None,
                label_until if label else None,
                start - timedelta(days=rng.randint(1, 60)),
            )
        )
        return org

    def add_users(org: Org, prefix: str, count: int) -> None:
        for n in range(count):
            user_id = len(users) + 1
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            email = f"{prefix}.{n + 1}@{EMAIL_DOMAIN}"
            role = "manager" if n == 0 else "member"
            users.append((user_id, org.id, email, name, role, password_hash, True, start))
            org.users.append(user_id)

    operator = add_org("operator", "Opérateur du programme Ordi 2.0", 75)  # Paris
    add_users(operator, "admin", 3)
    committee = add_org("committee", "Comité de pilotage Ordi 2.0", 75)
    add_users(committee, "comite", 1)
    workshops = []
    for n in range(WORKSHOPS):
        org = add_org("refurbisher", f"Atelier de reconditionnement n° {n + 1:03d}", n, label=f"O2-REC-{n + 1:04d}")
        add_users(org, f"atelier{n + 1:03d}", 3)
        workshops.append(org)
    associations = []
    for n in range(ASSOCIATIONS):
        org = add_org("association", f"Association numérique n° {n + 1:04d}", n * 7, label=f"O2-ASSO-{n + 1:05d}")
        add_users(org, f"asso{n + 1:04d}", 1)
        associations.append(org)
    donors = []
    for n in range(DONORS):
        subkind = "member_firm" if n == 0 else rng.choice(DONOR_SUBKINDS)
        name = "Grande Entreprise Nationale SA" if n == 0 else f"Donateur n° {n + 1:03d}"
        org = add_org("donor", name, n * 3 + 1, subkind=subkind)
        add_users(org, f"donateur{n + 1:03d}", 3 if n == 0 else 1)
        donors.append(org)
    big_donor = donors[0]

    workshops_by_region: dict[str, list[Org]] = {}
    for org in workshops:
        workshops_by_region.setdefault(org.region, []).append(org)
    associations_by_region: dict[str, list[Org]] = {}
    for org in associations:
        associations_by_region.setdefault(org.region, []).append(org)

    # Donations: one national donor with ~5 % of the devices, the others by a long-tailed weight.
    count = max(1, round(devices / DEVICES_PER_DONATION))
    big_devices = round(devices * BIG_DONOR_SHARE)
    big_count = max(1, round(count * BIG_DONOR_SHARE / 2))  # its donations are twice the usual size
    if big_donation:
        big_count = max(big_count, 2)
        big_devices = max(big_devices, big_donation + 2 * (big_count - 1))
        sizes_big = [big_donation, *_split(rng, big_devices - big_donation, big_count - 1)]
    else:
        sizes_big = _split(rng, big_devices, big_count)
    sizes_other = _split(rng, devices - big_devices, max(1, count - big_count))
    # Long-tailed, yet the national donor stays the largest (the next one has ~2 % of the devices).
    weights = [1.0 / (i + 1) ** 0.5 for i in range(len(donors) - 1)]
    donor_of = [big_donor] * len(sizes_big) + rng.choices(donors[1:], weights=weights, k=len(sizes_other))
    sizes = sizes_big + sizes_other
    order = list(range(len(sizes)))
    rng.shuffle(order)  # the big donor gives all along the programme
    plans: list[DonationPlan] = []
    donation_rows: list[tuple[Any, ...]] = []
    span = (now - timedelta(days=1) - start).total_seconds()
    next_device = 1
    for position, index in enumerate(order):
        donation_id = position + 1
        donor = donor_of[index]
        size = sizes[index]
        at = start + timedelta(seconds=span * (position + rng.random()) / len(order))
        region = rng.choice(list(workshops_by_region)) if donor is big_donor else donor.region
        workshop = rng.choice(workshops_by_region.get(region) or workshops)
        declared_by = rng.choice(donor.users)
        _, postcode = departements[(position * 13) % len(departements)]
        plans.append(
            DonationPlan(donation_id, donor, declared_by, workshop, size, at, next_device, position / len(order))
        )
        donation_rows.append(
            (
                donation_id,
                f"DON-{at.year}-{donation_id:06d}",
                donor.id,
                declared_by,
                f"{rng.randint(1, 200)} avenue des Donateurs",
                postcode,
                "",
                size,
                at,
            )
        )
        next_device += size
    return World(
        seed=seed,
        devices=devices,
        now=now,
        organisations=organisations,
        users=users,
        donations=donation_rows,
        plans=plans,
        operator=operator,
        committee=committee,
        workshops=workshops,
        associations=associations,
        donors=donors,
        big_donor=big_donor,
        associations_by_region=associations_by_region,
    )


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`parts` positive sizes summing to `total`, long-tailed (a few big donations, many small)."""
    parts = max(1, min(parts, total))
    raw = [rng.lognormvariate(0, 0.9) for _ in range(parts)]
    scale = (total - parts) / sum(raw)
    sizes = [1 + int(r * scale) for r in raw]
    short = total - sum(sizes)
    for i in range(short):
        sizes[i % parts] += 1
    return sizes


# --- the journey of one device ----------------------------------------------------------------


def _steps(rng: random.Random, target: State, has_storage: bool) -> list[str]:
    """The actions after `declare` that bring a device to `target` (pseudo-actions for wipe variants)."""
    r = rng.random
    steps: list[str] = []
    if r() < P_DONOR_LABELS:
        steps.append("label_donor")
    if target is State.DECLARED:
        return steps
    if target is State.LOST:
        prefix = rng.choice(
            [State.DECLARED, State.COLLECTED, State.RECEIVED, State.READY, State.RESERVED, State.DELIVERED]
        )
        steps = _steps(rng, prefix, has_storage)
        steps.append("lose")
        return steps
    collect = r() < P_COLLECT
    if collect:
        steps.append("collect")
    if target is State.COLLECTED:
        if not collect:
            steps.append("collect")
        return steps
    steps.append("receive")
    if r() < P_LABEL_AT_RECEIVE:
        steps.append("label_workshop")
    if target is State.RECEIVED:
        if has_storage and r() < 0.2:
            steps.append("wipe_failed")
        return steps
    if target is State.WIPED:
        steps.append("wipe")
        return steps
    if target is State.RECYCLED:
        roll = r()
        if has_storage:
            if roll < 0.5:
                steps.append("wipe")
            elif roll < 0.8:
                steps.append("wipe_destroy")
            else:
                steps.extend(("wipe", "refurbish"))
        elif roll < 0.4:
            steps.append("refurbish")
        steps.append("recycle")
        return steps
    _bench(rng, steps, has_storage)
    if target is State.READY:
        return steps
    _out(rng, steps, target)
    if target is State.HANDED_OVER and r() < P_SECOND_LIFE:
        steps.extend(("return", "receive"))
        _bench(rng, steps, has_storage)
        _out(rng, steps, State.HANDED_OVER)
    return steps


def _bench(rng: random.Random, steps: list[str], has_storage: bool) -> None:
    if has_storage:
        if rng.random() < P_FAILED_WIPE:
            steps.append("wipe_failed")
        steps.append("wipe")
    steps.append("refurbish")
    if rng.random() < P_LABEL_AT_REFURBISH:
        steps.append("label_workshop")


_OUT_ORDER = [State.RESERVED, State.SHIPPED, State.DELIVERED, State.HANDED_OVER]


def _out(rng: random.Random, steps: list[str], target: State) -> None:
    """From ready to `target` (returned: through a delivery, usually a hand-over)."""
    steps.append("reserve")
    if rng.random() < P_RELEASE:
        steps.extend(("release", "reserve"))
    if target is State.RESERVED:
        return
    steps.append("ship")
    if target is State.SHIPPED:
        return
    steps.append("deliver")
    if target is State.DELIVERED:
        return
    if target is State.RETURNED and rng.random() < 0.2:
        steps.append("return")
        return
    steps.append("hand_over")
    if target is State.RETURNED:
        steps.append("return")


# Pseudo-action -> (action stored, outcome).
_STORED = {
    "label_donor": (Action.LABEL_PRINTED.value, "done"),
    "label_workshop": (Action.LABEL_PRINTED.value, "done"),
    "wipe_failed": (Action.WIPE.value, "failed"),
    "wipe_destroy": (Action.WIPE.value, "done"),
}
_NEXT_STATE: dict[tuple[str, str], str] = {
    (action.value, source.value): target.value
    for action, moves in TRANSITIONS.items()
    for source, target in moves.items()
}

_GRADES = ["A"] * 5 + ["B"] * 4 + ["C"]
_OSES = ["Linux Mint 22", "Ubuntu 24.04 LTS", "Windows 10 Famille (licence reconditionneur)", "PrimTux 8"]
_CHECKS = ["batterie", "clavier", "écran", "ports USB", "Wi-Fi"]
_RECYCLE_REASONS = ["carte mère hors service", "trop ancien", "écran cassé", "pièces manquantes"]
_CHANNELS = ["weee_collector", "eco_organism", "manufacturer_take_back"]
_BENEFICIARIES = ["job_seeker", "student", "senior", "disability", "low_income", "asylum_refugee", "other"]
_AGE_BANDS = ["under_18", "18_25", "26_45", "46_64", "65_plus"]
_CARRIERS = ["Colissimo", "DB Schenker", "livraison par l'atelier"]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _refurbishments(rng: random.Random) -> list[tuple[str, str]]:
    """(grade, payload) of a refurbishment: the grade goes on the device row too."""
    result = []
    for _ in range(200):
        grade = rng.choice(_GRADES)
        payload = {
            "grade": grade,
            "labour_minutes": rng.randint(30, 240),
            "os": rng.choice(_OSES),
            "checks": _CHECKS,
            "parts_replaced": rng.choice([[], [], ["batterie"], ["SSD 256 Go"], ["clavier"]]),
        }
        result.append((grade, _json(payload)))
    return result


def _payload_pool(rng: random.Random) -> dict[str, list[str]]:
    """A few hundred ready-made payloads per action: realistic JSONB sizes without per-event encoding."""
    departements = list(geography.DEPARTEMENTS)
    pool: dict[str, list[Any]] = {
        "collect": [{}] * 9 + [{"note": "enlèvement sur site, quai B"}],
        "receive": [{}] * 9 + [{"note": "carton abîmé, appareil intact"}],
        "release": [{"note": "demande annulée"}, {}],
        "deliver": [{}] * 4 + [{"note": "livré à l'accueil"}],
        "return": [{"reason": "panne sous garantie"}, {"reason": "le bénéficiaire n'en a plus besoin"}, {}],
        "lose": [{"note": "introuvable à l'inventaire"}, {"note": "perdu lors du transport"}],
        "label_donor": [{"format": "avery-l7160", "media": "pdf"}],
        "label_workshop": [{"format": "brother-62x29", "media": "png"}, {"format": "zebra-2x1", "media": "zpl"}],
    }
    pool["recycle"] = [
        {
            "reason": rng.choice(_RECYCLE_REASONS),
            "weight_kg": round(rng.uniform(0.2, 12), 1),
            "channel": rng.choice(_CHANNELS),
        }
        for _ in range(100)
    ]
    pool["hand_over"] = [
        {
            "beneficiary": {
                "category": rng.choice(_BENEFICIARIES),
                "age_band": rng.choice(_AGE_BANDS),
                "departement": rng.choice(departements),
            }
        }
        for _ in range(500)
    ]
    pool["ship"] = [{}] + [
        {"carrier": rng.choice(_CARRIERS), "tracking_number": f"6A{rng.randrange(10**11):011d}"} for _ in range(50)
    ]
    return {action: [_json(p) for p in payloads] for action, payloads in pool.items()}


_WIPE_METHODS = {
    "purge": ("purge", "NIST 800-88 purge (ATA Secure Erase)", "erased", "vérification de tout le support"),
    "failed": ("purge", "NIST 800-88 purge (ATA Secure Erase)", "failed", "vérification de tout le support"),
    "destroy": ("destroy", "broyage du support", "destroyed", "contrôle visuel"),
}


def _wipe_payload(kind: str, technician: int, medium: str, serial: str, capacity: int, start: str, end: str) -> str:
    """The payload `POST /devices/{tag}/events` keeps for a wipe (the fields of `schemas.Wipe`)."""
    level, method, result, verification = _WIPE_METHODS[kind]
    return (
        f'{{"level": "{level}", "method": "{method}", "tool": "nwipe", "tool_version": "0.38", '
        f'"operator": "Technicien {technician}", "media": [{{"kind": "{medium}", "serial": "{serial}", '
        f'"result": "{result}", "capacity_gb": {capacity}}}], "started_at": "{start}", "ended_at": "{end}", '
        f'"verification": "{verification}"}}'
    )


def _scramble(value: int, multiplier: int, offset: int, length: int) -> str:
    """A bijective, random-looking base-32 rendering of `value` (unique tags without a set of 1 M)."""
    x = (value * multiplier + offset) % (32**length)
    alphabet = asset_tags.ALPHABET
    chars = []
    for _ in range(length):
        chars.append(alphabet[x & 31])
        x >>= 5
    return "".join(chars)


def asset_tag(device_id: int) -> str:
    data = _scramble(device_id, 0x2545F4914F6CDD1D | 1, 0x1D2B3C4D5E6F7, asset_tags.DATA_LENGTH)
    return data + asset_tags.check_character(data)


def device_chunks(
    world: World, chunk_devices: int = 10_000
) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """(device rows, event rows) of about `chunk_devices` devices at a time, in device id order."""
    rng = random.Random(world.seed + 1)
    pool = _payload_pool(rng)
    refurbishments = _refurbishments(rng)
    category_names = [c[0] for c in CATEGORIES]
    category_weights = [c[1] for c in CATEGORIES]
    storage_of = {c[0]: c[2] for c in CATEGORIES}
    kg_of = {c[0]: c[3] for c in CATEGORIES}
    bands = []
    edge = 0.0
    for share, weights in AGE_BANDS:
        edge += share
        bands.append((edge, list(weights), list(weights.values())))
    operator = world.operator
    now = world.now
    devices: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    event_id = 0
    for plan in world.plans:
        states, state_weights = next((s, w) for e, s, w in bands if plan.age < e or e == edge)
        targets = rng.choices(states, weights=state_weights, k=plan.size)
        categories = rng.choices(category_names, weights=category_weights, k=plan.size)
        region_associations = world.associations_by_region.get(plan.workshop.region) or world.associations
        declare_payload = f'{{"donation_id": {plan.id}}}'
        window = (now - plan.created_at).total_seconds()
        workshop = plan.workshop
        for k in range(plan.size):
            device_id = plan.first_device_id + k
            target = targets[k]
            category = categories[k]
            has_storage = storage_of[category]
            if target is State.WIPED and not has_storage:
                target = State.READY  # nothing to wipe: straight to ready
            steps = _steps(rng, target, has_storage)
            # Times: the journey spreads over part of the time since the donation.
            n = len(steps)
            spread = window * rng.uniform(0.2, 0.9) if plan.age < 0.85 else window * rng.uniform(0.5, 0.99)
            gaps = [rng.random() + 0.05 for _ in range(n)]
            scale = spread / (sum(gaps) or 1.0)
            at = plan.created_at
            # The fold of the history, as `ordi.domain.lifecycle._apply` does it.
            state = "declared"
            custodian = plan.donor.id
            refurbisher: int | None = None
            association: int | None = None
            cleared = not has_storage
            storage = has_storage
            grade: str | None = None
            changed_at = at
            seq = 1
            event_id += 1
            events.append(
                (
                    event_id,
                    device_id,
                    1,
                    "declare",
                    "done",
                    None,
                    "declared",
                    plan.declared_by,
                    plan.donor.id,
                    at,
                    declare_payload,
                    None,
                )
            )
            brand, model = rng.choice(MODELS[category])
            serial = "" if rng.random() < 0.04 else _scramble(device_id, 0x9E3779B97F4A7C15, 77, 10)
            for step, gap in zip(steps, gaps, strict=True):
                at = at + timedelta(seconds=gap * scale)
                action, outcome = _STORED.get(step, (step, "done"))
                if step in _ACTIONS_NEEDING_WORKSHOP or step in ("label_workshop", "ship"):
                    org = workshop
                elif step in ("deliver", "hand_over", "return"):
                    org = None  # the receiving association
                    assert association is not None
                    org_id = association
                elif step == "label_donor":
                    org = plan.donor
                else:  # reserve, release, lose: the operator
                    org = operator
                if org is not None:
                    org_id = org.id
                    users = org.users
                else:
                    users = _association_users(world, org_id)
                payload = "{}"
                source = state
                if action == "label_printed":
                    target_state = state
                    payload = rng.choice(pool[step])
                elif action == "wipe":
                    kind = "failed" if outcome == "failed" else ("destroy" if step == "wipe_destroy" else "purge")
                    medium, capacity = MEDIA.get(category, ("other", 16))
                    started = at - timedelta(minutes=rng.randint(20, 180))
                    payload = _wipe_payload(
                        kind,
                        rng.randint(1, 12),
                        medium,
                        serial[::-1] or "SANS-NUMERO",
                        capacity,
                        started.isoformat(),
                        at.isoformat(),
                    )
                    storage = True
                    if outcome == "failed":
                        cleared = False
                        target_state = state
                    else:
                        cleared = True
                        target_state = "wiped"
                else:
                    target_state = _NEXT_STATE[(action, state)]
                    if action == "collect":
                        custodian = refurbisher = org_id
                    elif action == "receive":
                        custodian = refurbisher = org_id
                        cleared = not storage
                        if state == "returned":
                            association = None
                    elif action == "refurbish":
                        grade, payload = rng.choice(refurbishments)
                    elif action == "reserve":
                        chosen = (
                            rng.choice(region_associations) if rng.random() < 0.8 else rng.choice(world.associations)
                        )
                        association = chosen.id
                        payload = f'{{"association_id": {association}}}'
                    elif action == "release":
                        association = None
                    elif action == "deliver":
                        custodian = org_id
                    elif action == "return":
                        custodian = refurbisher or custodian
                    if action not in ("reserve", "refurbish"):
                        payload = rng.choice(pool[action]) if action in pool else "{}"
                seq += 1
                event_id += 1
                user = None if rng.random() < P_NO_ACTOR_USER else rng.choice(users)
                key = None
                if step in _SCANNED and rng.random() < P_IDEMPOTENCY_KEY:
                    key = f"{rng.getrandbits(64):016x}-{event_id:x}"
                events.append(
                    (event_id, device_id, seq, action, outcome, source, target_state, user, org_id, at, payload, key)
                )
                if target_state != state:
                    changed_at = at
                state = target_state
            weight = round(kg_of[category] * rng.uniform(0.7, 1.3), 2) if rng.random() < 0.6 else None
            devices.append(
                (
                    device_id,
                    asset_tag(device_id),
                    plan.id,
                    plan.donor.id,
                    category,
                    brand,
                    model,
                    serial,
                    storage,
                    weight,
                    state,
                    cleared,
                    custodian,
                    refurbisher,
                    association,
                    None,  # request
                    grade,
                    seq,
                    changed_at,
                    plan.created_at,
                )
            )
            if len(devices) >= chunk_devices:
                yield devices, events
                devices, events = [], []
    if devices:
        yield devices, events


def _association_users(world: World, org_id: int) -> list[int]:
    # Associations are numbered in one block after the workshops: index straight into the list.
    first = world.associations[0].id
    org = world.associations[org_id - first]
    assert org.id == org_id
    return org.users
