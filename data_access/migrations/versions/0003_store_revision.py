"""a revision counter per kind of data, for caches shared across app processes

Every write raises its kind's counter in its own transaction (`data_access.revision`); the app
keys its caches on the counters, so several app processes (or the command line) never serve
each other stale figures.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 19:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "store_revision",
        sa.Column("domain", sa.String(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("domain"),
    )
    op.bulk_insert(
        table, [{"domain": "program", "revision": 0}, {"domain": "follow_ups", "revision": 0}]
    )


def downgrade() -> None:
    op.drop_table("store_revision")
