"""Associations ask, the operator decides, allocation reserves ready devices.

Allocation prefers devices already in the association's région, then the longest-waiting ones,
and never reserves a device twice: on PostgreSQL the candidates are locked with
`FOR UPDATE SKIP LOCKED` and re-checked, on SQLite the IMMEDIATE transaction serialises it.
"""

from __future__ import annotations

from typing import Any

import msgspec

from ordi import paging, scoping
from ordi.clock import now, today
from ordi.db import for_update, write_transaction
from ordi.devices import ledger
from ordi.devices.service import apply_locked, check_association
from ordi.devices.tables import Device
from ordi.domain import specs
from ordi.domain.errors import Conflict, Forbidden, InvalidRecord, NotFound
from ordi.domain.lifecycle import Action, Actor, OrgKind, State, label_valid
from ordi.domain.records import ReserveRecord
from ordi.notifications import events as notifications
from ordi.organisations.tables import Organisation
from ordi.paging import Page, PageRequest
from ordi.requests.schemas import AllocationOut, DecisionIn, MinimumSpecs, RequestIn, RequestItemOut, RequestOut
from ordi.requests.tables import EquipmentRequest, RequestItem
from ordi.scoping import require_kind

REQUEST_COLUMNS = (
    EquipmentRequest.id,
    EquipmentRequest.association,
    EquipmentRequest.status,
    EquipmentRequest.reason,
    EquipmentRequest.decision_reason,
    EquipmentRequest.created_at,
    EquipmentRequest.decided_at,
)


async def _outs(rows: list[dict[str, Any]]) -> list[RequestOut]:
    """Requests with their items, read in one query for the whole page."""
    if not rows:
        return []
    items = (
        await RequestItem.select(
            RequestItem.request,
            RequestItem.category,
            RequestItem.quantity,
            RequestItem.allocated,
            RequestItem.min_specs,
        )
        .where(RequestItem.request.is_in([r["id"] for r in rows]))
        .order_by(RequestItem.id)
        .output(load_json=True)
    )
    by_request: dict[int, list[RequestItemOut]] = {}
    for item in items:
        request_id = item.pop("request")
        minimum = item.pop("min_specs")
        out = RequestItemOut(**item, min_specs=msgspec.convert(minimum, MinimumSpecs) if minimum else None)
        by_request.setdefault(request_id, []).append(out)
    return [_out(row, by_request.get(row["id"], [])) for row in rows]


def _out(row: dict[str, Any], items: list[RequestItemOut]) -> RequestOut:
    return RequestOut(
        id=row["id"],
        association_id=row["association"],
        status=row["status"],
        reason=row["reason"],
        decision_reason=row["decision_reason"],
        items=items,
        created_at=row["created_at"],
        decided_at=row["decided_at"],
    )


async def create(actor: Actor, data: RequestIn) -> RequestOut:
    require_kind(actor, OrgKind.ASSOCIATION)
    org = (
        await Organisation.select(Organisation.label_valid_from, Organisation.label_valid_until)
        .where(Organisation.id == actor.organisation_id)
        .first()
    )
    if org is None or not label_valid(org["label_valid_from"], org["label_valid_until"], today()):
        raise Forbidden("request_needs_label")
    if not data.reason.strip():
        raise InvalidRecord("reason_required")
    minimums = [_minimum(i.min_specs) for i in data.items]
    async with write_transaction():
        inserted = await EquipmentRequest.insert(
            EquipmentRequest(
                association=actor.organisation_id,
                requested_by=actor.user_id,
                reason=data.reason.strip(),
                created_at=now(),
            )
        ).returning(EquipmentRequest.id)
        request_id = inserted[0]["id"]
        await RequestItem.insert(
            *[
                RequestItem(request=request_id, category=i.category, quantity=i.quantity, min_specs=minimum)
                for i, minimum in zip(data.items, minimums, strict=True)
            ]
        )
    return await get(actor, request_id)


def _minimum(given: MinimumSpecs | None) -> dict[str, Any] | None:
    """A line's minimum specs checked by the rule, as stored (null: none stated)."""
    if given is None:
        return None
    minimum = specs.validate_minimum(msgspec.structs.asdict(given), today().year).as_dict()
    return minimum or None


async def _find(actor: Actor, request_id: int, lock: bool = False) -> dict[str, Any]:
    condition = scoping.combine(scoping.requests(actor), EquipmentRequest.id == request_id)
    query = EquipmentRequest.select(*REQUEST_COLUMNS).where(condition)
    row = await (for_update(query) if lock else query).first()
    if row is None:
        raise NotFound("request_not_found")
    return row


async def get(actor: Actor, request_id: int) -> RequestOut:
    return (await _outs([await _find(actor, request_id)]))[0]


async def list_requests(actor: Actor, status: str | None, request: PageRequest) -> Page:
    condition = scoping.requests(actor)
    if status:
        condition = scoping.combine(condition, EquipmentRequest.status == status)
    return await paging.keyset(
        EquipmentRequest,
        REQUEST_COLUMNS,
        condition,
        request,
        key=EquipmentRequest.id,
        list_name="requests",
        out_all=_outs,
    )


async def decide(actor: Actor, request_id: int, approve: bool, data: DecisionIn) -> RequestOut:
    require_kind(actor, OrgKind.OPERATOR)
    if not approve and not data.reason.strip():
        raise InvalidRecord("reason_required")
    async with write_transaction():
        row = await _find(actor, request_id, lock=True)
        if row["status"] != "pending":
            raise Conflict("request_not_pending", status=row["status"])
        await EquipmentRequest.update(
            {
                EquipmentRequest.status: "approved" if approve else "rejected",
                EquipmentRequest.decision_reason: data.reason.strip(),
                EquipmentRequest.decided_by: actor.user_id,
                EquipmentRequest.decided_at: now(),
            }
        ).where(EquipmentRequest.id == request_id)
        await notifications.request_decided(request_id, row["association"], approve, data.reason.strip())
    return await get(actor, request_id)


async def allocate(actor: Actor, request_id: int) -> AllocationOut:
    require_kind(actor, OrgKind.OPERATOR)
    reserved: list[str] = []
    shortfall: dict[str, int] = {}
    async with write_transaction():
        row = await _find(actor, request_id, lock=True)
        if row["status"] != "approved":
            raise Conflict("request_not_approved", status=row["status"])
        association = row["association"]
        region = await check_association(association)  # its label may have lapsed since the approval
        items = (
            await RequestItem.select()
            .where(RequestItem.request == request_id)
            .order_by(RequestItem.id)
            .output(load_json=True)
        )
        for item in items:
            wanted = item["quantity"] - item["allocated"]
            minimum = specs.minimum_from_dict(item["min_specs"])
            devices = await _candidates(item["category"], region, wanted, minimum)
            record = ReserveRecord(association_id=association, request_id=request_id)
            payload = {"association_id": association, "request_id": request_id}
            for device in devices:
                await apply_locked(actor, device, Action.RESERVE, record, payload)
                reserved.append(device["asset_tag"])
            if len(devices) < wanted:  # two lines of one category (other minimums) add up
                shortfall[item["category"]] = shortfall.get(item["category"], 0) + wanted - len(devices)
            await RequestItem.update({RequestItem.allocated: item["allocated"] + len(devices)}).where(
                RequestItem.id == item["id"]
            )
        if not shortfall:
            await EquipmentRequest.update({EquipmentRequest.status: "fulfilled"}).where(
                EquipmentRequest.id == request_id
            )
        await notifications.request_allocated(request_id, association, len(reserved), sum(shortfall.values()))
    return AllocationOut(request=await get(actor, request_id), reserved=reserved, shortfall=shortfall)


def _meeting(minimum: specs.MinSpecs | None) -> Any:
    """`specs.meets` as SQL: each floor a `>=`, each list an `IN`; NULL (unknown) meets neither."""
    condition: Any = None
    if minimum is None:
        return condition
    parts: list[Any] = []
    for name in specs.FLOORS:
        floor = getattr(minimum, name)
        if floor is not None:
            parts.append(getattr(Device, name) >= floor)
    for name in specs.ONE_OF:
        accepted = getattr(minimum, name)
        if accepted is not None:
            parts.append(getattr(Device, name).is_in(list(accepted)))
    for part in parts:
        condition = part if condition is None else condition & part
    return condition


async def propose(actor: Actor, request_id: int) -> dict[str, list[dict[str, Any]]]:
    """The ready devices `allocate` would reserve now, per category, without reserving them: what
    the operator sees before confirming (another allocation in between may take some)."""
    require_kind(actor, OrgKind.OPERATOR)
    row = await _find(actor, request_id)
    if row["status"] != "approved":
        raise Conflict("request_not_approved", status=row["status"])
    region = await check_association(row["association"])
    items = await RequestItem.select().where(RequestItem.request == request_id).order_by(RequestItem.id)
    return {
        item["category"]: await _candidates(
            item["category"],
            region,
            item["quantity"] - item["allocated"],
            specs.minimum_from_dict(item["min_specs"]),
            lock=False,
        )
        for item in items
    }


async def _candidates(
    category: str, region: str, wanted: int, minimum: specs.MinSpecs | None = None, lock: bool = True
) -> list[dict[str, Any]]:
    """Ready devices of the category meeting the line's minimum specs: the association's région
    first, then the oldest ready first. The minimum is filtered in SQL (the ready devices of a
    category, read through the state and category index, are narrowed there) and checked again by
    the rule on the few rows returned."""
    if wanted <= 0:
        return []
    in_region = Device.custodian.is_in(Organisation.select(Organisation.id).where(Organisation.region == region))
    base = (Device.state == State.READY.value) & (Device.category == category)
    meeting = _meeting(minimum)
    if meeting is not None:
        base &= meeting
    found: list[dict[str, Any]] = []
    for condition in (base & in_region, base):
        if len(found) >= wanted:
            break
        exclude = [d["id"] for d in found]
        if exclude:
            condition &= Device.id.not_in(exclude)
        query = (
            Device.select(*ledger.device_columns())
            .where(condition)
            .order_by(Device.state_changed_at)
            .order_by(Device.id)
            .limit(wanted - len(found))
        )
        rows = await (for_update(query, skip_locked=True) if lock else query)
        found.extend(r for r in rows if specs.meets(specs.from_row(r), minimum))
    return found
