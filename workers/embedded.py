"""The in-process worker of embedded mode: no Redis, no second process to start."""

from __future__ import annotations

import dramatiq

from workers.actors import broker


class EmbeddedWorker:
    def __init__(self, threads: int = 2) -> None:
        self._worker = dramatiq.Worker(broker, worker_threads=threads, worker_timeout=100)

    def start(self) -> None:
        self._worker.start()

    def stop(self) -> None:
        self._worker.stop(timeout=5_000)
