"""Request details shared by the controllers: language and paging."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request
from litestar.params import Parameter

from ordi.i18n import pick_language

MAX_PAGE = 500

Limit = Annotated[int, Parameter(ge=1, le=MAX_PAGE, description="Taille de page (500 au plus)")]
Offset = Annotated[int, Parameter(ge=0, description="Décalage")]
IdempotencyKey = Annotated[
    str | None,
    Parameter(
        header="Idempotency-Key",
        max_length=100,
        required=False,
        description="Rejouer la même requête ne l'enregistre pas deux fois",
    ),
]


async def provide_lang(request: Request[Any, Any, Any]) -> str:
    return pick_language(request.headers.get("accept-language"))


def page(items: list[Any], total: int, limit: int, offset: int) -> dict[str, Any]:
    return {"items": items, "total": total, "limit": limit, "offset": offset}
