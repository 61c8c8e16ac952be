"""`ordi create-admin EMAIL`: the first way into a new install, outside demo mode."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from litestar.testing import AsyncTestClient


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - the suite's own interpreter and command
        [sys.executable, "-m", "ordi.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
        stdin=subprocess.DEVNULL,
        check=False,
    )


async def test_create_admin_makes_the_operator_and_prints_a_generated_password_once(
    client: AsyncTestClient[Any], db: None
) -> None:
    from ordi.organisations.tables import Organisation, User

    done = _cli("create-admin", "Admin@Exemple.fr", "--generate", "--name", "Alex Martin")
    assert done.returncode == 0, done.stderr
    assert "Organisation de l'opérateur créée." in done.stdout
    password = done.stdout.split("Mot de passe (affiché une seule fois) : ")[1].strip()
    assert len(password) >= 20
    row = (
        await User.select(User.password_hash, User.role, User.organisation.kind)
        .where(User.email == "admin@exemple.fr")
        .first()
    )
    assert row is not None and row["role"] == "manager" and row["organisation.kind"] == "operator"
    assert password not in row["password_hash"]
    token = await client.post("/api/v1/auth/token", json={"email": "admin@exemple.fr", "password": password})
    assert token.status_code == 200
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert (await client.get("/api/v1/organisations", headers=headers)).status_code == 200
    # A second operator joins the same organisation; the same address twice is refused, in French.
    second = _cli("create-admin", "second@exemple.fr", "--generate")
    assert second.returncode == 0 and "Organisation" not in second.stdout
    assert await Organisation.count().where(Organisation.kind == "operator") == 1
    again = _cli("create-admin", "admin@exemple.fr", "--generate")
    assert again.returncode != 0 and "Cette adresse e-mail est déjà utilisée." in again.stderr


async def test_create_admin_refuses_a_bad_address(db: None) -> None:
    done = _cli("create-admin", "pas-une-adresse", "--generate")
    assert done.returncode != 0 and "Adresse e-mail invalide" in done.stderr


async def test_create_admin_asks_for_the_password_and_applies_the_policy(db: None) -> None:
    import pytest

    from ordi.domain.errors import InvalidRecord
    from ordi.organisations.service import create_admin
    from ordi.organisations.tables import User

    with pytest.raises(InvalidRecord) as weak:
        await create_admin("ops@exemple.fr", "password2026")
    assert weak.value.key == "password_too_common"
    user_id, created = await create_admin("ops@exemple.fr", "une phrase de passe longue")
    assert created and await User.exists().where(User.id == user_id)
