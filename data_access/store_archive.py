"""The coordinators' work in a full export: follow-ups, scenarios, settings and the access list.

Beside the six program files, a full export (`python -m app export`, the Data screen's ZIP)
holds five more CSV files, so that moving to another store keeps what the coordinators did:

| file | one line | key on import |
|---|---|---|
| `follow_ups.csv` | a follow-up, snooze or resolution | pair, action, time and author |
| `scenarios.csv` | a saved what-if scenario | `name` |
| `scenario_pairs.csv` | one proposed pair of a scenario (by its `scenario` name) | scenario |
| `settings.csv` | one program setting, its value as JSON | `key` |
| `app_users.csv` | a person with access and their role | `email` |

Importing them follows the program files' rules (docs/import-format.md): every cell checked,
references to the same import or the store, all or nothing, in the same transaction and audit
row as the program files. A follow-up already in the store (same pair, action, time and author)
is left as it is, so importing the same export twice adds nothing; a scenario, setting or person
already in the store is updated, and a scenario named in `scenario_pairs.csv` gets exactly the
pairs listed there. Settings are checked, together with those already stored, by the settings
model the caller gives (`app.settings.ProgramSettings`: `data_access` does not import `app`);
an import of the access list may not leave the store without a program manager.

`data_access.importer` reads these files (`ARCHIVE_FILES`) and calls `check_archive` and
`ArchiveImport.write`; the exporter calls `write_archive_files`.
"""

import csv
import json
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, Protocol, TextIO

import pandas as pd
from pydantic import AfterValidator, AwareDatetime, BaseModel, ValidationError
from pydantic_core import PydanticCustomError
from sqlalchemy import Connection, Engine, delete, insert, select, update

from data_access import revision
from data_access.app_users import APP_ROLES, PROGRAM_MANAGER, AppUserError, normalise_email
from data_access.csv_format import (
    EARLIEST_DATE,
    LATEST_DATE,
    IsoDate,
    escape_cell,
    row_from_cells,
)
from data_access.models import (
    AppUser,
    Cohort,
    FollowUp,
    Pair,
    Participant,
    Scenario,
    ScenarioPair,
    Setting,
)
from data_access.writes import upsert_rows

#: Rows per file shown in the import report's preview (as for the program files).
PREVIEW_ROWS = 50


def _email(value: str) -> str:
    try:
        return normalise_email(value)
    except AppUserError as error:
        raise PydanticCustomError("email", str(error)) from None


def _json_text(value: str) -> str:
    try:
        json.loads(value)
    except ValueError:
        raise PydanticCustomError(
            "json", "is not JSON text: {value}", {"value": value[:60]}
        ) from None
    return value


def _json_object_text(value: str) -> str:
    if not isinstance(json.loads(_json_text(value)), dict):
        raise PydanticCustomError("json", "must be a JSON object")
    return value


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise PydanticCustomError("finite", "must be a finite number")
    return value


#: Times and dates outside these years are refused, as in the program's files (csv_format's
#: EARLIEST_DATE … LATEST_DATE): the screens read them with pandas, whose timestamps end in 2262.
YEARS = (EARLIEST_DATE.year, LATEST_DATE.year)


def _in_years(value: Any) -> Any:
    if not YEARS[0] <= value.year <= YEARS[1]:
        low, high = YEARS
        raise PydanticCustomError(
            "year", "must be between the years {low} and {high}", {"low": low, "high": high}
        )
    return value


JsonText = Annotated[str, AfterValidator(_json_text)]
Moment = Annotated[AwareDatetime, AfterValidator(_in_years)]


class FollowUpRow(BaseModel):
    """One line of follow_ups.csv."""

    pair_id: str
    action: Literal["logged", "snoozed", "resolved"]
    note: str | None = None
    next_step: str | None = None
    owner: str | None = None
    due_on: IsoDate | None = None  # IsoDate holds the same years (EARLIEST_DATE … LATEST_DATE)
    snoozed_until: IsoDate | None = None
    created_at: Moment
    created_by: str


class ScenarioRow(BaseModel):
    """One line of scenarios.csv."""

    name: str
    cohort_id: str | None = None
    pool: Literal["unmatched", "rematch"]  # app.matching.pool.MODES
    settings_json: Annotated[str, AfterValidator(_json_object_text)]
    created_at: Moment
    created_by: str
    applied_at: Moment | None = None
    applied_by: str | None = None


class ScenarioPairRow(BaseModel):
    """One line of scenario_pairs.csv."""

    scenario: str
    mentor_id: str
    mentee_id: str
    score: Annotated[float, AfterValidator(_finite)]
    reasons: str | None = None


class SettingRow(BaseModel):
    """One line of settings.csv."""

    key: str
    value_json: JsonText
    updated_at: Moment
    updated_by: str | None = None


class AppUserRow(BaseModel):
    """One line of app_users.csv."""

    email: Annotated[str, AfterValidator(_email)]
    role: Literal[APP_ROLES]  # type: ignore[valid-type]
    added_at: Moment
    added_by: str | None = None


@dataclass(frozen=True)
class ArchiveFile:
    """One file of the coordinators' work: its row model and the columns that are free text."""

    name: str
    model: type[BaseModel]
    text_columns: frozenset[str]

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.model.model_fields)

    @property
    def required_columns(self) -> frozenset[str]:
        return frozenset(n for n, f in self.model.model_fields.items() if f.is_required())


#: The files, in the order they are checked and written.
ARCHIVE_FILES: dict[str, ArchiveFile] = {
    archive.name: archive
    for archive in (
        ArchiveFile(
            "follow_ups",
            FollowUpRow,
            frozenset({"pair_id", "note", "next_step", "owner", "created_by"}),
        ),
        ArchiveFile(
            "scenarios",
            ScenarioRow,
            frozenset({"name", "cohort_id", "settings_json", "created_by", "applied_by"}),
        ),
        ArchiveFile(
            "scenario_pairs",
            ScenarioPairRow,
            frozenset({"scenario", "mentor_id", "mentee_id", "reasons"}),
        ),
        ArchiveFile("settings", SettingRow, frozenset({"key", "value_json", "updated_by"})),
        ArchiveFile("app_users", AppUserRow, frozenset({"email", "added_by"})),
    )
}


def archive_name(file_name: str) -> str | None:
    """The archive file a CSV file name stands for (`Follow_Ups.csv` → `follow_ups`), or None."""
    name = file_name.strip().lower().removesuffix(".csv")
    return name if name in ARCHIVE_FILES else None


# --- Export ---------------------------------------------------------------------------------------


def _cell(value: Any, text: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, float):
        return repr(value)
    return escape_cell(value) if text else str(value)


def _archive_rows(connection: Connection, name: str) -> Iterator[Sequence[Any]]:
    if name == "follow_ups":
        columns = [getattr(FollowUp, column) for column in ARCHIVE_FILES[name].columns]
        yield from connection.execute(select(*columns).order_by(FollowUp.created_at, FollowUp.id))
    elif name == "scenarios":
        columns = [getattr(Scenario, column) for column in ARCHIVE_FILES[name].columns]
        yield from connection.execute(select(*columns).order_by(Scenario.created_at, Scenario.id))
    elif name == "scenario_pairs":
        yield from connection.execute(
            select(
                Scenario.name,
                ScenarioPair.mentor_id,
                ScenarioPair.mentee_id,
                ScenarioPair.score,
                ScenarioPair.reasons,
            )
            .join(Scenario, Scenario.id == ScenarioPair.scenario_id)
            .order_by(Scenario.created_at, Scenario.id, ScenarioPair.id)
        )
    elif name == "settings":
        columns = [getattr(Setting, column) for column in ARCHIVE_FILES[name].columns]
        yield from connection.execute(select(*columns).order_by(Setting.key))
    else:
        columns = [getattr(AppUser, column) for column in ARCHIVE_FILES[name].columns]
        yield from connection.execute(select(*columns).order_by(AppUser.email))


def write_archive_files(
    connection: Connection, open_file: Callable[[str], TextIO]
) -> dict[str, int]:
    """Write the five files through `open_file(file name)` (a text stream, closed here) from
    `connection`'s snapshot; the rows written per file (name without `.csv`)."""
    counts = {}
    for name, archive in ARCHIVE_FILES.items():
        texts = [column in archive.text_columns for column in archive.columns]
        with open_file(archive.file_name) as stream:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(archive.columns)
            count = 0
            for row in _archive_rows(connection, name):
                writer.writerow(
                    [_cell(value, text) for value, text in zip(row, texts, strict=True)]
                )
                count += 1
        counts[name] = count
    return counts


# --- Import ---------------------------------------------------------------------------------------


class RawFile(Protocol):
    """What the importer read from one file (`importer.RawTable`)."""

    label: str
    header: list[str]
    header_line: int
    rows: list[list[str]]
    lines: Sequence[int]
    problems: list[tuple[int, str, str]]


@dataclass
class ArchiveImport:
    """The checked archive files: problems (label, line, column, problem), warnings, the rows
    to write per file, the summary per file (label, rows, new, updated) and previews."""

    problems: list[tuple[str, int, str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    summaries: list[tuple[str, int, int, int]] = field(default_factory=list)
    preview: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: follow-ups already in the store (left as they are)
    _known_follow_ups: set[tuple[str, str, str, str]] = field(default_factory=set)

    @property
    def row_count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())

    def audit_detail(self) -> dict[str, dict[str, int]]:
        """Rows, new and updated per file, for the import's audit row."""
        return {
            label: {"rows": rows, "new": new, "updated": updated}
            for label, rows, new, updated in self.summaries
        }

    def write(self, connection: Connection) -> None:
        """Write every checked row, in the caller's transaction."""
        known = self._known_follow_ups
        rows = self.rows.get("follow_ups", [])
        if follow_ups := [row for row in rows if _follow_up_key(row) not in known]:
            connection.execute(insert(FollowUp), follow_ups)
            revision.bump(connection, revision.FOLLOW_UPS)
        _write_scenarios(
            connection, self.rows.get("scenarios", []), self.rows.get("scenario_pairs", [])
        )
        if settings := self.rows.get("settings"):
            upsert_rows(connection, Setting, settings)
        if users := self.rows.get("app_users"):
            upsert_rows(connection, AppUser, users)


def _follow_up_key(row: dict[str, Any]) -> tuple[str, str, str, str]:
    moment = row["created_at"].astimezone(UTC).isoformat()
    return (row["pair_id"], row["action"], moment, row["created_by"])


def _write_scenarios(
    connection: Connection, scenarios: list[dict[str, Any]], pairs: list[dict[str, Any]]
) -> None:
    table = Scenario.__table__  # type: ignore[attr-defined]
    ids = dict(connection.execute(select(Scenario.name, Scenario.id)).all())
    for row in scenarios:
        if row["name"] in ids:
            connection.execute(update(table).where(table.c.id == ids[row["name"]]).values(**row))
        else:
            ids[row["name"]] = connection.execute(
                insert(table).values(**row).returning(table.c.id)
            ).scalar_one()
    named = {row["scenario"] for row in pairs}
    if not named:
        return
    connection.execute(
        delete(ScenarioPair).where(ScenarioPair.scenario_id.in_([ids[name] for name in named]))
    )
    connection.execute(
        insert(ScenarioPair),
        [
            {
                "scenario_id": ids[row["scenario"]],
                **{column: value for column, value in row.items() if column != "scenario"},
            }
            for row in pairs
        ],
    )


def _header(
    raw: RawFile, archive: ArchiveFile, problem: Callable[[int, str, str], None]
) -> tuple[list[str], list[int], list[str]]:
    """The known columns and their positions; the required ones missing are problems, unknown
    ones are returned to be named in a warning."""
    positions: dict[str, int] = {}
    ignored = []
    for index, cell in enumerate(raw.header):
        name = cell.strip().lower()
        if name in positions:
            problem(raw.header_line, name, "appears twice in the header")
        elif name in archive.columns:
            positions[name] = index
        elif name:
            ignored.append(cell.strip())
    for column in sorted(archive.required_columns - positions.keys()):
        problem(raw.header_line, column, "required column is missing from the header")
    columns = [column for column in archive.columns if column in positions]
    return columns, [positions[column] for column in columns], ignored


def _words(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required"
    if kind == "literal_error":
        return f"must be one of {error['ctx']['expected']}, not {error.get('input')!r}"
    if kind in ("timezone_aware", "datetime_from_date_parsing", "datetime_parsing"):
        return "not a date and time with its UTC offset, like 2025-03-31T09:00:00+00:00"
    if kind == "string_pattern_mismatch":
        return f"not an ISO date (YYYY-MM-DD): {error.get('input')!r}"
    if kind in ("greater_than_equal", "less_than_equal") and isinstance(error.get("input"), str):
        return "must be between the years {} and {}".format(*YEARS)  # a date column's bounds
    return str(error["msg"]).removeprefix("Value error, ")


def _read_rows(
    raw: RawFile, archive: ArchiveFile, problem: Callable[[int, str, str], None]
) -> tuple[list[dict[str, Any]], list[int], list[str]]:
    """The valid rows of one file (model fields), the line of each, and ignored columns."""
    for line, column, text in raw.problems:
        problem(line, column, text)
    columns, indices, ignored = _header(raw, archive, problem)
    rows, lines = [], []
    for cells, line in zip(raw.rows, raw.lines, strict=True):
        picked = [cells[index] if index < len(cells) else "" for index in indices]
        record = row_from_cells(columns, picked)
        if not record:
            continue
        if nul := [column for column, value in record.items() if "\x00" in value]:
            for column in nul:
                problem(line, column, "holds a NUL character, which the store cannot hold")
            continue
        try:
            rows.append(archive.model.model_validate(record).model_dump())
            lines.append(line)
        except ValidationError as error:
            for item in error.errors(include_url=False):
                column = str(item["loc"][0]) if item["loc"] else "(row)"
                if item["type"] == "missing" and column not in columns:
                    continue  # reported once, for the header
                problem(line, column, _words(item))
    return rows, lines, ignored


@dataclass(frozen=True)
class _Store:
    """What the store holds that the archive files are checked against."""

    ids: dict[str, set[str]]
    follow_ups: set[tuple[str, str, str, str]]
    scenarios: set[str]
    settings: dict[str, str]
    users: dict[str, str]

    @classmethod
    def read(cls, connection: Connection) -> "_Store":
        follow_ups = {
            (pair, action, moment.astimezone(UTC).isoformat(), author)
            for pair, action, moment, author in connection.execute(
                select(FollowUp.pair_id, FollowUp.action, FollowUp.created_at, FollowUp.created_by)
            )
        }
        return cls(
            ids={
                "cohorts": set(connection.execute(select(Cohort.cohort_id)).scalars()),
                "participants": set(
                    connection.execute(select(Participant.participant_id)).scalars()
                ),
                "pairs": set(connection.execute(select(Pair.pair_id)).scalars()),
            },
            follow_ups=follow_ups,
            scenarios=set(connection.execute(select(Scenario.name)).scalars()),
            settings=dict(connection.execute(select(Setting.key, Setting.value_json)).all()),
            users=dict(connection.execute(select(AppUser.email, AppUser.role)).all()),
        )


def check_archive(
    tables: dict[str, RawFile],
    *,
    engine: Engine,
    program_ids: dict[str, set[str]],
    settings_model: type[BaseModel] | None,
) -> ArchiveImport:
    """Check the archive files of an import (by name, as `ARCHIVE_FILES`) against their format,
    the ids of the import's program files (`program_ids`: cohorts, participants, pairs) and the
    store; `settings_model` validates the settings as they would be after the import."""
    result = ArchiveImport()
    if not tables:
        return result
    with engine.connect() as connection:
        store = _Store.read(connection)
    result._known_follow_ups = store.follow_ups
    known = {name: store.ids[name] | program_ids.get(name, set()) for name in store.ids}
    scenario_names = set(store.scenarios)
    for name, archive in ARCHIVE_FILES.items():
        raw = tables.get(name)
        if raw is None:
            continue

        def problem(line: int, column: str, text: str, label: str = raw.label) -> None:
            result.problems.append((label, line, column, text))

        rows, lines, ignored = _read_rows(raw, archive, problem)
        if ignored:
            result.warnings.append(
                f"{raw.label}: ignored the column{'s' if len(ignored) > 1 else ''} "
                f"{', '.join(ignored)} (not part of the format)."
            )
        new, updated = _check_rows(name, rows, lines, known, scenario_names, store, problem)
        if name == "settings":
            _check_settings(rows, lines, store, settings_model, raw.header_line, problem)
        elif name == "app_users":
            _check_program_manager_stays(rows, lines, store, problem)
        elif name == "scenarios":
            scenario_names |= {row["name"] for row in rows}
        found = [entry for entry in result.problems if entry[0] == raw.label]
        others = [entry for entry in result.problems if entry[0] != raw.label]
        result.problems = others + sorted(found, key=lambda entry: entry[1])  # by line
        result.rows[name] = rows
        if rows:  # a full export of a store without such work holds the header alone
            result.summaries.append((raw.label, len(rows), new, updated))
            result.preview[name] = pd.DataFrame(rows[:PREVIEW_ROWS], columns=list(archive.columns))
    if result.problems:
        result.rows = {}
    return result


def _check_rows(
    name: str,
    rows: list[dict[str, Any]],
    lines: list[int],
    known: dict[str, set[str]],
    scenario_names: set[str],
    store: _Store,
    problem: Callable[[int, str, str], None],
) -> tuple[int, int]:
    """References and repeated keys of one file; (new, updated) row counts."""
    references = {
        "follow_ups": {"pair_id": "pairs"},
        "scenarios": {"cohort_id": "cohorts"},
        "scenario_pairs": {"mentor_id": "participants", "mentee_id": "participants"},
    }.get(name, {})
    nouns = {"pairs": "pair", "cohorts": "cohort", "participants": "participant"}
    for row, line in zip(rows, lines, strict=True):
        for column, parent in references.items():
            if row[column] is not None and row[column] not in known[parent]:
                problem(
                    line,
                    column,
                    f"refers to {nouns[parent]} {row[column]!r}, which is neither in this "
                    "import nor in the store",
                )
        if name == "scenario_pairs" and row["scenario"] not in scenario_names:
            problem(
                line,
                "scenario",
                f"refers to scenario {row['scenario']!r}, which is neither in scenarios.csv nor "
                "in the store",
            )
    key_of: Callable[[dict[str, Any]], Any] = {
        "follow_ups": _follow_up_key,
        "scenarios": lambda row: row["name"],
        "scenario_pairs": lambda row: (row["scenario"], row["mentee_id"]),
        "settings": lambda row: row["key"],
        "app_users": lambda row: row["email"],
    }[name]
    first: dict[Any, int] = {}
    for row, line in zip(rows, lines, strict=True):
        key = key_of(row)
        if key in first:
            shown = key if isinstance(key, str) else " / ".join(key)
            problem(line, ARCHIVE_FILES[name].columns[0], f"{shown!r} repeats line {first[key]}")
        first.setdefault(key, line)
    in_store: set[Any] = {
        "follow_ups": store.follow_ups,
        "scenarios": store.scenarios,
        "settings": set(store.settings),
        "app_users": set(store.users),
    }.get(name, set())
    updated = sum(1 for key in first if key in in_store)
    return len(first) - updated, updated


def _check_settings(
    rows: list[dict[str, Any]],
    lines: list[int],
    store: _Store,
    settings_model: type[BaseModel] | None,
    header_line: int,
    problem: Callable[[int, str, str], None],
) -> None:
    """The settings as they would be after the import must be valid program settings."""
    if not rows:
        return
    if settings_model is None:
        problem(header_line, "(file)", "settings can only be imported with python -m app import "
                "or on the Data screen")  # fmt: skip
        return
    line_of = {row["key"]: line for row, line in zip(rows, lines, strict=True)}
    for key, line in line_of.items():
        if key not in settings_model.model_fields:
            problem(line, "key", f"{key!r} is not a PairPulse setting")
    values = {key: json.loads(value) for key, value in store.settings.items()}
    values |= {row["key"]: json.loads(row["value_json"]) for row in rows}
    try:
        settings_model.model_validate(values)
    except ValidationError as error:
        for item in error.errors(include_url=False):
            key = str(item["loc"][0]) if item["loc"] else None
            message = str(item["msg"]).removeprefix("Value error, ")
            if key in line_of:
                problem(line_of[key], "value_json", f"{key}: {message}")
            else:  # a rule between settings, or a stored setting this import makes wrong
                problem(min(line_of.values()), "(file)", message)


def _check_program_manager_stays(
    rows: list[dict[str, Any]],
    lines: list[int],
    store: _Store,
    problem: Callable[[int, str, str], None],
) -> None:
    """A store with a program manager keeps one (as on the Data screen)."""
    if PROGRAM_MANAGER not in store.users.values():
        return
    after = dict(store.users) | {row["email"]: row["role"] for row in rows}
    if PROGRAM_MANAGER in after.values():
        return
    for row, line in zip(rows, lines, strict=True):
        if store.users.get(row["email"]) == PROGRAM_MANAGER:
            problem(
                line,
                "role",
                f"{row['email']} is a program manager in the store and nobody else would be; "
                "keep one program manager",
            )
