"""Log in, who am I, and the scanning stations' API keys."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, delete, get, post

from ordi.auth import service
from ordi.domain.lifecycle import Actor


class TokenRequest(msgspec.Struct):
    email: str
    password: str


class TokenResponse(msgspec.Struct):
    access_token: str
    expires_in: int
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret


class ApiKeyCreate(msgspec.Struct):
    name: str = msgspec.field(default="Poste de scan")


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["auth"]

    @post("/token", status_code=200, summary="Obtenir un jeton d'accès")
    async def token(self, data: TokenRequest) -> TokenResponse:
        access_token, ttl = await service.login(data.email, data.password)
        return TokenResponse(access_token=access_token, expires_in=ttl)

    @get("/me", summary="Qui suis-je")
    async def me(self, actor: Actor) -> dict[str, Any]:
        return await service.whoami(actor)

    @get("/api-keys", summary="Clés d'API de mon organisation")
    async def list_keys(self, actor: Actor) -> dict[str, Any]:
        items = await service.list_api_keys(actor)
        return {"items": items, "total": len(items)}

    @post("/api-keys", summary="Créer une clé d'API (poste de scan)")
    async def create_key(self, actor: Actor, data: ApiKeyCreate) -> dict[str, Any]:
        return await service.create_api_key(actor, data.name[:100])

    @delete("/api-keys/{key_id:int}", summary="Révoquer une clé d'API")
    async def revoke_key(self, actor: Actor, key_id: int) -> None:
        await service.revoke_api_key(actor, key_id)
