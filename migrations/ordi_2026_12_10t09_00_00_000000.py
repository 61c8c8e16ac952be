"""Sessions' changes notified (issue 7, throughput): a trigger on app_user, PostgreSQL only.

Every API process remembers the token versions it has read and forgets a person when this
trigger's notification arrives (`ordi.auth.current`): at commit, for every change of a person's
`token_version` or `active` flag, for a deletion (the person's id) and for a TRUNCATE (`*`: forget everyone),
whoever writes it. SQLite has no
notification and no such cache: nothing to do there.
"""

from __future__ import annotations

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine

ID = "2026-12-10T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "notify the sessions' changes"

FUNCTION = """
CREATE OR REPLACE FUNCTION ordi_sessions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('ordi_sessions', '*');
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('ordi_sessions', OLD.id::text);
        RETURN OLD;
    END IF;
    IF NEW.token_version IS DISTINCT FROM OLD.token_version OR NEW.active IS DISTINCT FROM OLD.active THEN
        PERFORM pg_notify('ordi_sessions', NEW.id::text);
    END IF;
    RETURN NEW;
END
$$
"""
DROP_TRIGGERS = (
    "DROP TRIGGER IF EXISTS app_user_sessions_changed ON app_user",
    "DROP TRIGGER IF EXISTS app_user_sessions_truncated ON app_user",
)
TRIGGERS = (
    "CREATE TRIGGER app_user_sessions_changed AFTER UPDATE OR DELETE ON app_user "
    "FOR EACH ROW EXECUTE FUNCTION ordi_sessions_changed()",
    "CREATE TRIGGER app_user_sessions_truncated AFTER TRUNCATE ON app_user "
    "FOR EACH STATEMENT EXECUTE FUNCTION ordi_sessions_changed()",
)


async def _run(*statements: str) -> None:
    engine = engine_finder()
    if not isinstance(engine, PostgresEngine):
        return
    connection = await engine.get_new_connection()
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ordi", description=DESCRIPTION)

    async def notify() -> None:
        await _run(FUNCTION, *DROP_TRIGGERS, *TRIGGERS)

    async def forget() -> None:
        await _run(*DROP_TRIGGERS, "DROP FUNCTION IF EXISTS ordi_sessions_changed()")

    manager.add_raw(notify)
    manager.add_raw_backwards(forget)
    return manager
