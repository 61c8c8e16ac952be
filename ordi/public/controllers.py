"""`GET /d/{tag}`: the page any phone camera opens from a label. Public: no donor, no person.

It shows what the label's reader may know of the device: the programme, the tag, the category,
the model, the state and the date of its last step. A workshop member logged in on the same
browser (the scanning station's token in sessionStorage) also gets the actions available now,
from the same script as `/scan`.
"""

from __future__ import annotations

from html import escape
from typing import Any

from litestar import Response, get

from ordi.clock import PARIS
from ordi.devices.service import normalise_tag
from ordi.devices.tables import Device
from ordi.domain.errors import NotFound
from ordi.http.html import html_response
from ordi.i18n import category_name, state_name
from ordi.station.pages import html_page

#: Only what the page shows is read: nothing about the donor, the custodian or a beneficiary.
_PUBLIC_COLUMNS = (
    Device.asset_tag,
    Device.category,
    Device.brand,
    Device.model,
    Device.state,
    Device.state_changed_at,
)
_PROGRAMME = (
    '<p class="programme">Programme national Ordi 2.0 — des ordinateurs réemployés, '
    "effacés et reconditionnés par des structures d'insertion, pour les personnes éloignées du numérique.</p>"
)
_BAR = '<span><strong>Ordi 2.0</strong> · fiche appareil</span><a class="link" href="/scan">Poste de scan</a>'


def _response(title: str, main: str, status: int = 200) -> Response[str]:
    return html_response(html_page(title, main, page="device", bar=_BAR), status)


async def _public_row(tag: str) -> dict[str, Any] | None:
    try:
        normalised = normalise_tag(tag)
    except NotFound:
        return None
    row: dict[str, Any] | None = await Device.select(*_PUBLIC_COLUMNS).where(Device.asset_tag == normalised).first()
    return row


def _device_main(row: dict[str, Any]) -> str:
    tag = escape(row["asset_tag"])
    model = " ".join(part for part in (row["brand"].strip(), row["model"].strip()) if part) or "—"
    changed = row["state_changed_at"].astimezone(PARIS)
    return (
        f'<article class="card">{_PROGRAMME}'
        f'<h1>Appareil <span class="tag">{tag}</span></h1><dl>'
        f"<dt>Numéro</dt><dd>{tag}</dd>"
        f"<dt>Catégorie</dt><dd>{escape(category_name(row['category']))}</dd>"
        f"<dt>Modèle</dt><dd>{escape(model)}</dd>"
        f'<dt>État</dt><dd><span id="device-state" class="state">{escape(state_name(row["state"]))}</span></dd>'
        f'<dt>Dernière étape</dt><dd id="device-changed">{changed:%d/%m/%Y}</dd></dl></article>'
        f'<section id="station" data-tag="{tag}" hidden>'
        '<div id="message" role="status" aria-live="polite"></div>'
        '<div id="actions" class="actions"></div>'
        '<form id="action-form" class="card" hidden></form></section>'
    )


async def device_page(tag: str) -> Response[str]:
    row = await _public_row(tag)
    if row is None:
        main = (
            f'<article class="card">{_PROGRAMME}<h1>Étiquette inconnue</h1>'
            f"<p>Aucun appareil ne porte le numéro « {escape(tag[:40])} ». Vérifiez l'étiquette.</p></article>"
        )
        return _response("Ordi 2.0 — étiquette inconnue", main, 404)
    return _response(f"Ordi 2.0 — {row['asset_tag']}", _device_main(row))


@get(["/d/{tag:str}", "/D/{tag:str}"], include_in_schema=False)
async def public_device(tag: str) -> Response[str]:
    return await device_page(tag)
