"""Fallback load generator of `make bench` when `wrk` is not available.

Closed loop, `--connections` keep-alive HTTP/1.1 connections over raw asyncio streams (uvloop if
installed), one process, no HTTP library: as little CPU per request as Python allows, so that it
steals as little as possible from the server sharing the machine. Every connection takes the next
tag of one shared list (cycling). Prints one line "WRKJSON {...}" in the same format as
bench/wrk_bench.lua: counts, status codes, latency percentiles in microseconds.

    python bench/loadgen.py --port 8000 --method GET --path '/api/v1/scan/%s' --tags tags.txt \
        --connections 32 --duration 10 [--auth TOKEN] [--body '{"action":"collect"}']
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter


class Shared:
    def __init__(self, paths: list[str]) -> None:
        self.paths = paths
        self.index = 0
        self.latencies: list[int] = []
        self.statuses: Counter[int] = Counter()
        self.bytes = 0
        self.errors = {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}

    def next_path(self) -> str:
        path = self.paths[self.index]
        self.index = (self.index + 1) % len(self.paths)
        return path


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        lname = name.strip().lower()
        if lname == b"content-length":
            length = int(value)
        elif lname == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    size = len(head)
    if chunked:
        while True:
            line = await reader.readuntil(b"\r\n")
            n = int(line.split(b";")[0], 16)
            await reader.readexactly(n + 2)
            size += len(line) + n + 2
            if n == 0:
                break
    elif length:
        await reader.readexactly(length)
        size += length
    return status, size


async def _connection(args: argparse.Namespace, shared: Shared, deadline: float) -> None:
    try:
        reader, writer = await asyncio.open_connection(args.host, args.port)
    except OSError:
        shared.errors["connect"] += 1
        return
    head_tail = f"Host: {args.host}:{args.port}\r\n"
    if args.auth:
        head_tail += f"Authorization: Bearer {args.auth}\r\n"
    body = args.body.encode() if args.body else b""
    if body:
        head_tail += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    head_tail += "\r\n"
    perf = time.perf_counter
    try:
        while perf() < deadline:
            request = f"{args.method} {shared.next_path()} HTTP/1.1\r\n{head_tail}".encode() + body
            start = perf()
            try:
                writer.write(request)
            except OSError:
                shared.errors["write"] += 1
                return
            try:
                status, size = await _read_response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                shared.errors["read"] += 1
                return
            end = perf()
            if end > deadline:
                break
            shared.latencies.append(int((end - start) * 1_000_000))
            shared.statuses[status] += 1
            shared.bytes += size
            if status >= 400:
                shared.errors["status"] += 1
    finally:
        writer.close()


def _percentile(sorted_values: list[int], p: float) -> int:
    if not sorted_values:
        return 0
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[k]


async def main_async(args: argparse.Namespace, paths: list[str]) -> dict[str, object]:
    shared = Shared(paths)
    start = time.perf_counter()
    deadline = start + args.duration
    await asyncio.gather(*(_connection(args, shared, deadline) for _ in range(args.connections)))
    elapsed = time.perf_counter() - start
    lat = sorted(shared.latencies)
    return {
        "requests": len(lat),
        "duration_us": int(elapsed * 1_000_000),
        "bytes": shared.bytes,
        "errors": shared.errors,
        "latency_us": {
            "p50": _percentile(lat, 50),
            "p90": _percentile(lat, 90),
            "p99": _percentile(lat, 99),
            "p999": _percentile(lat, 99.9),
            "max": lat[-1] if lat else 0,
            "mean": (sum(lat) / len(lat)) if lat else 0.0,
        },
        "statuses": {str(k): v for k, v in shared.statuses.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--method", default="GET")
    parser.add_argument("--path", required=True, help="with one %%s for the tag")
    parser.add_argument("--tags", required=True)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--auth", default="")
    parser.add_argument("--body", default="")
    args = parser.parse_args()
    with open(args.tags, encoding="ascii") as f:
        paths = [args.path % line.strip() for line in f if line.strip()]
    try:
        import uvloop
    except ImportError:
        result = asyncio.run(main_async(args, paths))
    else:
        result = uvloop.run(main_async(args, paths))
    print("WRKJSON " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
