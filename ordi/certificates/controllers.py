"""Wipe certificates over HTTP: certificates (JSON, PDF), the public key, the public verification page
and the nwipe report import. Thin: the rules live in the services.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, Response, get, post
from litestar.params import Parameter

from ordi.certificates import imports
from ordi.certificates import service as certificates
from ordi.certificates.imports import WipeImportResult
from ordi.certificates.nwipe import MAX_LOG_BYTES
from ordi.certificates.schemas import CertificatePage, PublicKeyOut
from ordi.certificates.service import CertificateOut
from ordi.domain.lifecycle import Actor
from ordi.http.html import html_response
from ordi.http.openapi import RawBody, documented, json_response, operation
from ordi.http.params import IdempotencyKey, PathText
from ordi.http.problems import RequestRejected
from ordi.i18n import (
    Lang,
    date_text,
    level_name,
    medium_kind_name,
    medium_result_name,
    overall_result_name,
    word,
)
from ordi.paging import PageRequest

TEXT_TYPES = {"text/plain", "application/octet-stream", "text/x-log"}


_NWIPE_LOG = RawBody(
    "text/plain",
    f"Le journal écrit par `nwipe --logfile` (UTF-8, {MAX_LOG_BYTES // (1024 * 1024)} Mo au plus).",
    "[2026/03/12 08:14:02] nwipe: notice: Opened entropy source '/dev/urandom'.\n",
)
Serials = Annotated[
    list[Annotated[str, Parameter(max_length=100)]] | None,
    Parameter(max_items=32, description="N° de série des supports de cet appareil"),
]

# --------------------------------------------------------------------------- certificates


@get(
    "/api/v1/certificates/public-key",
    tags=["certificates"],
    summary="Clé publique Ed25519 qui signe les certificats",
    description="Sans authentification. PEM (openssl) et base64 des 32 octets bruts (libsodium, PyNaCl).",
    **documented(auth=False),
)
async def certificate_public_key() -> PublicKeyOut:
    return msgspec.convert(certificates.public_key_info(), PublicKeyOut)


@get(
    "/api/v1/certificates/{ref:str}",
    tags=["certificates"],
    summary="Un certificat d'effacement (JSON signé, ou PDF avec le suffixe .pdf)",
    description="`CE-2026-000123` : le document signé en JSON ; `CE-2026-000123.pdf` : le PDF A4 en français.",
    operation_class=operation(files={200: ["application/pdf"]}),
    **documented(403, 404, responses={200: json_response(CertificateOut, "Le certificat signé, ou son PDF")}),
)
async def get_certificate(actor: Actor, ref: PathText) -> Response[Any]:
    if ref.lower().endswith(".pdf"):
        number, pdf = await certificates.certificate_pdf(actor, ref[:-4])
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="certificat-{number}.pdf"'},
        )
    if ref.lower().endswith(".json"):
        ref = ref[:-5]
    return Response(await certificates.get_certificate(actor, ref))


@get(
    "/api/v1/devices/{tag:str}/certificates",
    tags=["certificates"],
    summary="Certificats d'un appareil",
    **documented(404, 422),
)
async def device_certificates(actor: Actor, tag: PathText, paging: PageRequest) -> CertificatePage:
    return CertificatePage(**(await certificates.list_for_device(actor, tag, paging)).to_dict())


@post(
    "/api/v1/devices/{tag:str}/wipe-report",
    tags=["certificates"],
    summary="Enregistrer un effacement à partir du journal nwipe (0.38)",
    description=(
        "Corps `text/plain` : le journal écrit par `nwipe --logfile` (ou ShredOS). Les disques sont rapprochés "
        "par numéro de série (`serial`, répétable ; sinon ceux du précédent effacement ; sinon tous ceux du "
        "journal). Le niveau NIST est déduit de la méthode sauf si `level` est donné. Le journal d'origine est "
        "conservé et son SHA-256 signé dans le certificat."
    ),
    operation_class=operation(raw_body=_NWIPE_LOG),
    **documented(
        403,
        404,
        409,
        413,
        415,
        422,
        responses={
            200: json_response(WipeImportResult, "Le même journal rejoué (`Idempotency-Key`)"),
            201: json_response(WipeImportResult, "L'effacement enregistré et son certificat"),
        },
    ),
)
async def upload_wipe_report(
    actor: Actor,
    request: Request[Any, Any, Any],
    tag: PathText,
    lang: str,
    level: Literal["clear", "purge", "destroy"] | None = None,
    operator: Annotated[str | None, Parameter(max_length=100, description="Code du technicien")] = None,
    serial: Serials = None,
    idempotency_key: IdempotencyKey = None,
) -> Response[WipeImportResult]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in TEXT_TYPES:
        raise RequestRejected("wipe_report_content_type", status=415)
    result = await imports.record_nwipe(
        actor,
        tag,
        await request.body(),
        level=level,
        operator=operator,
        serials=serial,
        idempotency_key=idempotency_key,
        lang=lang,
    )
    return Response(result, status_code=200 if result.replayed else 201)


# --------------------------------------------------------------------------- public verification

#: The page's only style, inline and allowed by its hash in the Content-Security-Policy.
_STYLE = """body{font-family:system-ui,sans-serif;margin:0;padding:1.2rem;max-width:40rem;color:#1b1b1b}
h1{font-size:1.3rem} .num{font:700 1.2rem monospace}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1rem} dt{color:#555}
.ok{padding:.6rem 1rem;border-radius:.4rem;background:#e3f0e8;color:#1b5e20}
.ko{padding:.6rem 1rem;border-radius:.4rem;background:#fde7e9;color:#8e0015}
small{color:#555}"""

_PAGE = (
    """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
<style>"""
    + _STYLE.replace("{", "{{").replace("}", "}}")
    + """</style></head>
<body><p>{kicker}</p>{body}</body></html>"""
)


def _html(title: str, body: str, lang: Lang, status: int = 200) -> Response[str]:
    page = _PAGE.format(
        lang="en" if lang == "en" else "fr", title=escape(title), kicker=_w("verify.kicker", lang), body=body
    )
    return html_response(page, status, inline_styles=(_STYLE,))


def _w(key: str, lang: Lang, **params: Any) -> str:
    """A word of the page, escaped for HTML."""
    return escape(word(key, lang, **params))


def _instant(value: Any, lang: Lang) -> str:
    """``2026-03-12T08:14:02Z`` as ``12/03/2026 08:14 UTC`` (French) or ``2026-03-12 08:14 UTC``."""
    text = str(value or "")
    try:
        instant = datetime.strptime(text[:16], "%Y-%m-%dT%H:%M").replace(tzinfo=UTC)
    except ValueError:
        return text or word("none", lang)
    return f"{date_text(instant, UTC, lang=lang)} {text[11:16]} UTC"


def _verify_body(result: certificates.Verification, lang: Lang) -> tuple[str, int]:
    heading = f"<h1>{_w('verify.heading', lang)} <span class=num>{escape(result.number)}</span></h1>"

    def verdict(key: str) -> str:  # "<strong>Certificat …</strong> : son contenu …"
        return word("pair", lang, name=f"<strong>{_w(key, lang)}</strong>", value=_w(f"{key}_detail", lang))

    if not result.exists:
        return f"{heading}<p class=ko>{_w('verify.unknown', lang)}</p>", 404
    if not result.intact or result.certifies is None:
        return f"{heading}<p class=ko>{verdict('verify.altered')}</p>", 200
    c = result.certifies
    none = word("none", lang)
    media = c.get("media") or []
    media_text = ", ".join(
        word("pair", lang, name=medium_kind_name(m["kind"], lang), value=medium_result_name(m["result"], lang))
        for m in media
    )
    rows = [
        (word("field.issued", lang), _instant(c.get("issued_at"), lang)),
        (word("field.asset_tag", lang), c.get("asset_tag") or none),
        (word("field.category", lang), c.get("category") or none),
        (word("field.model", lang), c.get("model") or none),
        (word("certificate.workshop", lang), c["workshop"].get("name") or none),
        (word("field.label_number", lang), c["workshop"].get("label_number") or none),
        (word("field.level", lang), level_name(c["level"], lang) if c.get("level") else none),
        (word("field.method", lang), c.get("method") or none),
        (word("field.tool", lang), c.get("tool") or none),
        (word("field.start", lang), _instant(c.get("started_at"), lang)),
        (word("field.end", lang), _instant(c.get("ended_at"), lang)),
        (word("certificate.media", lang, count=len(media)), media_text or none),
        (
            word("field.result", lang),
            overall_result_name(c["overall_result"], lang) if c.get("overall_result") else none,
        ),
    ]
    if c.get("source_report_sha256"):
        rows.append((word("field.source_report_sha256", lang), c["source_report_sha256"]))
    cells = "".join(f"<dt>{escape(label)}</dt><dd>{escape(str(value))}</dd>" for label, value in rows)
    public_key = f'<a href="/api/v1/certificates/public-key">{_w("verify.public_key", lang)}</a>'
    key = f"{_w('verify.key', lang, key_id=result.key_id or '')} ({public_key})"
    return (
        f"{heading}<p class=ok>{verdict('verify.intact')}</p><dl>{cells}</dl>"
        f"<p><small>{key}. {_w('verify.privacy', lang)}</small></p>",
        200,
    )


def _verify_json(result: certificates.Verification) -> Response[Any]:
    body = msgspec.to_builtins(result)
    body["status"] = "unknown" if not result.exists else ("intact" if result.intact else "altered")
    return Response(body, status_code=200 if result.exists else 404)


@get(["/verify/{ref:str}", "/VERIFY/{ref:str}"], include_in_schema=False)
async def verify_page(ref: str, lang: str) -> Response[Any]:
    """Public, no login: does the certificate exist, is it intact, what does it certify."""
    if ref.lower().endswith(".json"):
        return _verify_json(await certificates.verify(ref[:-5]))
    result = await certificates.verify(ref)
    body, status = _verify_body(result, lang)
    return _html(word("verify.title", lang, number=result.number), body, lang, status)


ROUTES = [
    certificate_public_key,
    get_certificate,
    device_certificates,
    upload_wipe_report,
    verify_page,
]
