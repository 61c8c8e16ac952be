"""The service refuses to start with a configuration it could not honour, and says why."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest


@pytest.fixture
def fresh_settings() -> Iterator[None]:
    from ordi.certificates.service import signing_key
    from ordi.config import get_settings

    get_settings.cache_clear()
    signing_key.cache_clear()
    yield
    get_settings.cache_clear()
    signing_key.cache_clear()


@pytest.mark.parametrize("value", ["pas-une-cle", "-----BEGIN PRIVATE KEY-----\nxx\n-----END PRIVATE KEY-----", "QUJD"])
def test_a_malformed_signing_key_is_refused_at_start_up(
    value: str, fresh_settings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ordi.certificates.service import check_signing_key
    from ordi.config import ConfigError

    monkeypatch.setenv("ORDI_SIGNING_KEY", value)
    with pytest.raises(ConfigError, match="ORDI_SIGNING_KEY"):
        check_signing_key()


def test_a_well_formed_signing_key_is_accepted(fresh_settings: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import base64

    from ordi.certificates.service import check_signing_key

    monkeypatch.setenv("ORDI_SIGNING_KEY", base64.b64encode(bytes(range(32))).decode())
    check_signing_key()


def test_a_worker_process_with_a_malformed_key_does_not_start() -> None:
    env = {**os.environ, "ORDI_SIGNING_KEY": "pas-une-cle"}
    done = subprocess.run(
        [sys.executable, "-c", "import workers.process"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert "ORDI_SIGNING_KEY" in done.stderr
