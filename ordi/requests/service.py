"""Associations ask, the operator decides, allocation reserves ready devices.

Allocation prefers devices already in the association's région, then the longest-waiting ones,
and never reserves a device twice: on PostgreSQL the candidates are locked with
`FOR UPDATE SKIP LOCKED` and re-checked, on SQLite the IMMEDIATE transaction serialises it.
"""

from __future__ import annotations

from typing import Any

from ordi import paging, scoping
from ordi.clock import now, today
from ordi.db import for_update, write_transaction
from ordi.devices import ledger
from ordi.devices.service import apply_locked, check_association
from ordi.devices.tables import Device
from ordi.domain.errors import Conflict, Forbidden, InvalidRecord, NotFound
from ordi.domain.lifecycle import Action, Actor, OrgKind, State, label_valid
from ordi.domain.records import ReserveRecord
from ordi.organisations.tables import Organisation
from ordi.paging import Page, PageRequest
from ordi.requests.schemas import AllocationOut, DecisionIn, RequestIn, RequestItemOut, RequestOut
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
        await RequestItem.select(RequestItem.request, RequestItem.category, RequestItem.quantity, RequestItem.allocated)
        .where(RequestItem.request.is_in([r["id"] for r in rows]))
        .order_by(RequestItem.id)
    )
    by_request: dict[int, list[RequestItemOut]] = {}
    for item in items:
        request_id = item.pop("request")
        by_request.setdefault(request_id, []).append(RequestItemOut(**item))
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
    async with write_transaction():
        inserted = await EquipmentRequest.insert(
            EquipmentRequest(association=actor.organisation_id, requested_by=actor.user_id, reason=data.reason.strip())
        ).returning(EquipmentRequest.id)
        request_id = inserted[0]["id"]
        await RequestItem.insert(
            *[RequestItem(request=request_id, category=i.category, quantity=i.quantity) for i in data.items]
        )
    return await get(actor, request_id)


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
        items = await RequestItem.select().where(RequestItem.request == request_id).order_by(RequestItem.id)
        for item in items:
            wanted = item["quantity"] - item["allocated"]
            devices = await _candidates(item["category"], region, wanted)
            record = ReserveRecord(association_id=association, request_id=request_id)
            payload = {"association_id": association, "request_id": request_id}
            for device in devices:
                await apply_locked(actor, device, Action.RESERVE, record, payload)
                reserved.append(device["asset_tag"])
            if len(devices) < wanted:
                shortfall[item["category"]] = wanted - len(devices)
            await RequestItem.update({RequestItem.allocated: item["allocated"] + len(devices)}).where(
                RequestItem.id == item["id"]
            )
        if not shortfall:
            await EquipmentRequest.update({EquipmentRequest.status: "fulfilled"}).where(
                EquipmentRequest.id == request_id
            )
    return AllocationOut(request=await get(actor, request_id), reserved=reserved, shortfall=shortfall)


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
        item["category"]: await _candidates(item["category"], region, item["quantity"] - item["allocated"], lock=False)
        for item in items
    }


async def _candidates(category: str, region: str, wanted: int, lock: bool = True) -> list[dict[str, Any]]:
    """Ready devices of the category: the association's région first, then the oldest ready first."""
    if wanted <= 0:
        return []
    in_region = Device.custodian.is_in(Organisation.select(Organisation.id).where(Organisation.region == region))
    base = (Device.state == State.READY.value) & (Device.category == category)
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
        found.extend(await (for_update(query, skip_locked=True) if lock else query))
    return found
