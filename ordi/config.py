"""Configuration from the environment (PRODUCT.md §6), read once per process."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ordi.domain.impact import ImpactFactor

DEFAULT_SECRET = "dev-only-secret-change-me-not-for-production"  # noqa: S105 - refused in production, see `check`
DEFAULT_DATABASE_URL = "sqlite:///var/ordi.sqlite"
#: The scanning station's QR decoder (npm package jsqr), inside ORDI_VENDOR_DIR, and where the app serves it.
QR_DECODER_FILE = "node_modules/jsqr/dist/jsQR.js"
QR_DECODER_URL = "/static/vendor/jsQR.js"


class ConfigError(RuntimeError):
    """The service must not start with this configuration."""


@dataclass(frozen=True)
class Settings:
    env: str  # "development" | "production" | "test"
    database_url: str
    redis_url: str | None
    secret_key: str
    public_url: str
    token_ttl_seconds: int
    signing_key: str | None
    impact_factors_path: str | None
    beneficiary_contact_retention_days: int
    job_retention_days: int  # a job's result file is kept this long after the job ended
    pickup_contact_retention_days: int  # a donor's pickup contact, after the pickup ended
    db_lock_timeout_ms: int  # longest wait for a row lock (PostgreSQL lock_timeout)
    db_statement_timeout_ms: int  # longest statement (PostgreSQL statement_timeout)
    embedded_worker: bool
    redis_namespace: str
    # PostgreSQL pools: one per event loop (API process, each worker thread), so per process
    # at most db_pool_size + worker threads × db_worker_pool_size connections.
    db_pool_size: int
    db_worker_pool_size: int
    db_pool_timeout_s: float  # longest wait for a free pooled connection before the request fails
    # Background jobs that survive (ordi.jobs.outbox): a running job renews its lease several times
    # per lease; a lease not renewed is taken back; the outbox is swept every job_sweep_seconds; a job
    # sent but not started after job_redispatch_seconds (its message lost) is sent again.
    job_lease_seconds: float = 30.0
    job_sweep_seconds: float = 5.0
    job_redispatch_seconds: float = 120.0
    # Notifications by e-mail (ordi.notifications): no host, no e-mail (they are still listed in the API).
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "Ordi 2.0 <ne-pas-repondre@ordi2.fr>"
    smtp_starttls: bool = True
    smtp_timeout_s: float = 30.0
    notification_retention_days: int = 180  # a notification is deleted this long after it was written
    notification_lease_seconds: float = 60.0  # a send not finished by then is taken back and tried again
    privacy_log_retention_days: int = 365  # the log of reads and rights of personal data
    # Retention on a schedule (ordi.periodic): the purges run this often inside the workers.
    schedule_enabled: bool = True
    purge_every_seconds: float = 3600.0
    # Accounts (ordi.auth): failed logins per account and per client address within a window; past
    # `login_free_failures` each answer waits longer (base, doubling, capped), past a limit 429.
    login_window_seconds: float = 900.0
    login_free_failures: int = 3
    login_account_limit: int = 10
    login_address_limit: int = 100
    login_delay_base_ms: int = 250
    login_delay_max_ms: int = 4_000
    password_hash_threads: int = 2  # argon2 computations at once per API process
    password_reset_ttl_minutes: int = 60
    # npm packages the pages use, installed outside the repository (ordi/station/ensure_decoder.sh).
    vendor_dir: str = ""

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path:
        return Path(self.database_url.removeprefix("sqlite:///"))

    @property
    def public_host_url(self) -> str:
        return self.public_url.rstrip("/")

    @property
    def qr_decoder_path(self) -> Path:
        """The camera's QR decoder for browsers without BarcodeDetector (it may be absent)."""
        return Path(self.vendor_dir) / QR_DECODER_FILE

    def check(self) -> None:
        """Refuse to run production with development defaults."""
        if self.env == "production":
            if self.secret_key == DEFAULT_SECRET or len(self.secret_key) < 32:
                raise ConfigError("ORDI_SECRET_KEY doit être défini (32 caractères au moins) en production.")
            if self.is_sqlite:
                raise ConfigError("ORDI_DATABASE_URL doit désigner PostgreSQL en production.")
            if not self.redis_url:
                raise ConfigError("ORDI_REDIS_URL doit être défini en production.")
            if not self.signing_key:
                raise ConfigError("ORDI_SIGNING_KEY doit être défini en production.")


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "oui", "on"}


def _positive_days(name: str, default: int) -> int:
    raw = os.environ.get(name) or str(default)
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ConfigError(f"{name} doit être un nombre entier de jours, 1 au moins (reçu : {raw!r}).")
    return value


def load() -> Settings:
    env = os.environ.get("ORDI_ENV", "development")
    redis_url = os.environ.get("ORDI_REDIS_URL") or None
    return Settings(
        env=env,
        database_url=os.environ.get("ORDI_DATABASE_URL", DEFAULT_DATABASE_URL),
        redis_url=redis_url,
        secret_key=os.environ.get("ORDI_SECRET_KEY", DEFAULT_SECRET),
        # The labels' and certificates' links: where `ordi demo` listens unless told otherwise.
        public_url=os.environ.get("ORDI_PUBLIC_URL") or f"http://127.0.0.1:{os.environ.get('ORDI_PORT') or '8000'}",
        token_ttl_seconds=int(os.environ.get("ORDI_TOKEN_TTL_SECONDS", "28800")),
        signing_key=os.environ.get("ORDI_SIGNING_KEY") or None,
        impact_factors_path=os.environ.get("ORDI_IMPACT_FACTORS") or None,
        beneficiary_contact_retention_days=int(os.environ.get("ORDI_CONTACT_RETENTION_DAYS", "730")),
        job_retention_days=_positive_days("ORDI_JOB_RETENTION_DAYS", 7),
        pickup_contact_retention_days=_positive_days("ORDI_PICKUP_CONTACT_RETENTION_DAYS", 90),
        db_lock_timeout_ms=_positive_int("ORDI_DB_LOCK_TIMEOUT_MS", 2_000),
        db_statement_timeout_ms=_positive_int("ORDI_DB_STATEMENT_TIMEOUT_MS", 30_000),
        embedded_worker=_bool(os.environ.get("ORDI_EMBEDDED_WORKER"), default=redis_url is None),
        redis_namespace=os.environ.get("ORDI_REDIS_NAMESPACE", "ordi"),
        db_pool_size=_positive_int("ORDI_DB_POOL_SIZE", 10),
        db_worker_pool_size=_positive_int("ORDI_DB_WORKER_POOL_SIZE", 2),
        db_pool_timeout_s=float(os.environ.get("ORDI_DB_POOL_TIMEOUT", "10")),
        job_lease_seconds=_positive_seconds("ORDI_JOB_LEASE_SECONDS", 30.0),
        job_sweep_seconds=_positive_seconds("ORDI_JOB_SWEEP_SECONDS", 5.0),
        job_redispatch_seconds=_positive_seconds("ORDI_JOB_REDISPATCH_SECONDS", 120.0),
        smtp_host=os.environ.get("ORDI_SMTP_HOST") or None,
        smtp_port=_positive_int("ORDI_SMTP_PORT", 587),
        smtp_user=os.environ.get("ORDI_SMTP_USER") or None,
        smtp_password=os.environ.get("ORDI_SMTP_PASSWORD") or None,
        smtp_from=os.environ.get("ORDI_SMTP_FROM") or "Ordi 2.0 <ne-pas-repondre@ordi2.fr>",
        smtp_starttls=_bool(os.environ.get("ORDI_SMTP_STARTTLS"), default=True),
        notification_retention_days=_positive_days("ORDI_NOTIFICATION_RETENTION_DAYS", 180),
        notification_lease_seconds=_positive_seconds("ORDI_NOTIFICATION_LEASE_SECONDS", 60.0),
        privacy_log_retention_days=_positive_days("ORDI_PRIVACY_LOG_RETENTION_DAYS", 365),
        schedule_enabled=_bool(os.environ.get("ORDI_SCHEDULE"), default=True),
        purge_every_seconds=_positive_seconds("ORDI_PURGE_EVERY_SECONDS", 3600.0),
        vendor_dir=os.environ.get("ORDI_VENDOR_DIR") or str(_cache_dir() / "ordi-vendor"),
        **_account_settings(),
    )


def _cache_dir() -> Path:
    """Where the install scripts put what they fetch (as `${XDG_CACHE_HOME:-$HOME/.cache}`)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def _account_settings() -> dict[str, Any]:
    """The accounts' limits (README, « Comptes et connexions »)."""
    return {
        "login_window_seconds": _positive_seconds("ORDI_LOGIN_WINDOW_SECONDS", 900.0),
        "login_free_failures": _positive_int("ORDI_LOGIN_FREE_FAILURES", 3),
        "login_account_limit": _positive_int("ORDI_LOGIN_ACCOUNT_LIMIT", 10),
        "login_address_limit": _positive_int("ORDI_LOGIN_ADDRESS_LIMIT", 100),
        "login_delay_base_ms": _positive_int("ORDI_LOGIN_DELAY_BASE_MS", 250),
        "login_delay_max_ms": _positive_int("ORDI_LOGIN_DELAY_MAX_MS", 4_000),
        "password_hash_threads": _positive_int("ORDI_PASSWORD_HASH_THREADS", 2),
        "password_reset_ttl_minutes": _positive_int("ORDI_PASSWORD_RESET_TTL_MINUTES", 60),
    }


def _positive_seconds(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    try:
        value = float(raw) if raw.strip() else default
    except ValueError:
        value = 0.0
    if not value > 0:
        raise ConfigError(f"{name} doit être un nombre de secondes positif (reçu : {raw!r}).")
    return value


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    try:
        value = int(raw) if raw.strip() else default
    except ValueError:
        value = 0
    if value < 1:
        raise ConfigError(f"{name} doit être un nombre entier, 1 au moins (reçu : {raw!r}).")
    return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load()


@lru_cache(maxsize=1)
def impact_factors() -> dict[str, ImpactFactor]:
    """The impact factors in force: the defaults, overridden by ORDI_IMPACT_FACTORS if set."""
    from ordi.domain.impact import load_factors

    return load_factors(get_settings().impact_factors_path)
