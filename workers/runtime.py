"""Running the services' coroutines from dramatiq's worker threads.

Each worker thread keeps one event loop for its life. Worker processes use no connection pool
(a pool belongs to one loop), so the same code runs in the API process's in-process worker and
in separate worker processes.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")
_local = threading.local()


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    runner: asyncio.Runner | None = getattr(_local, "runner", None)
    if runner is None:
        runner = asyncio.Runner()
        _local.runner = runner
    return runner.run(coroutine)
