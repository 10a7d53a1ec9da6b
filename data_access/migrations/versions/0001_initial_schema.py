"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 12:08:13.678393
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("added_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("added_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("email"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_action", "audit_log", ["action"], unique=False)
    op.create_index("ix_audit_log_at", "audit_log", ["at"], unique=False)

    op.create_table(
        "cohort",
        sa.Column("cohort_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("focus_area", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("target_cadence_days", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("cohort_id"),
    )
    op.create_index("ix_cohort_end_date", "cohort", ["end_date"], unique=False)
    op.create_index("ix_cohort_start_date", "cohort", ["start_date"], unique=False)

    op.create_table(
        "participant",
        sa.Column("participant_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("department", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("job_level", sa.Integer(), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("location", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("skills_offered", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("skills_wanted", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=True),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("participant_id"),
    )
    op.create_index("ix_participant_department", "participant", ["department"], unique=False)
    op.create_index("ix_participant_email", "participant", ["email"], unique=False)
    op.create_index("ix_participant_joined_on", "participant", ["joined_on"], unique=False)
    op.create_index("ix_participant_left_on", "participant", ["left_on"], unique=False)
    op.create_index("ix_participant_role", "participant", ["role"], unique=False)

    op.create_table(
        "setting",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("value_json", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "pair",
        sa.Column("pair_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("cohort_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("mentor_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("mentee_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("focus_area", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("target_cadence_days", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.cohort_id"],
        ),
        sa.ForeignKeyConstraint(
            ["mentee_id"],
            ["participant.participant_id"],
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            ["participant.participant_id"],
        ),
        sa.PrimaryKeyConstraint("pair_id"),
    )
    op.create_index("ix_pair_cohort_id", "pair", ["cohort_id"], unique=False)
    op.create_index("ix_pair_ended_on", "pair", ["ended_on"], unique=False)
    op.create_index("ix_pair_mentee_id", "pair", ["mentee_id"], unique=False)
    op.create_index("ix_pair_mentor_id", "pair", ["mentor_id"], unique=False)
    op.create_index("ix_pair_started_on", "pair", ["started_on"], unique=False)
    op.create_index("ix_pair_status", "pair", ["status"], unique=False)

    op.create_table(
        "scenario",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("cohort_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("pool", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("settings_json", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("applied_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("applied_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.cohort_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_index("ix_scenario_applied_at", "scenario", ["applied_at"], unique=False)
    op.create_index("ix_scenario_cohort_id", "scenario", ["cohort_id"], unique=False)
    op.create_index("ix_scenario_created_at", "scenario", ["created_at"], unique=False)

    op.create_table(
        "follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("next_step", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("snoozed_until", sa.Date(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["pair.pair_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_follow_up_action", "follow_up", ["action"], unique=False)
    op.create_index("ix_follow_up_created_at", "follow_up", ["created_at"], unique=False)
    op.create_index("ix_follow_up_due_on", "follow_up", ["due_on"], unique=False)
    op.create_index("ix_follow_up_owner", "follow_up", ["owner"], unique=False)
    op.create_index("ix_follow_up_pair_id", "follow_up", ["pair_id"], unique=False)
    op.create_index("ix_follow_up_snoozed_until", "follow_up", ["snoozed_until"], unique=False)

    op.create_table(
        "goal",
        sa.Column("goal_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("pair_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("created_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("progress_pct", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["pair.pair_id"],
        ),
        sa.PrimaryKeyConstraint("goal_id"),
    )
    op.create_index("ix_goal_category", "goal", ["category"], unique=False)
    op.create_index("ix_goal_completed_on", "goal", ["completed_on"], unique=False)
    op.create_index("ix_goal_created_on", "goal", ["created_on"], unique=False)
    op.create_index("ix_goal_due_on", "goal", ["due_on"], unique=False)
    op.create_index("ix_goal_pair_id", "goal", ["pair_id"], unique=False)
    op.create_index("ix_goal_status", "goal", ["status"], unique=False)

    op.create_table(
        "meeting",
        sa.Column("meeting_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("pair_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=True),
        sa.Column("format", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("topics", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["pair.pair_id"],
        ),
        sa.PrimaryKeyConstraint("meeting_id"),
    )
    op.create_index("ix_meeting_held_on", "meeting", ["held_on"], unique=False)
    op.create_index("ix_meeting_pair_id_held_on", "meeting", ["pair_id", "held_on"], unique=False)

    op.create_table(
        "scenario_pair",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("mentee_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["mentee_id"],
            ["participant.participant_id"],
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            ["participant.participant_id"],
        ),
        sa.ForeignKeyConstraint(
            ["scenario_id"],
            ["scenario.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scenario_id", "mentee_id"),
    )
    op.create_index("ix_scenario_pair_mentee_id", "scenario_pair", ["mentee_id"], unique=False)
    op.create_index("ix_scenario_pair_mentor_id", "scenario_pair", ["mentor_id"], unique=False)
    op.create_index("ix_scenario_pair_scenario_id", "scenario_pair", ["scenario_id"], unique=False)

    op.create_table(
        "survey_response",
        sa.Column("response_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("participant_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("pair_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("cohort_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("relationship_quality", sa.Integer(), nullable=True),
        sa.Column("digital_confidence", sa.Integer(), nullable=True),
        sa.Column("nps", sa.Integer(), nullable=True),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.cohort_id"],
        ),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["pair.pair_id"],
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.participant_id"],
        ),
        sa.PrimaryKeyConstraint("response_id"),
    )
    op.create_index("ix_survey_response_cohort_id", "survey_response", ["cohort_id"], unique=False)
    op.create_index("ix_survey_response_kind", "survey_response", ["kind"], unique=False)
    op.create_index("ix_survey_response_pair_id", "survey_response", ["pair_id"], unique=False)
    op.create_index(
        "ix_survey_response_participant_id", "survey_response", ["participant_id"], unique=False
    )
    op.create_index(
        "ix_survey_response_submitted_on", "survey_response", ["submitted_on"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_survey_response_submitted_on", table_name="survey_response")
    op.drop_index("ix_survey_response_participant_id", table_name="survey_response")
    op.drop_index("ix_survey_response_pair_id", table_name="survey_response")
    op.drop_index("ix_survey_response_kind", table_name="survey_response")
    op.drop_index("ix_survey_response_cohort_id", table_name="survey_response")

    op.drop_table("survey_response")
    op.drop_index("ix_scenario_pair_scenario_id", table_name="scenario_pair")
    op.drop_index("ix_scenario_pair_mentor_id", table_name="scenario_pair")
    op.drop_index("ix_scenario_pair_mentee_id", table_name="scenario_pair")

    op.drop_table("scenario_pair")
    op.drop_index("ix_meeting_pair_id_held_on", table_name="meeting")
    op.drop_index("ix_meeting_held_on", table_name="meeting")

    op.drop_table("meeting")
    op.drop_index("ix_goal_status", table_name="goal")
    op.drop_index("ix_goal_pair_id", table_name="goal")
    op.drop_index("ix_goal_due_on", table_name="goal")
    op.drop_index("ix_goal_created_on", table_name="goal")
    op.drop_index("ix_goal_completed_on", table_name="goal")
    op.drop_index("ix_goal_category", table_name="goal")

    op.drop_table("goal")
    op.drop_index("ix_follow_up_snoozed_until", table_name="follow_up")
    op.drop_index("ix_follow_up_pair_id", table_name="follow_up")
    op.drop_index("ix_follow_up_owner", table_name="follow_up")
    op.drop_index("ix_follow_up_due_on", table_name="follow_up")
    op.drop_index("ix_follow_up_created_at", table_name="follow_up")
    op.drop_index("ix_follow_up_action", table_name="follow_up")

    op.drop_table("follow_up")
    op.drop_index("ix_scenario_created_at", table_name="scenario")
    op.drop_index("ix_scenario_cohort_id", table_name="scenario")
    op.drop_index("ix_scenario_applied_at", table_name="scenario")

    op.drop_table("scenario")
    op.drop_index("ix_pair_status", table_name="pair")
    op.drop_index("ix_pair_started_on", table_name="pair")
    op.drop_index("ix_pair_mentor_id", table_name="pair")
    op.drop_index("ix_pair_mentee_id", table_name="pair")
    op.drop_index("ix_pair_ended_on", table_name="pair")
    op.drop_index("ix_pair_cohort_id", table_name="pair")

    op.drop_table("pair")
    op.drop_table("setting")
    op.drop_index("ix_participant_role", table_name="participant")
    op.drop_index("ix_participant_left_on", table_name="participant")
    op.drop_index("ix_participant_joined_on", table_name="participant")
    op.drop_index("ix_participant_email", table_name="participant")
    op.drop_index("ix_participant_department", table_name="participant")

    op.drop_table("participant")
    op.drop_index("ix_cohort_start_date", table_name="cohort")
    op.drop_index("ix_cohort_end_date", table_name="cohort")

    op.drop_table("cohort")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_index("ix_audit_log_action", table_name="audit_log")

    op.drop_table("audit_log")
    op.drop_table("app_user")
