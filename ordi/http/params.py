"""Request details shared by the controllers: language and paging."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request
from litestar.params import Parameter

from ordi.i18n import pick_language
from ordi.paging import MAX_LIMIT, MAX_OFFSET, Page, PageRequest

Limit = Annotated[int, Parameter(ge=1, le=MAX_LIMIT, description=f"Taille de page ({MAX_LIMIT} au plus)")]
Offset = Annotated[
    int,
    Parameter(ge=0, le=MAX_OFFSET, description=f"Décalage ({MAX_OFFSET} au plus ; au-delà, suivre `next`)"),
]
Cursor = Annotated[
    str | None,
    Parameter(
        max_length=200,
        pattern=r"^[A-Za-z0-9_-]+$",
        required=False,
        description="Curseur de la page suivante : la valeur `next` de la page précédente",
    ),
]
ExactTotal = Annotated[
    bool,
    Parameter(description="Compter exactement le total (sinon estimé au-delà de 200 lignes, et dit)", required=False),
]
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


async def provide_paging(
    limit: Limit = 50, offset: Offset = 0, cursor: Cursor = None, exact_total: ExactTotal = False
) -> PageRequest:
    """The `paging` dependency of every list: `limit`, then `offset` or `cursor`, and `exact_total`."""
    return PageRequest(limit=limit, offset=offset, cursor=cursor, exact_total=exact_total)


def page(items: list[Any], total: int, limit: int, offset: int) -> dict[str, Any]:
    """A short list read whole (at most one page): exact total, no next page."""
    return Page(items, total, False, None, limit, offset).to_dict()
