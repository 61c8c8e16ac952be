"""The loopback SMTP server and the settings that send the notifications to it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from tests.notifications.smtp import SmtpServer


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1, and the delivery configured for it (no STARTTLS on loopback)."""
    from ordi.config import get_settings
    from ordi.notifications import delivery

    with SmtpServer() as server:
        settings = dataclasses.replace(
            get_settings(), smtp_host="127.0.0.1", smtp_port=server.port, smtp_starttls=False, smtp_timeout_s=10
        )
        monkeypatch.setattr(delivery, "get_settings", lambda: settings)
        yield server
