"""The committee's first figures (PRODUCT.md §5), computed in the database from the event log.

Stage counts come from `device_event` (reproducible from the log); current stock from the
device projection, which is the fold of the same events. No personal data is read.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Count

from ordi.config import impact_factors
from ordi.db import fetch_all, is_postgres
from ordi.devices.tables import Device, DeviceEvent
from ordi.domain import impact
from ordi.domain.errors import InvalidRecord
from ordi.domain.lifecycle import Actor, OrgKind, State
from ordi.organisations.service import region_name_of
from ordi.scoping import require_kind

# Stage name for the committee -> (action, outcome) in the event log.
STAGES: dict[str, tuple[str, str]] = {
    "declared": ("declare", "done"),
    "collected": ("collect", "done"),
    "received": ("receive", "done"),
    "wiped": ("wipe", "done"),
    "wipe_failed": ("wipe", "failed"),
    "refurbished": ("refurbish", "done"),
    "reserved": ("reserve", "done"),
    "shipped": ("ship", "done"),
    "delivered": ("deliver", "done"),
    "redistributed": ("hand_over", "done"),
    "returned": ("return", "done"),
    "recycled": ("recycle", "done"),
    "lost": ("lose", "done"),
    "withdrawn": ("withdraw", "done"),
}
OUT_OF_STOCK = (State.HANDED_OVER.value, State.RECYCLED.value, State.LOST.value, State.WITHDRAWN.value)


def period(start: date | None, end: date | None) -> tuple[datetime, datetime]:
    """[from 00:00, day after `to` 00:00) in UTC; defaults to the current calendar year."""
    today = datetime.now(UTC).date()
    start = start or date(today.year, 1, 1)
    end = end or today
    if end < start:
        raise InvalidRecord("period_invalid")
    return datetime.combine(start, time.min, UTC), datetime.combine(end + timedelta(days=1), time.min, UTC)


def _json_text(column: str, *path: str) -> str:
    if is_postgres():
        return f"{column}" + "".join(f"->'{p}'" for p in path[:-1]) + f"->>'{path[-1]}'"
    return f"json_extract({column}, '$.{'.'.join(path)}')"


async def summary(actor: Actor, start: date | None, end: date | None) -> dict[str, Any]:
    require_kind(actor, OrgKind.COMMITTEE, OrgKind.OPERATOR)
    since, until = period(start, end)
    in_period = (DeviceEvent.occurred_at >= since) & (DeviceEvent.occurred_at < until)

    stage_rows = (
        await DeviceEvent.select(DeviceEvent.action, DeviceEvent.outcome, Count())
        .where(in_period)
        .group_by(DeviceEvent.action, DeviceEvent.outcome)
    )
    by_event = {(r["action"], r["outcome"]): r["count"] for r in stage_rows}
    stages = {name: by_event.get(key, 0) for name, key in STAGES.items()}

    stock_rows = await Device.select(Device.state, Count()).group_by(Device.state)
    stock_by_state = {s.value: 0 for s in State}
    stock_by_state.update({r["state"]: r["count"] for r in stock_rows})

    in_stock = Device.state.not_in(list(OUT_OF_STOCK))
    region_rows = (
        await Device.select(Device.custodian.region.as_alias("region"), Count())
        .where(in_stock)
        .group_by(Device.custodian.region)
    )
    category_rows = await Device.select(Device.category, Count()).where(in_stock).group_by(Device.category)

    redistributed_by_category = await fetch_all(
        "SELECT d.category AS category, COUNT(*) AS count FROM device_event e JOIN device d ON d.id = e.device "
        "WHERE e.action = 'hand_over' AND e.occurred_at >= {} AND e.occurred_at < {} GROUP BY d.category",
        since,
        until,
    )
    beneficiary = _json_text("e.payload", "beneficiary", "category")
    by_beneficiary = await fetch_all(
        f"SELECT {beneficiary} AS category, COUNT(*) AS count FROM device_event e "  # noqa: S608
        "WHERE e.action = 'hand_over' AND e.occurred_at >= {} AND e.occurred_at < {} GROUP BY 1",
        since,
        until,
    )
    by_grade, labour_minutes = await refurbishments(since, until)

    redistributed, recycled = stages["redistributed"], stages["recycled"]
    wiped, failed = stages["wiped"], stages["wipe_failed"]
    totals = impact.impact_of(
        {r["category"]: int(r["count"]) for r in redistributed_by_category},
        impact_factors(),
        labour_minutes=labour_minutes,
    )
    return {
        "period": {"from": since.date().isoformat(), "to": (until - timedelta(days=1)).date().isoformat()},
        "stages": stages,
        "stock": {
            "by_state": stock_by_state,
            "by_region": [
                {"region": r["region"] or "", "region_name": region_name_of(r["region"] or ""), "count": r["count"]}
                for r in sorted(region_rows, key=lambda r: r["region"] or "")
            ],
            "by_category": {r["category"]: r["count"] for r in category_rows},
        },
        "redistributed_by_category": {r["category"]: int(r["count"]) for r in redistributed_by_category},
        "redistributed_by_beneficiary_category": {
            (r["category"] or "unknown"): int(r["count"]) for r in by_beneficiary
        },
        "refurbished_by_grade": by_grade,
        "reuse_rate": round(redistributed / (redistributed + recycled), 4) if redistributed + recycled else None,
        "wipe_failure_rate": round(failed / (wiped + failed), 4) if wiped + failed else None,
        "impact": {
            "kg_ewaste_avoided": round(totals.kg_ewaste_avoided, 1),
            "kg_co2e_avoided": round(totals.kg_co2e_avoided, 1),
            "insertion_labour_hours": round(totals.labour_hours, 1),
            "factors": [
                {
                    "category": f.category,
                    "weight_kg": f.weight_kg,
                    "co2e_kg_avoided": f.co2e_kg_avoided,
                    "source_weight": dataclasses.asdict(f.source_weight),
                    "source_co2e": dataclasses.asdict(f.source_co2e),
                }
                for f in impact_factors().values()
            ],
        },
    }


async def refurbishments(since: datetime, until: datetime) -> tuple[dict[str, int], int]:
    """Refurbishments of the period by grade, and their labour minutes, as corrected.

    A correcting event keeps the refurbishment it corrects and carries the record's values after
    it (`ordi.domain.corrections`); the last correction of each chain (one not corrected itself)
    wins. Correcting events are read through the partial index on `corrects` (a few rows).
    """
    root = _json_text("c.payload", "original_event")
    kind = _json_text("c.payload", "corrected_action")
    grade, minutes = _json_text("c.payload", "values", "grade"), _json_text("c.payload", "values", "labour_minutes")
    rows = await fetch_all(
        "WITH tips AS ("  # noqa: S608
        f"SELECT CAST({root} AS BIGINT) AS root, {grade} AS grade, CAST({minutes} AS INTEGER) AS minutes "
        "FROM device_event c WHERE c.corrects IS NOT NULL AND c.action = 'correct' "
        f"AND {kind} = 'refurbish' "
        "AND NOT EXISTS (SELECT 1 FROM device_event n WHERE n.corrects = c.id)) "
        f"SELECT COALESCE(t.grade, {_json_text('e.payload', 'grade')}) AS grade, COUNT(*) AS count, "
        f"COALESCE(SUM(COALESCE(t.minutes, CAST({_json_text('e.payload', 'labour_minutes')} AS INTEGER))), 0) "
        "AS minutes FROM device_event e LEFT JOIN tips t ON t.root = e.id "
        "WHERE e.action = 'refurbish' AND e.occurred_at >= {} AND e.occurred_at < {} GROUP BY 1",
        since,
        until,
    )
    by_grade = {str(r["grade"] or "unknown"): int(r["count"]) for r in rows}
    return by_grade, sum(int(r["minutes"] or 0) for r in rows)
