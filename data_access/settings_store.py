"""Program settings in the store: one row per key, the value as JSON text."""

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select

from data_access import revision
from data_access.models import AuditLog, Setting
from data_access.writes import upsert_rows


def stored_settings(engine: Engine) -> dict[str, Any]:
    """Every stored setting, key → value (decoded from JSON)."""
    with engine.connect() as connection:
        rows = connection.execute(select(Setting.key, Setting.value_json)).all()
    return {key: json.loads(value) for key, value in rows}


def store_settings(engine: Engine, values: dict[str, Any], *, actor: str) -> None:
    """Write `values` (key → JSON-serialisable value) and an audit row, in one transaction."""
    now = datetime.now(UTC)
    rows = [
        {"key": key, "value_json": json.dumps(value), "updated_at": now, "updated_by": actor}
        for key, value in sorted(values.items())
    ]
    with engine.begin() as connection:
        upsert_rows(connection, Setting, rows)
        connection.execute(
            AuditLog.__table__.insert(),  # type: ignore[attr-defined]
            {"at": now, "actor": actor, "action": "settings", "detail": json.dumps(values)},
        )
        revision.bump(connection, revision.PROGRAM)
