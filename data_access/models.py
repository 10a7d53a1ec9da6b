"""Every table of the PairPulse store.

The program's own records (cohorts, participants, pairs, meetings, goals, survey responses) keep
the ids they arrive with in the import files (docs/import-format.md), so re-importing a file
updates rows instead of duplicating them. Records the app creates itself (follow-ups, scenarios,
the audit log) use integer ids.

Every foreign key and every date that screens filter on carries an index; `tests/data_access/
test_schema.py` checks that this stays true.
"""

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class Cohort(SQLModel, table=True):
    """A group of pairs that run over the same period (a pilot, a yearly cohort)."""

    cohort_id: str = Field(primary_key=True)
    name: str
    start_date: date = Field(index=True)
    end_date: date | None = Field(default=None, index=True)
    focus_area: str | None = None
    target_cadence_days: int = 14


class Participant(SQLModel, table=True):
    """A person enrolled in the program, as a mentor (junior) or a mentee (senior leader)."""

    participant_id: str = Field(primary_key=True)
    name: str
    email: str | None = Field(default=None, index=True)
    role: str = Field(index=True)
    department: str | None = Field(default=None, index=True)
    job_level: int | None = None
    birth_year: int | None = None
    location: str | None = None
    timezone: str | None = None
    skills_offered: str | None = None
    skills_wanted: str | None = None
    capacity: int = 1
    joined_on: date | None = Field(default=None, index=True)
    left_on: date | None = Field(default=None, index=True)
    #: The person's record in the workforce (`Employee`); blank links by e-mail instead.
    employee_id: str | None = Field(default=None, index=True)


class Employee(SQLModel, table=True):
    """One person of the organisation's workforce (an HR feed), participant or not: what the
    outcomes comparison (`app.outcomes`) needs to find comparable colleagues."""

    employee_id: str = Field(primary_key=True)
    email: str | None = Field(default=None, index=True)
    department: str | None = Field(default=None, index=True)
    job_level: int | None = None
    birth_year: int | None = None
    location: str | None = None
    hired_on: date = Field(index=True)
    left_on: date | None = Field(default=None, index=True)


class Promotion(SQLModel, table=True):
    """An employee's move to a higher job level on a day."""

    promotion_id: str = Field(primary_key=True)
    employee_id: str = Field(foreign_key="employee.employee_id", index=True)
    promoted_on: date = Field(index=True)
    new_job_level: int | None = None


class Pair(SQLModel, table=True):
    """One mentoring relationship: a mentor and a mentee in a cohort."""

    pair_id: str = Field(primary_key=True)
    cohort_id: str = Field(foreign_key="cohort.cohort_id", index=True)
    mentor_id: str = Field(foreign_key="participant.participant_id", index=True)
    mentee_id: str = Field(foreign_key="participant.participant_id", index=True)
    started_on: date = Field(index=True)
    ended_on: date | None = Field(default=None, index=True)
    status: str = Field(index=True)
    focus_area: str | None = None
    target_cadence_days: int | None = None


class Meeting(SQLModel, table=True):
    """A meeting a pair held."""

    __table_args__ = (
        Index("ix_meeting_pair_id_held_on", "pair_id", "held_on"),
        # Covers the Meetings screen's counts by month, cohort and format (migration 0004).
        Index("ix_meeting_held_on_pair_id_format", "held_on", "pair_id", "format"),
    )

    meeting_id: str = Field(primary_key=True)
    pair_id: str = Field(foreign_key="pair.pair_id")
    held_on: date
    duration_minutes: int | None = None
    format: str | None = None
    topics: str | None = None
    #: How the row arrived: empty for an import, `checkin` for a participant's check-in link.
    source: str | None = None


class Goal(SQLModel, table=True):
    """A goal a pair agreed on."""

    goal_id: str = Field(primary_key=True)
    pair_id: str = Field(foreign_key="pair.pair_id", index=True)
    title: str
    category: str | None = Field(default=None, index=True)
    created_on: date | None = Field(default=None, index=True)
    due_on: date | None = Field(default=None, index=True)
    completed_on: date | None = Field(default=None, index=True)
    status: str = Field(index=True)
    progress_pct: int | None = None


class SurveyResponse(SQLModel, table=True):
    """One person's answer to a baseline, pulse, midpoint or exit survey."""

    __tablename__ = "survey_response"
    # Each person's latest answers per pair (`data_access.health_inputs.latest_sentiment`), read
    # from the index alone and already in order.
    __table_args__ = (
        Index(
            "ix_survey_response_latest",
            "pair_id",
            "participant_id",
            "submitted_on",
            "satisfaction",
            "relationship_quality",
        ),
    )

    response_id: str = Field(primary_key=True)
    participant_id: str = Field(foreign_key="participant.participant_id", index=True)
    pair_id: str | None = Field(default=None, foreign_key="pair.pair_id", index=True)
    cohort_id: str | None = Field(default=None, foreign_key="cohort.cohort_id", index=True)
    submitted_on: date = Field(index=True)
    kind: str = Field(index=True)
    satisfaction: int | None = None
    relationship_quality: int | None = None
    digital_confidence: int | None = None
    nps: int | None = None
    comment: str | None = None
    #: How the row arrived: empty for an import, `checkin` for a participant's check-in link.
    source: str | None = None


class FollowUp(SQLModel, table=True):
    """A coordinator's action on a pair: a logged follow-up, a snooze or a resolution."""

    __tablename__ = "follow_up"

    id: int | None = Field(default=None, primary_key=True)
    pair_id: str = Field(foreign_key="pair.pair_id", index=True)
    action: str = Field(index=True)
    note: str | None = None
    next_step: str | None = None
    owner: str | None = Field(default=None, index=True)
    due_on: date | None = Field(default=None, index=True)
    snoozed_until: date | None = Field(default=None, index=True)
    created_at: datetime = Field(index=True)
    created_by: str


class Scenario(SQLModel, table=True):
    """A saved what-if pairing proposal and the settings that produced it."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    cohort_id: str | None = Field(default=None, foreign_key="cohort.cohort_id", index=True)
    pool: str
    settings_json: str
    created_at: datetime = Field(index=True)
    created_by: str
    applied_at: datetime | None = Field(default=None, index=True)
    applied_by: str | None = None


class ScenarioPair(SQLModel, table=True):
    """One proposed pair inside a saved scenario."""

    __tablename__ = "scenario_pair"
    __table_args__ = (UniqueConstraint("scenario_id", "mentee_id"),)

    id: int | None = Field(default=None, primary_key=True)
    scenario_id: int = Field(foreign_key="scenario.id", index=True)
    mentor_id: str = Field(foreign_key="participant.participant_id", index=True)
    mentee_id: str = Field(foreign_key="participant.participant_id", index=True)
    score: float
    reasons: str | None = None


class AuditLog(SQLModel, table=True):
    """Who did what to the store, and when (imports, applied scenarios, role changes)."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor: str
    action: str = Field(index=True)
    detail: str | None = None


class AppUser(SQLModel, table=True):
    """The role of a person who signs in, by e-mail address."""

    __tablename__ = "app_user"

    email: str = Field(primary_key=True)
    role: str
    added_at: datetime
    added_by: str | None = None


class Setting(SQLModel, table=True):
    """One program setting (a metric weight, a threshold), stored as JSON text."""

    key: str = Field(primary_key=True)
    value_json: str
    updated_at: datetime
    updated_by: str | None = None


class StoreRevision(SQLModel, table=True):
    """A counter per kind of data, raised in the same transaction as every write of that kind
    (`data_access.revision`): app processes key their caches on it, so a change made by another
    process (or the command line) is seen without a restart."""

    __tablename__ = "store_revision"

    domain: str = Field(primary_key=True)
    revision: int = 0


class SummarySnapshot(SQLModel, table=True):
    """The executive summary of one as-of date and set of cohorts (`cohorts`: their ids joined
    by commas, empty for every cohort), worked out once and kept as JSON
    (`app.summary.stored`) with the program revision it was worked out from and the version of
    the code that worked it out (`data_access.summary_snapshots`). Derived data: never imported
    or exported, used only while both still match, so every app process and every restart reads
    it instead of working it out again."""

    __tablename__ = "summary_snapshot"

    as_of: date = Field(primary_key=True)
    cohorts: str = Field(primary_key=True)
    program_revision: int
    code: str
    payload: str
    computed_at: datetime


class StoreCount(SQLModel, table=True):
    """The row count of an import-format table (`name` as its file: `cohorts`, `meetings`…) as
    the program write that raised the program revision to `revision` left it, counted in that
    write's transaction (`data_access.revision.bump`). The Data screen shows these rather than
    counting a million meetings; a count of another revision is never used."""

    __tablename__ = "store_count"

    name: str = Field(primary_key=True)
    rows: int
    revision: int


class LinkRevocation(SQLModel, table=True):
    """A participant's personal links made before `revoked_before` no longer open anything."""

    __tablename__ = "link_revocation"

    participant_id: str = Field(primary_key=True)
    revoked_before: datetime
    revoked_by: str


class MailOptOut(SQLModel, table=True):
    """A participant who asked, through the link in an e-mail, to get no more e-mail."""

    __tablename__ = "mail_opt_out"

    participant_id: str = Field(primary_key=True)
    opted_out_at: datetime


class OutboxMessage(SQLModel, table=True):
    """One e-mail PairPulse made (a nudge, a survey invitation, a coordinator digest): queued,
    then sent or failed. `dedupe_key` (rule, pair, recipient, period) is unique, so a second run
    in the same period queues nothing new."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ux_outbox_dedupe_key", "dedupe_key", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str
    rule: str = Field(index=True)
    period: str
    pair_id: str | None = Field(default=None, index=True)
    recipient_id: str | None = Field(default=None, index=True)
    recipient_email: str
    subject: str
    body: str
    created_on: date = Field(index=True)
    created_at: datetime
    sent_at: datetime | None = Field(default=None, index=True)
    failed_at: datetime | None = None
    error: str | None = None
    attempts: int = 0


#: The tables the import format fills, in the order their rows must be written (parents first).
PROGRAM_TABLES: dict[str, type[SQLModel]] = {
    "cohorts": Cohort,
    "employees": Employee,
    "promotions": Promotion,
    "participants": Participant,
    "pairs": Pair,
    "meetings": Meeting,
    "goals": Goal,
    "surveys": SurveyResponse,
}


class ImportMapping(SQLModel, table=True):
    """A column mapping saved by name (`data_access.importer.mapping.saved`): how another
    program's file becomes an import file. `header_key` identifies the file's header, so the
    mapping is offered again when a file with the same headers comes back."""

    __tablename__ = "import_mapping"

    name: str = Field(primary_key=True)
    kind: str
    header_key: str = Field(index=True)
    mapping_toml: str
    saved_at: datetime
    saved_by: str
