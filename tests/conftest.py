"""Test set-up: a fresh database per run on the backend chosen by ORDI_TEST_BACKEND.

`sqlite` (default): a temporary file and the in-memory StubBroker.
`postgres`: a new database on the machine's PostgreSQL and the machine's Redis, both dropped at
the end. The environment is set before any `ordi` module reads it.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid

BACKEND = os.environ.get("ORDI_TEST_BACKEND", "sqlite")
RUN_ID = uuid.uuid4().hex[:10]
PG_ADMIN_URL = os.environ.get("ORDI_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_DATABASE = f"ordi_test_{RUN_ID}"

if BACKEND == "postgres":
    import asyncpg

    async def _create() -> None:
        connection = await asyncpg.connect(PG_ADMIN_URL)
        try:
            await connection.execute(f'CREATE DATABASE "{PG_DATABASE}"')
        finally:
            await connection.close()

    asyncio.run(_create())
    os.environ["ORDI_DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DATABASE
    os.environ["ORDI_REDIS_URL"] = os.environ.get("ORDI_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    os.environ["ORDI_REDIS_NAMESPACE"] = f"ordi-test-{RUN_ID}"
elif BACKEND == "sqlite":
    # In memory-backed /dev/shm where there is one: the same SQLite file and WAL, without a disk
    # flush at each of the suite's thousands of commits.
    _tmp = tempfile.mkdtemp(prefix="ordi-test-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    os.environ["ORDI_DATABASE_URL"] = f"sqlite:///{_tmp}/ordi.sqlite"
    os.environ.pop("ORDI_REDIS_URL", None)
else:  # pragma: no cover
    raise RuntimeError(f"ORDI_TEST_BACKEND inconnu : {BACKEND}")
os.environ["ORDI_EMBEDDED_WORKER"] = "1"
os.environ["ORDI_SCHEDULE"] = "0"  # periodic purges would race the tests; tests/periodic runs them itself
os.environ["ORDI_ENV"] = "test"
os.environ["ORDI_PUBLIC_URL"] = "https://ordi.test"
os.environ.pop("ORDI_SIGNING_KEY", None)
# Failed logins are slowed down (ordi.auth.throttle): by milliseconds in tests, not seconds.
os.environ.setdefault("ORDI_LOGIN_DELAY_BASE_MS", "1")
os.environ.setdefault("ORDI_LOGIN_DELAY_MAX_MS", "20")

pytest_plugins = ["tests.fixtures"]


def pytest_report_header() -> str:
    return f"ordi backend: {BACKEND} ({os.environ['ORDI_DATABASE_URL']})"


def pytest_sessionfinish() -> None:
    if BACKEND == "sqlite":
        import shutil

        shutil.rmtree(_tmp, ignore_errors=True)
        return
    import asyncpg

    async def _drop() -> None:
        from ordi.db import close_pool

        await close_pool()
        connection = await asyncpg.connect(PG_ADMIN_URL)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
        finally:
            await connection.close()

    asyncio.run(_drop())
    import redis

    client = redis.Redis.from_url(os.environ["ORDI_REDIS_URL"])
    keys = list(client.scan_iter(f"{os.environ['ORDI_REDIS_NAMESPACE']}*"))
    if keys:
        client.delete(*keys)
