"""schemathesis over the OpenAPI document, in-process: cases drawn with a fixed seed, sent through the
suite's ASGI client, and checked against the document.

schemathesis draws the requests (Hypothesis strategies built from `/schema/openapi.json`): *positive*
cases follow the document, *negative* ones break it. Each is sent as one role (or none) through the
`AsyncTestClient` the suite already runs the app with — the same event loop, pools and in-process
worker — then schemathesis's checks judge the answer:

- `not_a_server_error`: no 5xx, ever;
- `status_code_conformance`, `content_type_conformance`, `response_headers_conformance`,
  `response_schema_conformance`: the answer is one the document declares, in its media type and shape;
- `positive_data_acceptance`: a conforming request is never refused as malformed (400) or in the wrong
  media type (415) — only for who asks (401, 403), what exists (404), the state (409) or a rule (422);
- `negative_data_rejection`: a request outside the document is refused with a 4xx.

Half of the positive cases name things the seeded world holds (a device's tag, the donation…) so
that handlers run past their 404; the others draw identifiers freely (ids up to 2³¹ − 1, long tags).
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from litestar.testing import AsyncTestClient
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    missing_required_header,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

BASE_URL = "http://ordi.test"

#: Statuses a request that follows the document may get: never 400 (the document would lie about
#: what is well formed) nor 415 (it would lie about the media type).
#: 429: too many failed logins for this account or address (`ordi.auth.throttle`), a refusal of who asks.
POSITIVE_STATUSES = ["2xx", "401", "403", "404", "409", "422", "429"]

CONFIG: dict[str, Any] = {
    # A NUL is refused everywhere (400 `nul_byte`, ordi.http.guard) and tested on its own.
    "generation": {"allow-x00": False, "codec": "utf-8"},
    "checks": {"positive_data_acceptance": {"expected-statuses": POSITIVE_STATUSES}},
}

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    positive_data_acceptance,
    negative_data_rejection,
]


#: The coverage phase also sends methods the document does not list (405 with `Allow`) and leaves
#: out required headers.
COVERAGE_CHECKS = [*CHECKS, unsupported_method, missing_required_header]


def load(document: dict[str, Any]) -> Any:
    return schemathesis.openapi.from_dict(document, config=schemathesis.Config.from_dict(CONFIG))


#: Operations that end the caller's own sessions: sent after all the others, so that these still
#: run with a live token.
ENDS_SESSIONS = {"POST /api/v1/auth/logout-all"}


def operations(schema: Any) -> list[Any]:
    found = [result.ok() for result in schema.get_all_operations()]
    return sorted(found, key=lambda operation: operation.label in ENDS_SESSIONS)


#: Cases already drawn, by operation, mode, count and seed: every role sends the same ones, each
#: its own copy (`Case.derive`). Drawing, not sending, took most of a role's minute.
_DRAWN: dict[tuple[str, str, int, int], list[Any]] = {}


def draw(operation: Any, mode: GenerationMode, count: int, seed: int) -> list[Any]:
    """`count` cases (fewer when the operation has fewer distinct ones), the same for the same seed,
    each a fresh copy that its sender may change."""
    key = (operation.label, str(mode), count, seed)
    if key not in _DRAWN:
        _DRAWN[key] = _draw(operation, mode, count, seed)
    return [case.derive() for case in _DRAWN[key]]


def _draw(operation: Any, mode: GenerationMode, count: int, seed: int) -> list[Any]:
    cases: list[Any] = []
    strategy = operation.as_strategy(generation_mode=mode)

    @hypothesis_seed(seed)
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        derandomize=False,
    )
    @given(st.data())
    def collect(data: st.DataObject) -> None:
        cases.append(data.draw(strategy))

    try:
        collect()
    except Unsatisfiable:  # nothing to break in an operation without parameters or body
        return []
    return cases


def stable_seed(*parts: object) -> int:
    return zlib.crc32("|".join(map(str, parts)).encode())


@dataclass
class Failure:
    operation: str
    role: str
    title: str
    status: int
    reproduce: str


@dataclass
class Report:
    """What a run sent and what it found: the test fails on any failure, and says each once."""

    requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    #: The first failure of each kind per operation and role.
    failures: dict[tuple[str, str, str], Failure] = field(default_factory=dict)
    #: Every failing answer, by kind of failure.
    kinds: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, kind: str, failure: Failure) -> None:
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        self.failures.setdefault((failure.operation, failure.role, kind), failure)

    def summary(self) -> str:
        lines = [
            f"{self.requests} requêtes en {self.seconds:.1f} s ; statuts {dict(sorted(self.statuses.items()))}",
            f"{len(self.failures)} écart(s) au contrat ; réponses fautives par sorte : {self.kinds}",
        ]
        for f in self.failures.values():
            lines.append(f"- [{f.role}] {f.operation} → {f.status} : {f.title}\n    {f.reproduce}")
        return "\n".join(lines)


_CREDENTIALS = ("authorization", "x-api-key")


def _request_kwargs(case: Any, headers: Mapping[str, str]) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    if headers and case.headers:
        # A role sends its own credentials, not the random key schemathesis draws for the scheme.
        for name in [n for n in case.headers if n.lower() in _CREDENTIALS]:
            del case.headers[name]
    kwargs = case.as_transport_kwargs(base_url=BASE_URL, headers=dict(headers))
    # Bytes, as a client puts them on the wire (a drawn header may hold any character).
    wire = {name: value.encode() if isinstance(value, str) else value for name, value in kwargs["headers"].items()}
    request: dict[str, Any] = {"headers": wire, "params": kwargs.get("params") or None}
    if "json" in kwargs:
        request["json"] = kwargs["json"]
    elif "data" in kwargs:
        data = kwargs["data"]
        request["content"] = data.encode() if isinstance(data, str) else data
    if kwargs.get("cookies"):
        request["headers"]["Cookie"] = "; ".join(f"{k}={v}" for k, v in kwargs["cookies"].items()).encode()
    return kwargs["method"], kwargs["url"], request, kwargs


async def send_and_check(
    client: AsyncTestClient[Any],
    case: Any,
    role: str,
    headers: Mapping[str, str],
    report: Report,
    checks: list[Any] = CHECKS,
) -> None:
    method, url, request, kwargs = _request_kwargs(case, headers)
    response = await client.request(method, url, **request)
    report.requests += 1
    report.statuses[response.status_code] = report.statuses.get(response.status_code, 0) + 1
    try:
        case.validate_response(response, checks=checks, headers=dict(headers), transport_kwargs=kwargs)
    except FailureGroup as group:
        curl = case.as_curl_command(headers=dict(kwargs["headers"]))
        for failure in group.exceptions:
            report.add(
                type(failure).__name__,
                Failure(
                    operation=case.operation.label,
                    role=role,
                    title=f"{type(failure).__name__}: {failure.title} — {str(failure.message)[:400]}",
                    status=response.status_code,
                    reproduce=curl[:600],
                ),
            )


async def run(
    client: AsyncTestClient[Any],
    schema: Any,
    role: str,
    headers: Mapping[str, str],
    *,
    positive: int,
    negative: int,
    known: Callable[[Any], dict[str, Any] | None],
    seed: int,
) -> Report:
    """Every operation as `role`: `positive` and `negative` cases each, half the positive ones aimed
    at the seeded world through `known(operation)` (its path parameters, or None). The cases are
    the same for every role (drawn once per operation), so that each role's answers are those to
    the same requests."""
    report = Report()
    started = time.monotonic()
    for operation in operations(schema):
        label = operation.label
        drawn = draw(operation, GenerationMode.POSITIVE, positive, stable_seed(seed, label, "+"))
        for index, case in enumerate(drawn):
            path = known(operation) if index % 2 == 0 else None
            if path:
                case.path_parameters = {**(case.path_parameters or {}), **path}
            await send_and_check(client, case, role, headers, report)
        if negative:
            for case in draw(operation, GenerationMode.NEGATIVE, negative, stable_seed(seed, label, "-")):
                await send_and_check(client, case, role, headers, report)
    report.seconds = time.monotonic() - started
    return report


def coverage_cases(schema: Any, operation: Any) -> list[Any]:
    """schemathesis's coverage phase: deterministic edge cases of each parameter and body (bounds,
    lengths, types, missing and unknown fields, other methods), in both modes."""
    config = schema.config.generation_for(operation=operation)
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    return list(schema.iter_coverage_cases(operation, generation_modes=modes, generation_config=config))


async def run_coverage(client: AsyncTestClient[Any], schema: Any, role: str, headers: Mapping[str, str]) -> Report:
    report = Report()
    started = time.monotonic()
    for operation in operations(schema):
        for case in coverage_cases(schema, operation):
            await send_and_check(client, case, role, headers, report, COVERAGE_CHECKS)
    report.seconds = time.monotonic() - started
    return report
