"""Run the whole suite on every backend: SQLite and PostgreSQL + Redis, side by side.

The two runs share nothing (a temporary SQLite file; a database and a Redis namespace of their
own), and the PostgreSQL run waits on its server much of the time: on two cores, both at once
take about the time of the longer one. Each line is prefixed with its backend; the summary lines
of both come at the end. `ORDI_TEST_SERIAL=1` runs them one after the other instead.

On a laptop without PostgreSQL or Redis the second run is skipped with a warning; in CI
(`CI=true`) an unreachable server fails the run instead.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import threading

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


class _Run:
    """One backend's pytest, its output streamed line by line with the backend's name."""

    def __init__(self, backend: str, args: list[str], prefix: bool) -> None:
        self.backend = backend
        self.tail = ""
        self.summary: list[str] = []
        label = f"[{backend}] " if prefix else ""
        print(f"\n=== Suite complète sur {backend} ===", flush=True)
        env = {**os.environ, "ORDI_TEST_BACKEND": backend}
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter running pytest
            [sys.executable, "-m", "pytest", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.reader = threading.Thread(target=self._read, args=(label,), daemon=True)
        self.reader.start()

    def _read(self, label: str) -> None:
        assert self.process.stdout is not None
        in_summary = False
        for line in self.process.stdout:  # streamed, so a long run shows its progress
            with _PRINT:
                sys.stdout.write(label + line)
                sys.stdout.flush()
            if line.startswith("=") and ("short test summary" in line or "FAILURES" in line):
                in_summary = True
            if in_summary:
                self.summary.append(line.rstrip())
            if line.strip():
                self.tail = line.strip()

    def wait(self) -> tuple[int, int, int]:
        code = self.process.wait()
        self.reader.join()
        passed = int(m.group(1)) if (m := re.search(r"(\d+) passed", self.tail)) else 0
        failed = sum(int(n) for n in re.findall(r"(\d+) (?:failed|errors?)", self.tail))
        if code == 5:  # no test collected is a failure here, not a success
            code = 1
        return code, passed, failed


_PRINT = threading.Lock()


def _report(run: _Run, result: tuple[int, int, int]) -> None:
    print(f"\n=== {run.backend} : {result[1]} passed, {result[2]} failed (code {result[0]}) ===", flush=True)
    for line in run.summary[-60:]:
        print(f"[{run.backend}] {line}", flush=True)


def main() -> int:
    args = sys.argv[1:]
    in_ci = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
    serial = os.environ.get("ORDI_TEST_SERIAL", "").lower() in {"1", "true", "yes"}
    missing = _servers_reachable()
    if missing is not None:
        if in_ci:
            print(f"\nÉCHEC : serveur injoignable en CI — {missing}", flush=True)
        else:
            print(f"\nAVERTISSEMENT : suite PostgreSQL + Redis non lancée — {missing}", flush=True)
    backends = ["sqlite"] + (["postgres"] if missing is None else [])
    results: list[tuple[int, int, int]] = []
    if serial or len(backends) == 1:
        for backend in backends:
            run = _Run(backend, args, prefix=False)
            results.append(run.wait())
            _report(run, results[-1])
    else:
        runs = [_Run(backend, args, prefix=True) for backend in backends]
        for run in runs:
            results.append(run.wait())
        for run, result in zip(runs, results, strict=True):
            _report(run, result)
    if missing is not None and in_ci:
        results.append((1, 0, 1))
    passed = sum(r[1] for r in results)
    failed = sum(r[2] for r in results)
    print(f"\ntotal: {passed} passed, {failed} failed", flush=True)
    return 0 if all(r[0] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
