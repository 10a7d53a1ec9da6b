"""the row counts of the import-format tables, kept by every program write

Every write that raises the program revision counts the six import-format tables in its own
transaction and records the counts with that revision (`data_access.revision.bump`); the Data
screen shows them instead of counting the tables on every first visit (a million meetings:
~30 ms on SQLite, ~50 ms on PostgreSQL). A store upgraded to this revision has no counts until
its next program write, and is counted live until then.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 01:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "store_count",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("store_count")
