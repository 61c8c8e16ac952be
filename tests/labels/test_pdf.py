"""PDF labels: A4 sheets at the Avery geometry with skip, and roll pages at the label size."""

from __future__ import annotations

import io

import pytest

from labels import get_format, render_pdf
from labels.formats import MM_PER_INCH, PT_PER_MM, LabelFormat
from labels.layout import layout_for
from labels.qr import qr_rows

from .conftest import RASTER_DPI, contents, decode, make_content, pdf_page_sizes_pt, pdf_pages

TOLERANCE_MM = 0.2
PX_TO_MM = MM_PER_INCH / RASTER_DPI


def _pdf(fmt: LabelFormat, n: int, skip: int = 0, start: int = 0) -> bytes:
    out = io.BytesIO()
    assert render_pdf(contents(n, start), fmt, out, skip=skip) == n
    return out.getvalue()


@pytest.mark.parametrize("name", ["avery-l7160", "avery-l7651"])
def test_sheet_pages_are_a4(name: str) -> None:
    for width, height in pdf_page_sizes_pt(_pdf(get_format(name), 3)):
        assert width / PT_PER_MM == pytest.approx(210, abs=TOLERANCE_MM)
        assert height / PT_PER_MM == pytest.approx(297, abs=TOLERANCE_MM)


@pytest.mark.parametrize(
    ("name", "n", "skip", "pages"),
    [
        ("avery-l7160", 21, 0, 1),
        ("avery-l7160", 22, 0, 2),
        ("avery-l7160", 40, 5, 3),  # positions 5..44 of 21-label sheets
        ("avery-l7160", 16, 5, 1),  # exactly fills the first sheet
        ("avery-l7651", 65, 0, 1),
        ("avery-l7651", 70, 64, 3),  # 1 on the first sheet, 65, then 4
    ],
)
def test_sheet_page_count_with_skip(name: str, n: int, skip: int, pages: int) -> None:
    assert len(pdf_page_sizes_pt(_pdf(get_format(name), n, skip))) == pages


def _check_sheet_page(fmt: LabelFormat, page_image: object, expected: dict[str, int]) -> None:
    """Every expected label decodes to its own URL, with its QR where the Avery geometry puts it."""
    found = {b.text: b for b in decode(page_image)}  # type: ignore[arg-type]
    assert set(found) == set(expected)
    for url, position in expected.items():
        barcode = found[url]
        layout = layout_for(fmt, len(qr_rows(url)))
        ox, oy = fmt.label_origin_mm(position)
        left = barcode.position.top_left.x * PX_TO_MM
        top = barcode.position.top_left.y * PX_TO_MM
        right = barcode.position.bottom_right.x * PX_TO_MM
        bottom = barcode.position.bottom_right.y * PX_TO_MM
        assert left == pytest.approx(ox + layout.qr_x_mm, abs=TOLERANCE_MM)
        assert top == pytest.approx(oy + layout.qr_y_mm, abs=TOLERANCE_MM)
        # The whole symbol and its quiet zone sit inside the label's own cell.
        quiet = 4 * fmt.qr_module_mm
        assert ox - TOLERANCE_MM <= left - quiet and right + quiet <= ox + fmt.label_width_mm + TOLERANCE_MM
        assert oy - TOLERANCE_MM <= top - quiet and bottom + quiet <= oy + fmt.label_height_mm + TOLERANCE_MM
        # One module size everywhere, >= 0.5 mm.
        assert (right - left) / layout.n == pytest.approx(fmt.qr_module_mm, abs=0.02)
        assert fmt.qr_module_mm >= 0.5


@pytest.mark.parametrize(("name", "skip"), [("avery-l7160", 4), ("avery-l7651", 7)])
def test_sheet_labels_decode_in_their_avery_cells(name: str, skip: int) -> None:
    fmt = get_format(name)
    per_page = fmt.labels_per_page
    n = per_page - skip + 3  # fills the first sheet and spills onto the second
    pages = pdf_pages(_pdf(fmt, n, skip))
    assert len(pages) == 2
    urls = [c.url for c in contents(n)]
    _check_sheet_page(fmt, pages[0], {url: skip + i for i, url in enumerate(urls[: per_page - skip])})
    _check_sheet_page(fmt, pages[1], {url: i for i, url in enumerate(urls[per_page - skip :])})


@pytest.mark.parametrize("name", ["brother-62x29", "zebra-2x1"])
def test_roll_pdf_has_one_label_sized_page_per_label(name: str) -> None:
    fmt = get_format(name)
    data = _pdf(fmt, 3)
    sizes = pdf_page_sizes_pt(data)
    assert len(sizes) == 3
    for width, height in sizes:
        assert width / PT_PER_MM == pytest.approx(fmt.label_width_mm, abs=0.01)
        assert height / PT_PER_MM == pytest.approx(fmt.label_height_mm, abs=0.01)
    for i, image in enumerate(pdf_pages(data, dpi=fmt.dpi or RASTER_DPI)):
        (barcode,) = decode(image)
        assert barcode.text == make_content(i).url
        assert barcode.ec_level == "Q"


@pytest.mark.parametrize("name", ["brother-62x29", "zebra-2x1"])
def test_roll_pdf_modules_land_on_the_printer_dot_grid(name: str) -> None:
    """Rasterised at the printer's dpi, the QR starts and spans exactly whole dots."""
    fmt = get_format(name)
    assert fmt.dpi is not None and fmt.qr_module_dots is not None
    content = make_content(3)
    layout = layout_for(fmt, len(qr_rows(content.url)))
    out = io.BytesIO()
    render_pdf([content], fmt, out)
    (image,) = pdf_pages(out.getvalue(), dpi=fmt.dpi)
    (barcode,) = decode(image)
    assert (barcode.position.top_left.x, barcode.position.top_left.y) == (layout.qr_x_dots, layout.qr_y_dots)
    assert barcode.position.bottom_right.x - barcode.position.top_left.x == layout.n * fmt.qr_module_dots


def test_progress_is_called_after_each_page_with_the_running_total() -> None:
    calls: list[int] = []
    out = io.BytesIO()
    render_pdf(contents(50), get_format("avery-l7160"), out, skip=3, progress=calls.append)
    assert calls == [18, 39, 50]


def test_roll_progress_is_per_label() -> None:
    calls: list[int] = []
    render_pdf(contents(3), get_format("brother-62x29"), io.BytesIO(), progress=calls.append)
    assert calls == [1, 2, 3]


@pytest.mark.parametrize(
    ("name", "skip"), [("avery-l7160", -1), ("avery-l7160", 21), ("avery-l7651", 65), ("zebra-2x1", 1)]
)
def test_invalid_skip_is_refused_in_french(name: str, skip: int) -> None:
    with pytest.raises(ValueError, match=r"[Ss]auter"):
        render_pdf(contents(1), get_format(name), io.BytesIO(), skip=skip)


def test_empty_input_is_refused() -> None:
    with pytest.raises(ValueError, match="Aucune étiquette"):
        render_pdf([], get_format("avery-l7160"), io.BytesIO())


def test_unprintable_characters_do_not_break_the_pdf() -> None:
    odd = make_content(9, category="Écran\tplat ^~_", model="Modèle 🖥️ «spécial»\n2")
    out = io.BytesIO()
    render_pdf([odd], get_format("avery-l7651"), out)
    (page,) = pdf_pages(out.getvalue())
    assert [b.text for b in decode(page)] == [odd.url]
