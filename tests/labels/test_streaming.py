"""Big jobs stream: labels are pulled lazily and memory stays bounded."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Iterator
from functools import lru_cache

import pytest

import labels.pdf
from labels import LabelContent, get_format, render_pdf, render_zpl
from labels.qr import qr_rows

from .conftest import make_content


class LazySource:
    """Yields labels and records how far the reader got ahead of the reported progress."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.pulled = 0
        self.done = 0
        self.max_ahead = 0

    def __iter__(self) -> Iterator[LabelContent]:
        for i in range(self.n):
            self.pulled += 1
            self.max_ahead = max(self.max_ahead, self.pulled - self.done)
            yield make_content(i)

    def progress(self, done: int) -> None:
        self.done = done


@pytest.mark.parametrize(("name", "page"), [("avery-l7160", 21), ("avery-l7651", 65), ("brother-62x29", 1)])
def test_pdf_pulls_at_most_one_page_ahead(name: str, page: int) -> None:
    source = LazySource(3 * page + 2)
    render_pdf(source, get_format(name), io.BytesIO(), progress=source.progress)
    assert source.done == source.n
    assert source.max_ahead <= page


def test_zpl_pulls_one_label_at_a_time() -> None:
    source = LazySource(20)
    render_zpl(source, get_format("zebra-2x1"), io.StringIO(), progress=source.progress)
    assert source.max_ahead == 1


@lru_cache(maxsize=1)
def _one_matrix() -> tuple[tuple[bool, ...], ...]:
    return qr_rows(make_content(0).url)


def test_5000_label_sheet_pdf_stays_under_100_mb(monkeypatch: pytest.MonkeyPatch) -> None:
    """Memory of the PDF pipeline for a 5,000-label job, fed by a generator.

    QR encoding is replaced by one precomputed real matrix: it allocates nothing that
    outlives a label, and skipping it keeps this test to seconds (the benchmark measures the
    real thing, with RSS, in a subprocess).
    """
    monkeypatch.setattr(labels.pdf, "qr_rows", lambda url: _one_matrix())
    source = LazySource(5000)
    out = io.BytesIO()
    tracemalloc.start()
    try:
        written = render_pdf(source, get_format("avery-l7160"), out, progress=source.progress)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert written == 5000
    assert source.max_ahead <= 21
    assert peak < 100 * 1024 * 1024
    assert out.getvalue().startswith(b"%PDF")
