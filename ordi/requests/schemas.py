"""Equipment requests."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from ordi.domain.specs import (
    FIRST_YEAR,
    MAX_RAM_GB,
    MAX_SCREEN_INCHES,
    MAX_STORAGE_GB,
    MIN_RAM_GB,
    MIN_SCREEN_INCHES,
    OS_LICENCES,
    STORAGE_KINDS,
    OsLicence,
    StorageKind,
)
from ordi.donations.schemas import Category
from ordi.http.openapi import PageOut, bounds

RequestStatus = Literal["pending", "approved", "rejected", "fulfilled"]


def _kinds(allowed: tuple[str, ...], example: list[str]) -> msgspec.Meta:
    return msgspec.Meta(min_length=1, max_length=len(allowed), examples=[example])


class MinimumSpecs(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """The least a line's devices must have: each number a floor, each list the kinds accepted.

    A device whose spec is unknown does not meet a floor or a list on that spec."""

    ram_gb: Annotated[float, bounds(ge=MIN_RAM_GB, le=MAX_RAM_GB, examples=[8])] | None = None
    storage_gb: Annotated[int, bounds(ge=1, le=MAX_STORAGE_GB, examples=[128])] | None = None
    storage_kind: (
        Annotated[
            list[StorageKind], msgspec.Meta(min_length=1, max_length=len(STORAGE_KINDS), examples=[["ssd", "nvme"]])
        ]
        | None
    ) = None
    screen_inches: Annotated[float, bounds(ge=MIN_SCREEN_INCHES, le=MAX_SCREEN_INCHES, examples=[14])] | None = None
    year: Annotated[int, bounds(ge=FIRST_YEAR, le=2100, examples=[2017])] | None = None
    os_licence: Annotated[list[OsLicence], _kinds(OS_LICENCES, ["windows"])] | None = None


class RequestItemIn(msgspec.Struct, forbid_unknown_fields=True):
    category: Category
    quantity: Annotated[int, msgspec.Meta(ge=1, le=500)]
    min_specs: MinimumSpecs | None = None


class RequestIn(msgspec.Struct, forbid_unknown_fields=True):
    items: Annotated[list[RequestItemIn], msgspec.Meta(min_length=1, max_length=20)]
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class DecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class RequestItemOut(msgspec.Struct):
    category: str
    quantity: int
    allocated: int
    #: The stated minimums only (null: any device of the category).
    min_specs: MinimumSpecs | None = None


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
