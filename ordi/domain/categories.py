"""Device categories and what each is assumed to hold until the workshop looks.

A category that usually holds storage must be wiped (or its media destroyed) before it goes on;
one that does not (a monitor) goes straight to refurbishment. The donor may say otherwise, and
the workshop's finding at reception, or any wipe record, overrides both (`ordi.domain.lifecycle`).
Printers and unknown equipment count as holding storage: many copiers keep a disk, and a wrong
"no" would let data leave unwiped.
"""

from __future__ import annotations

CATEGORIES: tuple[str, ...] = ("laptop", "desktop", "tablet", "smartphone", "monitor", "printer", "other")

HAS_STORAGE_BY_DEFAULT: dict[str, bool] = {
    "laptop": True,
    "desktop": True,
    "tablet": True,
    "smartphone": True,
    "monitor": False,
    "printer": True,
    "other": True,
}


def has_storage_by_default(category: str) -> bool:
    return HAS_STORAGE_BY_DEFAULT.get(category, True)
