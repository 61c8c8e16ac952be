"""Resolve what a scanner or a person typed: a tag, the label's URL, or a serial number."""

from __future__ import annotations

import re

from ordi import scoping
from ordi.devices import ledger
from ordi.devices.schemas import ScanResult
from ordi.devices.service import actions_for, device_out
from ordi.devices.tables import Device
from ordi.domain import asset_tags
from ordi.domain.errors import NotFound
from ordi.domain.lifecycle import Actor
from ordi.i18n import action_name

_URL_TAG = re.compile(r"/D/([A-Za-z0-9\- ]+)/?(?:[?#].*)?$", re.IGNORECASE)


def candidate_tag(code: str) -> str:
    match = _URL_TAG.search(code.strip())
    return match.group(1) if match else code.strip()


async def resolve(actor: Actor, code: str, lang: str = "fr") -> ScanResult:
    tag = asset_tags.normalise(candidate_tag(code))
    if tag is not None:
        row = await ledger.device_by_tag(tag)
    else:
        serial = code.strip().upper()
        condition = scoping.combine(scoping.devices(actor), Device.serial_number == serial)
        row = (
            await Device.select(*ledger.device_columns()).where(condition).order_by(Device.id, ascending=False).first()
        )
    if row is None or not scoping.device_row_visible(actor, row):
        looks_like_tag = len(candidate_tag(code).replace("-", "")) == asset_tags.TAG_LENGTH
        raise NotFound("tag_check_failed" if tag is None and looks_like_tag else "code_not_found", code=code)
    actions = [a.value for a in actions_for(actor, row)]
    return ScanResult(
        device=device_out(row, lang),
        actions=actions,
        action_labels={a: action_name(a, lang) for a in actions},
    )
