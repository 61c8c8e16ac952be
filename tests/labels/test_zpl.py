"""ZPL for the Zebra 2 x 1 in roll: structure, escaping, and a render of what we send."""

from __future__ import annotations

import io

import pytest

from labels import get_format, render_zpl
from labels.layout import layout_for
from labels.qr import qr_rows
from labels.zpl import qr_field_data, zpl_escape

from . import zpl_render
from .conftest import contents, decode, make_content

ZEBRA = get_format("zebra-2x1")


def _zpl(n: int = 1, **kwargs: object) -> str:
    out = io.StringIO()
    assert render_zpl(contents(n), ZEBRA, out, **kwargs) == n  # type: ignore[arg-type]
    return out.getvalue()


def test_one_block_per_label() -> None:
    zpl = _zpl(5)
    assert zpl.count("^XA") == 5
    assert zpl.count("^XZ") == 5
    assert all(block.strip().endswith("^XZ") for block in zpl.split("^XA")[1:])


def test_each_label_sets_size_encoding_and_qr_command() -> None:
    for block in _zpl(2).split("^XA")[1:]:
        assert "^CI28" in block
        assert "^PW406" in block
        assert "^LL203" in block
        assert "^BQN,2,4" in block


def test_qr_field_data_uses_q_and_alphanumeric_manual_mode() -> None:
    content = make_content(5)
    assert qr_field_data(content.url) == f"QM,A{content.url}"
    out = io.StringIO()
    render_zpl([content], ZEBRA, out)
    assert f"^FDQM,A{content.url}^FS" in out.getvalue()


def test_lower_case_url_uses_automatic_mode() -> None:
    assert qr_field_data("https://x.fr/d/abc") == "QA,https://x.fr/d/abc"


def test_command_characters_in_text_are_escaped() -> None:
    assert zpl_escape("a^b~c_d\ne") == "a_5Eb_7Ec_5Fd e"
    content = make_content(6, category="Écran ^XZ", model="Modèle ~JR _x")
    out = io.StringIO()
    render_zpl([content], ZEBRA, out)
    zpl = out.getvalue()
    assert zpl.count("^XZ") == 1
    for data in zpl_render.FIELD_DATA.findall(zpl):
        assert "^" not in data and "~" not in data


def test_escaped_text_round_trips() -> None:
    content = make_content(6, category="Écran ^XZ", model="Modèle ~JR _x")
    out = io.StringIO()
    render_zpl([content], ZEBRA, out)
    (label,) = zpl_render.parse(out.getvalue())
    texts = [t.text for t in label.texts]
    assert "Écran ^XZ" in texts
    assert "Modèle ~JR _x" in texts


def test_binary_output_is_the_utf8_of_text_output() -> None:
    binary = io.BytesIO()
    render_zpl(contents(2), ZEBRA, binary)
    assert binary.getvalue() == _zpl(2).encode("utf-8")


def test_rendered_zpl_decodes_to_each_url_with_ec_q() -> None:
    labels = zpl_render.parse(_zpl(3))
    assert len(labels) == 3
    for i, label in enumerate(labels):
        image = zpl_render.render(label)
        assert image.size == (406, 203)
        (barcode,) = decode(image)
        assert barcode.text == make_content(i).url
        assert barcode.ec_level == "Q"


def test_rendered_qr_keeps_its_quiet_zone_inside_the_label() -> None:
    (label,) = zpl_render.parse(_zpl(1))
    (field,) = label.qr
    left, top, right, bottom = zpl_render.qr_box(label, field)
    quiet = 4 * field.magnification
    assert field.magnification == 4  # 4 dots at 203 dpi = 0.50 mm
    assert left - quiet >= 0 and top - quiet >= 0
    assert bottom + quiet <= label.length
    assert all(t.x >= right + quiet for t in label.texts)


def test_rendered_qr_matches_the_shared_layout() -> None:
    content = make_content(0)
    layout = layout_for(ZEBRA, len(qr_rows(content.url)))
    (label,) = zpl_render.parse(_zpl(1))
    left, top, _, _ = zpl_render.qr_box(label, label.qr[0])
    assert (left, top) == (layout.qr_x_dots, layout.qr_y_dots)


def test_tag_is_the_biggest_text() -> None:
    (label,) = zpl_render.parse(_zpl(1))
    tag = next(t for t in label.texts if t.text == make_content(0).tag)
    assert tag.height == max(t.height for t in label.texts)
    assert "Ordi 2.0" in [t.text for t in label.texts]


def test_progress_is_called_after_each_label() -> None:
    calls: list[int] = []
    render_zpl(contents(3), ZEBRA, io.StringIO(), progress=calls.append)
    assert calls == [1, 2, 3]


def test_empty_input_writes_nothing() -> None:
    out = io.StringIO()
    assert render_zpl([], ZEBRA, out) == 0
    assert out.getvalue() == ""


@pytest.mark.parametrize("name", ["brother-62x29", "avery-l7160"])
def test_stock_without_zpl_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="ZPL"):
        render_zpl(contents(1), get_format(name), io.StringIO())
