"""One source of words: every code has a French and an English name, every document word has both
languages, and the API, the certificate PDF and the report say the same French word for a state."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from string import Formatter
from typing import Any, get_args

import pytest
from litestar.testing import AsyncTestClient
from pypdf import PdfReader

from ordi import i18n
from ordi.certificates.model import Level, MediumKind, MediumResult, OverallResult
from ordi.domain.impact import CATEGORIES
from ordi.domain.lifecycle import Action, State
from ordi.domain.records import BeneficiaryCategory, RecycleChannel
from tests.certificates.helpers import at_bench, certificates_of, give_siret
from tests.fixtures import HAND_OVER, WIPE_OK, Api, World

NAMES: dict[str, tuple[dict[str, tuple[str, str]], Callable[..., str], Iterable[str]]] = {
    "state": (i18n.STATE_NAMES, i18n.state_name, [s.value for s in State]),
    "action": (i18n.ACTION_NAMES, i18n.action_name, [a.value for a in Action]),
    "category": (i18n.CATEGORY_NAMES, i18n.category_name, CATEGORIES),
    "beneficiary": (i18n.BENEFICIARY_NAMES, i18n.beneficiary_name, get_args(BeneficiaryCategory)),
    "recycle_channel": (i18n.RECYCLE_CHANNEL_NAMES, i18n.recycle_channel_name, get_args(RecycleChannel)),
    "level": (i18n.LEVEL_NAMES, i18n.level_name, get_args(Level)),
    "medium_kind": (i18n.MEDIUM_KIND_NAMES, i18n.medium_kind_name, get_args(MediumKind)),
    "medium_result": (i18n.MEDIUM_RESULT_NAMES, i18n.medium_result_name, get_args(MediumResult)),
    "overall_result": (i18n.OVERALL_RESULT_NAMES, i18n.overall_result_name, get_args(OverallResult)),
}


@pytest.mark.parametrize("kind", NAMES)
def test_every_code_has_a_french_and_an_english_name(kind: str) -> None:
    table, name, codes = NAMES[kind]
    codes = list(codes)
    assert set(table) == set(codes)  # no code without a name, no name without a code
    for code in codes:
        french, english = name(code, "fr"), name(code, "en")
        assert french.strip() and english.strip(), code
        assert (french, english) == table[code]
    french_names = [name(code, "fr") for code in codes]
    assert len(set(french_names)) == len(french_names)  # two codes never share a word


def test_the_words_the_brief_chose() -> None:
    assert i18n.state_name("received") == "réceptionné"
    assert i18n.state_name("handed_over") == "remis au bénéficiaire"
    assert i18n.state_name("handed_over", "en") == "handed over"
    assert i18n.level_name("clear") == "Nettoyage (Clear)" and i18n.level_name("clear", "en") == "Clear"
    assert i18n.category_name("laptop", "en") == "Laptop"
    # An erased medium and a wiped device are said with the same word.
    assert i18n.medium_result_name("erased") == i18n.state_name("wiped").capitalize()


def _blanks(text: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(text) if field}


def test_every_document_word_has_both_languages_with_the_same_blanks() -> None:
    for key, (french, english) in i18n.WORDS.items():
        assert french.strip() and english.strip(), key
        assert _blanks(french) == _blanks(english), key
    with pytest.raises(KeyError):
        i18n.word("no.such.word")


def _layout_lines(pdf: bytes) -> list[str]:
    """The PDF's text laid out as printed: one table row per line."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return [line.strip() for page in pages for line in page.extract_text(extraction_mode="layout").splitlines()]


def _row_says(pdf: bytes, first_cell: str, text: str) -> bool:
    """Whether the table row that starts with ``first_cell`` holds ``text`` as whole words."""
    (line,) = [line for line in _layout_lines(pdf) if line.startswith(first_cell)]
    return re.search(rf"(^|\s){re.escape(text)}(\s|$)", line) is not None


async def test_the_api_the_certificate_and_the_report_say_the_same_word_for_a_state(
    client: AsyncTestClient[Any], api: Api, world: World
) -> None:
    await give_siret(world.workshop)
    wiped, received = await at_bench(api, world, n=2)
    await api.act(world.workshop, wiped, WIPE_OK)
    handed = await api.delivered_device(world)
    await api.act(world.association, handed, HAND_OVER)
    labels = {tag: (await api.device(world.donor, tag))["state_label"] for tag in (wiped, received, handed)}
    assert labels == {
        wiped: i18n.state_name("wiped"),
        received: i18n.state_name("received"),
        handed: i18n.state_name("handed_over"),
    }

    for tag, label in labels.items():
        donation = (await api.device(world.donor, tag))["donation_id"]
        pdf = await client.get(f"/api/v1/donations/{donation}/report.pdf", headers=world.donor.headers)
        assert pdf.status_code == 200, pdf.text
        assert _row_says(pdf.content, tag, label), tag
        response = await client.get(f"/api/v1/donations/{donation}/report.csv", headers=world.donor.headers)
        rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
        states = {row[i18n.word("field.asset_tag")]: row[i18n.word("field.state")] for row in rows}
        assert states[tag] == label

    # The wiped device's certificate says its medium is "Effacé": the state's word.
    (certificate,) = await certificates_of(api, world.donor, wiped)
    pdf = await client.get(f"/api/v1/certificates/{certificate['number']}.pdf", headers=world.donor.headers)
    assert pdf.status_code == 200, pdf.text
    assert _row_says(pdf.content, i18n.medium_kind_name(WIPE_OK["media"][0]["kind"]), labels[wiped].capitalize())


def test_the_station_has_every_word_in_both_languages_with_the_same_blanks() -> None:
    french, english = i18n.station_words("fr"), i18n.station_words("en")

    def leaves(words: Any, path: str = "") -> dict[str, Any]:
        if isinstance(words, dict):
            return {k: v for key, value in words.items() for k, v in leaves(value, f"{path}.{key}").items()}
        if isinstance(words, list):
            return {k: v for i, value in enumerate(words) for k, v in leaves(value, f"{path}.{i}").items()}
        return {path: words}

    fr, en = leaves(french), leaves(english)
    assert fr.keys() == en.keys()
    for key in fr:
        assert str(fr[key]).strip() and str(en[key]).strip(), key
        assert _blanks(fr[key]) == _blanks(en[key]), key
    # the choices are the codes' own names: one word for one thing
    assert french["choices"]["level"] == [[code, i18n.level_name(code)] for code in ("purge", "clear", "destroy")]
    assert dict(french["choices"]["result"]) == {
        code: i18n.medium_result_name(code) for code in i18n.MEDIUM_RESULT_NAMES
    }
    assert [code for code, _ in french["choices"]["category"]] == list(get_args(BeneficiaryCategory))
    assert [code for code, _ in french["choices"]["channel"]] == list(get_args(RecycleChannel))
    assert set(french["methods"]) == set(get_args(Level))
    for key, (fr_web, en_web) in i18n.WEB_WORDS.items():
        assert fr_web.strip() and en_web.strip() and _blanks(fr_web) == _blanks(en_web), key
