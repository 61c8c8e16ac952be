"""Log in, who am I, and the scanning stations' API keys."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, delete, get, post
from litestar.openapi.spec import Example
from litestar.params import Body

from ordi.auth import service
from ordi.auth.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyPage, Me, TokenRequest, TokenResponse
from ordi.domain.lifecycle import Actor
from ordi.http.openapi import documented
from ordi.http.params import Id, page

_TOKEN_EXAMPLE = Example(
    summary="Un compte de démonstration",
    value={"email": "atelier@demo.ordi2.fr", "password": "ordi-demo-2026"},
)


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["auth"]

    @post("/token", status_code=200, summary="Obtenir un jeton d'accès", **documented(401, auth=False))
    async def token(self, data: Annotated[TokenRequest, Body(examples=[_TOKEN_EXAMPLE])]) -> TokenResponse:
        access_token, ttl = await service.login(data.email, data.password)
        return TokenResponse(access_token=access_token, expires_in=ttl)

    @get("/me", summary="Qui suis-je", **documented())
    async def me(self, actor: Actor) -> Me:
        return msgspec.convert(await service.whoami(actor), Me)

    @get("/api-keys", summary="Clés d'API de mon organisation", **documented())
    async def list_keys(self, actor: Actor) -> ApiKeyPage:
        items = await service.list_api_keys(actor)
        return msgspec.convert(page(items, len(items), len(items), 0), ApiKeyPage)

    @post("/api-keys", summary="Créer une clé d'API (poste de scan)", **documented(403))
    async def create_key(self, actor: Actor, data: ApiKeyCreate) -> ApiKeyCreated:
        return msgspec.convert(await service.create_api_key(actor, data.name), ApiKeyCreated)

    @delete("/api-keys/{key_id:int}", summary="Révoquer une clé d'API", **documented(403, 404))
    async def revoke_key(self, actor: Actor, key_id: Id) -> None:
        await service.revoke_api_key(actor, key_id)
