"""Request details shared by the controllers: language, paging, identifiers and days."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Request
from litestar.params import Parameter

from ordi.domain.errors import InvalidRecord
from ordi.domain.records import FIRST_DAY, LAST_DAY
from ordi.i18n import pick_language
from ordi.paging import MAX_LIMIT, MAX_OFFSET, Page, PageRequest

#: A Piccolo `Serial` key is a 32-bit signed integer on both engines.
MAX_ID = 2**31 - 1

#: The id of a row (a path or query parameter): 1 to 2^31 − 1, refused (400) beyond.
Id = Annotated[int, Parameter(ge=1, le=MAX_ID, description="Identifiant (entier de 1 à 2³¹ − 1)")]
OptionalId = Annotated[int | None, Parameter(ge=1, le=MAX_ID, required=False, description="Identifiant")]
#: An asset tag, a certificate number, a job id, a scanned code: short text in a path.
PathText = Annotated[str, Parameter(min_length=1, max_length=200)]

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


_DAY_DOC = f"(AAAA-MM-JJ, du {FIRST_DAY.isoformat()} au {LAST_DAY.isoformat()})"
DayFrom = Annotated[date | None, Parameter(query="from", required=False, description=f"Premier jour inclus {_DAY_DOC}")]
DayTo = Annotated[date | None, Parameter(query="to", required=False, description=f"Dernier jour inclus {_DAY_DOC}")]


def within_days(day: date | None) -> date | None:
    """A day of the programme's calendar, or a 422: a period in year 9999 has no day after it."""
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidRecord("date_out_of_range", min=FIRST_DAY.isoformat(), max=LAST_DAY.isoformat())
    return day


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


def client_address(request: Request[Any, Any, Any]) -> str | None:
    """The client's address (behind the load balancer, the one uvicorn reads from its proxy headers):
    what login attempts are counted by, for the API and the pages alike."""
    return request.client.host if request.client else None
