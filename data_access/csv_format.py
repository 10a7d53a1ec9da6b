"""The import format (docs/import-format.md): six program files and two optional workforce
files (employees, promotions), their columns in order, a model per file.

Each model validates one row of its file. A row comes in as the dict `row_from_cells` builds: the
trimmed, non-blank cells keyed by column name. A blank cell is therefore an absent key, so it takes
the column's default (None, or the documented default such as a cohort's 14-day cadence), and a
blank required cell is reported as "required". Dates must be ISO `YYYY-MM-DD` exactly; enums are
`Literal`s; ranges are `Field(ge=…, le=…)` constraints, so most checks run inside pydantic-core.

The same module describes the columns for the template and defines the CSV formula-injection guard
shared by the exporter (`escape_cell`) and the importer (`unescape_cell`).
"""

import re
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from types import NoneType, UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    GetCoreSchemaHandler,
    StringConstraints,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError, core_schema
from sqlmodel import SQLModel

from data_access.models import PROGRAM_TABLES

#: Earliest birth year the importer accepts; the latest is the current year.
EARLIEST_BIRTH_YEAR = 1900
CURRENT_YEAR = date.today().year
#: The dates a date column accepts: far wider than any program, well inside what the screens'
#: pandas timestamps can hold (1677–2262), so "9999-12-31 = no end date" is refused, not stored.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
#: Longest id or other indexed text: an index entry on PostgreSQL holds at most ~2,700 bytes
#: (SQLite has no such limit), so longer keys would be refused by one database only.
MAX_KEY_LENGTH = 200
#: Upper bounds of the number columns without a natural one (every bound also fits PostgreSQL's
#: INTEGER, 2^31 − 1): a meeting lasts at most a day, a cadence at most a year.
MAX_DURATION_MINUTES = 1440
MAX_CADENCE_DAYS = 365
MAX_CAPACITY = 100
#: Text a cell may hold: anything but NUL, which PostgreSQL's text cannot store.
STORABLE_TEXT = r"^[^\x00]*$"


class _IsoDateText:
    """Marks a date column: text of exactly `YYYY-MM-DD` that is also a real calendar date.

    pydantic's own date parsing also accepts timestamps and other shapes, so the text is matched
    against the ISO pattern first, then the date must lie in EARLIEST_DATE … LATEST_DATE; every
    step runs in pydantic-core (no Python call per cell).
    """

    @classmethod
    def __get_pydantic_core_schema__(
        cls, _source: Any, _handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.chain_schema(
            [
                core_schema.str_schema(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
                core_schema.date_schema(ge=EARLIEST_DATE, le=LATEST_DATE),
            ]
        )


IsoDate = Annotated[date, _IsoDateText]

#: Free text: any length, no NUL character (checked in pydantic-core).
Text = Annotated[str, StringConstraints(pattern=STORABLE_TEXT)]
#: An id or other indexed text: no NUL, at most MAX_KEY_LENGTH characters.
Key = Annotated[str, StringConstraints(pattern=STORABLE_TEXT, max_length=MAX_KEY_LENGTH)]


def _check_email(value: str) -> str:
    """A real e-mail address (no CR/LF, one @, a valid domain…), in email-validator's normal form.

    The normal form only lower-cases the domain and applies Unicode NFC, so the same address
    written two ways is stored once; deliverability (DNS) is not checked.
    """
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as error:
        shown = value[:60] + "…" if len(value) > 60 else value
        raise PydanticCustomError(
            "email",
            "not a valid e-mail address ({reason}): {value}",
            {"reason": str(error).rstrip("."), "value": repr(shown)},
        ) from None


Email = Annotated[str, StringConstraints(max_length=MAX_KEY_LENGTH), AfterValidator(_check_email)]

_TIMEZONES = frozenset(zoneinfo.available_timezones())


def _check_timezone(value: str) -> str:
    if value not in _TIMEZONES:
        raise PydanticCustomError(
            "timezone",
            "not a time zone name from the IANA list (like Europe/Berlin): {value}",
            {"value": repr(value)},
        )
    return value


Timezone = Annotated[str, AfterValidator(_check_timezone)]


def _check_not_before(later: date | None, earlier: date | None, names: tuple[str, str]) -> None:
    """A cross-field check; the error's `column` names the cell to blame (the later date)."""
    if later is not None and earlier is not None and later < earlier:
        later_name, earlier_name = names
        raise PydanticCustomError(
            "order_of_dates", f"must not be before {earlier_name}", {"column": later_name}
        )


class CohortRow(BaseModel):
    """One line of cohorts.csv: a group of pairs that run over the same period."""

    cohort_id: Key = Field(description="Unique id of the cohort.", examples=["C2025"])
    name: Text = Field(description="Name shown on every screen.", examples=["2025 cohort"])
    start_date: IsoDate = Field(description="First day of the cohort.", examples=["2025-01-13"])
    end_date: IsoDate | None = Field(
        None, description="Last day of the cohort; not before start_date.", examples=["2025-07-11"]
    )
    focus_area: Text | None = Field(
        None, description="What the cohort concentrates on.", examples=["AI; data analytics"]
    )
    target_cadence_days: Annotated[int, Field(ge=1, le=MAX_CADENCE_DAYS)] = Field(
        14,
        description=f"Days between meetings the pairs aim for, 1 to {MAX_CADENCE_DAYS}; blank "
        "means 14.",
        examples=[14],
    )

    @model_validator(mode="after")
    def _end_not_before_start(self) -> "CohortRow":
        _check_not_before(self.end_date, self.start_date, ("end_date", "start_date"))
        return self


class ParticipantRow(BaseModel):
    """One line of participants.csv: a mentor (junior) or a mentee (senior leader)."""

    participant_id: Key = Field(description="Unique id of the person.", examples=["U001", "U002"])
    name: Text = Field(description="Full name.", examples=["Ada Lind", "Ben Okafor"])
    email: Email | None = Field(
        None, description="E-mail address.", examples=["ada@example.com", "ben@example.com"]
    )
    role: Literal["mentor", "mentee"] = Field(
        description="mentor (the junior, digitally fluent person) or mentee (the senior leader).",
        examples=["mentor", "mentee"],
    )
    department: Key | None = Field(
        None, description="Department.", examples=["Marketing", "Finance"]
    )
    job_level: Annotated[int, Field(ge=1, le=10)] | None = Field(
        None, description="Seniority from 1 to 10, higher is more senior.", examples=[3, 9]
    )
    birth_year: Annotated[int, Field(ge=EARLIEST_BIRTH_YEAR, le=CURRENT_YEAR)] | None = Field(
        None,
        description=f"Year of birth ({EARLIEST_BIRTH_YEAR} to this year).",
        examples=[1998, 1968],
    )
    location: Text | None = Field(
        None, description="Office or city.", examples=["Lisbon", "London"]
    )
    timezone: Timezone | None = Field(
        None,
        description="IANA time zone name, like Europe/Lisbon.",
        examples=["Europe/Lisbon", "Europe/London"],
    )
    skills_offered: Text | None = Field(
        None,
        description="Skills the person can teach, separated by ;",
        examples=["AI; Excel", "negotiation"],
    )
    skills_wanted: Text | None = Field(
        None,
        description="Skills the person wants to learn, separated by ;",
        examples=["public speaking", "AI; social media"],
    )
    capacity: Annotated[int, Field(ge=1, le=MAX_CAPACITY)] = Field(
        1,
        description=f"How many pairs the person can be in at once, 1 to {MAX_CAPACITY}; blank "
        "means 1.",
        examples=[1, 1],
    )
    joined_on: IsoDate | None = Field(
        None, description="Day the person enrolled.", examples=["2025-01-06", "2025-01-06"]
    )
    left_on: IsoDate | None = Field(
        None,
        description="Day the person left the program; not before joined_on.",
        examples=["", ""],
    )
    employee_id: Key | None = Field(
        None,
        description="The person's employee_id in employees.csv; blank links by e-mail.",
        examples=["E001", "E002"],
    )

    @model_validator(mode="after")
    def _left_not_before_joined(self) -> "ParticipantRow":
        _check_not_before(self.left_on, self.joined_on, ("left_on", "joined_on"))
        return self


class EmployeeRow(BaseModel):
    """One line of employees.csv: a person of the workforce, participant or not."""

    employee_id: Key = Field(description="Unique id of the employee.", examples=["E001", "E002"])
    email: Email | None = Field(
        None,
        description="Work e-mail; links a participant without an employee_id.",
        examples=["ada@example.com", "ben@example.com"],
    )
    department: Key | None = Field(
        None, description="Department.", examples=["Marketing", "Finance"]
    )
    job_level: Annotated[int, Field(ge=1, le=10)] | None = Field(
        None, description="Seniority from 1 to 10 on hired_on.", examples=[3, 9]
    )
    birth_year: Annotated[int, Field(ge=EARLIEST_BIRTH_YEAR, le=CURRENT_YEAR)] | None = Field(
        None,
        description=f"Year of birth ({EARLIEST_BIRTH_YEAR} to this year).",
        examples=[1998, 1968],
    )
    location: Text | None = Field(
        None, description="Office or city.", examples=["Lisbon", "London"]
    )
    hired_on: IsoDate = Field(
        description="Day the person joined the organisation.", examples=["2021-09-01", "2004-03-15"]
    )
    left_on: IsoDate | None = Field(
        None,
        description="Day the person left the organisation; not before hired_on.",
        examples=["", ""],
    )

    @model_validator(mode="after")
    def _left_not_before_hired(self) -> "EmployeeRow":
        _check_not_before(self.left_on, self.hired_on, ("left_on", "hired_on"))
        return self


class PromotionRow(BaseModel):
    """One line of promotions.csv: an employee's move to a higher job level."""

    promotion_id: Key = Field(description="Unique id of the promotion.", examples=["R001"])
    employee_id: Key = Field(description="Who was promoted (employees.csv).", examples=["E001"])
    promoted_on: IsoDate = Field(description="Day of the promotion.", examples=["2025-10-01"])
    new_job_level: Annotated[int, Field(ge=1, le=10)] | None = Field(
        None, description="Job level after the promotion, 1 to 10.", examples=[4]
    )


class PairRow(BaseModel):
    """One line of pairs.csv: a mentor and a mentee in a cohort."""

    pair_id: Key = Field(description="Unique id of the pair.", examples=["P001"])
    cohort_id: Key = Field(description="The pair's cohort (cohorts.csv).", examples=["C2025"])
    mentor_id: Key = Field(
        description="The mentor: a participant whose role is mentor.", examples=["U001"]
    )
    mentee_id: Key = Field(
        description="The mentee: a participant whose role is mentee, not the mentor.",
        examples=["U002"],
    )
    started_on: IsoDate = Field(description="Day the pair started.", examples=["2025-01-20"])
    ended_on: IsoDate | None = Field(
        None, description="Day the pair ended; not before started_on.", examples=[""]
    )
    status: Literal["active", "completed", "ended_early", "paused"] = Field(
        description="active, completed, ended_early or paused.", examples=["active"]
    )
    focus_area: Text | None = Field(
        None, description="What this pair works on.", examples=["AI tools"]
    )
    target_cadence_days: Annotated[int, Field(ge=1, le=MAX_CADENCE_DAYS)] | None = Field(
        None,
        description=f"Days between meetings for this pair, 1 to {MAX_CADENCE_DAYS}; blank means "
        "the cohort's.",
        examples=[""],
    )

    @model_validator(mode="after")
    def _ended_not_before_started(self) -> "PairRow":
        _check_not_before(self.ended_on, self.started_on, ("ended_on", "started_on"))
        return self


class MeetingRow(BaseModel):
    """One line of meetings.csv: a meeting a pair held."""

    meeting_id: Key = Field(description="Unique id of the meeting.", examples=["M0001"])
    pair_id: Key = Field(description="The pair that met (pairs.csv).", examples=["P001"])
    held_on: IsoDate = Field(description="Day of the meeting.", examples=["2025-02-03"])
    duration_minutes: Annotated[int, Field(ge=0, le=MAX_DURATION_MINUTES)] | None = Field(
        None, description=f"Length in minutes, 0 to {MAX_DURATION_MINUTES}.", examples=[45]
    )
    format: Literal["in_person", "video", "phone", "chat"] | None = Field(
        None, description="in_person, video, phone or chat.", examples=["video"]
    )
    topics: Text | None = Field(
        None, description="Topics discussed, separated by ;", examples=["prompting; Copilot"]
    )
    source: Literal["checkin"] | None = Field(
        None,
        description="How the row arrived: blank for an import, checkin for a participant's "
        "check-in link.",
        examples=[""],
    )


class GoalRow(BaseModel):
    """One line of goals.csv: a goal a pair agreed on."""

    goal_id: Key = Field(description="Unique id of the goal.", examples=["G001"])
    pair_id: Key = Field(description="The pair the goal is for (pairs.csv).", examples=["P001"])
    title: Text = Field(description="What the goal is.", examples=["Build an AI-assisted report"])
    category: Key | None = Field(
        None, description="Kind of skill, e.g. AI, data analytics, social media.", examples=["AI"]
    )
    created_on: IsoDate | None = Field(
        None, description="Day the goal was set.", examples=["2025-01-20"]
    )
    due_on: IsoDate | None = Field(None, description="Day it is due.", examples=["2025-04-30"])
    completed_on: IsoDate | None = Field(
        None, description="Day it was reached; not before created_on.", examples=[""]
    )
    status: Literal["not_started", "in_progress", "done", "dropped"] = Field(
        description="not_started, in_progress, done or dropped.", examples=["in_progress"]
    )
    progress_pct: Annotated[int, Field(ge=0, le=100)] | None = Field(
        None, description="Progress in percent, 0 to 100.", examples=[40]
    )

    @model_validator(mode="after")
    def _completed_not_before_created(self) -> "GoalRow":
        _check_not_before(self.completed_on, self.created_on, ("completed_on", "created_on"))
        return self


class SurveyRow(BaseModel):
    """One line of surveys.csv: one person's answer to a survey."""

    response_id: Key = Field(description="Unique id of the answer.", examples=["S0001"])
    participant_id: Key = Field(description="Who answered (participants.csv).", examples=["U002"])
    pair_id: Key | None = Field(
        None, description="The pair the answer is about (pairs.csv).", examples=["P001"]
    )
    cohort_id: Key | None = Field(
        None, description="The cohort the answer belongs to (cohorts.csv).", examples=["C2025"]
    )
    submitted_on: IsoDate = Field(description="Day the answer was given.", examples=["2025-01-24"])
    kind: Literal["baseline", "pulse", "midpoint", "exit"] = Field(
        description="baseline, pulse, midpoint or exit.", examples=["baseline"]
    )
    satisfaction: Annotated[int, Field(ge=1, le=5)] | None = Field(
        None, description="Satisfaction with the program, 1 to 5.", examples=[4]
    )
    relationship_quality: Annotated[int, Field(ge=1, le=5)] | None = Field(
        None, description="Quality of the relationship with the partner, 1 to 5.", examples=[4]
    )
    digital_confidence: Annotated[int, Field(ge=1, le=5)] | None = Field(
        None, description="Confidence with digital tools, 1 to 5.", examples=[2]
    )
    nps: Annotated[int, Field(ge=0, le=10)] | None = Field(
        None, description="How likely to recommend the program, 0 to 10.", examples=[9]
    )
    comment: Text | None = Field(
        None, description="Free-text comment.", examples=["Great start, @here we go"]
    )
    source: Literal["checkin"] | None = Field(
        None,
        description="How the row arrived: blank for an import, checkin for a participant's "
        "check-in link.",
        examples=[""],
    )


@dataclass(frozen=True)
class FileFormat:
    """One file of the import format: its row model, its table, its id and its references."""

    name: str
    model: type[BaseModel]
    id_column: str
    #: column -> the file whose ids it refers to
    references: dict[str, str]

    @property
    def file_name(self) -> str:
        """The CSV file name, e.g. `pairs.csv`."""
        return f"{self.name}.csv"

    @property
    def table(self) -> type[SQLModel]:
        """The store table the rows go to."""
        return PROGRAM_TABLES[self.name]

    @cached_property
    def columns(self) -> tuple[str, ...]:
        """The columns, in the order the file lists them."""
        return tuple(self.model.model_fields)

    @cached_property
    def required_columns(self) -> frozenset[str]:
        """Columns whose cells must not be blank."""
        return frozenset(n for n, f in self.model.model_fields.items() if f.is_required())

    @cached_property
    def _column_types(self) -> dict[str, tuple[Any, tuple[Any, ...]]]:
        return {name: _unwrap(field) for name, field in self.model.model_fields.items()}

    @cached_property
    def text_columns(self) -> frozenset[str]:
        """Free-text columns (ids, names, lists): the only ones an export guards (`escape_cell`)."""
        return frozenset(n for n, (kind, _) in self._column_types.items() if kind is str)

    @cached_property
    def int_columns(self) -> frozenset[str]:
        """Columns holding whole numbers."""
        return frozenset(n for n, (kind, _) in self._column_types.items() if kind is int)

    def allowed_values(self, column: str) -> tuple[str, ...]:
        """The values an enum column accepts, in the documented order (empty for others)."""
        kind, _ = self._column_types[column]
        return get_args(kind) if get_origin(kind) is Literal else ()

    def bounds(self, column: str) -> tuple[Any, Any]:
        """The (lowest, highest) value a number or date column accepts; None where unbounded."""
        kind, constraints = self._column_types[column]
        if kind is date:
            return EARLIEST_DATE, LATEST_DATE
        low = next((c.ge for c in constraints if isinstance(c, annotated_types.Ge)), None)
        high = next((c.le for c in constraints if isinstance(c, annotated_types.Le)), None)
        return low, high


def _unwrap(field: FieldInfo) -> tuple[Any, tuple[Any, ...]]:
    """A field's value type without `| None` and `Annotated`, and the constraints on it."""
    annotation, metadata = field.annotation, list(field.metadata)
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *extra = get_args(annotation)
            metadata.extend(extra)
        elif origin in (Union, UnionType):
            (annotation,) = (arg for arg in get_args(annotation) if arg is not NoneType)
        else:
            break
    constraints = []
    for item in metadata:
        constraints.extend(item.metadata if isinstance(item, FieldInfo) else [item])
    return annotation, tuple(constraints)


#: The files (six program files, two workforce files), in the order they are validated and
#: written (parents first).
FILE_FORMATS: dict[str, FileFormat] = {
    fmt.name: fmt
    for fmt in (
        FileFormat("cohorts", CohortRow, "cohort_id", {}),
        FileFormat("employees", EmployeeRow, "employee_id", {}),
        FileFormat("promotions", PromotionRow, "promotion_id", {"employee_id": "employees"}),
        FileFormat("participants", ParticipantRow, "participant_id", {"employee_id": "employees"}),
        FileFormat(
            "pairs",
            PairRow,
            "pair_id",
            {"cohort_id": "cohorts", "mentor_id": "participants", "mentee_id": "participants"},
        ),
        FileFormat("meetings", MeetingRow, "meeting_id", {"pair_id": "pairs"}),
        FileFormat("goals", GoalRow, "goal_id", {"pair_id": "pairs"}),
        FileFormat(
            "surveys",
            SurveyRow,
            "response_id",
            {"participant_id": "participants", "pair_id": "pairs", "cohort_id": "cohorts"},
        ),
    )
}

#: What one record of each file is called in messages ("refers to pair 'P9', …").
RECORD_NOUNS = {
    "cohorts": "cohort",
    "employees": "employee",
    "promotions": "promotion",
    "participants": "participant",
    "pairs": "pair",
    "meetings": "meeting",
    "goals": "goal",
    "surveys": "survey response",
}

# A cell a spreadsheet would run as a formula starts with one of these characters. Cells that
# already start with apostrophes before one of them get one more, so the guard can be undone
# exactly: the importer removes one apostrophe from every cell that matches _GUARDED.
_NEEDS_GUARD = re.compile(r"'*[=+\-@]").match
_GUARDED = re.compile(r"'+[=+\-@]").match


def escape_cell(value: str) -> str:
    """The text to write for a text cell: prefixed with `'` if a spreadsheet would run it.

    `=SUM(A1)` becomes `'=SUM(A1)`, `-minus` becomes `'-minus`; `'=x` becomes `''=x` so that
    `unescape_cell` gives back exactly what was escaped.
    """
    return "'" + value if _NEEDS_GUARD(value) else value


def unescape_cell(value: str) -> str:
    """Undo `escape_cell`: drop one leading `'` when apostrophes are followed by `= + - @`."""
    return value[1:] if _GUARDED(value) else value


def row_from_cells(columns: Sequence[str], cells: Iterable[str]) -> dict[str, str]:
    """The input of a row model: the trimmed, non-blank cells by column, formula guard removed.

    `cells` come in the order of `columns`; cells missing at the end of a short row count as
    blank. The guard is removed from any cell: only text cells are ever exported with it.
    """
    return {
        column: value if value[0] != "'" else unescape_cell(value)
        for column, cell in zip(columns, cells, strict=False)
        if (value := cell.strip())
    }
