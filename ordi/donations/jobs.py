"""The background import of a large spreadsheet, with progress."""

from __future__ import annotations

from typing import Any

from ordi.donations import service, spreadsheet
from ordi.jobs.registry import JobContext


async def import_donation(context: JobContext) -> dict[str, Any]:
    items = spreadsheet.parse(context.params["csv"])
    await context.report(0, len(items))

    donation = await service.declare(
        context.actor,
        items,
        pickup_address=context.params.get("pickup_address", ""),
        pickup_postcode=context.params.get("pickup_postcode", ""),
        notes=context.params.get("notes", ""),
    )
    return {"donation_id": donation.id, "reference": donation.reference, "device_count": donation.device_count}
