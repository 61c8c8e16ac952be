"""The dramatiq broker: Redis in production, an in-memory StubBroker in embedded mode.

Imported before any actor is declared, because dramatiq binds actors to the global broker.
The Redis client gives up after a few seconds on an unreachable server: a send that fails is
sent again by the jobs' outbox (ordi.jobs.outbox), so waiting longer would only hold a thread.
"""

from __future__ import annotations

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker

from ordi.config import get_settings

CONNECT_TIMEOUT_S = 3
SOCKET_TIMEOUT_S = 10


def _make_broker() -> dramatiq.Broker:
    settings = get_settings()
    if settings.redis_url:
        client = redis.Redis.from_url(
            settings.redis_url, socket_connect_timeout=CONNECT_TIMEOUT_S, socket_timeout=SOCKET_TIMEOUT_S
        )
        return RedisBroker(client=client, namespace=settings.redis_namespace)
    return StubBroker()


broker = _make_broker()
dramatiq.set_broker(broker)
