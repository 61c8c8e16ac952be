"""Domain errors: each names a message key of `ordi.i18n` and its parameters.

The domain never speaks HTTP; `ordi.http.problems` is the one place that maps these classes to
status codes and renders the message in the caller's language.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class: a rule of the programme refused the operation."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class NotFound(DomainError):
    """The thing does not exist, or the caller may not know that it exists."""


class Forbidden(DomainError):
    """The caller may see the thing but not do this to it (wrong role, organisation or label)."""


class Unauthenticated(DomainError):
    """No valid credentials."""


class TransitionNotAllowed(DomainError):
    """The action is not allowed in the device's current state (or a hard rule forbids it now)."""


class Conflict(DomainError):
    """The operation clashes with the current data (duplicate, already decided, …)."""


class InvalidRecord(DomainError):
    """The data given is well-formed but breaks a rule (dates in the wrong order, …)."""


class InvalidImport(DomainError):
    """A spreadsheet import failed; `errors` lists each bad cell by line and column."""

    def __init__(self, key: str, errors: list[dict[str, Any]], **params: Any) -> None:
        super().__init__(key, **params)
        self.errors = errors


class TooManyAttempts(DomainError):
    """Too many failed attempts for this account or address: try again in `retry_after` seconds."""

    def __init__(self, key: str, retry_after: int, **params: Any) -> None:
        super().__init__(key, seconds=retry_after, **params)
        self.retry_after = retry_after
