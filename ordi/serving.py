"""Serving an ASGI app with uvicorn worker processes that each listen on a socket of their own.

`uvicorn --workers N` hands one listening socket to all its workers: whichever wakes first
accepts every connection waiting, so a burst of keep-alive connections (a load balancer's
upstream pool, a load generator) often lands on one worker while the other stays idle. Measured
here with 32 connections and 2 workers: 32/0, 0/32, 3/29, 26/6, 16/16 from one run to the next
(`make bench`), so that 2 workers served on one core as often as not. With one socket per worker,
bound with SO_REUSEPORT, the kernel spreads new connections over the workers by a hash of their
addresses (32 connections: 18/14, 15/17, 21/11, 16/16 …), and a worker that stops is replaced on
the same socket.

    python -m ordi.serving ordi.app:app --host 127.0.0.1 --port 8000 --workers 2 [--no-access-log]
        [--log-level info] [--proxy-headers | --no-proxy-headers]

One worker, or a system without SO_REUSEPORT: plain `uvicorn.run`.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from typing import Any

import uvicorn

log = logging.getLogger("uvicorn.error")
STARTUP_FAILURE = 3  # uvicorn's exit status when the app's lifespan refuses to start


def serve(app: str, *, host: str, port: int, workers: int = 1, **options: Any) -> int:
    """Serve `app` (an import string) until SIGINT or SIGTERM; returns the exit status."""
    if workers <= 1 or not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(app, host=host, port=port, workers=workers, **options)
        return 0
    return _Supervisor(app, host, port, workers, options).run()


def _listen(host: str, port: int, backlog: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


def _worker(app: str, options: dict[str, Any], sock: socket.socket) -> None:
    """One worker process: a uvicorn server on its own socket (SIGTERM: graceful shutdown)."""
    config = uvicorn.Config(app, **options)
    uvicorn.Server(config).run(sockets=[sock])


class _Supervisor:
    def __init__(self, app: str, host: str, port: int, workers: int, options: dict[str, Any]) -> None:
        self.app = app
        self.options = {**options, "host": host, "port": port, "workers": 1}
        uvicorn.Config(app, **self.options)  # sets up uvicorn's logging in this process too
        backlog = int(options.get("backlog", 2048))
        # All bound before any worker starts: a port already taken fails here, once.
        self.sockets = [_listen(host, port, backlog) for _ in range(workers)]
        self.context = multiprocessing.get_context("spawn")
        self.processes: list[Any] = [None] * workers
        self.stopping = threading.Event()

    def _start(self, slot: int) -> None:
        process = self.context.Process(
            target=_worker, args=(self.app, self.options, self.sockets[slot]), name=f"ordi-worker-{slot}"
        )
        process.start()
        self.processes[slot] = process

    def run(self) -> int:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: self.stopping.set())
        host, port = self.options["host"], self.options["port"]
        log.info(
            "Parent process %s: %s workers on http://%s:%s (SO_REUSEPORT)", os.getpid(), len(self.sockets), host, port
        )
        status = 0
        try:
            for slot in range(len(self.sockets)):
                self._start(slot)
            while not self.stopping.wait(0.5):
                for slot, process in enumerate(self.processes):
                    if process.is_alive():
                        continue
                    process.join()
                    if process.exitcode == STARTUP_FAILURE:
                        log.error("Worker %s could not start (exit status %s): stopping", process.pid, process.exitcode)
                        status = STARTUP_FAILURE
                        self.stopping.set()
                        break
                    log.warning("Worker %s exited (status %s): replacing it", process.pid, process.exitcode)
                    self._start(slot)
        finally:
            self._stop_all()
        return status

    def _stop_all(self, timeout: float = 30.0) -> None:
        running = [p for p in self.processes if p is not None and p.is_alive()]
        for process in running:
            process.terminate()  # SIGTERM: uvicorn finishes its requests and the app's lifespan
        deadline = time.monotonic() + timeout
        for process in running:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ordi.serving", description=__doc__.split("\n\n")[0])
    parser.add_argument("app", help="import string of the ASGI app, e.g. ordi.app:app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--no-access-log", dest="access_log", action="store_false")
    parser.add_argument("--proxy-headers", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args(argv)
    sys.exit(
        serve(
            args.app,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level=args.log_level,
            access_log=args.access_log,
            proxy_headers=args.proxy_headers,
        )
    )


if __name__ == "__main__":
    main()
