"""`make bench` (issue 2): scan and event throughput next to a bare Litestar app, CSV import next to COPY.

Against PostgreSQL, in a database of its own that it drops at the end:

1. creates `ordi_bench_<pid>`, migrates it, seeds the demo (`ordi seed-demo`: its accounts and a year of data);
2. serves `ordi.app:app` and `bench/bare_app.py:app` the same way (uvicorn, same flags, loopback),
   through `python -m ordi.serving` as `ordi serve` does: with several workers, one SO_REUSEPORT
   socket each, so that the load generator's connections spread over them (the table says how
   many each worker held, and its CPU);
3. times `POST /api/v1/donations/import` of 10,000 CSV rows (and, bench_import.py, the same rows as
   .xlsx and Windows-1252 CSV, and the dry run) (end to end, response read) next to a
   PostgreSQL `COPY ... FROM STDIN` of the same CSV into a scratch table with the same columns;
4. for each uvicorn worker count: bare GET, scan, bare POST, event — 32 keep-alive connections,
   warm-up then a fixed measured duration each, with `wrk` (installed with apt-get if missing) or
   the Python fallback `bench/loadgen.py`;
5. runs `bench/bench_labels.py` (and the other side benches, `bench_logins.py` among them: a read
   during 20 parallel wrong logins) and includes what they print;
6. runs `bench/bench_pages.py` (issue 12: the workshop queue and a 10,000-device donation page at
   100,000 devices, next to their API calls; `--only pages` runs it alone);
7. prints a markdown table and writes `bench/results/latest.json`.

Every event request is a real state change: `collect` on a device that was never collected. Non-2xx
counts are reported for every run; a run with errors is flagged invalid.

    .venv/bin/python bench/run.py [--duration 10] [--warmup 2] [--workers 1,2] [--tool auto|wrk|python]
                                  [--profile] [--keep-db]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import io
import json
import os
import platform
import random
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
PY = sys.executable
HOST = "127.0.0.1"
PG_ADMIN_DSN = os.environ.get("BENCH_PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
DONOR = "donateur@demo.ordi2.fr"
REFURBISHER = "atelier@demo.ordi2.fr"
PASSWORD = "ordi-demo-2026"  # documented demo password (PRODUCT.md §7)
SCAN_PATH = "/api/v1/scan/%s"
EVENT_PATH = "/api/v1/devices/%s/events"
EVENT_BODY = '{"action":"collect"}'
GOALS = {"scan": 0.40, "event": 0.25}
# ordi.pickups.schemas.MAX_PICKUP_DEVICES: a workshop is put in charge of at most that many devices
# at once (ordi.donations.service.MAX_ITEMS, 20,000, bounds a donation).
MAX_IMPORT = 10_000
UVICORN_FLAGS = ["--host", HOST, "--no-access-log", "--log-level", "warning"]
# Both apps are served the way `ordi serve` serves ordi: uvicorn, and with several workers one
# SO_REUSEPORT socket each (ordi.serving). `uvicorn --workers` shares one socket, and a burst of
# keep-alive connections then often lands on one worker (measured 32/0, 3/29, 26/6).
SERVE = ["-m", "ordi.serving"]
SERVE_UVICORN = ["-m", "uvicorn"]  # --serve uvicorn: one shared socket, to compare


NOTES: list[str] = []
WAIT_IDLE_S = 0.0


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# HTTP for setup calls (stdlib, one connection per call)


def call(
    port: int, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, bytes, float]:
    conn = http.client.HTTPConnection(HOST, port, timeout=300)
    try:
        start = time.perf_counter()
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, data, time.perf_counter() - start
    finally:
        conn.close()


def login(port: int, email: str) -> str:
    body = json.dumps({"email": email, "password": PASSWORD}).encode()
    status, data, _ = call(port, "POST", "/api/v1/auth/token", body, {"Content-Type": "application/json"})
    if status != 200:
        raise SystemExit(f"login {email}: HTTP {status} {data[:300]!r}")
    return str(json.loads(data)["access_token"])


def organisation_id(port: int, token: str) -> int:
    status, data, _ = call(port, "GET", "/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    if status != 200:
        raise SystemExit(f"GET /api/v1/auth/me: HTTP {status} {data[:300]!r}")
    return int(json.loads(data)["organisation"]["id"])


# --------------------------------------------------------------------------------------------
# processes and CPU accounting


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


_TICK = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of a process, from /proc."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK


def tree_cpu(root: int) -> float:
    """CPU seconds used so far by `root` and its descendants that are still alive."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _proc_stat(int(entry))
            if stat:
                parents[int(entry)], cpu[int(entry)] = stat
    total, todo, seen = 0.0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += cpu.get(pid, 0.0)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return total


def postgres_cpu() -> float:
    """CPU seconds of the PostgreSQL processes alive now (read-only look at /proc)."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if Path(f"/proc/{entry}/comm").read_text().strip() != "postgres":
                    continue
            except OSError:
                continue
            stat = _proc_stat(int(entry))
            if stat:
                total += stat[1]
    return total


def _socket_inodes(pid: int) -> set[str]:
    out = set()
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    out.add(target[8:-1])
    return out


def connections_per_process(port: int, pids: list[int]) -> list[int]:
    """Established client connections to `port` held by each process (from /proc/net/tcp)."""
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                parts = line.split()
                if int(parts[1].rsplit(":", 1)[1], 16) == port and parts[3] == "01":
                    established.add(parts[9])
    return [len(_socket_inodes(pid) & established) for pid in pids]


def system_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    total = sum(values[:8])
    return total - idle, total


@dataclass
class Server:
    name: str
    app: str
    workers: int
    env: dict[str, str]
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    def start(self) -> None:
        self.port = free_port()
        self.log_path = RESULTS / "logs" / f"{self.name}-w{self.workers}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        cmd = [PY, *SERVE, self.app, "--port", str(self.port), "--workers", str(self.workers), *UVICORN_FLAGS]
        with open(self.log_path, "wb") as out:
            self.process = subprocess.Popen(
                cmd, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited at start-up, see {self.log_path}")
            with contextlib.suppress(OSError):
                status, _, _ = call(self.port, "GET", "/health")
                if status == 200:
                    break
            time.sleep(0.2)
        else:
            raise SystemExit(f"{self.name} did not answer /health, see {self.log_path}")
        if self.workers > 1:
            # Every worker process must be up (each on its own socket, bound by the parent).
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and len(self.children()) < self.workers:
                time.sleep(0.2)
            time.sleep(1.0)
        log(f"{self.name}: {self.app} on port {self.port}, {self.workers} worker(s), pid {self.process.pid}")

    def children(self) -> list[int]:
        assert self.process is not None
        out = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                stat = _proc_stat(int(entry))
                if stat and stat[0] == self.process.pid:
                    out.append(int(entry))
        return out

    def serving_pids(self) -> list[int]:
        """The processes that run the app: the server itself, or its workers."""
        assert self.process is not None
        if self.workers == 1:
            return [self.process.pid]
        # uvicorn's supervisor also starts multiprocessing's resource tracker: keep the workers only.
        workers = []
        for pid in self.children():
            with contextlib.suppress(OSError):
                if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                    workers.append(pid)
        return workers

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)  # the group we created (start_new_session)
            self.process.wait(timeout=5)


# --------------------------------------------------------------------------------------------
# load generation


def ensure_wrk(tool: str) -> str:
    """`wrk` if present or installable (apt-get, quietly), else the Python fallback."""
    if tool == "python":
        return "python"
    if shutil.which("wrk"):
        return "wrk"
    if shutil.which("apt-get") and os.geteuid() == 0:
        log("wrk missing: apt-get install -y wrk")
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            check=False,
        )
    if shutil.which("wrk"):
        return "wrk"
    if tool == "wrk":
        raise SystemExit("wrk requested but not installable")
    log("wrk unavailable: using the Python load generator bench/loadgen.py")
    return "python"


@dataclass
class Load:
    tool: str
    connections: int
    wrk_threads: int
    workdir: Path

    def run(
        self, port: int, method: str, path_fmt: str, tags: list[str], duration: float, auth: str = "", body: str = ""
    ) -> dict[str, Any]:
        tags_file = self.workdir / f"tags-{time.monotonic_ns()}.txt"
        tags_file.write_text("\n".join(tags) + "\n", encoding="ascii")
        seconds = max(1, round(duration))
        if self.tool == "wrk":
            cmd = [
                "wrk",
                f"-t{self.wrk_threads}",
                f"-c{self.connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                str(BENCH / "wrk_bench.lua"),
                f"http://{HOST}:{port}",
            ]
            env = {
                **os.environ,
                "BENCH_METHOD": method,
                "BENCH_PATH": path_fmt,
                "BENCH_TAGS": str(tags_file),
                "BENCH_THREADS": str(self.wrk_threads),
                "BENCH_BODY": body,
                "BENCH_AUTH": auth,
            }
        else:
            cmd = [
                PY,
                str(BENCH / "loadgen.py"),
                "--port",
                str(port),
                "--method",
                method,
                "--path",
                path_fmt,
                "--tags",
                str(tags_file),
                "--connections",
                str(self.connections),
                "--duration",
                str(seconds),
                "--auth",
                auth,
                "--body",
                body,
            ]
            env = dict(os.environ)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=seconds + 60, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        tags_file.unlink(missing_ok=True)
        line = next((x for x in done.stdout.splitlines() if x.startswith("WRKJSON ")), None)
        if done.returncode != 0 or line is None:
            raise SystemExit(f"load generator failed ({done.returncode}): {done.stdout[-2000:]} {done.stderr[-2000:]}")
        result: dict[str, Any] = json.loads(line[len("WRKJSON ") :])
        result["loadgen_cpu_s"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        return result


def summarise(raw: dict[str, Any], cpu: dict[str, float]) -> dict[str, Any]:
    seconds = raw["duration_us"] / 1e6
    statuses = {str(k): int(v) for k, v in raw["statuses"].items()}
    ok = sum(v for k, v in statuses.items() if k.startswith("2"))
    non_2xx = sum(v for k, v in statuses.items() if not k.startswith("2"))
    socket_errors = sum(int(v) for k, v in raw["errors"].items() if k != "status")
    lat = raw["latency_us"]
    return {
        "requests": raw["requests"],
        "seconds": round(seconds, 3),
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "ok_rps": round(ok / seconds, 1) if seconds else 0.0,
        "p50_ms": round(lat["p50"] / 1000, 2),
        "p90_ms": round(lat["p90"] / 1000, 2),
        "p99_ms": round(lat["p99"] / 1000, 2),
        "max_ms": round(lat["max"] / 1000, 2),
        "statuses": statuses,
        "non_2xx": non_2xx,
        "socket_errors": socket_errors,
        "bytes_per_response": round(raw["bytes"] / raw["requests"]) if raw["requests"] else 0,
        # Server CPU per answer: much less sensitive than req/s to other jobs sharing the machine.
        "server_cpu_us_per_req": round(1e4 * cpu["server_pct"] * seconds / raw["requests"]) if raw["requests"] else 0,
        "valid": non_2xx == 0 and socket_errors == 0 and raw["requests"] > 0,
        "cpu": {k: round(v, 3) for k, v in cpu.items()},
        "raw": raw,
    }


# --------------------------------------------------------------------------------------------
# database


async def pg_exec(dsn: str, *statements: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


async def pg_fetch(dsn: str, query: str, *args: Any) -> list[Any]:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        return list(await conn.fetch(query, *args))
    finally:
        await conn.close()


def count_collects(dsn: str) -> int:
    rows = asyncio.run(pg_fetch(dsn, "SELECT count(*) AS n FROM device_event WHERE action = 'collect'"))
    return int(rows[0]["n"])


async def copy_baseline(dsn: str, csv_bytes: bytes, repeats: int) -> list[float]:
    """`COPY bench_copy FROM STDIN (FORMAT csv, DELIMITER ';', HEADER)` of the very file the API imports."""
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_copy (category varchar(20), brand varchar(100), "
            "model varchar(150), serial_number varchar(100))"
        )
        times = []
        for _ in range(repeats):
            await conn.execute("TRUNCATE bench_copy")
            start = time.perf_counter()
            async with conn.transaction():
                await conn.copy_to_table(
                    "bench_copy", source=io.BytesIO(csv_bytes), format="csv", delimiter=";", header=True
                )
            times.append(time.perf_counter() - start)
        count = await conn.fetchval("SELECT count(*) FROM bench_copy")
        if count != csv_bytes.count(b"\n") - 1:
            raise SystemExit(f"COPY loaded {count} rows")
        await conn.execute("DROP TABLE bench_copy")
        return times
    finally:
        await conn.close()


# --------------------------------------------------------------------------------------------
# data


_MODELS = [
    ("laptop", "Lenovo", "ThinkPad T480"),
    ("laptop", "Dell", "Latitude 5490"),
    ("laptop", "HP", "EliteBook 840 G5"),
    ("desktop", "HP", "EliteDesk 800 G3"),
    ("desktop", "Dell", "OptiPlex 7050"),
    ("monitor", "Dell", "P2219H"),
    ("tablet", "Apple", "iPad 6"),
    ("smartphone", "Samsung", "Galaxy A52"),
]


class Csv:
    counter = 0

    @classmethod
    def make(cls, rows: int) -> bytes:
        cls.counter += 1
        rnd = random.Random(cls.counter)
        lines = ["category;brand;model;serial_number"]
        prefix = f"B{os.getpid():X}{cls.counter:03d}"
        for i in range(rows):
            category, brand, model = rnd.choice(_MODELS)
            lines.append(f"{category};{brand};{model};{prefix}-{i:06d}")
        return ("\n".join(lines) + "\n").encode()


def import_csv(
    port: int, donor_token: str, csv_bytes: bytes, workshop_id: int | None = None
) -> tuple[float, list[str], int]:
    """Times the import; then (not timed) lists its tags and drops the donation off at `workshop_id`.

    Before collection only the workshop in charge of a declared device sees it (ordi.pickups): the
    donor's drop-off puts the scanning workshop in charge, as at a real bench.
    """
    status, data, elapsed = call(
        port,
        "POST",
        "/api/v1/donations/import",
        csv_bytes,
        {"Content-Type": "text/csv", "Authorization": f"Bearer {donor_token}"},
    )
    if status != 201:
        raise SystemExit(f"CSV import: HTTP {status} {data[:500]!r}")
    donation = json.loads(data)
    tags = [d["asset_tag"] for d in donation["devices"]]
    # The answer lists the first devices; the others follow the device list's cursor (not timed).
    cursor = donation.get("devices_next")
    while cursor:
        status, page_data, _ = call(
            port,
            "GET",
            f"/api/v1/devices?donation={donation['id']}&limit=500&cursor={cursor}",
            headers={"Authorization": f"Bearer {donor_token}"},
        )
        if status != 200:
            raise SystemExit(f"device list of donation {donation['id']}: HTTP {status} {page_data[:300]!r}")
        page = json.loads(page_data)
        tags += [d["asset_tag"] for d in page["items"]]
        cursor = page["next"]
    expected = csv_bytes.count(b"\n") - 1
    if len(tags) != expected or len(set(tags)) != expected or donation["device_count"] != expected:
        raise SystemExit(f"CSV import returned {len(tags)} devices for {expected} rows")
    if workshop_id is not None:
        drop_off = {
            "donation_ids": [donation["id"]],
            "postcode": "76000",
            "contact": {"name": "Banc d'essai"},
            "mode": "drop_off",
            "workshop_id": workshop_id,
        }
        status, answer, _ = call(
            port,
            "POST",
            "/api/v1/pickups",
            json.dumps(drop_off).encode(),
            {"Content-Type": "application/json", "Authorization": f"Bearer {donor_token}"},
        )
        if status != 201:
            raise SystemExit(f"drop-off of donation {donation['id']}: HTTP {status} {answer[:300]!r}")
    return elapsed, tags, len(data)


@dataclass
class Pool:
    """Declared devices never collected yet: each event request consumes one."""

    tags: list[str] = field(default_factory=list)
    cursor: int = 0

    @property
    def left(self) -> int:
        return len(self.tags) - self.cursor

    def take(self, n: int) -> list[str]:
        chunk = self.tags[self.cursor : self.cursor + n]
        return chunk

    def consume(self, n: int) -> None:
        self.cursor = min(len(self.tags), self.cursor + n)


# --------------------------------------------------------------------------------------------
# profiling (optional, --profile)


def start_profile(pid: int, name: str, seconds: float) -> subprocess.Popen[bytes] | None:
    spy = shutil.which("py-spy") or str(Path(PY).parent / "py-spy")
    if not Path(spy).exists():
        log("--profile: py-spy not found (pip install py-spy)")
        return None
    out = RESULTS / f"profile-{name}.txt"
    cmd = [spy, "record", "-p", str(pid), "-d", str(int(seconds)), "-r", "250", "-f", "raw", "-o", str(out)]
    return subprocess.Popen(
        [*cmd, "--nonblocking"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


# --------------------------------------------------------------------------------------------
# the benchmark


def machine_info(pg_version: str, pg_settings: dict[str, str], tool: str) -> dict[str, Any]:
    cpu_model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    mem_gb = 0.0
    with contextlib.suppress(OSError, ValueError):
        mem_gb = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    versions = {}
    for package in ("litestar", "piccolo", "uvicorn", "uvloop", "httptools", "asyncpg", "msgspec", "pyjwt"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[package] = metadata.version(package)
    wrk_version = ""
    if tool == "wrk":
        wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False).stdout.split("\n")[0]
    return {
        "cores": os.cpu_count(),
        "cpu": cpu_model,
        "memory_gb": round(mem_gb, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgres": pg_version,
        "postgres_settings": pg_settings,
        "packages": versions,
        "load_tool": tool,
        "load_tool_version": wrk_version,
    }


def wait_idle(limit_s: float, threshold_pct: float = 20.0) -> float:
    """Wait (at most `limit_s`) until the machine's CPU use is below `threshold_pct` of one core."""
    start = time.monotonic()
    cores = os.cpu_count() or 1
    while True:
        b0 = system_busy()
        time.sleep(0.5)
        b1 = system_busy()
        busy_pct = 100 * cores * (b1[0] - b0[0]) / max(1, b1[1] - b0[1])
        if busy_pct < threshold_pct or time.monotonic() - start >= limit_s:
            return busy_pct


def measure(
    load: Load,
    server: Server,
    label: str,
    method: str,
    path_fmt: str,
    tags: list[str],
    duration: float,
    warmup: float,
    auth: str,
    body: str,
    profile: bool,
    probe: Callable[[], int] | None = None,
) -> tuple[dict[str, Any], int]:
    """Warm-up (not counted) then the measured run. Returns the summary and the tags consumed."""
    if WAIT_IDLE_S > 0:
        busy = wait_idle(WAIT_IDLE_S)
        if busy >= 20:
            log(f"  machine still busy ({busy:.0f} % of a core) after waiting {WAIT_IDLE_S:.0f} s")
    used = 0
    if warmup > 0:
        raw = load.run(server.port, method, path_fmt, tags, warmup, auth, body)
        used = raw["requests"] + load.connections
    measured_tags = tags[used:] if probe else tags  # only the event run consumes its devices
    if not measured_tags:
        raise SystemExit(f"{label}: no tags left for the measured run")
    spy = None
    if profile:
        spy = start_profile(server.serving_pids()[0], f"{label}-w{server.workers}", duration)
    probed = probe() if probe else 0
    pids = [server.process.pid] if server.process else []
    workers = server.serving_pids()
    per_worker0 = [(_proc_stat(pid) or (0, 0.0))[1] for pid in workers]
    seen: dict[str, list[int]] = {}
    # Which worker holds the load generator's connections (sampled once they are all open).
    sampler = threading.Timer(
        min(1.0, duration / 2), lambda: seen.setdefault("c", connections_per_process(server.port, workers))
    )
    cpu0 = sum(tree_cpu(p) for p in pids), postgres_cpu(), system_busy()
    sampler.start()
    raw = load.run(server.port, method, path_fmt, measured_tags, duration, auth, body)
    cpu1 = sum(tree_cpu(p) for p in pids), postgres_cpu(), system_busy()
    sampler.cancel()
    per_worker1 = [(_proc_stat(pid) or (0, 0.0))[1] for pid in workers]
    if spy is not None:
        spy.wait(timeout=60)
    seconds = raw["duration_us"] / 1e6
    busy = (cpu1[2][0] - cpu0[2][0]) / max(1, cpu1[2][1] - cpu0[2][1])
    cpu = {
        "server_pct": 100 * (cpu1[0] - cpu0[0]) / seconds,
        "postgres_pct": 100 * (cpu1[1] - cpu0[1]) / seconds,
        "loadgen_pct": 100 * raw["loadgen_cpu_s"] / seconds,
        "machine_busy_pct": 100 * busy,
    }
    worker_cpu = [round(100 * (b - a) / seconds) for a, b in zip(per_worker0, per_worker1, strict=True)]
    # CPU used by anything else on the machine (other jobs skew every figure: they are flagged).
    cpu["other_pct"] = max(
        0.0,
        cpu["machine_busy_pct"] * (os.cpu_count() or 1) - cpu["server_pct"] - cpu["postgres_pct"] - cpu["loadgen_pct"],
    )
    if not server.alive():
        raise SystemExit(f"{server.name} died during {label}, see {server.log_path}")
    if cpu["other_pct"] > 15:
        NOTES.append(
            f"{label} (workers={server.workers}): other processes used {cpu['other_pct']:.0f} % of a core "
            "during the run — the machine was not idle, figures are skewed."
        )
    result = summarise(raw, cpu)
    result["workers"] = {"cpu_pct": worker_cpu, "connections": seen.get("c", [])}
    if probe:
        # What the database recorded during the measured run: the answers counted, plus at most one
        # request per connection still in flight at either end (warm-up's end, measurement's end).
        result["db_rows_written"] = probe() - probed
        ok = sum(v for k, v in result["statuses"].items() if k.startswith("2"))
        if not ok <= result["db_rows_written"] <= ok + 2 * load.connections:
            result["valid"] = False
            NOTES.append(f"{label}: {ok} answers 2xx but {result['db_rows_written']} rows written")
    used += raw["requests"] + load.connections
    log(
        f"  {label:<10} w{server.workers}: {result['rps']:>8.0f} req/s  p50 {result['p50_ms']:.2f} ms  "
        f"p99 {result['p99_ms']:.2f} ms  non-2xx {result['non_2xx']}  CPU server {cpu['server_pct']:.0f} % "
        f"pg {cpu['postgres_pct']:.0f} % load {cpu['loadgen_pct']:.0f} % other {cpu['other_pct']:.0f} %  "
        f"per worker: CPU {worker_cpu} %, connections {seen.get('c', [])}"
    )
    return result, used


# The other issues' figures, each measured by its own script (issue 3: labels, issue 4: reports,
# issue 10: a read during a login attack).
SIDE_BENCHES = ("bench_labels.py", "bench_label_jobs.py", "bench_reports.py", "bench_logins.py")


def run_labels(env: dict[str, str], name: str = "bench_labels.py") -> dict[str, Any] | None:
    script = BENCH / name
    if not script.exists():
        return None
    log(f"running bench/{name}")
    try:
        done = subprocess.run(
            [PY, str(script)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=400, check=False
        )
    except subprocess.TimeoutExpired:
        return {"error": "timeout after 400 s"}
    out: dict[str, Any] = {"returncode": done.returncode}
    parsed = None
    with contextlib.suppress(ValueError):
        parsed = json.loads(done.stdout)
    if parsed is None:
        for line in reversed(done.stdout.strip().splitlines()):
            with contextlib.suppress(ValueError):
                parsed = json.loads(line)
                break
    if parsed is None:
        candidate = RESULTS / "labels.json"
        if candidate.exists():
            with contextlib.suppress(ValueError):
                parsed = json.loads(candidate.read_text())
    if parsed is not None:
        out["results"] = parsed
    out["stdout"] = done.stdout[-6000:]
    if done.returncode != 0:
        out["stderr"] = done.stderr[-4000:]
    return out


def run_pages() -> dict[str, Any]:
    """bench/bench_pages.py (issue 12): the workshop queue and a 10,000-device donation page at
    100,000 devices, next to their API calls. Its own database (built once with COPY, then kept)."""
    log("running bench/bench_pages.py")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORDI_")}
    done = subprocess.run(
        [PY, str(BENCH / "bench_pages.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    out: dict[str, Any] = {"returncode": done.returncode, "stdout": done.stdout.rsplit("\n{", 1)[0][-6000:]}
    lines = done.stdout.strip().splitlines()
    with contextlib.suppress(ValueError, IndexError):
        out["results"] = json.loads(lines[-1])
    if done.returncode != 0:
        out["stderr"] = done.stderr[-4000:]
        out["stdout"] += f"\n(exit status {done.returncode}) {done.stderr[-1500:]}"
    return out


def _per_worker(r: dict[str, Any]) -> str:
    detail = r.get("workers") or {}
    conns = "/".join(str(n) for n in detail.get("connections", [])) or "?"
    cpu = "/".join(f"{n}" for n in detail.get("cpu_pct", []))
    return f"{conns}, {cpu} %"


def pct(a: float, b: float) -> float:
    return round(100 * a / b, 1) if b else 0.0


def report(results: dict[str, Any]) -> str:
    lines = []
    m = results["machine"]
    lines.append(f"## Ordi 2.0 benchmarks — {results['started_at']}")
    lines.append("")
    lines.append(
        f"{m['cores']} cores ({m['cpu']}), Python {m['python']}, {m['postgres'].split(' on ')[0]}, "
        f"load tool: {m['load_tool']}, {results['config']['connections']} connections over loopback, "
        f"{results['config']['duration_s']} s measured after {results['config']['warmup_s']} s warm-up, "
        f"both apps served by `python {results['config'].get('serve', '-m uvicorn')}`."
    )
    lines.append("")
    lines.append(
        "| workers | endpoint | server | req/s | p50 ms | p99 ms | non-2xx | % of bare req/s | goal "
        "| server CPU µs/req | bare µs/req ÷ this | CPU server / PG / load / other | per worker: connections, CPU |"
    )
    lines.append("|---|---|---|---:|---:|---:|---:|---:|---|---:|---:|---|---|")
    for w, runs in results["http"].items():
        for kind, bare_key, path in (
            ("scan", "bare_get", "GET /api/v1/scan/{tag}"),
            ("event", "bare_post", "POST /api/v1/devices/{tag}/events"),
        ):
            bare, real = runs.get(bare_key), runs.get(kind)
            if not bare or not real:
                continue
            ratio = pct(real["ok_rps"], bare["ok_rps"])
            cpu_ratio = pct(bare["server_cpu_us_per_req"], real["server_cpu_us_per_req"])
            goal = GOALS[kind] * 100
            verdict = ("met" if ratio >= goal else "NOT met") + f" (≥ {goal:.0f} %)"
            if not real["valid"] or not bare["valid"]:
                verdict += ", INVALID: errors"
            for name, r in (("bare Litestar", bare), ("ordi", real)):
                is_real = name == "ordi"
                errors = f"{r['non_2xx']}" + (f" + {r['socket_errors']} socket" if r["socket_errors"] else "")
                c = r["cpu"]
                lines.append(
                    f"| {w} | {path} | {name} | {r['ok_rps']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {errors} | "
                    f"{f'{ratio} %' if is_real else ''} | {verdict if is_real else ''} | "
                    f"{r['server_cpu_us_per_req']} | {f'{cpu_ratio} %' if is_real else ''} | "
                    f"{c['server_pct']:.0f} / {c['postgres_pct']:.0f} / {c['loadgen_pct']:.0f} / "
                    f"{c['other_pct']:.0f} % | {_per_worker(r)} |"
                )
    imp = results["import"]
    lines.append("")
    lines.append(f"| {imp['rows']:,}-row CSV | median s | min s | rows/s | × COPY |")
    lines.append("|---|---:|---:|---:|---:|")
    lines.append(
        f"| POST /api/v1/donations/import (end to end, {len(imp['api_s'])} runs) | {imp['api_median_s']:.3f} | "
        f"{min(imp['api_s']):.3f} | {imp['rows'] / imp['api_median_s']:,.0f} | {imp['ratio_to_copy']:.1f} |"
    )
    lines.append(
        f"| PostgreSQL COPY FROM STDIN, same CSV ({len(imp['copy_s'])} runs) | {imp['copy_median_s']:.3f} | "
        f"{min(imp['copy_s']):.3f} | {imp['rows'] / imp['copy_median_s']:,.0f} | 1.0 |"
    )
    lines.append("")
    for note in results.get("notes", []):
        lines.append(f"- {note}")
    if results.get("pages"):
        lines += ["", "### bench/bench_pages.py", "", results["pages"]["stdout"].rstrip()]
    for name, labels in (results.get("side_benches") or {}).items():
        if labels is None:
            continue
        lines.append("")
        lines.append(f"### bench/{name}")
        text = labels.get("stdout") or json.dumps(labels, indent=2, ensure_ascii=False)
        lines.append("```")
        lines.append(text.rstrip()[:6000])
        if labels.get("returncode"):
            lines.append(f"(exit status {labels['returncode']}) {labels.get('stderr', '')[-1500:]}")
        lines.append("```")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds before each run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", default="1,2", help="uvicorn worker counts to run, e.g. 1 or 1,2")
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--import-runs", type=int, default=3)
    parser.add_argument("--only", default="", help="comma list among scan,event,import,pages (default: all)")
    parser.add_argument("--profile", action="store_true", help="py-spy record the ordi server (raw stacks)")
    parser.add_argument(
        "--no-labels", action="store_true", help="skip the label and report benches (" + ", ".join(SIDE_BENCHES) + ")"
    )
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database (debugging)")
    parser.add_argument("--output", default=str(RESULTS / "latest.json"))
    parser.add_argument(
        "--wait-idle", type=float, default=0.0, help="before each run, wait up to this many s for an idle machine"
    )
    parser.add_argument("--app", default="ordi.app:app", help="the ASGI app under test (to try a variant)")
    parser.add_argument(
        "--serve",
        choices=["ordi", "uvicorn"],
        default="ordi",
        help="how both apps are served: ordi.serving (a socket per worker) or `uvicorn --workers` (one shared)",
    )
    args = parser.parse_args()
    if args.serve == "uvicorn":
        SERVE[:] = SERVE_UVICORN
    only = set(filter(None, args.only.split(","))) or {"scan", "event", "import", "pages"}
    pages = "pages" in only
    only.discard("pages")
    if pages and not only:  # `--only pages`: the pages next to their API calls, nothing else
        print(run_pages()["stdout"])
        return
    global WAIT_IDLE_S
    WAIT_IDLE_S = args.wait_idle
    worker_counts = [int(w) for w in args.workers.split(",") if w.strip()]

    RESULTS.mkdir(parents=True, exist_ok=True)
    tool = ensure_wrk(args.tool)
    tag = os.getpid()
    db_name = f"ordi_bench_{tag}"
    db_dsn = PG_ADMIN_DSN.rsplit("/", 1)[0] + "/" + db_name
    namespace = f"ordi-bench-{tag}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ORDI_")},
        "ORDI_DATABASE_URL": db_dsn,
        "ORDI_REDIS_URL": REDIS_URL,
        "ORDI_REDIS_NAMESPACE": namespace,
        "ORDI_EMBEDDED_WORKER": "0",
        "ORDI_ENV": "development",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])),
    }
    servers: list[Server] = []
    workdir = Path(tempfile.mkdtemp(prefix="ordi-bench-"))
    started = time.monotonic()
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "config": {
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "connections": args.connections,
            "workers": worker_counts,
            "wrk_threads": args.wrk_threads if tool == "wrk" else None,
            "uvicorn_flags": UVICORN_FLAGS,
            "serve": " ".join(SERVE),
            "database": db_name,
            "profile": args.profile,
            "app": args.app,
        },
        "http": {},
        "notes": [],
    }
    created_db = False
    try:
        version_rows = asyncio.run(
            pg_fetch(
                PG_ADMIN_DSN,
                "SELECT version() AS v, current_setting('synchronous_commit') AS sc, "
                "current_setting('shared_buffers') AS sb, current_setting('max_connections') AS mc",
            )
        )
        row = version_rows[0]
        results["machine"] = machine_info(
            row["v"], {"synchronous_commit": row["sc"], "shared_buffers": row["sb"], "max_connections": row["mc"]}, tool
        )
        log(f"database {db_name}; load tool {tool}")
        asyncio.run(pg_exec(PG_ADMIN_DSN, f'CREATE DATABASE "{db_name}"'))
        created_db = True
        for command in ("migrate", "seed-demo"):
            done = subprocess.run(
                [PY, "-m", "ordi.cli", command], cwd=ROOT, env=env, capture_output=True, text=True, check=False
            )
            if done.returncode != 0:
                raise SystemExit(f"ordi {command} failed: {done.stdout[-2000:]} {done.stderr[-3000:]}")

        load = Load(tool, args.connections, args.wrk_threads, workdir)
        ordi = Server("ordi", args.app, worker_counts[0], env)
        bare = Server("bare", "bench.bare_app:app", worker_counts[0], env)
        servers += [ordi, bare]
        ordi.start()
        donor = login(ordi.port, DONOR)
        refurbisher = login(ordi.port, REFURBISHER)
        workshop = organisation_id(ordi.port, refurbisher)

        # ---- CSV import next to COPY ----------------------------------------------------------
        pool = Pool()
        import_csv(ordi.port, donor, Csv.make(100))  # warm the import path (not timed)
        scan_tags: list[str] = []
        api_times, sizes = [], []
        csv_bytes = b""
        runs = args.import_runs if "import" in only else 1
        for i in range(runs):
            csv_bytes = Csv.make(args.import_rows)
            elapsed, tags, size = import_csv(ordi.port, donor, csv_bytes, workshop)
            api_times.append(elapsed)
            sizes.append(size)
            if i == 0:
                scan_tags = tags
            else:
                pool.tags += tags
            log(f"import {i + 1}/{runs}: {args.import_rows} rows in {elapsed:.3f} s ({size / 1e6:.1f} MB answer)")
        copy_times = asyncio.run(copy_baseline(db_dsn, csv_bytes, max(3, runs)))
        log(f"COPY of the same CSV: median {statistics.median(copy_times):.3f} s")
        results["import"] = {
            "rows": args.import_rows,
            "api_s": [round(t, 4) for t in api_times],
            "api_median_s": statistics.median(api_times),
            "api_response_bytes": sizes,
            "copy_s": [round(t, 4) for t in copy_times],
            "copy_median_s": statistics.median(copy_times),
            "ratio_to_copy": statistics.median(api_times) / statistics.median(copy_times),
            "what": "API: POST /api/v1/donations/import as the donor, text/csv body, timed from send to the "
            "last byte of the 201 answer (which lists every device). COPY: COPY bench_copy FROM STDIN "
            "(FORMAT csv, DELIMITER ';', HEADER) of the same file into a table with its 4 columns, one "
            "transaction, connection already open.",
        }
        if "import" in only:  # issue 9: the same rows as .xlsx and Windows-1252 CSV, and the dry run
            from bench_import import formats

            results["import_formats"] = fmt = formats(HOST, ordi.port, donor, args.import_rows, max(3, runs), log)
            log(
                "import formats (median s): "
                + ", ".join(f"{k} {v:.3f} ({fmt['ratio_to_csv_utf8'][k]:.2f}x)" for k, v in fmt["median_s"].items())
            )
        random.Random(1).shuffle(scan_tags)

        # ---- HTTP throughput ------------------------------------------------------------------
        expected_event_rps = 1500.0
        bare.start()
        for w in worker_counts:
            if w != ordi.workers:
                for s in (ordi, bare):
                    s.stop()
                    s.workers = w
                    s.start()
            runs_w: dict[str, Any] = {}
            if "scan" in only:
                runs_w["bare_get"], _ = measure(
                    load, bare, "bare GET", "GET", SCAN_PATH, scan_tags, args.duration, args.warmup, "", "", False
                )
                runs_w["scan"], _ = measure(
                    load,
                    ordi,
                    "scan",
                    "GET",
                    SCAN_PATH,
                    scan_tags,
                    args.duration,
                    args.warmup,
                    refurbisher,
                    "",
                    args.profile,
                )
            if "event" in only:
                # Bare POST: any tags, nothing is stored.
                runs_w["bare_post"], _ = measure(
                    load,
                    bare,
                    "bare POST",
                    "POST",
                    EVENT_PATH,
                    scan_tags,
                    args.duration,
                    args.warmup,
                    "",
                    EVENT_BODY,
                    False,
                )
                need = int(expected_event_rps * (args.duration + args.warmup) * 1.5) + 2 * args.connections
                while pool.left < need:
                    rows = min(MAX_IMPORT, need - pool.left + 1000)
                    _, tags, _ = import_csv(ordi.port, donor, Csv.make(rows), workshop)
                    pool.tags += tags
                    log(f"  declared {rows} more devices for the event run ({pool.left} available)")
                tags = pool.take(need)
                result, used = measure(
                    load,
                    ordi,
                    "event",
                    "POST",
                    EVENT_PATH,
                    tags,
                    args.duration,
                    args.warmup,
                    refurbisher,
                    EVENT_BODY,
                    args.profile,
                    probe=lambda: count_collects(db_dsn),
                )
                pool.consume(used)
                result["devices_prepared"] = len(tags)
                if result["statuses"].get("409"):
                    results["notes"].append(
                        f"workers={w}: the event run got {result['statuses']['409']} × 409 — it ran out of "
                        "fresh devices (more were consumed than prepared)."
                    )
                runs_w["event"] = result
                expected_event_rps = max(expected_event_rps, result["ok_rps"] * 1.3)
            results["http"][str(w)] = runs_w

        # One sample of each answer, for the record (sizes).
        status, data, _ = call(
            ordi.port, "GET", SCAN_PATH % scan_tags[0], headers={"Authorization": f"Bearer {refurbisher}"}
        )
        results["sample_scan_answer"] = {"status": status, "bytes": len(data), "body": json.loads(data)}
        status, data, _ = call(bare.port, "GET", SCAN_PATH % scan_tags[0])
        results["sample_bare_answer"] = {"status": status, "bytes": len(data)}

        for s in servers:
            s.stop()
        if not args.no_labels:
            results["side_benches"] = {name: run_labels(env, name) for name in SIDE_BENCHES}
    finally:
        for s in servers:
            with contextlib.suppress(Exception):
                s.stop()
        shutil.rmtree(workdir, ignore_errors=True)
        if created_db and not args.keep_db:
            with contextlib.suppress(Exception):
                asyncio.run(pg_exec(PG_ADMIN_DSN, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        with contextlib.suppress(Exception):
            import redis

            client = redis.Redis.from_url(REDIS_URL)
            keys = list(client.scan_iter(match=f"{namespace}*", count=1000))
            if keys:
                client.delete(*keys)
            client.close()

    if pages:
        results["pages"] = run_pages()
    results["elapsed_s"] = round(time.monotonic() - started, 1)
    results["notes"] += NOTES
    for runs_w in results["http"].values():
        for kind, bare_key in (("scan", "bare_get"), ("event", "bare_post")):
            if kind in runs_w and bare_key in runs_w:
                ratio = runs_w[kind]["ok_rps"] / runs_w[bare_key]["ok_rps"] if runs_w[bare_key]["ok_rps"] else 0.0
                runs_w[f"{kind}_ratio"] = round(ratio, 4)
                runs_w[f"{kind}_goal_met"] = bool(
                    ratio >= GOALS[kind] and runs_w[kind]["valid"] and runs_w[bare_key]["valid"]
                )
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    print(report(results))
    print(f"\n(full results: {os.path.relpath(args.output, ROOT)}; {results['elapsed_s']} s)")


if __name__ == "__main__":
    main()
