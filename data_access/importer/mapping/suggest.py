"""Suggesting a mapping from a file's header: for every field, the header that names it
(normalised names, known synonyms, then a fuzzy match with rapidfuzz), and a date format."""

from datetime import date as _date

from rapidfuzz import fuzz, process

from data_access.csv_format import FILE_FORMATS
from data_access.importer.mapping import fields as registry
from data_access.importer.mapping.convert import guess_date_format
from data_access.importer.mapping.spec import Mapping
from data_access.importer.model import RawTable

#: The lowest rapidfuzz score (0–100) at which a header is suggested for a field.
FUZZY_CUTOFF = 86


def _scores(kind: str, header: list[str]) -> list[tuple[float, str, int]]:
    """(score, field, header index) for every field and every header that could hold it."""
    normalised = [registry.normalise(cell) for cell in header]
    found = []
    for name in registry.fields(kind):
        words = registry.synonyms(kind, name)
        for index, cell in enumerate(normalised):
            if not cell:
                continue
            if cell in words:
                # its own name first, then the synonyms in the order they are listed
                score = 100.0 if cell == words[0] else 99.0 - 0.01 * words.index(cell)
            else:
                match = process.extractOne(
                    cell, words, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_CUTOFF
                )
                partial = process.extractOne(
                    cell, words[1:], scorer=fuzz.token_set_ratio, score_cutoff=95
                )
                best = max((m[1] for m in (match, partial) if m), default=0.0)
                if not best:
                    continue
                score = best - 2
            found.append((score, name, index))
    return found


def suggest_columns(
    kind: str, header: list[str], question_texts: list[str] | None = None
) -> dict[str, str]:
    """field → the source header suggested for it; each header used once, best matches first.

    A field and its e-mail look-up compete for the same header (`participant_email` wins over
    `participant_id` for an e-mail column; `email` over `participant_email` for participants).
    `question_texts` (Qualtrics' second header row) are matched too, a little below the header."""
    chosen: dict[str, str] = {}
    used: set[int] = set()
    targets = {lookup.field: lookup.target for lookup in registry.lookups(kind)}
    scores = _scores(kind, header)
    if question_texts:
        texts = [*question_texts, *[""] * (len(header) - len(question_texts))][: len(header)]
        scores += [(score - 5, name, index) for score, name, index in _scores(kind, texts)]
    for _score, name, index in sorted(scores, key=lambda s: (-s[0], s[2])):
        if name in chosen or index in used:
            continue
        if name in targets and targets[name] in chosen:
            continue
        if any(targets.get(other) == name for other in chosen):
            continue
        chosen[name] = header[index].strip()
        used.add(index)
    if kind == "participants" and "participant_email" in chosen:
        chosen["email"] = chosen.pop("participant_email")
    return {name: chosen[name] for name in registry.fields(kind) if name in chosen}


def suggest_kind(header: list[str]) -> str:
    """The kind whose fields the header names best."""
    return max(FILE_FORMATS, key=lambda kind: len(suggest_columns(kind, header)))


def suggest_mapping(table: RawTable, kind: str | None = None) -> Mapping:
    """A first mapping for `table`: the columns suggested and, when the dates show it, the
    date format; the person confirms or changes it."""
    kind = kind or suggest_kind(table.header)
    skip_rows, texts = _extra_header_rows(table)
    columns = suggest_columns(kind, table.header, texts)
    fmt = FILE_FORMATS[kind]
    date_columns = [name for name in columns if fmt._column_types.get(name, (None,))[0] is _date]
    samples: list[str] = []
    positions = {cell.strip(): index for index, cell in enumerate(table.header)}
    for name in date_columns:
        index = positions[columns[name]]
        samples += [row[index] for row in table.rows[skip_rows:500] if index < len(row)]
    return Mapping(
        kind=kind, columns=columns, date_format=guess_date_format(samples), skip_rows=skip_rows
    )


def _extra_header_rows(table: RawTable) -> tuple[int, list[str] | None]:
    """(2, the question texts) for a Qualtrics export read with its extra header rows (the
    question text, then `{"ImportId":…}` cells), else (0, None)."""
    if len(table.rows) < 2:
        return 0, None
    cells = [cell.strip() for cell in table.rows[1] if cell.strip()]
    if cells and sum(cell.startswith('{"ImportId"') for cell in cells) >= len(cells) / 2:
        return 2, list(table.rows[0])
    return 0, None
