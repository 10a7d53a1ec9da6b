"""What a participant's check-in link reads and writes (docs/screens.md, Check-in).

A link names one participant and one pair (`app.checkin.tokens`). `link_pair` reads only what
the check-in page shows: the two people's first names, the participant's role, the pair's start
and whether it is still running; `record_check_in` validates the answers with the import
format's row models (`data_access.csv_format`: the same rules as an import) plus the form's own
(no meeting in the future or before the pair started, at least one minute), and writes ordinary
`meeting` / `survey_response` rows marked `source = 'checkin'`, ids derived from the link, so a
second submission of the same link writes nothing. Revocation: `revoke_links`.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine, func, select

from data_access import revision
from data_access.csv_format import FILE_FORMATS
from data_access.importer.check import _plain_words
from data_access.models import (
    AuditLog,
    LinkRevocation,
    Meeting,
    Pair,
    Participant,
    SurveyResponse,
)
from data_access.writes import upsert_rows

CHECKIN = "checkin"
#: Pair statuses whose links open the check-in form (a meeting and the pulse).
RUNNING_STATUSES = ("active", "paused")
#: A completed pair's link opens the exit survey (no meeting); an `ended_early` pair's link
#: gets a plain message.
EXIT_STATUS = "completed"


@dataclass(frozen=True)
class LinkPair:
    """What the check-in page may show about the link's pair: nothing more."""

    pair_id: str
    cohort_id: str
    participant_id: str
    role: str  # the participant's: mentor or mentee
    own_first_name: str
    partner_first_name: str
    started_on: date
    status: str


@dataclass
class CheckInResult:
    """The outcome of one submission: `problems` (field → plain words) when refused."""

    written: bool = False
    already: bool = False
    problems: dict[str, str] = field(default_factory=dict)


def first_name(name: str | None) -> str:
    """The first word of a name, or "your partner" when there is none."""
    words = (name or "").split()
    return words[0] if words else "your partner"


def link_pair(engine: Engine, participant_id: str, pair_id: str | None) -> LinkPair | None:
    """The link's pair when the participant is in it, else None."""
    if not pair_id:
        return None
    with engine.connect() as connection:
        pair = connection.execute(
            select(
                Pair.pair_id,
                Pair.cohort_id,
                Pair.mentor_id,
                Pair.mentee_id,
                Pair.started_on,
                Pair.status,
            ).where(Pair.pair_id == pair_id)
        ).one_or_none()
        if pair is None or participant_id not in (pair.mentor_id, pair.mentee_id):
            return None
        names = dict(
            connection.execute(
                select(Participant.participant_id, Participant.name).where(
                    Participant.participant_id.in_([pair.mentor_id, pair.mentee_id])
                )
            ).all()
        )
    partner = pair.mentee_id if participant_id == pair.mentor_id else pair.mentor_id
    return LinkPair(
        pair_id=pair.pair_id,
        cohort_id=pair.cohort_id,
        participant_id=participant_id,
        role="mentor" if participant_id == pair.mentor_id else "mentee",
        own_first_name=first_name(names.get(participant_id)),
        partner_first_name=first_name(names.get(partner)),
        started_on=pair.started_on,
        status=pair.status,
    )


def revoked(engine: Engine, participant_id: str, issued_at: datetime) -> bool:
    """Whether the participant's links made at `issued_at` were revoked since."""
    with engine.connect() as connection:
        before = connection.execute(
            select(LinkRevocation.revoked_before).where(
                LinkRevocation.participant_id == participant_id
            )
        ).scalar_one_or_none()
    if before is None:
        return False
    before = before if before.tzinfo else before.replace(tzinfo=UTC)
    return issued_at <= before


def revoke_links(engine: Engine, participant_id: str, *, actor: str) -> None:
    """Every link of the participant made until now stops opening (new ones still work)."""
    now = datetime.now(UTC)
    with engine.begin() as connection:
        upsert_rows(
            connection,
            LinkRevocation,
            [{"participant_id": participant_id, "revoked_before": now, "revoked_by": actor}],
        )
        connection.execute(
            AuditLog.__table__.insert(),  # type: ignore[attr-defined]
            {"at": now, "actor": actor, "action": "revoke_links", "detail": participant_id},
        )


def submission_ids(token: str) -> tuple[str, str]:
    """The meeting and survey-response ids of the one submission a link may make."""
    digest = hashlib.sha256(token.encode("utf-8")).hexdigest()[:20]
    return f"CI-M-{digest}", f"CI-S-{digest}"


def already_submitted(engine: Engine, token: str) -> bool:
    """Whether this link's submission is in the store."""
    meeting_id, response_id = submission_ids(token)
    with engine.connect() as connection:
        meetings = connection.execute(
            select(func.count()).where(Meeting.meeting_id == meeting_id)
        ).scalar_one()
        answers = connection.execute(
            select(func.count()).where(SurveyResponse.response_id == response_id)
        ).scalar_one()
    return bool(meetings or answers)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _validated(kind: str, cells: dict[str, str]) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The import format's model of `kind` on `cells` (blank cells left out, as an import does)."""
    fmt = FILE_FORMATS[kind]
    record = {name: value for name, value in cells.items() if value != ""}
    try:
        return fmt.model.model_validate(record).__dict__, {}
    except ValidationError as error:
        problems = {}
        for detail in error.errors():
            column = str(detail["loc"][0]) if detail["loc"] else detail.get("ctx", {}).get("column")
            problems[str(column)] = _plain_words(fmt, str(column), detail)
        return None, problems


def _checked_meeting(
    link: LinkPair, meeting_id: str, meeting: dict[str, Any], *, today: date
) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The meeting row of a check-in and its problems: the import's rules, then the form's."""
    meeting_row, problems = _validated(
        "meetings",
        {
            "meeting_id": meeting_id,
            "pair_id": link.pair_id,
            "held_on": _text(meeting.get("held_on")),
            "duration_minutes": _text(meeting.get("duration_minutes")),
            "format": _text(meeting.get("format")),
            "topics": _text(meeting.get("topics")),
            "source": CHECKIN,
        },
    )
    if meeting_row is None:
        return None, problems
    held_on = meeting_row["held_on"]
    if held_on > today:
        problems["held_on"] = f"is in the future ({held_on}); log a meeting that has taken place"
    elif held_on < link.started_on:
        problems["held_on"] = (
            f"is before the pair started ({link.started_on}); log a meeting of this pair"
        )
    minutes = meeting_row["duration_minutes"]
    if minutes is None or minutes < 1:
        problems["duration_minutes"] = "must be at least 1 minute"
    return meeting_row, problems


def record_check_in(
    engine: Engine,
    link: LinkPair,
    token: str,
    *,
    today: date,
    meeting: dict[str, Any],
    answers: dict[str, Any],
) -> CheckInResult:
    """Validate and write one check-in: a meeting (`held_on`, `format`, `duration_minutes`,
    `topics`) and the pulse or exit answers (`satisfaction`, `relationship_quality`,
    `digital_confidence`, `nps`, `comment`). Nothing is written when any value is refused or
    when the link was used already."""
    result = CheckInResult()
    if already_submitted(engine, token):
        result.already = True
        return result
    meeting_id, response_id = submission_ids(token)
    exit_survey = link.status == EXIT_STATUS
    meeting_row, problems = None, {}
    if not exit_survey:
        meeting_row, problems = _checked_meeting(link, meeting_id, meeting, today=today)
    survey_cells = {
        "response_id": response_id,
        "participant_id": link.participant_id,
        "pair_id": link.pair_id,
        "cohort_id": link.cohort_id,
        "submitted_on": today.isoformat(),
        "kind": "exit" if exit_survey else "pulse",
        "satisfaction": _text(answers.get("satisfaction")),
        "relationship_quality": _text(answers.get("relationship_quality")),
        "digital_confidence": _text(answers.get("digital_confidence"))
        if link.role == "mentee"
        else "",
        "nps": _text(answers.get("nps")) if exit_survey else "",
        "comment": _text(answers.get("comment")),
        "source": CHECKIN,
    }
    answered = any(survey_cells[name] for name in ("satisfaction", "relationship_quality", "nps"))
    survey_row, survey_problems = _validated("surveys", survey_cells) if answered else (None, {})
    problems.update(survey_problems)
    if exit_survey and not answered:
        problems["satisfaction"] = "answer at least one question of the exit survey"
    if problems:
        result.problems = problems
        return result
    with engine.begin() as connection:
        if meeting_row is not None:
            upsert_rows(connection, Meeting, [meeting_row])
        if survey_row is not None:
            upsert_rows(connection, SurveyResponse, [survey_row])
        revision.bump(connection, revision.PROGRAM)
    result.written = True
    return result


def checked_in_rows(engine: Engine, pair_id: str) -> list[dict[str, Any]]:
    """The meetings and answers a pair logged through its links, newest first (pair history)."""
    with engine.connect() as connection:
        meetings = connection.execute(
            select(Meeting.held_on, Meeting.duration_minutes, Meeting.format, Meeting.topics).where(
                Meeting.pair_id == pair_id, Meeting.source == CHECKIN
            )
        ).all()
        answers = connection.execute(
            select(
                SurveyResponse.submitted_on,
                SurveyResponse.participant_id,
                SurveyResponse.kind,
                SurveyResponse.satisfaction,
                SurveyResponse.relationship_quality,
            ).where(SurveyResponse.pair_id == pair_id, SurveyResponse.source == CHECKIN)
        ).all()
    rows = [
        {
            "day": row.held_on,
            "what": "Meeting logged through a check-in link",
            "detail": f"{row.duration_minutes or 0} min, {row.format or 'format not given'}"
            + (f": {row.topics}" if row.topics else ""),
        }
        for row in meetings
    ] + [
        {
            "day": row.submitted_on,
            "what": f"{row.kind.capitalize()} answers through a check-in link",
            "detail": f"{row.participant_id}: satisfaction {row.satisfaction}, "
            f"relationship {row.relationship_quality}",
        }
        for row in answers
    ]
    return sorted(rows, key=lambda row: row["day"], reverse=True)
