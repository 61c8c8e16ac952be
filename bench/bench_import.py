"""`make bench`, issue 9: the 10,000-row import from `.xlsx` and from Windows-1252 CSV next to the
UTF-8 CSV import of the same rows, and the dry run of that file (`?dry_run=true`, nothing written).

Each import is timed from send to the last byte of its answer. Every file carries fresh serial
numbers (a serial already in service is refused), the same categories, brands and models, and the
header French Excel would write (`Catégorie;Marque;Modèle;N° de série`).
"""

from __future__ import annotations

import http.client
import io
import json
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["Catégorie", "Marque", "Modèle", "N° de série"]
_MODELS = [
    ("portable", "Lenovo", "ThinkPad T480"),
    ("portable", "Dell", "Latitude 5490"),
    ("portable", "HP", "EliteBook 840 G5"),
    ("unité centrale", "HP", "EliteDesk 800 G3"),
    ("écran", "Dell", "P2219H"),
    ("tablette", "Apple", "iPad 6"),
    ("téléphone", "Samsung", "Galaxy A52"),
]
_counter = 0


def rows(count: int) -> list[list[str]]:
    global _counter
    _counter += 1
    rnd = random.Random(_counter)
    prefix = f"F{time.time_ns() % 10**9:X}{_counter:02d}"
    return [[*rnd.choice(_MODELS), f"{prefix}-{i:06d}"] for i in range(count)]


def utf8_csv(data: list[list[str]]) -> bytes:
    return "".join(";".join(r) + "\n" for r in [HEADER, *data]).encode()


def cp1252_csv(data: list[list[str]]) -> bytes:
    """As French Excel saves « CSV (séparateur : point-virgule) »: Windows-1252, `;`, CRLF."""
    return "".join(";".join(r) + "\r\n" for r in [HEADER, *data]).encode("cp1252")


def xlsx(data: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Dons")
    sheet.append(HEADER)
    for r in data:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def post(host: str, port: int, token: str, path: str, body: bytes, media_type: str) -> tuple[float, dict[str, Any]]:
    conn = http.client.HTTPConnection(host, port, timeout=300)
    try:
        start = time.perf_counter()
        conn.request("POST", path, body=body, headers={"Content-Type": media_type, "Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - start
    finally:
        conn.close()
    if response.status not in (200, 201):
        raise SystemExit(f"import {path} ({media_type}): HTTP {response.status} {data[:500]!r}")
    return elapsed, json.loads(data)


def formats(host: str, port: int, token: str, count: int, runs: int, log: Callable[[str], None]) -> dict[str, Any]:
    """Median seconds per format over `runs` rounds, the formats taking turns in each round."""
    makers: dict[str, tuple[Callable[[list[list[str]]], bytes], str]] = {
        "csv_utf8": (utf8_csv, "text/csv"),
        "csv_cp1252": (cp1252_csv, "text/csv"),
        "xlsx": (xlsx, XLSX),
    }
    times: dict[str, list[float]] = {name: [] for name in [*makers, "dry_run_csv_utf8", "dry_run_xlsx"]}
    sizes: dict[str, int] = {}
    for round_ in range(runs):
        order = list(makers) if round_ % 2 == 0 else list(reversed(makers))
        for name in order:
            make, media_type = makers[name]
            body = make(rows(count))
            sizes[name] = len(body)
            elapsed, answer = post(host, port, token, "/api/v1/donations/import", body, media_type)
            if answer["device_count"] != count:
                raise SystemExit(f"{name}: {answer['device_count']} devices for {count} rows")
            times[name].append(elapsed)
            log(f"import {name} {round_ + 1}/{runs}: {count} rows in {elapsed:.3f} s")
        data = rows(count)
        for name, (make, media_type) in (("dry_run_csv_utf8", makers["csv_utf8"]), ("dry_run_xlsx", makers["xlsx"])):
            elapsed, answer = post(host, port, token, "/api/v1/donations/import?dry_run=true", make(data), media_type)
            if answer["rows"] != count or not answer["valid"]:
                raise SystemExit(f"{name}: {answer['rows']} rows, valid={answer['valid']}")
            times[name].append(elapsed)
            log(f"{name} {round_ + 1}/{runs}: {count} rows in {elapsed:.3f} s")
    medians = {name: statistics.median(t) for name, t in times.items()}
    base = medians["csv_utf8"]
    return {
        "rows": count,
        "runs": runs,
        "median_s": {name: round(t, 4) for name, t in medians.items()},
        "all_s": {name: [round(x, 4) for x in t] for name, t in times.items()},
        "ratio_to_csv_utf8": {name: round(t / base, 3) for name, t in medians.items()},
        "file_bytes": sizes,
        "goal": "xlsx and csv_cp1252 at most 1.5 x csv_utf8",
        "what": "POST /api/v1/donations/import as the donor, the same 10,000 rows (fresh serials each time) as "
        "UTF-8 CSV, Windows-1252 CSV with CRLF (French Excel) and .xlsx (openpyxl), timed from send to the "
        "last byte of the 201 answer; dry runs (?dry_run=true, nothing written) of a UTF-8 CSV and an .xlsx.",
    }


if __name__ == "__main__":  # a quick look against a running `ordi demo`: bench_import.py PORT
    import sys

    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request(
        "POST",
        "/api/v1/auth/token",
        body=json.dumps({"email": "donateur@demo.ordi2.fr", "password": "ordi-demo-2026"}),
        headers={"Content-Type": "application/json"},
    )
    token = json.loads(conn.getresponse().read())["access_token"]
    print(json.dumps(formats("127.0.0.1", port, token, 10_000, 3, print), indent=2))
