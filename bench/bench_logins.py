"""An unrelated read while logins are being guessed (issue 10): ``python bench/bench_logins.py``.

Serves the API (`ordi serve`, one worker), then times `GET /api/v1/devices?limit=20` as the demo
donor, one request after another: first idle, then while 20 clients send wrong passwords as fast as
they can (each on its own keep-alive connection, for the Atelier's account). The goal: the read's
median under attack within 2× its idle median — argon2 runs in its thread pool, off the event loop.

Two attacks: with the login limits of production (the attempts soon get 429 without argon2) and
with the limits lifted (every attempt costs an argon2 verification: the worst case for the loop).

With `ORDI_DATABASE_URL` set (as `bench/run.py` sets it, on a migrated database with the demo
accounts), it uses that database and `ORDI_REDIS_URL`; otherwise a fresh SQLite file. Prints the
figures, then one line of JSON.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PY = sys.executable
DONOR = "donateur@demo.ordi2.fr"
TARGET = "atelier@demo.ordi2.fr"
PASSWORD = "ordi-demo-2026"
READ = "/api/v1/devices?limit=20"
LIFTED = {
    "ORDI_LOGIN_FREE_FAILURES": "1000000000",
    "ORDI_LOGIN_ACCOUNT_LIMIT": "1000000000",
    "ORDI_LOGIN_ADDRESS_LIMIT": "1000000000",
}


def _port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _request(conn: http.client.HTTPConnection, method: str, path: str, body: Any = None, token: str = "") -> int:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status


class Server:
    def __init__(self, env: dict[str, str]) -> None:
        self.port = _port()
        self.process = subprocess.Popen(
            [PY, "-m", "ordi.cli", "serve", "--host", HOST, "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                if _request(conn, "GET", "/health") == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("the API did not start")

    def token(self, email: str) -> str:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        conn.request("POST", "/api/v1/auth/token", body=json.dumps({"email": email, "password": PASSWORD}))
        response = conn.getresponse()
        data = json.loads(response.read())
        return str(data["access_token"])

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _reads(port: int, token: str, count: int) -> list[float]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    _request(conn, "GET", READ, token=token)  # the connection and the path warmed
    times = []
    for _ in range(count):
        started = time.perf_counter()
        status = _request(conn, "GET", READ, token=token)
        times.append((time.perf_counter() - started) * 1000)
        assert status == 200, status
    return times


def _attack(port: int, stop: threading.Event, counts: dict[int, int]) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    body = {"email": TARGET, "password": "pas le bon mot de passe"}
    while not stop.is_set():
        status = _request(conn, "POST", "/api/v1/auth/token", body=body)
        counts[status] = counts.get(status, 0) + 1


def measure(env: dict[str, str], reads: int, attackers: int) -> dict[str, Any]:
    server = Server(env)
    try:
        token = server.token(DONOR)
        idle = _reads(server.port, token, reads)
        stop = threading.Event()
        counts: dict[int, int] = {}
        threads = [threading.Thread(target=_attack, args=(server.port, stop, counts)) for _ in range(attackers)]
        for thread in threads:
            thread.start()
        time.sleep(1.0)  # the attack under way
        started = time.monotonic()
        loaded = _reads(server.port, token, reads)
        seconds = time.monotonic() - started
        stop.set()
        for thread in threads:
            thread.join(timeout=90)
    finally:
        server.stop()
    idle_median, loaded_median = statistics.median(idle), statistics.median(loaded)
    return {
        "idle_median_ms": round(idle_median, 2),
        "idle_p90_ms": round(statistics.quantiles(idle, n=10)[-1], 2),
        "attacked_median_ms": round(loaded_median, 2),
        "attacked_p90_ms": round(statistics.quantiles(loaded, n=10)[-1], 2),
        "ratio": round(loaded_median / idle_median, 2),
        "goal_met": loaded_median <= 2 * idle_median,
        "login_answers": dict(sorted(counts.items())),
        "logins_per_s": round(sum(counts.values()) / max(seconds + 1.0, 1e-9), 1),
    }


def _local_env() -> dict[str, str]:
    """A fresh SQLite database, migrated, with the demo accounts."""
    folder = tempfile.mkdtemp(prefix="ordi-bench-logins-")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ORDI_")},
        "ORDI_DATABASE_URL": f"sqlite:///{folder}/ordi.sqlite",
    }
    for command in ("migrate", "seed-demo"):
        subprocess.run([PY, "-m", "ordi.cli", command], cwd=ROOT, env=env, check=True, capture_output=True)
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reads", type=int, default=300)
    parser.add_argument("--attackers", type=int, default=20)
    args = parser.parse_args()
    env = dict(os.environ) if os.environ.get("ORDI_DATABASE_URL") else _local_env()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    engine = "PostgreSQL + Redis" if env["ORDI_DATABASE_URL"].startswith("postgres") else "SQLite, memory counters"
    results: dict[str, Any] = {"engine": engine, "read": f"GET {READ}", "attackers": args.attackers}
    for name, extra in (("production limits", {}), ("limits lifted: argon2 on every attempt", LIFTED)):
        r = measure({**env, **extra}, args.reads, args.attackers)
        results[name] = r
        print(
            f"{name} ({engine}): read median idle {r['idle_median_ms']} ms, during {args.attackers} parallel "
            f"wrong logins {r['attacked_median_ms']} ms ({r['ratio']}×, goal ≤ 2×: "
            f"{'met' if r['goal_met'] else 'NOT met'}); p90 {r['idle_p90_ms']} → {r['attacked_p90_ms']} ms; "
            f"login answers {r['login_answers']} ({r['logins_per_s']}/s)",
            flush=True,
        )
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
