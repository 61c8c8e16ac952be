"""PNG labels: exact size and dpi, decodable QR with whole-dot modules, readable text."""

from __future__ import annotations

import pytest
from PIL import Image

from labels import LabelContent, LabelDoesNotFit, get_format, render_png
from labels.formats import MM_PER_INCH
from labels.layout import ELLIPSIS, label_texts, layout_for
from labels.qr import qr_rows

from .conftest import decode, make_content, png_image

PNG_FORMATS = ["brother-62x29", "zebra-2x1"]


def _dark(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """Number of dark pixels in ``box``."""
    region = image.convert("L").crop(box)
    return sum(1 for v in region.tobytes() if v < 128)


def _finder_width(image: Image.Image) -> int:
    """Width in dots of the top-left finder pattern, measured on the pixels.

    zxing only says where the symbol starts; from there the first row of the finder pattern
    is a run of exactly 7 dark modules, counted here dot by dot.
    """
    (barcode,) = decode(image)
    x, y = barcode.position.top_left.x, barcode.position.top_left.y
    grey = image.convert("L")
    assert grey.getpixel((x - 1, y)) == 255  # the run starts here
    end = x
    while grey.getpixel((end, y)) == 0:
        end += 1
    return end - x


@pytest.mark.parametrize("name", PNG_FORMATS)
def test_png_decodes_to_the_url_with_ec_q(name: str, content: LabelContent) -> None:
    image = png_image(render_png(content, get_format(name)))
    (barcode,) = decode(image)
    assert barcode.text == content.url
    assert barcode.ec_level == "Q"


@pytest.mark.parametrize("name", PNG_FORMATS)
def test_png_module_is_whole_dots_of_at_least_half_a_millimetre(name: str, content: LabelContent) -> None:
    fmt = get_format(name)
    assert fmt.dpi is not None
    image = png_image(render_png(content, fmt))
    finder = _finder_width(image)
    assert finder % 7 == 0
    module_dots = finder // 7
    assert module_dots == fmt.qr_module_dots
    assert module_dots * MM_PER_INCH / fmt.dpi >= 0.5


@pytest.mark.parametrize("name", PNG_FORMATS)
def test_png_qr_size_in_dots_matches_the_zxing_position(name: str, content: LabelContent) -> None:
    fmt = get_format(name)
    assert fmt.qr_module_dots is not None
    image = png_image(render_png(content, fmt))
    (barcode,) = decode(image)
    n = len(qr_rows(content.url))
    side = barcode.position.bottom_right.x - barcode.position.top_left.x
    assert side == n * fmt.qr_module_dots


@pytest.mark.parametrize(("name", "size", "dpi"), [("brother-62x29", (732, 342), 300), ("zebra-2x1", (406, 203), 203)])
def test_png_is_exactly_the_label_size_with_dpi(
    name: str, size: tuple[int, int], dpi: int, content: LabelContent
) -> None:
    image = png_image(render_png(content, get_format(name)))
    assert image.size == size
    assert tuple(round(v) for v in image.info["dpi"]) == (dpi, dpi)


@pytest.mark.parametrize("name", PNG_FORMATS)
def test_png_is_black_on_white_only(name: str, content: LabelContent) -> None:
    image = png_image(render_png(content, get_format(name)))
    assert image.mode in {"1", "L"}
    assert set(image.convert("L").tobytes()) == {0, 255}


@pytest.mark.parametrize("name", PNG_FORMATS)
def test_png_quiet_zone_is_white(name: str, content: LabelContent) -> None:
    fmt = get_format(name)
    layout = layout_for(fmt, len(qr_rows(content.url)))
    image = png_image(render_png(content, fmt))
    quiet = 4 * layout.module_dots
    side = layout.n * layout.module_dots
    x0, y0 = layout.qr_x_dots, layout.qr_y_dots
    outer = (x0 - quiet, y0 - quiet, x0 + side + quiet, y0 + side + quiet)
    assert outer[0] >= 0 and outer[1] >= 0 and outer[3] <= image.height
    assert _dark(image, outer) == _dark(image, (x0, y0, x0 + side, y0 + side)) > 0


@pytest.mark.parametrize("name", PNG_FORMATS)
def test_png_tag_is_printed_big(name: str, content: LabelContent) -> None:
    fmt = get_format(name)
    assert fmt.dpi is not None
    layout = layout_for(fmt, len(qr_rows(content.url)))
    dots = fmt.dpi / MM_PER_INCH
    box = (
        round(layout.tag_x * dots),
        round(layout.tag_top * dots),
        fmt.label_width_dots,
        round((layout.tag_top + layout.tag_height) * dots),
    )
    image = png_image(render_png(content, fmt)).convert("L")
    ink = image.crop(box).point(lambda v: 255 - v).getbbox()
    assert ink is not None, "la zone du numéro d'inventaire est vide"
    # As big as fits: the tag spans most of the text column's width or of its box's height.
    width_ratio = (ink[2] - ink[0]) / (box[2] - box[0])
    height_mm = (ink[3] - ink[1]) / dots
    assert width_ratio > 0.8 or height_mm > 0.8 * layout.tag_height
    assert height_mm >= 2.5  # legible at arm's length


def test_png_header_and_texts_are_drawn(content: LabelContent) -> None:
    fmt = get_format("brother-62x29")
    assert fmt.dpi is not None
    layout = layout_for(fmt, len(qr_rows(content.url)))
    dots = fmt.dpi / MM_PER_INCH
    image = png_image(render_png(content, fmt))
    for slot in (layout.header, layout.category, layout.model):
        baseline = round(slot.baseline * dots)
        line = (round(slot.x * dots), baseline - round(slot.em_max * dots * 0.8), fmt.label_width_dots, baseline)
        assert _dark(image, line) > 50


@pytest.mark.parametrize("name", PNG_FORMATS)
def test_long_model_is_truncated_inside_the_label(name: str) -> None:
    fmt = get_format(name)
    assert fmt.dpi is not None
    long = make_content(7, model="Hewlett-Packard EliteBook 840 G5 Notebook PC avec station d'accueil " * 4)
    layout = layout_for(fmt, len(qr_rows(long.url)))
    printed, _ = label_texts(layout, long.tag, long.category, long.model).model
    assert printed.endswith(ELLIPSIS)
    image = png_image(render_png(long, fmt))
    # No ink in the right safe margin: the truncated line stops before the edge.
    margin = round(fmt.safe_margin_x_mm * fmt.dpi / MM_PER_INCH) - 1
    assert _dark(image, (fmt.label_width_dots - margin, 0, fmt.label_width_dots, fmt.label_height_dots)) == 0


def test_unprintable_characters_do_not_break_rendering() -> None:
    odd = make_content(8, category="Écran\tplat ^~_", model="Modèle 🖥️ «spécial»\n2")
    image = png_image(render_png(odd, get_format("zebra-2x1")))
    (barcode,) = decode(image)
    assert barcode.text == odd.url


def test_sheet_format_has_no_png(content: LabelContent) -> None:
    with pytest.raises(ValueError, match="PNG"):
        render_png(content, get_format("avery-l7160"))


def test_invalid_tag_is_refused_in_french() -> None:
    with pytest.raises(ValueError, match="Numéro d'inventaire invalide"):
        LabelContent(url="HTTPS://X.FR/D/ABC", tag="abc-1", category="", model="")


def test_url_too_long_for_the_label_is_refused_in_french() -> None:
    tag = "A" * 12
    long = LabelContent(url=f"HTTPS://{'X' * 140}.FR/D/{tag}", tag=tag, category="", model="")
    with pytest.raises(LabelDoesNotFit, match="trop longue"):
        render_png(long, get_format("zebra-2x1"))
