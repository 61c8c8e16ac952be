"""Equipment requests."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from ordi.donations.schemas import Category
from ordi.http.openapi import PageOut

RequestStatus = Literal["pending", "approved", "rejected", "fulfilled"]


class RequestItemIn(msgspec.Struct, forbid_unknown_fields=True):
    category: Category
    quantity: Annotated[int, msgspec.Meta(ge=1, le=500)]


class RequestIn(msgspec.Struct, forbid_unknown_fields=True):
    items: Annotated[list[RequestItemIn], msgspec.Meta(min_length=1, max_length=20)]
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class DecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class RequestItemOut(msgspec.Struct):
    category: str
    quantity: int
    allocated: int


class RequestOut(msgspec.Struct):
    id: int
    association_id: int
    status: str
    reason: str
    decision_reason: str
    items: list[RequestItemOut]
    created_at: datetime
    decided_at: datetime | None


class AllocationOut(msgspec.Struct):
    request: RequestOut
    reserved: list[str]
    shortfall: dict[str, int]


class RequestPage(PageOut, kw_only=True):
    items: list[RequestOut]
