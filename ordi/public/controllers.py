"""`GET /d/{tag}`: the page any phone camera opens from a label. Public: no donor, no person."""

from __future__ import annotations

from html import escape

from litestar import MediaType, Response, get

from ordi.devices.service import DEVICE_COLUMNS, normalise_tag
from ordi.devices.tables import Device
from ordi.i18n import category_name, state_name

_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;margin:0;padding:1.2rem;max-width:34rem;color:#1b1b1b}}
h1{{font-size:1.3rem}} .tag{{font:700 1.6rem monospace;letter-spacing:.08em}}
dl{{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1rem}} dt{{color:#555}}
.state{{display:inline-block;padding:.2rem .6rem;border-radius:1rem;background:#e3f0e8}}</style></head>
<body><p>Programme Ordi 2.0 — réemploi solidaire des ordinateurs</p>{body}</body></html>"""


def _page(title: str, body: str, status: int = 200) -> Response[str]:
    return Response(_PAGE.format(title=escape(title), body=body), media_type=MediaType.HTML, status_code=status)


async def device_page(tag: str) -> Response[str]:
    try:
        normalised = normalise_tag(tag)
    except Exception:
        normalised = None
    row = None
    if normalised:
        row = await Device.select(*DEVICE_COLUMNS).where(Device.asset_tag == normalised).first()
    if row is None:
        return _page("Appareil inconnu", f"<h1>Étiquette inconnue</h1><p>{escape(tag)}</p>", 404)
    body = (
        f"<h1>Appareil <span class=tag>{escape(row['asset_tag'])}</span></h1><dl>"
        f"<dt>Catégorie</dt><dd>{escape(category_name(row['category']))}</dd>"
        f"<dt>Modèle</dt><dd>{escape((row['brand'] + ' ' + row['model']).strip() or '—')}</dd>"
        f"<dt>État</dt><dd><span class=state>{escape(state_name(row['state']))}</span></dd>"
        f"<dt>Dernière étape</dt><dd>{row['state_changed_at']:%d/%m/%Y}</dd></dl>"
    )
    return _page(f"Ordi 2.0 — {row['asset_tag']}", body)


@get(["/d/{tag:str}", "/D/{tag:str}"], include_in_schema=False)
async def public_device(tag: str) -> Response[str]:
    return await device_page(tag)
