"""The HTML shell shared by `/scan` and `/d/{tag}`: one stylesheet, one script (the headers: `ordi.http.html`)."""

from __future__ import annotations

import json
from html import escape

from ordi.i18n import CATEGORY_NAMES

STATIC_PATH = "/static/station"

#: French category names for the script, from the one table of translations.
_CATEGORIES = escape(
    json.dumps({code: names[0] for code, names in CATEGORY_NAMES.items()}, ensure_ascii=False), quote=True
)


def html_page(title: str, main: str, *, page: str, bar: str) -> str:
    """A whole page; `title` is escaped here, `main` and `bar` are HTML the caller escaped."""
    return f"""<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{escape(title)}</title>
<link rel="stylesheet" href="{STATIC_PATH}/station.css">
<script src="{STATIC_PATH}/station.js" defer></script>
</head>
<body data-page="{escape(page, quote=True)}" data-categories="{_CATEGORIES}">
<header class="bar">{bar}</header>
<main>
{main}
</main>
</body>
</html>
"""
