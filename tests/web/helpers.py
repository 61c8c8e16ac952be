"""Helpers for the web pages' HTTP tests: a form's CSRF token, logging in through /connexion."""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import AsyncTestClient

from tests.fixtures import PASSWORD, Member


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "le formulaire doit porter son jeton CSRF"
    return found.group(1)


async def log_in(client: AsyncTestClient[Any], member: Member, *, to: str = "/") -> Any:
    """A fresh browser (no cookie) that logs in at /connexion: the answer of the form's post."""
    client.cookies.clear()
    form = await client.get("/connexion")
    answer = await client.post(
        "/connexion",
        data={"email": member.email, "password": PASSWORD, "csrf": csrf_of(form.text), "suivant": to},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return answer


async def form_token(client: AsyncTestClient[Any], path: str) -> str:
    """The CSRF token of the forms of the page at `path`, as the logged-in browser sees it."""
    page = await client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    return csrf_of(page.text)
