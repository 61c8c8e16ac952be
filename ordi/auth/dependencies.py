"""The `actor` dependency: every handler that takes `actor: Actor` requires credentials."""

from __future__ import annotations

from typing import Any

from litestar import Request

from ordi.auth.service import actor_from_credentials
from ordi.domain.lifecycle import Actor


async def provide_actor(request: Request[Any, Any, Any], lang: str) -> Actor:
    """The caller, from its bearer token or API key.

    It takes `lang` (unused) so that Litestar resolves the two dependencies one after the other:
    independent dependencies are resolved concurrently in an anyio task group, which costs about
    a tenth of a scan's CPU time.
    """
    del lang
    return await actor_from_credentials(request.headers.get("authorization"), request.headers.get("x-api-key"))
