"""import mappings saved by name

`import_mapping` keeps the column mappings a program manager saved on the Data screen (or with
the command line), as TOML text, with a key of the file header they were made for.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "import_mapping",
        sa.Column("name", _TEXT(), nullable=False),
        sa.Column("kind", _TEXT(), nullable=False),
        sa.Column("header_key", _TEXT(), nullable=False),
        sa.Column("mapping_toml", _TEXT(), nullable=False),
        sa.Column("saved_at", _TIME(), nullable=False),
        sa.Column("saved_by", _TEXT(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_index("ix_import_mapping_header_key", "import_mapping", ["header_key"])


def downgrade() -> None:
    op.drop_index("ix_import_mapping_header_key", table_name="import_mapping")
    op.drop_table("import_mapping")
