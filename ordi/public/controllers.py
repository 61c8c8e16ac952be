"""What the public device page (`GET /d/{tag}`, `ordi.web.pages`) may read of a device.

The page any phone camera opens from a label shows what the label's reader may know of the
device: the programme, the tag, the category, the model, the state and the date of its last step.
Nothing about the donor, the custodian or a beneficiary is even read.
"""

from __future__ import annotations

from typing import Any

from ordi.devices.service import normalise_tag
from ordi.devices.tables import Device
from ordi.domain.errors import NotFound

#: Only what the page shows is read: nothing about the donor, the custodian or a beneficiary.
_PUBLIC_COLUMNS = (
    Device.asset_tag,
    Device.category,
    Device.brand,
    Device.model,
    Device.state,
    Device.state_changed_at,
)


async def public_row(tag: str) -> dict[str, Any] | None:
    """The device's public facts, or None for a tag that is not one (any case, dashes allowed)."""
    try:
        normalised = normalise_tag(tag)
    except NotFound:
        return None
    row: dict[str, Any] | None = await Device.select(*_PUBLIC_COLUMNS).where(Device.asset_tag == normalised).first()
    if row is not None:
        row["model_text"] = " ".join(part for part in (row["brand"].strip(), row["model"].strip()) if part) or "—"
    return row
