"""A person's notifications and their choices of what they receive."""

from __future__ import annotations

from litestar import Controller, get, put

from ordi.domain.lifecycle import Actor
from ordi.http.openapi import documented
from ordi.notifications import service
from ordi.notifications.schemas import NotificationPage, PreferencesIn, PreferencesOut
from ordi.paging import PageRequest


class NotificationController(Controller):
    path = "/api/v1/notifications"
    tags = ["notifications"]

    @get("/", summary="Mes notifications, les plus récentes d'abord", **documented(422))
    async def list_notifications(self, actor: Actor, lang: str, paging: PageRequest) -> NotificationPage:
        return NotificationPage(**(await service.list_notifications(actor, paging, lang)).to_dict())

    @get("/preferences", summary="Les notifications que je reçois (par type)", **documented())
    async def get_preferences(self, actor: Actor, lang: str) -> PreferencesOut:
        return await service.preferences(actor, lang)

    @put(
        "/preferences",
        summary="Choisir les notifications que je reçois",
        description="Chaque type donné est activé ou désactivé ; les autres ne changent pas. Un type désactivé "
        "n'est ni envoyé par courriel ni listé.",
        **documented(),
    )
    async def set_preferences(self, actor: Actor, lang: str, data: PreferencesIn) -> PreferencesOut:
        return await service.set_preferences(actor, data, lang)
