"""the row counts of the import-format tables, kept by every program write

Every write that raises the program revision counts the six import-format tables in its own
transaction and records the counts with that revision (`data_access.revision.bump`); the Data
screen shows them instead of counting the tables on every first visit (a million meetings
take a while to count). The upgrade counts them once.

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


#: The import files' names and their tables, as `data_access.models.PROGRAM_TABLES` has them.
TABLES = {
    "cohorts": "cohort",
    "participants": "participant",
    "pairs": "pair",
    "meetings": "meeting",
    "goals": "goal",
    "surveys": "survey_response",
}


def upgrade() -> None:
    counts = op.create_table(
        "store_count",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    # Counted once now, with the current program revision, so that an upgraded store shows its
    # counts at once rather than after its next write.
    revisions = sa.table("store_revision", sa.column("domain"), sa.column("revision"))
    program = (
        sa.select(revisions.c.revision).where(revisions.c.domain == "program").scalar_subquery()
    )
    op.execute(
        counts.insert().from_select(
            ["name", "rows", "revision"],
            sa.union_all(
                *(
                    sa.select(sa.literal(name), sa.func.count(), program).select_from(
                        sa.table(table)
                    )
                    for name, table in TABLES.items()
                )
            ),
        )
    )


def downgrade() -> None:
    op.drop_table("store_count")
