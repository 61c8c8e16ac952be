"""Fixtures shared by the database and API tests: the schema, a clean slate, and a small world."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

import pytest
from litestar.testing import AsyncTestClient

from ordi.auth.passwords import hash_password
from ordi.auth.tokens import issue_token
from ordi.domain.lifecycle import Actor, OrgKind

PASSWORD = "mot-de-passe-de-test-2026"


def _tables_children_first() -> list[str]:
    """Every table of the Piccolo app, each before those it refers to: the order DELETE needs
    once the history's keys restrict deletes (a new table cannot be forgotten)."""
    from piccolo.table import sort_table_classes

    from ordi.piccolo_app import TABLES

    return [table._meta.tablename for table in reversed(sort_table_classes(list(TABLES)))]


_TABLES = _tables_children_first()
#: The ids of every table start again at their first value, as TRUNCATE … RESTART IDENTITY did
#: (the sequences these tables own; the migrations' own is left alone).
_RESTART_SEQUENCES = (
    "SELECT setval(s.seqrelid, s.seqstart, false) FROM pg_sequence s"  # noqa: S608 - our own table names
    " JOIN pg_depend d ON d.objid = s.seqrelid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')"
    " JOIN pg_class t ON t.oid = d.refobjid"
    f" WHERE t.relname IN ({', '.join(repr(name) for name in _TABLES)})"
)


@pytest.fixture(scope="session")
async def schema() -> AsyncIterator[None]:
    """The migrated schema, and the tests' own loop given its pool as the API's loop has one
    (without it every query of a fixture or a service called directly opens a connection: 30 ms
    a person made, a third of the PostgreSQL run)."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from ordi.db import close_pool, start_pool
    from ordi.wiring import wire

    result = await run_forwards("all")
    assert result.success, result.message
    wire()  # job kinds and step hooks, as the app and the workers do at start-up
    await start_pool()
    yield
    await close_pool()


@pytest.fixture
async def db(schema: None) -> AsyncIterator[None]:
    """Every database test starts from empty tables."""
    await empty_tables()
    yield


async def empty_tables() -> None:
    """Every table emptied (a module-scoped fixture's clean slate, see tests/services/test_demo.py)."""
    from ordi.db import engine, is_postgres, write_transaction
    from ordi.organisations.tables import Organisation

    # One transaction that no writer gets into: SQLite's IMMEDIATE one, PostgreSQL's tables locked
    # against writes (a job a previous test left running cannot write in between). DELETE, not
    # TRUNCATE: on PostgreSQL a TRUNCATE of every table replaces their files, 0.5 s per test on
    # this suite's machine (a third of the PostgreSQL run), where these deletes of a test's few
    # rows and the sequences' restart take about 3 ms.
    async with write_transaction():
        if is_postgres():
            await Organisation.raw(f"LOCK TABLE {', '.join(_TABLES)} IN EXCLUSIVE MODE")
        for table in _TABLES:
            await Organisation.raw(f"DELETE FROM {table}")  # noqa: S608
        if is_postgres():
            await Organisation.raw(_RESTART_SEQUENCES)
    assert engine() is not None
    from ordi.auth import throttle
    from ordi.auth.current import KNOWN

    KNOWN.forget_all()  # ids start again at 1: nobody's version is known (the trigger says so too, later)
    await throttle.clear()  # and no failed login counted by an earlier test


@pytest.fixture(scope="session")
async def app_client(schema: None) -> AsyncIterator[AsyncTestClient[Any]]:
    from ordi.app import create_app

    async with AsyncTestClient(app=create_app(), base_url="http://ordi.test") as client:
        yield client


@pytest.fixture
async def client(app_client: AsyncTestClient[Any], db: None) -> AsyncTestClient[Any]:
    app_client.cookies.clear()  # shared by the suite: each test starts as a stranger (no web session)
    return app_client


@dataclass
class Member:
    """A person of an organisation, with ready-to-use request headers."""

    actor: Actor
    email: str
    organisation_id: int
    headers: dict[str, str] = field(default_factory=dict)


_HASH: list[str] = []


def _password_hash() -> str:
    if not _HASH:
        _HASH.append(hash_password(PASSWORD))
    return _HASH[0]


LABEL_OK = (date.today() - timedelta(days=30), date.today() + timedelta(days=365))
LABEL_EXPIRED = (date.today() - timedelta(days=400), date.today() - timedelta(days=1))


async def make_member(
    kind: OrgKind,
    name: str,
    *,
    postcode: str = "75011",
    label: tuple[date, date] | None = None,
    role: str = "manager",
) -> Member:
    return (await make_members([MemberSpec(kind, name, postcode, label, role)]))[0]


class MemberSpec(NamedTuple):
    """An organisation with its one person."""

    kind: OrgKind
    name: str
    postcode: str = "75011"
    label: tuple[date, date] | None = None
    role: str = "manager"


async def make_members(specs: Sequence[MemberSpec]) -> list[Member]:
    """Organisations with a person each, in two inserts whatever their number (on SQLite every
    query opens its connection: a world of nine took 18 of them, a tenth of a second per test)."""
    from ordi.domain import geography
    from ordi.organisations.tables import Organisation, User

    organisations = []
    for spec in specs:
        where = geography.locate(spec.postcode)
        organisations.append(
            Organisation(
                name=spec.name,
                kind=spec.kind.value,
                postcode=spec.postcode,
                departement=where.departement_code,
                region=where.region_code,
                label_number=f"L-{spec.name[:10]}" if spec.label else None,
                label_valid_from=spec.label[0] if spec.label else None,
                label_valid_until=spec.label[1] if spec.label else None,
            )
        )
    org_ids = [int(row["id"]) for row in await Organisation.insert(*organisations)]
    emails = [f"{spec.name.lower().replace(' ', '.')}@test.ordi2.fr" for spec in specs]
    people = [
        User(organisation=org_id, email=email, role=spec.role, password_hash=_password_hash(), full_name=spec.name)
        for spec, org_id, email in zip(specs, org_ids, emails, strict=True)
    ]
    user_ids = [int(row["id"]) for row in await User.insert(*people)]
    members = []
    for spec, org_id, user_id, email in zip(specs, org_ids, user_ids, emails, strict=True):
        actor = Actor(
            user_id=user_id,
            organisation_id=org_id,
            kind=spec.kind,
            is_manager=spec.role == "manager",
            label_valid_from=spec.label[0] if spec.label else None,
            label_valid_until=spec.label[1] if spec.label else None,
        )
        token, _ = issue_token(actor)
        members.append(
            Member(actor=actor, email=email, organisation_id=org_id, headers={"Authorization": f"Bearer {token}"})
        )
    return members


@dataclass
class World:
    """Two of each kind, so every test can try the other organisation's access too."""

    donor: Member
    other_donor: Member
    workshop: Member
    other_workshop: Member
    expired_workshop: Member
    association: Member
    other_association: Member
    committee: Member
    operator: Member


@pytest.fixture
async def world(db: None) -> World:
    specs = {
        "donor": MemberSpec(OrgKind.DONOR, "Canope Rouen", "76000"),
        "other_donor": MemberSpec(OrgKind.DONOR, "Autre Donateur", "69001"),
        "workshop": MemberSpec(OrgKind.REFURBISHER, "Atelier Caen", "14000", LABEL_OK),
        "other_workshop": MemberSpec(OrgKind.REFURBISHER, "Atelier Lyon", "69002", LABEL_OK),
        "expired_workshop": MemberSpec(OrgKind.REFURBISHER, "Atelier Expire", "13001", LABEL_EXPIRED),
        "association": MemberSpec(OrgKind.ASSOCIATION, "EPN Le Havre", "76600", LABEL_OK),
        "other_association": MemberSpec(OrgKind.ASSOCIATION, "EPN Marseille", "13002", LABEL_OK),
        "committee": MemberSpec(OrgKind.COMMITTEE, "Comite", "75007"),
        "operator": MemberSpec(OrgKind.OPERATOR, "Operateur", "75015"),
    }
    return World(**dict(zip(specs, await make_members(list(specs.values())), strict=True)))


WIPE_OK: dict[str, Any] = {
    "action": "wipe",
    "level": "purge",
    "method": "NIST 800-88 purge (ATA Secure Erase)",
    "tool": "nwipe",
    "tool_version": "0.35",
    "operator": "Technicien 1",
    "media": [{"kind": "ssd", "serial": "SSD-001", "capacity_gb": 256, "result": "erased"}],
}
WIPE_FAILED: dict[str, Any] = {
    **WIPE_OK,
    "media": [{"kind": "hdd", "serial": "HDD-001", "capacity_gb": 500, "result": "failed"}],
}
REFURBISH: dict[str, Any] = {
    "action": "refurbish",
    "grade": "A",
    "os": "Linux Mint 22",
    "checks": ["batterie"],
    "labour_minutes": 90,
}
HAND_OVER: dict[str, Any] = {
    "action": "hand_over",
    "beneficiary": {"category": "job_seeker", "age_band": "26_45", "departement": "76"},
}


@dataclass
class Api:
    """Small helpers around the client so tests read like the journey they check."""

    client: AsyncTestClient[Any]

    #: The workshop that `declare` puts in charge (a drop-off), so that it may collect and receive.
    in_charge: Member | None = None

    async def declare(
        self, member: Member, items: list[dict[str, Any]], in_charge: Member | bool | None = True
    ) -> dict[str, Any]:
        """A donation; dropped off at `in_charge` (by default the test's `world.workshop`), as its
        donor would bring it there; `in_charge=None` leaves it on the donor's shelf."""
        response = await self.client.post("/api/v1/donations", json={"items": items}, headers=member.headers)
        assert response.status_code == 201, response.text
        donation = dict(response.json())
        workshop = self.in_charge if in_charge is True else in_charge
        if isinstance(workshop, Member):
            await self.drop_off(member, donation["id"], workshop)
        return donation

    async def drop_off(self, donor: Member, donation_id: int, workshop: Member) -> dict[str, Any]:
        """The donor brings the donation to `workshop`, which is then in charge of its devices."""
        body = {
            "donation_ids": [donation_id],
            "postcode": "76000",
            "contact": {"name": "Accueil"},
            "mode": "drop_off",
            "workshop_id": workshop.organisation_id,
        }
        response = await self.client.post("/api/v1/pickups", json=body, headers=donor.headers)
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def donation_tags(self, member: Member, donation_id: int) -> list[str]:
        """Every tag of a donation, in order, following the device list's cursors."""
        tags: list[str] = []
        url = f"/api/v1/devices?donation={donation_id}&limit=500"
        while url:
            page = (await self.client.get(url, headers=member.headers)).json()
            tags += [d["asset_tag"] for d in page["items"]]
            url = f"/api/v1/devices?donation={donation_id}&limit=500&cursor={page['next']}" if page["next"] else ""
        return tags

    async def act(self, member: Member, tag: str, body: dict[str, Any], expected: int = 201) -> Any:
        response = await self.client.post(f"/api/v1/devices/{tag}/events", json=body, headers=member.headers)
        assert response.status_code == expected, response.text
        return response.json()

    async def device(self, member: Member, tag: str) -> dict[str, Any]:
        response = await self.client.get(f"/api/v1/devices/{tag}", headers=member.headers)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def ready_device(self, world: World, category: str = "laptop") -> str:
        """A device taken through collect, receive, wipe and refurbish by `world.workshop`."""
        donation = await self.declare(world.donor, [{"category": category, "model": "T480", "serial_number": ""}])
        tag = donation["devices"][0]["asset_tag"]
        for body in ({"action": "collect"}, {"action": "receive"}, WIPE_OK, REFURBISH):
            await self.act(world.workshop, tag, body)
        return str(tag)

    async def delivered_device(self, world: World) -> str:
        """A ready device reserved for `world.association`, shipped and delivered to it."""
        tag = await self.ready_device(world)
        await self.act(world.operator, tag, {"action": "reserve", "association_id": world.association.organisation_id})
        await self.act(world.workshop, tag, {"action": "ship"})
        await self.act(world.association, tag, {"action": "deliver"})
        return tag


@pytest.fixture
def api(client: AsyncTestClient[Any], request: pytest.FixtureRequest) -> Api:
    """In a test that has a `world`, `api.declare` drops its donations off at `world.workshop`."""
    helpers = Api(client)
    if "world" in request.fixturenames:
        helpers.in_charge = request.getfixturevalue("world").workshop
    return helpers


async def wait_for(predicate: Callable[[], Awaitable[bool]], seconds: float = 20.0) -> None:
    """Poll without blocking the loop the in-process worker relies on."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not await predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("délai dépassé")
        await asyncio.sleep(0.05)
