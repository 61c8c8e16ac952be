"""The small-cell rule of the committee's figures about people (PRODUCT.md §8, issue 11 item 2).

A count of people (beneficiaries handed a device) below ``SMALL_CELL`` is never shown: it reads
"< 11". So that it cannot be recovered by subtracting the other cells from the total, a second cell
of the same breakdown is suppressed with it (the *complementary* cell: the smallest other count,
non-zero if there is one). A zero is shown: it designates nobody. A total is a cell too.

Pure: counts in, counts or ``None`` (suppressed) out, so the API, the bilan and the dashboard apply
the very same rule.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["SMALL_CELL", "is_small", "suppress", "suppressed_total"]

#: Fewer people than this in a cell: the cell is suppressed.
SMALL_CELL = 11


def is_small(count: int) -> bool:
    return 0 < count < SMALL_CELL


def suppress(counts: Mapping[str, int]) -> dict[str, int | None]:
    """The cells of one breakdown, each kept or ``None`` (small, or the complement of a lone small one)."""
    out: dict[str, int | None] = {key: (None if is_small(n) else n) for key, n in counts.items()}
    hidden = [key for key, value in out.items() if value is None]
    if len(hidden) == 1:
        others = sorted(
            ((n, key) for key, n in counts.items() if out[key] is not None),
            key=lambda pair: (pair[0] == 0, pair[0], pair[1]),  # the smallest non-zero count first
        )
        if others:
            out[others[0][1]] = None
    return out


def suppressed_total(total: int) -> int | None:
    """A total of people: suppressed when small itself."""
    return None if is_small(total) else total
