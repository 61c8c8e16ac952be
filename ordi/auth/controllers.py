"""Log in, who am I, and the scanning stations' API keys."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.openapi.spec import Example
from litestar.params import Body

from ordi.auth import resets, service
from ordi.auth.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyPage,
    Me,
    PasswordChange,
    PasswordResetConfirm,
    PasswordResetRequest,
    TokenRequest,
    TokenResponse,
)
from ordi.domain.lifecycle import Actor
from ordi.http.openapi import documented
from ordi.http.params import Id, client_address, page

_TOKEN_EXAMPLE = Example(
    summary="Un compte de démonstration",
    value={"email": "atelier@demo.ordi2.fr", "password": "ordi-demo-2026"},
)


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["auth"]

    @post(
        "/token",
        status_code=200,
        summary="Obtenir un jeton d'accès",
        description="Les échecs sont comptés par compte et par adresse : au-delà de quelques-uns la réponse "
        "tarde de plus en plus, puis 429 avec `Retry-After` jusqu'à la fin de la fenêtre.",
        **documented(401, 429, auth=False),
    )
    async def token(
        self, request: Request[Any, Any, Any], data: Annotated[TokenRequest, Body(examples=[_TOKEN_EXAMPLE])]
    ) -> TokenResponse:
        access_token, ttl = await service.login(data.email, data.password, client_address(request))
        return TokenResponse(access_token=access_token, expires_in=ttl)

    @post(
        "/logout-all",
        status_code=204,
        summary="Mettre fin à toutes mes sessions",
        description="Tous les jetons de la personne, celui-ci compris, cessent de valoir dès la requête suivante.",
        **documented(),
    )
    async def logout_all(self, actor: Actor) -> None:
        await service.logout_all(actor)

    @post(
        "/password",
        status_code=200,
        summary="Changer mon mot de passe",
        description="Le mot de passe actuel est exigé. Les autres sessions prennent fin ; la réponse donne "
        "un nouveau jeton pour celle-ci.",
        **documented(422, 429),
    )
    async def change_password(
        self, request: Request[Any, Any, Any], actor: Actor, data: PasswordChange
    ) -> TokenResponse:
        access_token, ttl = await service.change_password(
            actor, data.current_password, data.new_password, client_address(request)
        )
        return TokenResponse(access_token=access_token, expires_in=ttl)

    @post(
        "/password-reset",
        status_code=202,
        summary="Recevoir par e-mail un lien pour choisir un nouveau mot de passe",
        description="La réponse est la même que l'adresse ait un compte ou non.",
        **documented(429, auth=False),
    )
    async def ask_reset(self, request: Request[Any, Any, Any], data: PasswordResetRequest) -> None:
        await resets.request_by_email(data.email, client_address(request))

    @post(
        "/password-reset/confirm",
        status_code=204,
        summary="Choisir un nouveau mot de passe avec un lien de réinitialisation",
        description="Le lien sert une fois, avant son expiration ; toutes les sessions de la personne prennent fin.",
        **documented(422, auth=False),
    )
    async def confirm_reset(self, data: PasswordResetConfirm) -> None:
        await resets.confirm(data.token, data.new_password)

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
