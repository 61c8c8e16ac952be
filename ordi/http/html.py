"""The one way an HTML page leaves the service: with its security headers.

`/scan`, `/d/{tag}` and `/verify/{number}` load nothing from another origin and run no script but
the station's own file, so the policy says exactly that: a token kept in sessionStorage is out of
reach of any other origin, no page can be framed, no answer is sniffed into another type.
"""

from __future__ import annotations

import base64
import hashlib

from litestar import MediaType, Response

_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'{styles}; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

#: The headers of every HTML page; `html_response` adds the hashes of a page's inline styles.
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": _POLICY.format(styles=""),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def style_hash(css: str) -> str:
    """The CSP source that allows exactly this inline `<style>` element's text."""
    digest = hashlib.sha256(css.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def security_headers(inline_styles: tuple[str, ...] = ()) -> dict[str, str]:
    if not inline_styles:
        return SECURITY_HEADERS
    styles = "".join(f" {style_hash(css)}" for css in inline_styles)
    return {**SECURITY_HEADERS, "Content-Security-Policy": _POLICY.format(styles=styles)}


def html_response(page: str, status: int = 200, *, inline_styles: tuple[str, ...] = ()) -> Response[str]:
    """An HTML page with the security headers; `inline_styles` are the texts of its `<style>` elements."""
    return Response(page, media_type=MediaType.HTML, status_code=status, headers=security_headers(inline_styles))
