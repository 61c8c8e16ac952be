"""The template engine of every page: Jinja with autoescaping, the words of `ordi.i18n`.

Templates live in `ordi/web/templates/` and in the `templates/` folder of any other package of
`ordi/` (`ordi/stats/templates/comite.html`): every such folder is searched, the web's own first,
so a package adds a page by adding its template (`{% extends "layout.html" %}`) and a handler that
renders it through `ordi.web.rendering.page`.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, pass_context
from jinja2.runtime import Context
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from ordi import i18n
from ordi.clock import PARIS

WEB_TEMPLATES = Path(__file__).parent / "templates"
_ORDI = Path(__file__).resolve().parents[1]


def template_directories() -> list[Path | os.PathLike[Any] | str]:
    """The web's templates, then every other `ordi/<package>/templates/` folder."""
    others = sorted(p for p in _ORDI.glob("*/templates") if p.is_dir() and p.resolve() != WEB_TEMPLATES.resolve())
    return [WEB_TEMPLATES, *others]


def _lang(context: Context) -> str:
    return str(context.get("lang") or "fr")


@pass_context
def _t(context: Context, key: str, **params: Any) -> str:
    return i18n.web_word(key, _lang(context), **params)


@pass_context
def _t_or(context: Context, key: str, default: str) -> str:
    return i18n.web_word_or(key, default, _lang(context))


@pass_context
def _state(context: Context, code: str) -> str:
    return i18n.state_name(code, _lang(context))


@pass_context
def _pickup_state(context: Context, code: str) -> str:
    return i18n.pickup_state_name(code, _lang(context))


@pass_context
def _category(context: Context, code: str) -> str:
    return i18n.category_name(code, _lang(context))


@pass_context
def _beneficiary(context: Context, code: str) -> str:
    return i18n.beneficiary_name(code, _lang(context))


@pass_context
def _action(context: Context, code: str) -> str:
    return i18n.action_name(code, _lang(context))


@pass_context
def _storage_kind(context: Context, code: str) -> str:
    return i18n.storage_kind_name(code, _lang(context))


@pass_context
def _os_licence(context: Context, code: str) -> str:
    return i18n.os_licence_name(code, _lang(context))


@pass_context
def _date(context: Context, value: date | datetime | None) -> str:
    return i18n.date_text(value, PARIS, lang=_lang(context))


@pass_context
def _datetime(context: Context, value: datetime | None) -> str:
    if value is None:
        return i18n.word("none", _lang(context))
    local = value.astimezone(PARIS)
    return f"{i18n.date_text(local, PARIS, lang=_lang(context))} {local:%H:%M}"


@pass_context
def _number(context: Context, value: float | int | None, decimals: int = 0) -> str:
    return i18n.number_text(value, decimals, _lang(context))


@pass_context
def _category_names_json(context: Context) -> str:
    """The category names for the station's script (escaped by the template like any value)."""
    lang = _lang(context)
    return json.dumps({code: i18n.category_name(code, lang) for code in i18n.CATEGORY_NAMES}, ensure_ascii=False)


def _register(engine: JinjaTemplateEngine) -> None:
    env = engine.engine
    env.autoescape = True  # every value is escaped; no page is assembled from strings
    env.undefined = StrictUndefined  # a misspelt name is a bug, not an empty cell
    env.trim_blocks = True
    env.lstrip_blocks = True
    env.globals.update(
        t=_t,
        t_or=_t_or,
        state_name=_state,
        pickup_state_name=_pickup_state,
        category_name=_category,
        action_name=_action,
        beneficiary_name=_beneficiary,
        storage_kind_name=_storage_kind,
        os_licence_name=_os_licence,
        date_text=_date,
        datetime_text=_datetime,
        number_text=_number,
        categories=list(i18n.CATEGORY_NAMES),
        category_names_json=_category_names_json,
    )


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(directory=template_directories(), engine=JinjaTemplateEngine, engine_callback=_register)
