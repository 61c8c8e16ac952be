"""Benchmark of the label renderers: ``python bench/bench_labels.py [--quick]``.

Measures, in one run and on the same URLs:

* one-label PNG (brother-62x29), labels per second;
* a 1,000-label avery-l7160 sheet PDF, labels per second;
* the bare cost of the QR alone with ``qrcode`` (QRCode(error_correction=Q), add_data, make,
  get_matrix), the floor any renderer built on ``qrcode`` pays;
* the ratio whole label / bare QR (goal: <= 1.5);
* peak memory of a 5,000-label sheet PDF fed by a generator, in fresh subprocesses:
  ``tracemalloc`` peak in one, ``ru_maxrss`` growth in the other (tracemalloc would inflate it).

Prints a table, then one line of JSON for machines.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import qrcode  # noqa: E402
from qrcode.constants import ERROR_CORRECT_Q  # noqa: E402

from labels import LabelContent, get_format, render_pdf, render_png  # noqa: E402

MODELS = [
    "Dell Latitude 5490",
    "Lenovo ThinkPad T480s",
    "HP EliteBook 840 G5",
    "Apple MacBook Pro 13 pouces 2017",
    "Fujitsu Esprimo D556",
]
CATEGORIES = ["Ordinateur portable", "Unité centrale", "Écran", "Tablette"]


def make_contents(n: int, offset: int = 0) -> Iterator[LabelContent]:
    """Distinct, realistic labels (no URL repeats, so no cache can help)."""
    for i in range(offset, offset + n):
        tag = f"B{i:09d}"
        yield LabelContent(
            url=f"HTTPS://ORDI2.EXEMPLE.FR/D/{tag}",
            tag=tag,
            category=CATEGORIES[i % len(CATEGORIES)],
            model=MODELS[i % len(MODELS)],
        )


def bare_qr(urls: list[str]) -> None:
    """The reference: what computing the QR matrices alone costs with qrcode."""
    for url in urls:
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q)
        code.add_data(url)
        code.make(fit=True)
        code.get_matrix()


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def time_all(n: int, rounds: int) -> dict[str, float]:
    """Best-of-``rounds`` seconds per label for bare QR, PNG and sheet PDF, interleaved so that
    machine noise hits all three alike."""
    contents = list(make_contents(n))
    urls = [c.url for c in contents]
    brother = get_format("brother-62x29")
    sheet = get_format("avery-l7160")

    def png() -> None:
        for content in contents:
            render_png(content, brother)

    def pdf() -> None:
        render_pdf(iter(contents), sheet, io.BytesIO())

    # Warm-up: font loading, layout caches, imports.
    render_png(contents[0], brother)
    render_pdf(iter(contents[:30]), sheet, io.BytesIO())
    best = {"bare": float("inf"), "png": float("inf"), "pdf": float("inf")}
    for _ in range(rounds):
        best["bare"] = min(best["bare"], timed(lambda: bare_qr(urls)) / n)
        best["png"] = min(best["png"], timed(png) / n)
        best["pdf"] = min(best["pdf"], timed(pdf) / n)
    return best


def memory_child(mode: str, n: int) -> None:
    """Render an ``n``-label sheet PDF from a generator into a temporary file; print JSON."""
    sheet = get_format("avery-l7160")
    with tempfile.TemporaryFile() as out:
        render_pdf(make_contents(3), sheet, out)  # warm-up so imports and fonts are in the baseline
    result: dict[str, float] = {}
    with tempfile.TemporaryFile() as out:
        if mode == "tracemalloc":
            tracemalloc.start()
            render_pdf(make_contents(n), sheet, out)
            result["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        else:
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            render_pdf(make_contents(n), sheet, out)
            after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            result["rss_delta_mb"] = (after - before) / 1024  # ru_maxrss is in KiB on Linux
            result["rss_peak_mb"] = after / 1024
        out.seek(0, io.SEEK_END)
        result["pdf_mb"] = out.tell() / 2**20
    print(json.dumps(result))


def memory(n: int) -> dict[str, float]:
    """Run both memory children side by side (they do not time anything) and merge results."""
    children = [
        subprocess.Popen(
            [sys.executable, __file__, "--memory-child", mode, "--labels", str(n)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for mode in ("tracemalloc", "rss")
    ]
    merged: dict[str, float] = {}
    for child in children:
        stdout, _ = child.communicate()
        if child.returncode:
            raise SystemExit(f"memory child failed ({child.returncode})")
        merged.update(json.loads(stdout.strip().splitlines()[-1]))
    return merged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--memory-child", choices=["tracemalloc", "rss"], help=argparse.SUPPRESS)
    parser.add_argument("--labels", type=int, default=5000, help="labels in the memory job")
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child, args.labels)
        return

    n = 100 if args.quick else 1000
    rounds = 1 if args.quick else 3
    mem_labels = 500 if args.quick else args.labels
    per_label = time_all(n, rounds)
    mem = memory(mem_labels)

    results = {
        "labels_timed": n,
        "rounds": rounds,
        "bare_qr_ms": per_label["bare"] * 1e3,
        "png_ms": per_label["png"] * 1e3,
        "pdf_ms": per_label["pdf"] * 1e3,
        "bare_qr_per_s": 1 / per_label["bare"],
        "png_per_s": 1 / per_label["png"],
        "pdf_per_s": 1 / per_label["pdf"],
        "png_ratio": per_label["png"] / per_label["bare"],
        "pdf_ratio": per_label["pdf"] / per_label["bare"],
        "memory_labels": mem_labels,
        **mem,
    }
    rows = [
        ("QR seul (qrcode, Q)", results["bare_qr_per_s"], results["bare_qr_ms"], 1.0),
        ("PNG brother-62x29", results["png_per_s"], results["png_ms"], results["png_ratio"]),
        (f"PDF avery-l7160 ({n} ét.)", results["pdf_per_s"], results["pdf_ms"], results["pdf_ratio"]),
    ]
    print(f"{'mesure':<28}{'étiq./s':>10}{'ms/étiq.':>10}{'÷ QR seul':>11}")
    for name, rate, ms, ratio in rows:
        print(f"{name:<28}{rate:>10.0f}{ms:>10.2f}{ratio:>11.2f}")
    print(
        f"\nPDF de {mem_labels} étiquettes : pic tracemalloc {mem['tracemalloc_peak_mb']:.1f} Mo, "
        f"RSS +{mem['rss_delta_mb']:.1f} Mo (pic {mem['rss_peak_mb']:.1f} Mo), fichier {mem['pdf_mb']:.2f} Mo"
    )
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in results.items()}))


if __name__ == "__main__":
    main()
