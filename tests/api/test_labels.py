"""Labels through the API: one label per format and media, decoded by zxing-cpp, scoped like the
device, recorded on its history; the format list; stats and the fold unaffected by prints."""

from __future__ import annotations

import io
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from PIL import Image

from tests.fixtures import Api, World
from tests.labels.conftest import decode, pdf_page_sizes_pt, pdf_pages
from tests.labels.zpl_render import parse as parse_zpl
from tests.labels.zpl_render import render as render_zpl_label

PT_PER_MM = 72 / 25.4


def url_of(tag: str) -> str:
    return f"HTTPS://ORDI.TEST/D/{tag}"


async def declared_tag(api: Api, world: World, model: str = "Latitude 5490") -> str:
    donation = await api.declare(world.donor, [{"category": "laptop", "brand": "Dell", "model": model}])
    return str(donation["devices"][0]["asset_tag"])


async def label(client: AsyncTestClient[Any], headers: dict[str, str], tag: str, media: str, fmt: str | None) -> Any:
    query = f"?format={fmt}" if fmt else ""
    return await client.get(f"/api/v1/devices/{tag}/label.{media}{query}", headers=headers)


async def test_formats_are_listed_with_their_geometry(client: AsyncTestClient[Any]) -> None:
    response = await client.get("/api/v1/label-formats")
    assert response.status_code == 200
    body = response.json()
    by_name = {f["name"]: f for f in body["items"]}
    assert set(by_name) >= {"brother-62x29", "zebra-2x1", "avery-l7160", "avery-l7651"}
    assert body["total"] == len(body["items"])
    assert body["defaults"] == {"png": "brother-62x29", "zpl": "zebra-2x1", "pdf": "avery-l7160"}
    assert by_name["brother-62x29"]["dpi"] == 300 and by_name["brother-62x29"]["label_width_dots"] == 732
    assert by_name["avery-l7160"]["columns"] == 3 and by_name["avery-l7160"]["rows"] == 7
    assert by_name["avery-l7651"]["labels_per_page"] == 65


@pytest.mark.parametrize(
    ("fmt", "size"), [(None, (732, 342)), ("brother-62x29", (732, 342)), ("zebra-2x1", (406, 203))]
)
async def test_png_label_decodes_to_the_device_url(
    client: AsyncTestClient[Any], api: Api, world: World, fmt: str | None, size: tuple[int, int]
) -> None:
    tag = await declared_tag(api, world)
    response = await label(client, world.donor.headers, tag, "png", fmt)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.size == size  # exactly the label in printer dots: printed at 100 %
    (barcode,) = decode(image)
    assert barcode.text == url_of(tag)
    assert barcode.ec_level == "Q"


@pytest.mark.parametrize(
    ("fmt", "dpi", "page_mm"),
    [
        (None, 300, (210, 297)),  # default: an A4 sheet of Avery L7160
        ("avery-l7651", 300, (210, 297)),
        ("brother-62x29", 300, (62, 29)),
        ("zebra-2x1", 203, (50.8, 25.4)),
    ],
)
async def test_pdf_label_decodes_at_the_printer_resolution(
    client: AsyncTestClient[Any], api: Api, world: World, fmt: str | None, dpi: int, page_mm: tuple[float, float]
) -> None:
    tag = await declared_tag(api, world)
    response = await label(client, world.donor.headers, tag, "pdf", fmt)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    ((width, height),) = pdf_page_sizes_pt(response.content)
    assert (width / PT_PER_MM, height / PT_PER_MM) == pytest.approx(page_mm, abs=0.2)
    (page,) = pdf_pages(response.content, dpi=dpi)
    (barcode,) = decode(page)
    assert barcode.text == url_of(tag)
    assert barcode.ec_level == "Q"


async def test_zpl_label_uses_the_printer_qr_and_renders_to_the_url(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    tag = await declared_tag(api, world)
    response = await label(client, world.donor.headers, tag, "zpl", None)  # default: zebra-2x1
    assert response.status_code == 200, response.text
    text = response.content.decode()
    assert text.startswith("^XA") and "^BQN,2,4" in text and f"^FDQM,A{url_of(tag)}" in text
    assert f"^FD{tag}^FS" in text
    (zpl_label,) = parse_zpl(text)
    (barcode,) = decode(render_zpl_label(zpl_label))
    assert barcode.text == url_of(tag)


async def test_label_says_category_and_model_in_french(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    tag = await declared_tag(api, world, model="Latitude 7490")
    response = await label(client, world.donor.headers, tag, "zpl", None)
    assert (
        "Ordinateur portable" in response.text and "Dell Latitude 7490" in response.text and "Ordi 2.0" in response.text
    )


@pytest.mark.parametrize(
    ("media", "fmt", "words"),
    [
        ("png", "avery-l7160", "ne se produit pas en PNG"),
        ("zpl", "brother-62x29", "ne se produit pas en ZPL"),
        ("pdf", "dymo-99012", "Format d'étiquette inconnu"),
    ],
)
async def test_a_format_that_cannot_make_the_media_is_refused_in_french(
    client: AsyncTestClient[Any], api: Api, world: World, media: str, fmt: str, words: str
) -> None:
    tag = await declared_tag(api, world)
    response = await label(client, world.donor.headers, tag, media, fmt)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert words in response.json()["detail"]


async def test_labels_are_scoped_like_the_device(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    tag = await api.ready_device(world)
    assert (await label(client, world.workshop.headers, tag, "png", None)).status_code == 200
    assert (await label(client, world.donor.headers, tag, "png", None)).status_code == 200
    for stranger in (world.other_workshop, world.other_donor, world.association, world.committee):
        response = await label(client, stranger.headers, tag, "png", None)
        assert response.status_code == 404, stranger.email
    assert (await client.get(f"/api/v1/devices/{tag}/label.png")).status_code == 401
    assert (await label(client, world.workshop.headers, "ZZZZZZZZZZ", "png", None)).status_code == 404


async def test_tag_in_lower_case_prints_the_upper_case_url(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    tag = await declared_tag(api, world)
    response = await label(client, world.donor.headers, tag.lower(), "png", None)
    (barcode,) = decode(Image.open(io.BytesIO(response.content)))
    assert barcode.text == url_of(tag)


async def history(client: AsyncTestClient[Any], headers: dict[str, str], tag: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/devices/{tag}/events", headers=headers)
    assert response.status_code == 200
    return dict(response.json())


async def test_printing_and_reprinting_is_recorded_on_the_history(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    tag = await api.ready_device(world)
    assert (await label(client, world.workshop.headers, tag, "png", None)).status_code == 200
    assert (await label(client, world.workshop.headers, tag, "pdf", "avery-l7651")).status_code == 200
    events = await history(client, world.workshop.headers, tag)
    assert events["total"] == 8
    printed = events["items"][-2:]
    assert [e["action"] for e in printed] == ["label_printed", "label_printed"]
    assert [e["seq"] for e in printed] == [7, 8]
    assert all(e["from_state"] == e["to_state"] == "ready" for e in printed)
    assert printed[0]["payload"] == {"format": "brother-62x29", "media": "png"}
    assert printed[1]["payload"] == {"format": "avery-l7651", "media": "pdf"}
    assert all(e["actor_user_id"] == world.workshop.actor.user_id for e in printed)
    assert all(e["actor_organisation_id"] == world.workshop.organisation_id for e in printed)
    # the journey goes on: the next step takes the next seq, the state is untouched
    device = await api.device(world.workshop, tag)
    assert device["state"] == "ready"
    await api.act(world.operator, tag, {"action": "reserve", "association_id": world.association.organisation_id})
    events = await history(client, world.workshop.headers, tag)
    assert events["items"][-1]["action"] == "reserve" and events["items"][-1]["seq"] == 9


async def test_a_refused_label_is_not_recorded(client: AsyncTestClient[Any], api: Api, world: World) -> None:
    tag = await declared_tag(api, world)
    assert (await label(client, world.donor.headers, tag, "png", "avery-l7160")).status_code == 422
    assert (await history(client, world.donor.headers, tag))["total"] == 2  # declare, assign


async def test_label_printed_is_not_a_client_action(api: Api, world: World) -> None:
    tag = await api.ready_device(world)
    await api.act(world.workshop, tag, {"action": "label_printed"}, expected=400)


async def test_prints_change_neither_the_fold_nor_the_figures(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    from ordi.devices.tables import Device, DeviceEvent
    from ordi.domain.lifecycle import Action, EventFacts, State, fold

    tag = await api.ready_device(world)
    before = (await client.get("/api/v1/stats/summary", headers=world.committee.headers)).json()
    for media in ("png", "pdf", "png"):
        assert (await label(client, world.workshop.headers, tag, media, None)).status_code == 200
    after = (await client.get("/api/v1/stats/summary", headers=world.committee.headers)).json()
    assert after == before

    device = await Device.select().where(Device.asset_tag == tag).first()
    assert device is not None
    rows = await DeviceEvent.select().where(DeviceEvent.device == device["id"]).order_by(DeviceEvent.seq)
    assert [r["seq"] for r in rows] == list(range(1, device["event_count"] + 1))
    facts = fold(
        device["donor"],
        device["has_storage"],
        [EventFacts(Action(r["action"]), r["actor_organisation"], State(r["to_state"]), r["outcome"]) for r in rows],
    )
    assert facts.state.value == device["state"] == "ready"
    assert facts.custodian_id == device["custodian"]
    assert facts.data_cleared == device["data_cleared"]
    scan = (await client.get(f"/api/v1/scan/{tag}", headers=world.workshop.headers)).json()
    assert "label_printed" not in scan["actions"]


async def test_prints_and_steps_at_the_same_time_keep_the_history_in_order(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    import asyncio

    from ordi.devices.tables import Device, DeviceEvent

    tag = await declared_tag(api, world)
    calls = [label(client, world.donor.headers, tag, "png", None) for _ in range(5)]
    calls.append(
        client.post(f"/api/v1/devices/{tag}/events", json={"action": "collect"}, headers=world.workshop.headers)
    )
    calls += [label(client, world.workshop.headers, tag, "zpl", None) for _ in range(3)]
    responses = await asyncio.gather(*calls)
    assert [r.status_code for r in responses] == [200] * 5 + [201] + [200] * 3, [r.text for r in responses]
    device = await Device.select(Device.id, Device.event_count, Device.state).where(Device.asset_tag == tag).first()
    assert device is not None and device["state"] == "collected" and device["event_count"] == 11
    rows = await DeviceEvent.select(DeviceEvent.seq, DeviceEvent.action).where(DeviceEvent.device == device["id"])
    assert sorted(r["seq"] for r in rows) == list(range(1, 12))
    assert sum(r["action"] == "label_printed" for r in rows) == 8
