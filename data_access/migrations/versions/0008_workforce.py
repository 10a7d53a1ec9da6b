"""the workforce: employees and their promotions, and a participant's employee id

`employee` holds the organisation's people from an HR feed (participants or not), `promotion`
their moves to a higher job level; `participant.employee_id` links a participant to their
employee record (else the e-mail does). The outcomes comparison (`app.outcomes`) reads them.
The store counts of the two new import files start at their (empty) counts.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "employee",
        sa.Column("employee_id", _TEXT(), nullable=False),
        sa.Column("email", _TEXT(), nullable=True),
        sa.Column("department", _TEXT(), nullable=True),
        sa.Column("job_level", sa.Integer(), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("location", _TEXT(), nullable=True),
        sa.Column("hired_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("employee_id"),
    )
    for column in ("email", "department", "hired_on", "left_on"):
        op.create_index(f"ix_employee_{column}", "employee", [column])
    op.create_table(
        "promotion",
        sa.Column("promotion_id", _TEXT(), nullable=False),
        sa.Column("employee_id", _TEXT(), nullable=False),
        sa.Column("promoted_on", sa.Date(), nullable=False),
        sa.Column("new_job_level", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["employee_id"], ["employee.employee_id"]),
        sa.PrimaryKeyConstraint("promotion_id"),
    )
    op.create_index("ix_promotion_employee_id", "promotion", ["employee_id"])
    op.create_index("ix_promotion_promoted_on", "promotion", ["promoted_on"])
    with op.batch_alter_table("participant") as batch:
        batch.add_column(sa.Column("employee_id", _TEXT(), nullable=True))
        batch.create_index("ix_participant_employee_id", ["employee_id"])
    # The new files' counts, with the current program revision (both tables are empty).
    revisions = sa.table("store_revision", sa.column("domain"), sa.column("revision"))
    program = (
        sa.select(revisions.c.revision).where(revisions.c.domain == "program").scalar_subquery()
    )
    counts = sa.table("store_count", sa.column("name"), sa.column("rows"), sa.column("revision"))
    op.execute(
        counts.insert().from_select(
            ["name", "rows", "revision"],
            sa.union_all(
                *(
                    sa.select(sa.literal(name), sa.literal(0), program)
                    for name in ("employees", "promotions")
                )
            ),
        )
    )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM store_count WHERE name IN ('employees', 'promotions')"))
    with op.batch_alter_table("participant") as batch:
        batch.drop_index("ix_participant_employee_id")
        batch.drop_column("employee_id")
    op.drop_index("ix_promotion_promoted_on", "promotion")
    op.drop_index("ix_promotion_employee_id", "promotion")
    op.drop_table("promotion")
    for column in ("email", "department", "hired_on", "left_on"):
        op.drop_index(f"ix_employee_{column}", "employee")
    op.drop_table("employee")
