"""Stock definitions: the geometry every other test relies on."""

from __future__ import annotations

import pytest

from labels import FORMATS, LabelFormat, UnknownLabelFormat, get_format


def test_required_formats_exist() -> None:
    assert {"brother-62x29", "zebra-2x1", "avery-l7160", "avery-l7651"} <= set(FORMATS)


def test_unknown_format_is_a_value_error_in_french() -> None:
    with pytest.raises(UnknownLabelFormat, match="Format d'étiquette inconnu"):
        get_format("dymo-99012")
    assert issubclass(UnknownLabelFormat, ValueError)


@pytest.mark.parametrize(
    ("name", "dpi", "size_dots", "module_dots", "media"),
    [
        ("brother-62x29", 300, (732, 342), 6, {"png", "pdf"}),
        ("zebra-2x1", 203, (406, 203), 4, {"png", "pdf", "zpl"}),
    ],
)
def test_roll_geometry(name: str, dpi: int, size_dots: tuple[int, int], module_dots: int, media: set[str]) -> None:
    fmt = get_format(name)
    assert fmt.kind == "roll"
    assert fmt.dpi == dpi
    assert (fmt.label_width_dots, fmt.label_height_dots) == size_dots
    assert fmt.qr_module_dots == module_dots
    assert fmt.qr_module_mm >= 0.5
    assert set(fmt.media) == media
    assert fmt.labels_per_page == 1


@pytest.mark.parametrize(
    ("name", "grid", "label", "margins", "pitches"),
    [
        ("avery-l7160", (3, 7), (63.5, 38.1), (7.21, 15.15), (66.04, 38.1)),
        ("avery-l7651", (5, 13), (38.1, 21.2), (4.75, 10.7), (40.6, 21.2)),
    ],
)
def test_sheet_geometry(
    name: str,
    grid: tuple[int, int],
    label: tuple[float, float],
    margins: tuple[float, float],
    pitches: tuple[float, float],
) -> None:
    fmt = get_format(name)
    assert fmt.kind == "sheet"
    assert fmt.media == ("pdf",)
    assert (fmt.page_width_mm, fmt.page_height_mm) == (210.0, 297.0)
    assert (fmt.columns, fmt.rows) == grid
    assert fmt.labels_per_page == grid[0] * grid[1]
    assert (fmt.label_width_mm, fmt.label_height_mm) == label
    assert (fmt.left_margin_mm, fmt.top_margin_mm) == margins
    assert (fmt.horizontal_pitch_mm, fmt.vertical_pitch_mm) == pitches
    assert fmt.qr_module_mm >= 0.5


@pytest.mark.parametrize("name", ["avery-l7160", "avery-l7651"])
def test_sheet_grid_is_centred_on_a4(name: str) -> None:
    """The published margins and pitches must close on the page: equal margins both sides."""
    fmt = get_format(name)
    assert fmt.page_width_mm is not None and fmt.page_height_mm is not None
    right = fmt.page_width_mm - fmt.left_margin_mm - (fmt.columns - 1) * fmt.horizontal_pitch_mm - fmt.label_width_mm
    bottom = fmt.page_height_mm - fmt.top_margin_mm - (fmt.rows - 1) * fmt.vertical_pitch_mm - fmt.label_height_mm
    assert right == pytest.approx(fmt.left_margin_mm, abs=0.01)
    assert bottom == pytest.approx(fmt.top_margin_mm, abs=0.01)


def test_label_origin_counts_left_to_right_then_down() -> None:
    fmt = get_format("avery-l7160")
    assert fmt.label_origin_mm(0) == (7.21, 15.15)
    assert fmt.label_origin_mm(1) == pytest.approx((7.21 + 66.04, 15.15))
    assert fmt.label_origin_mm(3) == pytest.approx((7.21, 15.15 + 38.1))
    with pytest.raises(ValueError):
        fmt.label_origin_mm(21)


def test_to_dict_is_json_ready_listing() -> None:
    data = get_format("avery-l7651").to_dict()
    assert data["name"] == "avery-l7651"
    assert data["kind"] == "sheet"
    assert data["labels_per_page"] == 65
    assert data["media"] == ["pdf"]
    assert data["title"].startswith("Planche A4")
    roll = get_format("zebra-2x1").to_dict()
    assert roll["label_width_dots"] == 406 and roll["qr_module_dots"] == 4


def test_a_roll_without_dpi_is_refused() -> None:
    with pytest.raises(ValueError, match="résolution"):
        LabelFormat(name="x", title="x", kind="roll", label_width_mm=10, label_height_mm=10, media=("png",))
