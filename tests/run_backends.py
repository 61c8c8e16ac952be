"""Run the whole suite on every backend: SQLite first, then PostgreSQL + Redis.

On a laptop without PostgreSQL or Redis the second run is skipped with a warning; in CI
(`CI=true`) an unreachable server fails the run instead.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys

POSTGRES_URL = os.environ.get("ORDI_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("ORDI_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _servers_reachable() -> str | None:
    """None when both answer, else what is missing."""
    try:
        import asyncpg

        async def ping() -> None:
            connection = await asyncpg.connect(POSTGRES_URL, timeout=5)
            await connection.close()

        asyncio.run(ping())
    except Exception as exc:
        return f"PostgreSQL ({POSTGRES_URL}): {exc}"
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_timeout=5).ping()
    except Exception as exc:
        return f"Redis ({REDIS_URL}): {exc}"
    return None


def _run(backend: str, args: list[str]) -> tuple[int, int, int]:
    print(f"\n=== Suite complète sur {backend} ===", flush=True)
    env = {**os.environ, "ORDI_TEST_BACKEND": backend}
    tail = ""
    with subprocess.Popen(  # noqa: S603 - our own interpreter running pytest
        [sys.executable, "-m", "pytest", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:  # streamed, so a long run shows its progress
            sys.stdout.write(line)
            sys.stdout.flush()
            if line.strip():
                tail = line.strip()
    passed = int(m.group(1)) if (m := re.search(r"(\d+) passed", tail)) else 0
    failed = sum(int(n) for n in re.findall(r"(\d+) (?:failed|errors?)", tail))
    code = process.returncode
    if code == 5:  # no test collected is a failure here, not a success
        code = 1
    return code, passed, failed


def main() -> int:
    args = sys.argv[1:]
    in_ci = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
    results = [_run("sqlite", args)]
    missing = _servers_reachable()
    if missing is None:
        results.append(_run("postgres", args))
    elif in_ci:
        print(f"\nÉCHEC : serveur injoignable en CI — {missing}", flush=True)
        results.append((1, 0, 1))
    else:
        print(f"\nAVERTISSEMENT : suite PostgreSQL + Redis non lancée — {missing}", flush=True)
    passed = sum(r[1] for r in results)
    failed = sum(r[2] for r in results)
    print(f"\ntotal: {passed} passed, {failed} failed", flush=True)
    return 0 if all(r[0] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
