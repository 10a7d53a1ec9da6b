"""the executive summary, kept once worked out

`summary_snapshot` keeps the executive summary of an as-of date and set of cohorts as JSON,
with the program revision and the code version it was worked out from
(`data_access.summary_snapshots`): every app process and every restart reads it instead of
working it out again, until a program write or a new version makes it stale.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "summary_snapshot",
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("cohorts", _TEXT(), nullable=False),
        sa.Column("program_revision", sa.Integer(), nullable=False),
        sa.Column("code", _TEXT(), nullable=False),
        sa.Column("payload", _TEXT(), nullable=False),
        sa.Column("computed_at", _TIME(), nullable=False),
        sa.PrimaryKeyConstraint("as_of", "cohorts"),
    )


def downgrade() -> None:
    op.drop_table("summary_snapshot")
