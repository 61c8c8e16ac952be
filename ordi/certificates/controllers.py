"""Wipe certificates over HTTP: certificates (JSON, PDF), the public key, the public verification page
and the nwipe report import. Thin: the rules live in the services.
"""

from __future__ import annotations

from html import escape
from typing import Annotated, Any, Literal

import msgspec
from litestar import MediaType, Request, Response, get, post
from litestar.exceptions import HTTPException
from litestar.params import Parameter

from ordi.certificates import imports
from ordi.certificates import service as certificates
from ordi.certificates.imports import WipeImportResult
from ordi.certificates.model import (
    LEVEL_LABELS_FR,
    MEDIUM_KIND_LABELS_FR,
    MEDIUM_RESULT_LABELS_FR,
    OVERALL_RESULT_LABELS_FR,
)
from ordi.domain.lifecycle import Actor
from ordi.http.params import IdempotencyKey, Limit, Offset, page

TEXT_TYPES = {"text/plain", "application/octet-stream", "text/x-log"}

# --------------------------------------------------------------------------- certificates


@get(
    "/api/v1/certificates/public-key",
    tags=["certificates"],
    summary="Clé publique Ed25519 qui signe les certificats",
    description="Sans authentification. PEM (openssl) et base64 des 32 octets bruts (libsodium, PyNaCl).",
)
async def certificate_public_key() -> dict[str, str]:
    return certificates.public_key_info()


@get(
    "/api/v1/certificates/{ref:str}",
    tags=["certificates"],
    summary="Un certificat d'effacement (JSON signé, ou PDF avec le suffixe .pdf)",
    description="`CE-2026-000123` : le document signé en JSON ; `CE-2026-000123.pdf` : le PDF A4 en français.",
)
async def get_certificate(actor: Actor, ref: str) -> Response[Any]:
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


@get("/api/v1/devices/{tag:str}/certificates", tags=["certificates"], summary="Certificats d'un appareil")
async def device_certificates(actor: Actor, tag: str, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    items, total = await certificates.list_for_device(actor, tag, limit, offset)
    return page(items, total, limit, offset)


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
)
async def upload_wipe_report(
    actor: Actor,
    lang: str,
    request: Request[Any, Any, Any],
    tag: str,
    level: Literal["clear", "purge", "destroy"] | None = None,
    operator: Annotated[str | None, Parameter(max_length=100, description="Code du technicien")] = None,
    serial: Annotated[list[str] | None, Parameter(description="N° de série des supports de cet appareil")] = None,
    idempotency_key: IdempotencyKey = None,
) -> Response[WipeImportResult]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in TEXT_TYPES:
        raise HTTPException(status_code=415, detail="Envoyez le journal nwipe en text/plain.")
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

_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;margin:0;padding:1.2rem;max-width:40rem;color:#1b1b1b}}
h1{{font-size:1.3rem}} .num{{font:700 1.2rem monospace}}
dl{{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1rem}} dt{{color:#555}}
.ok{{padding:.6rem 1rem;border-radius:.4rem;background:#e3f0e8;color:#1b5e20}}
.ko{{padding:.6rem 1rem;border-radius:.4rem;background:#fde7e9;color:#8e0015}}
small{{color:#555}}</style></head>
<body><p>Programme Ordi 2.0 — vérification d'un certificat d'effacement des données</p>{body}</body></html>"""


def _html(title: str, body: str, status: int = 200) -> Response[str]:
    return Response(_PAGE.format(title=escape(title), body=body), media_type=MediaType.HTML, status_code=status)


def _fr_instant(value: Any) -> str:
    text = str(value or "")
    # "2026-03-12T08:14:02Z" -> "12/03/2026 08:14 UTC"
    if len(text) >= 16 and text[4] == "-" and text[10] == "T":
        return f"{text[8:10]}/{text[5:7]}/{text[0:4]} {text[11:16]} UTC"
    return text or "—"


def _verify_body(result: certificates.Verification) -> tuple[str, int]:
    number = escape(result.number)
    if not result.exists:
        return (
            f"<h1>Certificat <span class=num>{number}</span></h1><p class=ko>Aucun certificat ne porte ce numéro.</p>",
            404,
        )
    if not result.intact or result.certifies is None:
        return (
            f"<h1>Certificat <span class=num>{number}</span></h1>"
            "<p class=ko><strong>Certificat non intègre</strong> : son contenu ne correspond plus à la signature "
            "apposée à son émission. Ne vous y fiez pas et contactez l'atelier ou l'opérateur du programme.</p>",
            200,
        )
    c = result.certifies
    media = c.get("media") or []
    media_text = ", ".join(
        f"{MEDIUM_KIND_LABELS_FR.get(m['kind'], m['kind'])} : {MEDIUM_RESULT_LABELS_FR.get(m['result'], m['result'])}"
        for m in media
    )
    rows = [
        ("Émis le", _fr_instant(c.get("issued_at"))),
        ("Appareil", c.get("asset_tag") or "—"),
        ("Catégorie", c.get("category") or "—"),
        ("Modèle", c.get("model") or "—"),
        ("Atelier", c["workshop"].get("name") or "—"),
        ("N° de label Ordi 2.0", c["workshop"].get("label_number") or "—"),
        ("Niveau (NIST SP 800-88)", LEVEL_LABELS_FR.get(c.get("level") or "", c.get("level") or "—")),
        ("Méthode", c.get("method") or "—"),
        ("Outil", c.get("tool") or "—"),
        ("Début", _fr_instant(c.get("started_at"))),
        ("Fin", _fr_instant(c.get("ended_at"))),
        (f"Supports ({len(media)})", media_text or "—"),
        ("Résultat", OVERALL_RESULT_LABELS_FR.get(c.get("overall_result") or "", c.get("overall_result") or "—")),
    ]
    if c.get("source_report_sha256"):
        rows.append(("Empreinte SHA-256 du rapport de l'outil", c["source_report_sha256"]))
    cells = "".join(f"<dt>{escape(label)}</dt><dd>{escape(str(value))}</dd>" for label, value in rows)
    return (
        f"<h1>Certificat <span class=num>{number}</span></h1>"
        "<p class=ok><strong>Certificat authentique et intègre</strong> : émis par le service Ordi 2.0, "
        "son contenu n'a pas été modifié depuis sa signature.</p>"
        f"<dl>{cells}</dl>"
        f"<p><small>Signature Ed25519, clé {escape(result.key_id or '')} "
        '(<a href="/api/v1/certificates/public-key">clé publique</a>). Cette page ne montre aucune donnée '
        "personnelle ni numéro de série ; le certificat complet est remis au donateur.</small></p>",
        200,
    )


def _verify_json(result: certificates.Verification) -> Response[Any]:
    body = msgspec.to_builtins(result)
    body["status"] = "unknown" if not result.exists else ("intact" if result.intact else "altered")
    return Response(body, status_code=200 if result.exists else 404)


@get(["/verify/{ref:str}", "/VERIFY/{ref:str}"], include_in_schema=False)
async def verify_page(ref: str) -> Response[Any]:
    """Public, no login: does the certificate exist, is it intact, what does it certify."""
    if ref.lower().endswith(".json"):
        return _verify_json(await certificates.verify(ref[:-5]))
    result = await certificates.verify(ref)
    body, status = _verify_body(result)
    return _html(f"Vérification du certificat {result.number}", body, status)


ROUTES = [
    certificate_public_key,
    get_certificate,
    device_certificates,
    upload_wipe_report,
    verify_page,
]
