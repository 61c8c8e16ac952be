"""An Idempotency-Key is bound to the request it came with.

`device_event.request_sha256`: the SHA-256 of the step's request (device, action and body, the
warranty contact included), set only on keyed steps. A replay with the same key and the same
request answers the first result; with another request it is refused (422), as payment APIs do.
A plain ADD COLUMN of a nullable column: instant on both engines, no rewrite.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-01T19:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "idempotency keys bound to their request"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ordi", description=DESCRIPTION)
    manager.add_column(
        table_class_name="DeviceEvent",
        tablename="device_event",
        column_name="request_sha256",
        db_column_name="request_sha256",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    return manager
