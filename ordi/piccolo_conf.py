"""Piccolo's configuration: the engine follows ORDI_DATABASE_URL (SQLite file or PostgreSQL)."""

from __future__ import annotations

from piccolo.conf.apps import AppRegistry

from ordi.db import make_engine

DB = make_engine()
APP_REGISTRY = AppRegistry(apps=["ordi.piccolo_app"])
