"""The dramatiq broker: Redis in production, an in-memory StubBroker in embedded mode.

Imported before any actor is declared, because dramatiq binds actors to the global broker.
"""

from __future__ import annotations

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker

from ordi.config import get_settings


def _make_broker() -> dramatiq.Broker:
    settings = get_settings()
    if settings.redis_url:
        return RedisBroker(url=settings.redis_url, namespace=settings.redis_namespace)
    return StubBroker()


broker = _make_broker()
dramatiq.set_broker(broker)
