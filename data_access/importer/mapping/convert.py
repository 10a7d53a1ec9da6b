"""Applying a mapping: a source table becomes one import file's rows, with the source's own
line numbers, then goes through the importer's one check-and-write path (`run_import`).

Problems found while converting (an unknown answer word, an ambiguous date, an e-mail nobody
has) and problems the check finds afterwards are all reported against the source file: its
line, and the header of the column the field came from."""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Engine, select

from data_access.csv_format import FILE_FORMATS, FileFormat, escape_cell
from data_access.importer.mapping import fields as registry
from data_access.importer.mapping.spec import Mapping
from data_access.importer.model import (
    CellProblem,
    ImportReport,
    ImportSource,
    Progress,
    RawTable,
    _collector_paused,
)
from data_access.importer.write import run_import
from data_access.models import Pair, Participant

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[ T])")
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:$|[ ,T])")
_WORDY_FORMATS = ("%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y", "%b %d, %Y", "%B %d, %Y")
#: Ids asked for at a time when reading what the store keeps.
_ID_BATCH = 5000
_TIME_OF_DAY = re.compile(r"[ T,]+\d{1,2}:\d{2}")
_TIME_CODES = re.compile(r"%[HIMSpfzZX]")
#: Share of the progress bar spent converting; the rest is the import's check and write.
_CONVERT_SHARE = 0.25


class ConvertProblem(Exception):
    """One cell that cannot be converted; its text is the problem."""


@dataclass
class Converted:
    """A source table as an import file, and how to name each field in the source's words."""

    table: RawTable
    #: field → how a problem names it: the source header, or what the value came from
    shown_as: dict[str, str]
    #: required cells reported while converting and left blank: the check's "required" for
    #: them says the same thing again, so it is dropped
    blanked: set[tuple[int, str]] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)


def run_mapped_import(
    source: RawTable,
    mapping: Mapping,
    *,
    engine: Engine,
    dry_run: bool = False,
    progress: Progress | None = None,
    actor: str = "cli",
    warnings: list[str] | None = None,
) -> ImportReport:
    """Convert `source` with `mapping`, then check and write it as `run_import` does: all or
    nothing, every problem named by the source file's line and header. Unless `dry_run`, the
    rows of `source` are let go once converted (read the file again to import it again)."""
    report_progress = progress or (lambda _fraction, _message: None)
    report_progress(0.0, f"Converting {source.label} with the mapping…")
    with _collector_paused():
        converted = convert(source, mapping, engine=engine)
    if not dry_run:
        source.rows = []  # the converted rows are what is written: let the text go
    import_source = ImportSource(
        origin=source.label,
        tables={mapping.kind: converted.table},
        warnings=[*(warnings or []), *converted.warnings],
    )

    def scaled(fraction: float, message: str) -> None:
        report_progress(_CONVERT_SHARE + (1 - _CONVERT_SHARE) * fraction, message)

    report = run_import(import_source, engine=engine, dry_run=dry_run, progress=scaled, actor=actor)
    blanked = converted.blanked
    report.problems = [
        CellProblem(p.file, p.line, converted.shown_as.get(p.column, p.column), p.problem)
        for p in report.problems
        if not (p.problem == "required" and (p.line, p.column) in blanked)
    ]
    report.problem_count -= len(blanked)
    return report


def convert(source: RawTable, mapping: Mapping, *, engine: Engine) -> Converted:
    """The rows of the import file `mapping.kind` that `source` holds, lines kept.

    A row with any cell that cannot be converted is reported (in `table.problems`) and left
    out, so the import is refused without the check reporting the same cell twice.
    """
    return _Converter(source, mapping, engine).run()


class _Converter:
    def __init__(self, source: RawTable, mapping: Mapping, engine: Engine) -> None:
        self.source = source
        self.mapping = mapping
        self.engine = engine
        self.fmt: FileFormat = FILE_FORMATS[mapping.kind]
        self.problems: list[tuple[int, str, str]] = list(source.problems)
        self.lookups = {lookup.field: lookup for lookup in registry.lookups(mapping.kind)}
        self.shown_as: dict[str, str] = {}
        #: (line, column) of required cells left blank because they could not be converted
        self.blanked: set[tuple[int, str]] = set()

    # -- the plan: where every output column comes from -------------------------------------
    def _positions(self) -> dict[str, int]:
        header = [cell.strip() for cell in self.source.header]
        exact = {cell: index for index, cell in reversed(list(enumerate(header))) if cell}
        loose = {registry.normalise(cell): i for i, cell in reversed(list(enumerate(header)))}
        positions: dict[str, int] = {}
        for name, wanted in self.mapping.columns.items():
            index = exact.get(wanted.strip(), loose.get(registry.normalise(wanted)))
            if index is None:
                self.problems.append(
                    (
                        self.source.header_line,
                        wanted,
                        f"is not a column of this file (the mapping takes {name} from it); "
                        "choose another column",
                    )
                )
                continue
            positions[name] = index
            self.shown_as[name] = header[index]
        return positions

    def run(self) -> Converted:
        fmt, mapping = self.fmt, self.mapping
        positions = self._positions()
        for name, value in mapping.constants.items():
            self.shown_as[name] = f"{name} (constant {value!r})"
        looked_up = {self.lookups[name].target: name for name in positions if name in self.lookups}
        looked_up |= {
            self.lookups[name].target: name for name in mapping.constants if name in self.lookups
        }
        for target, name in looked_up.items():
            self.shown_as.setdefault(target, self.shown_as.get(name, name))
        given = positions.keys() | mapping.constants.keys() | looked_up.keys()
        derive = self._derived_id_parts(given)
        place = (
            fmt.name == "surveys"
            and "pair_id" not in given
            and "participant_id" in given
            and "submitted_on" in given
        )
        placed_columns = {"pair_id"} | ({"cohort_id"} if "cohort_id" not in given else set())
        if place:
            for column in placed_columns:
                self.shown_as[column] = (
                    f"{column} (the pair of {self.shown_as['participant_id']} on "
                    f"{self.shown_as['submitted_on']})"
                )
        if derive:
            parts = " + ".join(self.shown_as.get(part, part) for part in derive)
            self.shown_as[fmt.id_column] = f"{fmt.id_column} (derived from {parts})"
        outputs = [
            column
            for column in fmt.columns
            if column in given
            or (derive and column == fmt.id_column)
            or (place and column in placed_columns)
        ]
        missing = [column for column in sorted(fmt.required_columns) if column not in outputs]
        for column in missing:
            self.problems.append(
                (
                    self.source.header_line,
                    column,
                    "required field is not mapped to a column or a constant",
                )
            )
        if missing or len(self.problems) > len(self.source.problems):
            return self._result(list(fmt.columns), [], [])
        return self._convert_rows(positions, looked_up, outputs, derive, place)

    def _derived_id_parts(self, given: set[str]) -> tuple[str, ...]:
        id_column = self.fmt.id_column
        parts = registry.DERIVED_IDS.get(self.fmt.name, ())
        if id_column in given or not parts or not set(parts) <= given:
            return ()
        return parts

    # -- the rows ----------------------------------------------------------------------------
    def _convert_rows(
        self,
        positions: dict[str, int],
        looked_up: dict[str, str],
        outputs: list[str],
        derive: tuple[str, ...],
        place: bool,
    ) -> Converted:
        fmt, mapping = self.fmt, self.mapping
        # a person already in the store keeps the id they have there
        keep_ids = bool(derive) and fmt.name == "participants"
        emails = self._emails() if looked_up or keep_ids else {}
        known_ids = emails if keep_ids else {}
        pairs = self._pairs() if place else {}
        # field → (source index or None for a constant, converter)
        plan: list[tuple[str, int | None, Callable[[str], str]]] = []
        for column in outputs:
            if column in looked_up:
                name = looked_up[column]
                plan.append((column, positions.get(name), self._email_converter(emails)))
            elif column in positions or column in mapping.constants:
                plan.append((column, positions.get(column), self._value_converter(column)))
        constants = {
            column: convert_value for column, index, convert_value in plan if index is None
        }
        constant_values: dict[str, str] = {}
        for column, convert_value in constants.items():
            name = looked_up.get(column, column)
            try:
                constant_values[column] = convert_value(mapping.constants[name])
            except ConvertProblem as problem:
                self.problems.append((self.source.header_line, column, str(problem)))
        if len(self.problems) > len(self.source.problems):
            return self._result(list(fmt.columns), [], [])
        where = {column: i for i, column in enumerate(outputs)}
        id_at = where.get(fmt.id_column)
        derive_from = [(where[part], positions.get(looked_up.get(part, part))) for part in derive]
        pair_at, cohort_at = where.get("pair_id"), where.get("cohort_id")
        participant_at, submitted_at = where.get("participant_id"), where.get("submitted_on")
        rows: list[list[str]] = []
        lines: list[int] = []
        template = [constant_values.get(column, "") for column in outputs]
        steps = [
            (column, where[column], index, convert_value)
            for column, index, convert_value in plan
            if index is not None
        ]
        required = fmt.required_columns
        raw_parts = _raw_parts(derive, looked_up)
        prefix = fmt.id_column.split("_")[0][:1].upper() + "-"
        source_rows = self.source.rows
        #: (person, day) → (pair, cohort), or why the answer cannot be placed
        placements: dict[tuple[str, str], tuple[str, str] | str] = {}
        for cells, line in zip(source_rows, self.source.lines, strict=True):
            out = template.copy()
            width = len(cells)
            for column, out_at, index, convert_value in steps:
                if index >= width or not (raw := cells[index].strip()):
                    continue
                try:
                    out[out_at] = convert_value(raw)
                except ConvertProblem as problem:
                    # reported here, left blank for the check (which would say "required")
                    self.problems.append((line, column, str(problem)))
                    if column in required:
                        self.blanked.add((line, column))
            if place and out[participant_at] and out[submitted_at]:
                where_key = (out[participant_at], out[submitted_at])
                placed = placements.get(where_key)
                if placed is None:
                    try:
                        placed = _place(pairs, *where_key)
                    except ConvertProblem as problem:
                        placed = str(problem)
                    placements[where_key] = placed
                if isinstance(placed, str):
                    self.problems.append((line, "pair_id", placed))
                else:
                    pair, cohort = placed
                    out[pair_at] = pair
                    if cohort_at is not None and not out[cohort_at]:
                        out[cohort_at] = cohort
            if id_at is not None and derive:
                texts = [
                    out[out_at]
                    if out[out_at] and not part_source_is_raw
                    else (
                        cells[source].strip() if source is not None and source < len(cells) else ""
                    )
                    for (out_at, source), part_source_is_raw in zip(
                        derive_from, raw_parts, strict=True
                    )
                ]
                if all(texts):
                    known = known_ids.get(texts[0].lower()) if known_ids else None
                    out[id_at] = known or derived_id(prefix, texts)
            rows.append(out)
            lines.append(line)
        if id_at is not None:
            outputs = self._keep_from_store(outputs, rows, id_at)
        return self._result(outputs, rows, lines)

    def _keep_from_store(self, outputs: list[str], rows: list[list[str]], id_at: int) -> list[str]:
        """Fill the fields the mapping does not give from the store, for records already there.

        An import replaces whole records; a file that holds only some fields (an HR report has
        no skills) must not blank the others of the people it updates. New records get the
        format's defaults, as in any import.
        """
        fmt = self.fmt
        kept = [column for column in fmt.columns if column not in outputs]
        if not kept or not rows:
            return outputs
        table = fmt.table.__table__  # type: ignore[attr-defined]
        id_column = table.c[fmt.id_column]
        stored: dict[str, tuple[object, ...]] = {}
        ids = sorted({row[id_at] for row in rows if row[id_at]})
        with self.engine.connect() as connection:
            if connection.execute(select(id_column).limit(1)).first() is None:
                return outputs  # an empty table keeps nothing
            for start in range(0, len(ids), _ID_BATCH):
                query = select(id_column, *(table.c[c] for c in kept)).where(
                    id_column.in_(ids[start : start + _ID_BATCH])
                )
                stored.update(
                    (record[0], tuple(record[1:])) for record in connection.execute(query)
                )
        if not stored:
            return outputs
        blank = [""] * len(kept)
        for row in rows:
            found = stored.get(row[id_at])
            row.extend(_stored_text(value) for value in found) if found else row.extend(blank)
        for column in kept:
            self.shown_as.setdefault(column, f"{column} (kept from the store)")
        return outputs + kept

    def _result(self, outputs: list[str], rows: list[list[str]], lines: list[int]) -> Converted:
        table = RawTable(
            name=self.fmt.name,
            label=self.source.label,
            header=outputs,
            header_line=self.source.header_line,
            rows=rows,
            lines=lines,
            problems=self.problems,
        )
        return Converted(table=table, shown_as=self.shown_as, blanked=self.blanked)

    # -- converters --------------------------------------------------------------------------
    def _value_converter(self, column: str) -> Callable[[str], str]:
        fmt = self.fmt
        words = self.mapping.values.get(column, {})
        exact = dict(words)
        loose = {registry.normalise(word): value for word, value in words.items()}
        kind, _ = fmt._column_types[column]
        allowed = fmt.allowed_values(column)
        low, high = fmt.bounds(column) if kind in (int, date) else (None, None)
        cache: dict[str, str] = {}
        date_format = self.mapping.date_format

        def mapped(raw: str) -> str | None:
            if raw in exact:
                return exact[raw]
            return loose.get(registry.normalise(raw))

        if kind is date and not words and not _TIME_CODES.search(date_format or ""):
            # a timestamp column: every cell differs, its date does not; parse each date once
            def convert_date(raw: str) -> str:
                day = _TIME_OF_DAY.split(raw, maxsplit=1)[0]
                if day not in cache:
                    try:
                        cache[day] = parse_date(day, date_format)
                    except ConvertProblem:
                        return parse_date(raw, date_format)  # the problem names the whole cell
                return cache[day]

            return convert_date

        def convert_value(raw: str) -> str:
            if raw in cache:
                return cache[raw]
            value = mapped(raw)
            if value is None:
                value = _builtin(column, raw, kind, allowed, low, high, date_format)
            elif kind is date:
                value = parse_date(value, date_format)
            cache[raw] = value
            return value

        return convert_value

    def _email_converter(self, emails: dict[str, str]) -> Callable[[str], str]:
        own_email = self.fmt.name == "participants"

        def convert_email(raw: str) -> str:
            if own_email:
                return raw
            found = emails.get(raw.lower())
            if found is None:
                raise ConvertProblem(
                    f"no participant has the e-mail {raw!r}; import the people first (or "
                    "correct the address)"
                )
            return found

        return convert_email

    # -- the store ---------------------------------------------------------------------------
    def _emails(self) -> dict[str, str]:
        with self.engine.connect() as connection:
            query = select(Participant.email, Participant.participant_id)
            return {email.strip().lower(): pid for email, pid in connection.execute(query) if email}

    def _pairs(self) -> dict[str, list[tuple[date, date | None, str, str]]]:
        by_person: dict[str, list[tuple[date, date | None, str, str]]] = {}
        query = select(
            Pair.pair_id,
            Pair.cohort_id,
            Pair.mentor_id,
            Pair.mentee_id,
            Pair.started_on,
            Pair.ended_on,
        )
        with self.engine.connect() as connection:
            for pair, cohort, mentor, mentee, started, ended in connection.execute(query):
                for person in (mentor, mentee):
                    by_person.setdefault(person, []).append((started, ended, pair, cohort))
        return by_person


def _stored_text(value: object) -> str:
    """A stored value as the text of an import cell (guarded as an export guards text)."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return escape_cell(value)
    return str(value)


def _raw_parts(derive: tuple[str, ...], looked_up: dict[str, str]) -> list[bool]:
    """Which parts of a derived id are read as the source's text (dates keep their time);
    ids found by e-mail are taken as found."""
    return [part not in looked_up and not part.endswith("_id") for part in derive]


def derived_id(prefix: str, texts: list[str]) -> str:
    """A stable id from the texts that identify a record (the same texts give the same id)."""
    key = "\x1f".join(texts).lower()
    return prefix + hashlib.sha256(key.encode()).hexdigest()[:12].upper()


def _place(
    pairs: dict[str, list[tuple[date, date | None, str, str]]], person: str, day_text: str
) -> tuple[str, str]:
    """The pair (and its cohort) `person` was in on the day; a problem when none or several."""
    day = date.fromisoformat(day_text)
    active = [
        (pair, cohort)
        for started, ended, pair, cohort in pairs.get(person, [])
        if started <= day and (ended is None or day <= ended)
    ]
    if len(active) == 1:
        return active[0]
    if not active:
        raise ConvertProblem(
            f"cannot be placed: participant {person!r} was in no pair on {day_text}; add a "
            "pair_id column or correct the date"
        )
    names = ", ".join(sorted(pair for pair, _ in active))
    raise ConvertProblem(
        f"cannot be placed: participant {person!r} was in {len(active)} pairs on {day_text} "
        f"({names}); add a pair_id column"
    )


def _builtin(
    column: str,
    raw: str,
    kind: object,
    allowed: tuple[str, ...],
    low: object,
    high: object,
    date_format: str | None,
) -> str:
    """A value no [values] table names: dates parsed, answer and status words known in English."""
    if kind is date:
        return parse_date(raw, date_format)
    if allowed:
        if raw in allowed:
            return raw
        word = registry.ENUM_WORDS.get(column, {}).get(registry.normalise(raw))
        if word in allowed:
            return word
        raise ConvertProblem(
            f"{raw!r} is not one of {', '.join(allowed)}; map the word under [values.{column}]"
        )
    if kind is int:
        text = raw.removesuffix(".0")
        if text.lstrip("-").isdigit():
            return text
        if (low, high) == (1, 5) and (number := registry.LIKERT_5.get(registry.normalise(raw))):
            return str(number)
        if (low, high) == (0, 10) and (number := registry.nps_number(raw)) is not None:
            return str(number)
        leading = registry.nps_number(raw)
        if leading is not None and (low, high) == (1, 5):
            return str(leading)
        raise ConvertProblem(
            f"{raw!r} is not an answer PairPulse knows for a number from {low} to {high}; map "
            f"the word under [values.{column}]"
        )
    return raw


def parse_date(text: str, date_format: str | None) -> str:
    """A date cell as ISO text: with `date_format` (strftime) when given, a timestamp keeping
    its date; without one, ISO, worded and unambiguous day/month dates only."""
    text = text.strip()
    if date_format:
        for candidate in (text, re.split(r"[ T]", text, maxsplit=1)[0]):
            try:
                return datetime.strptime(candidate, date_format).date().isoformat()
            except ValueError:
                continue
        example = date(2026, 4, 3).strftime(date_format)
        raise ConvertProblem(
            f"{text!r} is not a date in the mapping's date format {date_format} (like {example})"
        )
    if match := _ISO.match(text):
        year, month, day = map(int, match.groups())
        return _iso(text, year, month, day)
    if match := _NUMERIC.match(text):
        first, second, year_text = match.groups()
        a, b = int(first), int(second)
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        if a > 12 >= b:
            return _iso(text, year, b, a)
        if b > 12 >= a or a == b:
            return _iso(text, year, a, b)
        raise ConvertProblem(
            f"{text!r} is ambiguous: day {a} of month {b}, or month {a} day {b}? Choose the date "
            'format (date_format = "%d/%m/%Y" or "%m/%d/%Y")'
        )
    head = re.split(r"\s\d{1,2}:", text, maxsplit=1)[0].strip()
    for pattern in _WORDY_FORMATS:
        try:
            return datetime.strptime(head, pattern).date().isoformat()
        except ValueError:
            continue
    raise ConvertProblem(f"{text!r} is not a date PairPulse can read; choose the date format")


def _iso(text: str, year: int, month: int, day: int) -> str:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        raise ConvertProblem(f"{text!r} is not a real date") from None


def guess_date_format(samples: list[str]) -> str | None:
    """The numeric date format a column's samples show (`%d/%m/%Y` when a first part is over
    12, `%m/%d/%Y` when a second is), or None when ISO or undecidable."""
    day_first = month_first = False
    separator, long_year = "/", True
    for text in samples:
        match = _NUMERIC.match(text.strip())
        if not match:
            continue
        first, second, year = match.groups()
        separator = text.strip()[len(first)]
        long_year = len(year) == 4
        day_first |= int(first) > 12
        month_first |= int(second) > 12
    year_code = "%Y" if long_year else "%y"
    if day_first and not month_first:
        return f"%d{separator}%m{separator}{year_code}"
    if month_first and not day_first:
        return f"%m{separator}%d{separator}{year_code}"
    return None
