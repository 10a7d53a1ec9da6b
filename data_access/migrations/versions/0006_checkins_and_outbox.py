"""check-in links and e-mail: a source marker on meetings and answers, link revocations,
opt-outs and the outbox

Meetings and survey answers logged through a participant's check-in link carry
`source = 'checkin'` (imports leave it empty). `link_revocation` holds, per participant, the
moment before which their links no longer open; `mail_opt_out` the people who asked for no more
e-mail; `outbox` every message made, queued, sent or failed (unique per rule, pair, recipient
and period).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(sa.Column("source", _TEXT(), nullable=True))
    with op.batch_alter_table("survey_response") as batch:
        batch.add_column(sa.Column("source", _TEXT(), nullable=True))
    op.create_table(
        "link_revocation",
        sa.Column("participant_id", _TEXT(), nullable=False),
        sa.Column("revoked_before", _TIME(), nullable=False),
        sa.Column("revoked_by", _TEXT(), nullable=False),
        sa.PrimaryKeyConstraint("participant_id"),
    )
    op.create_table(
        "mail_opt_out",
        sa.Column("participant_id", _TEXT(), nullable=False),
        sa.Column("opted_out_at", _TIME(), nullable=False),
        sa.PrimaryKeyConstraint("participant_id"),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", _TEXT(), nullable=False),
        sa.Column("rule", _TEXT(), nullable=False),
        sa.Column("period", _TEXT(), nullable=False),
        sa.Column("pair_id", _TEXT(), nullable=True),
        sa.Column("recipient_id", _TEXT(), nullable=True),
        sa.Column("recipient_email", _TEXT(), nullable=False),
        sa.Column("subject", _TEXT(), nullable=False),
        sa.Column("body", _TEXT(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("created_at", _TIME(), nullable=False),
        sa.Column("sent_at", _TIME(), nullable=True),
        sa.Column("failed_at", _TIME(), nullable=True),
        sa.Column("error", _TEXT(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ux_outbox_dedupe_key", "outbox", ["dedupe_key"], unique=True)
    op.create_index("ix_outbox_rule", "outbox", ["rule"], unique=False)
    op.create_index("ix_outbox_pair_id", "outbox", ["pair_id"], unique=False)
    op.create_index("ix_outbox_recipient_id", "outbox", ["recipient_id"], unique=False)
    op.create_index("ix_outbox_created_on", "outbox", ["created_on"], unique=False)
    op.create_index("ix_outbox_sent_at", "outbox", ["sent_at"], unique=False)


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_table("mail_opt_out")
    op.drop_table("link_revocation")
    with op.batch_alter_table("survey_response") as batch:
        batch.drop_column("source")
    with op.batch_alter_table("meeting") as batch:
        batch.drop_column("source")
