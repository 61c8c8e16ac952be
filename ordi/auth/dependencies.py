"""The `actor` dependency: every handler that takes `actor: Actor` requires credentials."""

from __future__ import annotations

from typing import Any

from litestar import Request

from ordi.auth.service import actor_from_credentials
from ordi.domain.errors import Forbidden
from ordi.domain.lifecycle import Actor, OrgKind


async def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    return await actor_from_credentials(request.headers.get("authorization"), request.headers.get("x-api-key"))


def require_kind(actor: Actor, *kinds: OrgKind) -> None:
    """Role gate used by services: the caller's organisation kind must be one of `kinds`."""
    if actor.kind not in kinds:
        raise Forbidden("role_forbidden", kind=actor.kind.value)
