"""What a mapping can fill, kind by kind: the ONE place to teach the mapping step a new import kind.

Every kind of `data_access.csv_format.FILE_FORMATS` can be mapped: its fields are the import
format's columns. This module only adds what makes suggestions and e-mail look-ups good:

- `SYNONYMS[kind][field]`: header words other programs use for a field (compared after
  normalising: lower case, no punctuation), tried before the fuzzy match;
- `LOOKUPS[kind]`: extra fields that find an id by e-mail (`participant_email` → `participant_id`);
- `DERIVED_IDS[kind]`: the fields a stable id is derived from when the file has no id column.

To add a kind (say `employees`, once its `FileFormat` is in FILE_FORMATS): add
`SYNONYMS["employees"] = {...}`, and, if it has people in it, `LOOKUPS["employees"]` and
`DERIVED_IDS["employees"]`. Nothing else changes: reading, converting, checking and writing are
generic over FILE_FORMATS.
"""

import re
from dataclasses import dataclass

from data_access.csv_format import FILE_FORMATS


@dataclass(frozen=True)
class Lookup:
    """A field holding an e-mail that finds the id of a participant for `target`."""

    field: str
    target: str


SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "employees": {
        "employee_id": (
            "employee number",
            "worker id",
            "person id",
            "staff id",
            "personnel number",
        ),
        "email": ("email work", "work email", "email address", "e mail", "business email"),
        "department": (
            "cost center",
            "supervisory organization",
            "department name",
            "org unit",
            "division",
            "business unit",
        ),
        "job_level": ("management level", "grade", "job grade", "level", "pay grade", "band"),
        "birth_year": ("year of birth", "born"),
        "location": ("office", "city", "work location", "site"),
        "hired_on": ("hire date", "start date", "original hire date", "date of hire"),
        "left_on": ("termination date", "end date", "leave date", "exit date", "last day"),
    },
    "promotions": {
        "promotion_id": ("promotion", "event id", "transaction id"),
        "employee_id": ("employee number", "worker id", "person id", "staff id"),
        "promoted_on": ("effective date", "promotion date", "date"),
        "new_job_level": ("new management level", "new grade", "new level", "to level"),
    },
    "cohorts": {
        "cohort_id": ("cohort", "cohort code", "program id", "intake"),
        "name": ("cohort name", "program", "programme", "title"),
        "start_date": ("start", "starts", "start date", "begins", "launch date"),
        "end_date": ("end", "ends", "end date", "finish date"),
        "focus_area": ("focus", "theme", "topic"),
        "target_cadence_days": ("cadence", "meeting cadence", "days between meetings"),
    },
    "participants": {
        "participant_id": ("employee id", "employee number", "worker id", "person id", "staff id"),
        "name": (
            "worker",
            "full name",
            "employee",
            "employee name",
            "legal name",
            "preferred name",
        ),
        "email": ("email work", "work email", "email address", "e mail", "mail", "business email"),
        "role": ("program role", "mentoring role", "participant type", "mentor or mentee"),
        "department": (
            "cost center",
            "supervisory organization",
            "department name",
            "org unit",
            "division",
            "team",
            "business unit",
        ),
        "job_level": ("management level", "grade", "job grade", "level", "pay grade", "band"),
        "birth_year": ("year of birth", "born"),
        "location": ("office", "city", "work location", "site"),
        "timezone": ("time zone", "tz"),
        "skills_offered": ("can teach", "skills to share", "expertise", "strengths"),
        "skills_wanted": ("wants to learn", "skills to learn", "learning goals", "interests"),
        "capacity": ("max pairs", "max mentees"),
        "joined_on": ("hire date", "start date", "enrolled", "enrolment date", "joined"),
        "left_on": ("termination date", "end date", "left", "leave date", "exit date"),
    },
    "pairs": {
        "pair_id": ("pair", "match id", "pairing id"),
        "cohort_id": ("cohort", "program"),
        "mentor_id": ("mentor", "mentor employee id"),
        "mentee_id": ("mentee", "mentee employee id"),
        "started_on": ("start", "start date", "matched on", "match date"),
        "ended_on": ("end", "end date"),
        "status": ("pair status", "match status", "state"),
        "focus_area": ("focus", "topic", "theme"),
        "target_cadence_days": ("cadence", "meeting cadence"),
    },
    "meetings": {
        "meeting_id": ("meeting", "session id", "event id"),
        "pair_id": ("pair", "match id"),
        "held_on": ("date", "meeting date", "session date", "when"),
        "duration_minutes": ("duration", "minutes", "length", "length min"),
        "format": ("meeting format", "mode", "channel", "medium"),
        "topics": ("topic", "subjects", "agenda", "discussed"),
    },
    "goals": {
        "goal_id": ("goal", "objective id"),
        "pair_id": ("pair", "match id"),
        "title": ("goal", "objective", "description"),
        "category": ("type", "skill", "area"),
        "created_on": ("created", "set on"),
        "due_on": ("due", "due date", "deadline", "target date"),
        "completed_on": ("completed", "done on", "achieved on"),
        "status": ("goal status", "state"),
        "progress_pct": ("progress", "percent complete", "completion"),
    },
    "surveys": {
        # not "ID": Microsoft Forms numbers the responses of one form only
        "response_id": ("responseid", "response id", "submission id"),
        "submitted_on": (
            "completion time",
            "timestamp",
            "recordeddate",
            "recorded date",
            "submitted",
            "submitted at",
            "date",
        ),
        "kind": ("survey", "survey type", "wave"),
        "satisfaction": (
            "how satisfied are you with the program",
            "overall satisfaction",
            "satisfied",
        ),
        "relationship_quality": (
            "how would you rate the relationship with your partner",
            "relationship",
            "partner relationship",
        ),
        "digital_confidence": (
            "i feel confident using digital tools",
            "confidence with digital tools",
            "digital confidence",
        ),
        "nps": (
            "how likely are you to recommend the program to a colleague",
            "likely to recommend",
            "recommend",
            "net promoter",
        ),
        "comment": (
            "comments",
            "what could we do better",
            "anything else",
            "feedback",
            "other comments",
            "free text",
        ),
    },
}

#: Lookups by e-mail; a participants file's e-mail is its own `email` column.
LOOKUPS: dict[str, tuple[Lookup, ...]] = {
    "participants": (Lookup("participant_email", "email"),),
    "pairs": (Lookup("mentor_email", "mentor_id"), Lookup("mentee_email", "mentee_id")),
    "surveys": (Lookup("participant_email", "participant_id"),),
}

LOOKUP_SYNONYMS: dict[str, tuple[str, ...]] = {
    "participant_email": (
        "email",
        "email address",
        "recipientemail",
        "recipient email",
        "respondent email",
        "email work",
        "work email",
    ),
    "mentor_email": ("mentor email", "mentor e mail", "mentor mail"),
    "mentee_email": ("mentee email", "mentee e mail", "mentee mail"),
}

#: The fields a stable id is derived from when the id column is not mapped (their source text:
#: a timestamp keeps its time). Ids looked up by e-mail count as their e-mail.
DERIVED_IDS: dict[str, tuple[str, ...]] = {
    "promotions": ("employee_id", "promoted_on"),
    "cohorts": ("name",),
    "participants": ("email",),
    "pairs": ("mentor_id", "mentee_id", "started_on"),
    "meetings": ("pair_id", "held_on"),
    "goals": ("pair_id", "title"),
    "surveys": ("participant_id", "submitted_on"),
}

#: Words for the values of enum columns, by column name: source word (normalised) → value.
ENUM_WORDS: dict[str, dict[str, str]] = {
    "role": {
        "mentor": "mentor",
        "reverse mentor": "mentor",
        "junior mentor": "mentor",
        "mentee": "mentee",
        "reverse mentee": "mentee",
        "executive": "mentee",
        "senior leader": "mentee",
        "leader": "mentee",
    },
    "status": {
        "active": "active",
        "ongoing": "active",
        "in progress": "in_progress",
        "completed": "completed",
        "complete": "completed",
        "finished": "completed",
        "ended early": "ended_early",
        "ended": "ended_early",
        "cancelled": "ended_early",
        "canceled": "ended_early",
        "withdrawn": "ended_early",
        "paused": "paused",
        "on hold": "paused",
        "not started": "not_started",
        "done": "done",
        "achieved": "done",
        "dropped": "dropped",
        "abandoned": "dropped",
    },
    "format": {
        "in person": "in_person",
        "face to face": "in_person",
        "video": "video",
        "video call": "video",
        "teams": "video",
        "zoom": "video",
        "phone": "phone",
        "call": "phone",
        "chat": "chat",
    },
    "kind": {
        "baseline": "baseline",
        "pulse": "pulse",
        "pulse check": "pulse",
        "midpoint": "midpoint",
        "mid point": "midpoint",
        "exit": "exit",
        "final": "exit",
    },
}

#: Answer words of 1–5 scales (English), normalised.
LIKERT_5: dict[str, int] = {
    **{
        w: 1
        for w in ("strongly disagree", "very dissatisfied", "very poor", "not at all confident")
    },
    **{w: 2 for w in ("disagree", "dissatisfied", "poor", "slightly confident")},
    **{
        w: 3
        for w in (
            "neither agree nor disagree",
            "neutral",
            "neither satisfied nor dissatisfied",
            "fair",
            "somewhat confident",
        )
    },
    **{w: 4 for w in ("agree", "satisfied", "good", "confident", "very confident")},
    **{w: 5 for w in ("strongly agree", "very satisfied", "excellent", "extremely confident")},
}

_NPS_WORD = re.compile(r"^\s*(\d{1,2})\s*(?:[-–—:(].*)?$")


def nps_number(text: str) -> int | None:
    """`0 - Not at all likely` → 0, `10 (Extremely likely)` → 10; None for other text."""
    match = _NPS_WORD.match(text)
    return int(match.group(1)) if match else None


_PUNCTUATION = re.compile(r"[^0-9a-z]+")


def normalise(text: str) -> str:
    """A header or answer word compared loosely: lower case, punctuation as single spaces."""
    return _PUNCTUATION.sub(" ", text.lower()).strip()


def kinds() -> tuple[str, ...]:
    """Every kind a mapping can fill (the import files, in their order)."""
    return tuple(FILE_FORMATS)


def lookups(kind: str) -> tuple[Lookup, ...]:
    return LOOKUPS.get(kind, ())


def fields(kind: str) -> tuple[str, ...]:
    """The fields of a kind: the import format's columns, then its e-mail look-ups."""
    return FILE_FORMATS[kind].columns + tuple(lookup.field for lookup in lookups(kind))


def synonyms(kind: str, field: str) -> tuple[str, ...]:
    """The header words tried for `field`: its own name, then the known synonyms."""
    words = SYNONYMS.get(kind, {}).get(field, ()) + LOOKUP_SYNONYMS.get(field, ())
    return (normalise(field), *(normalise(word) for word in words))
