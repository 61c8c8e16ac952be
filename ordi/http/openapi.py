"""What the OpenAPI document says beyond the handlers' signatures: who may call, how it can fail,
which files come back.

A route decorator takes `**documented(...)`: the security schemes when the handler needs an
`actor`, and one RFC 9457 problem response (`Problem`, `application/problem+json`) per status it
may answer besides its success. `file_response` and `operation` describe binary answers (PNG,
PDF, ZPL, CSV) and answers whose media type depends on the request (a certificate as JSON or PDF).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

import msgspec
from litestar._openapi.schema_generation import SchemaCreator
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    Example,
    OpenAPIMediaType,
    OpenAPIResponse,
    Operation,
    Reference,
    RequestBody,
    Schema,
    SecurityRequirement,
    SecurityScheme,
)
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType
from litestar.params import Parameter
from litestar.typing import FieldDefinition

from ordi.http.problems import PROBLEM_MEDIA_TYPE
from ordi.i18n import title


class Problem(msgspec.Struct, kw_only=True):
    """An error, as RFC 9457 problem details; `detail` is in French (English with `Accept-Language: en`)."""

    type: Annotated[str, msgspec.Meta(examples=["https://ordi2.fr/problems/device-not-found"])]
    title: Annotated[str, msgspec.Meta(examples=["Introuvable"])]
    status: Annotated[int, msgspec.Meta(ge=400, le=599)]
    detail: Annotated[str, msgspec.Meta(examples=["Appareil introuvable : 7K3M9Q2XTA."])]
    instance: Annotated[str, msgspec.Meta(examples=["/api/v1/devices/7K3M9Q2XTA"])]
    #: Stable and machine-readable: the message key (`device_not_found`, `validation_failed`…).
    code: Annotated[str, msgspec.Meta(examples=["device_not_found"])]
    #: `validation_failed`: where the request is wrong; `import_invalid`: each bad cell (line, column).
    errors: list[dict[str, Any]] | msgspec.UnsetType = msgspec.UNSET


class PageOut(msgspec.Struct, kw_only=True):
    """The fields every list answers besides its `items` (see `ordi.paging`)."""

    total: int
    #: True when `total` is the planner's estimate (more than 200 matching rows, PostgreSQL).
    total_estimated: bool
    #: The cursor of the next page (`?cursor=`), or null on the last page.
    next: str | None
    limit: int
    offset: int


BEARER = "bearerAuth"
API_KEY = "apiKeyAuth"

SECURITY_SCHEMES: dict[str, SecurityScheme | Reference] = {
    BEARER: SecurityScheme(
        type="http",
        scheme="bearer",
        bearer_format="JWT",
        description="Le jeton de `POST /api/v1/auth/token`, ou la clé d'API d'un poste de scan (`ordi_…`).",
    ),
    API_KEY: SecurityScheme(
        type="apiKey",
        name="X-API-Key",
        security_scheme_in="header",
        description="La clé d'API d'un poste de scan, créée par un responsable (`POST /api/v1/auth/api-keys`).",
    ),
}

#: Either scheme authenticates (`ordi.auth.dependencies.provide_actor`).
AUTHENTICATED: list[SecurityRequirement] = [{BEARER: []}, {API_KEY: []}]

_WHEN: dict[int, str] = {
    400: "Requête mal formée : paramètre, en-tête ou corps hors de son schéma, octet nul, JSON trop imbriqué",
    401: "Identifiants absents ou invalides (jeton expiré, clé révoquée)",
    403: "Interdit à ce rôle, à cette organisation ou sans label valide",
    404: "Introuvable, ou invisible pour cette organisation",
    409: "Impossible dans l'état actuel (transition refusée, doublon, tâche non terminée)",
    413: "Corps trop volumineux",
    415: "Type de contenu non pris en charge",
    422: "Données bien formées mais contraires à une règle (dates, curseur, SIRET, import…)",
    429: "Trop de tentatives pour ce compte ou cette adresse : réessayer après `Retry-After` secondes",
    503: "Base de données ou broker injoignable",
}

_EXAMPLES: dict[int, tuple[str, str]] = {
    400: ("validation_failed", "Requête invalide : champ obligatoire manquant : « action »"),
    401: ("unauthenticated", "Authentification requise."),
    403: ("manager_only", "Réservé aux responsables de l'organisation."),
    404: ("not_found", "Ressource introuvable."),
    409: ("transition_not_allowed", "Action impossible dans l'état actuel de l'appareil."),
    413: ("body_too_large", "Le corps de la requête est trop volumineux."),
    415: ("unsupported_media_type", "Type de contenu non pris en charge."),
    422: ("cursor_invalid", "Curseur de page invalide."),
    429: ("login_locked", "Trop de tentatives : réessayez dans 900 secondes."),
    503: ("unavailable", "Service indisponible."),
}


def _problem_example(status: int) -> Example:
    code, detail = _EXAMPLES[status]
    return Example(
        summary=code,
        value={
            "type": f"https://ordi2.fr/problems/{code.replace('_', '-')}",
            "title": title(status),
            "status": status,
            "detail": detail,
            "instance": "/api/v1/…",
            "code": code,
        },
    )


def problems(statuses: Iterable[int]) -> dict[int, ResponseSpec]:
    return {
        status: ResponseSpec(
            data_container=Problem,
            media_type=PROBLEM_MEDIA_TYPE,
            description=_WHEN[status],
            generate_examples=False,
            examples=[_problem_example(status)],
        )
        for status in sorted(set(statuses))
    }


def documented(*errors: int, auth: bool = True, responses: Mapping[int, ResponseSpec] | None = None) -> dict[str, Any]:
    """Keyword arguments for a route decorator (`**documented(404, 409)`).

    Every operation may answer 400 (a NUL byte or a malformed header is refused anywhere); an
    authenticated one also 401 and 403 (each role sees its part of the programme), and declares
    its security schemes. `responses` replaces or adds answers (a file instead of JSON, a 202 job).
    """
    statuses = {400, *errors, *((401, 403) if auth else ())}
    kwargs: dict[str, Any] = {"responses": {**problems(statuses), **(responses or {})}}
    if auth:
        kwargs["security"] = AUTHENTICATED
    return kwargs


#: A file's bytes, as OpenAPI says it (`type: string, format: binary`).
Binary = Annotated[bytes, Parameter(schema_extra={"format": "binary"})]


def file_response(media_type: str, description: str) -> ResponseSpec:
    return ResponseSpec(data_container=Binary, media_type=media_type, description=description, generate_examples=False)


def json_response(container: Any, description: str) -> ResponseSpec:
    return ResponseSpec(data_container=container, description=description, generate_examples=False)


def _file_schema(media_type: str) -> Schema:
    if media_type.split(";")[0].strip().endswith("json"):
        return Schema(type=OpenAPIType.OBJECT, description="Un document JSON")
    return Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)


@dataclass(frozen=True)
class RawBody:
    """A request body read as bytes by the handler (`request.body()`), not decoded by Litestar:
    the document says its media type, so that a conforming client sends it (not JSON)."""

    media_type: str
    description: str
    example: str | None = None


def operation(
    *,
    files: Mapping[int, Iterable[str]] | None = None,
    description: str | None = None,
    raw_body: RawBody | None = None,
) -> type[Operation]:
    """An operation class (`operation_class=`) completing what Litestar builds from the handler:
    `files`, per status, the media types the answer may be (`{200: ["application/pdf"]}`), next to
    the JSON of the return type; `raw_body`, the request body the handler reads itself."""

    @dataclass
    class _Operation(Operation):
        def __post_init__(self) -> None:
            for status, media_types in (files or {}).items():
                response = (self.responses or {}).get(str(status))
                if not isinstance(response, OpenAPIResponse):
                    continue
                content = dict(response.content or {})
                for media_type in media_types:
                    content[media_type] = OpenAPIMediaType(schema=_file_schema(media_type))
                response.content = content
                if description:
                    response.description = description
            if raw_body is not None:
                schema = Schema(type=OpenAPIType.STRING, description=raw_body.description)
                examples: dict[str, Example | Reference] | None = (
                    {"exemple": Example(value=raw_body.example)} if raw_body.example else None
                )
                self.request_body = RequestBody(
                    required=True,
                    description=raw_body.description,
                    content={raw_body.media_type: OpenAPIMediaType(schema=schema, examples=examples)},
                )

    return _Operation


def bounds(
    *,
    gt: float | None = None,
    ge: float | None = None,
    le: float | None = None,
    examples: list[Any] | None = None,
    description: str | None = None,
) -> msgspec.Meta:
    """`msgspec.Meta` for a number, with a zero lower bound repeated for the OpenAPI document
    (Litestar drops a bound that is 0 on an optional field)."""
    extra: dict[str, Any] = {}
    if gt == 0:
        extra["exclusive_minimum"] = 0
    if ge == 0:
        extra["minimum"] = 0
    kwargs: dict[str, Any] = {"gt": gt, "ge": ge, "le": le, "examples": examples, "description": description}
    if extra:
        kwargs["extra_json_schema"] = {"extra": extra}
    return msgspec.Meta(**{k: v for k, v in kwargs.items() if v is not None})


def text_list(max_items: int, max_length: int, examples: list[Any] | None = None) -> msgspec.Meta:
    """`msgspec.Meta` for a list of texts, its items' length repeated for the OpenAPI document
    (Litestar renders no constraint of a list's items)."""
    return msgspec.Meta(
        max_length=max_items,
        examples=examples,
        extra_json_schema={"extra": {"items": {"type": "string", "maxLength": max_length}}},
    )


class StrictStructSchemaPlugin(StructSchemaPlugin):
    """A struct that refuses unknown fields (`forbid_unknown_fields=True`: every request body) says
    so in the document (`additionalProperties: false`), so that no conforming client sends one."""

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: SchemaCreator) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        if getattr(field_definition.type_, "__struct_config__", None) is not None and (
            field_definition.type_.__struct_config__.forbid_unknown_fields
        ):
            schema.additional_properties = False
        return schema
