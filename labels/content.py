"""What one label says, independent of the stock it is printed on."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_TAG_LENGTH = 12
_TAG_RE = re.compile(r"[A-Z0-9]{1,12}")


@dataclass(frozen=True)
class LabelContent:
    """The four things printed on an asset label.

    ``url`` is encoded in the QR exactly as given: it is already upper case so that the QR
    alphanumeric mode applies (smaller symbol, bigger modules).  ``tag`` is printed large under
    the eyes of the technician who types it when a camera is not at hand.
    """

    url: str
    tag: str
    category: str
    model: str

    def __post_init__(self) -> None:
        # Checked here so that a bad tag fails on the line that built it, not mid-job.
        if not self.url:
            raise ValueError("L'URL de l'étiquette est vide.")
        if not _TAG_RE.fullmatch(self.tag):
            raise ValueError(
                f"Numéro d'inventaire invalide : « {self.tag} » "
                f"(1 à {MAX_TAG_LENGTH} lettres majuscules ou chiffres attendus)."
            )
