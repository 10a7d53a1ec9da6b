"""Importing another program's file through a mapping ("bring your own spreadsheet").

A mapping (`spec.Mapping`, a TOML file) says what one CSV or XLSX sheet holds (`kind`: one of
the import files) and where each field comes from: a source column, a constant, a table of
answer words, a date format, an e-mail that finds a participant, or a stable id derived from
the row. `source.read_source` reads the file (UTF-8 with or without BOM, UTF-16, cp1252; one
sheet of a workbook); `convert.run_mapped_import` turns it into the rows of that import file and
hands them to `run_import`, the importer's one check-and-write path, so a mapped import is all
or nothing and names every problem by the SOURCE file's line and header. `suggest` proposes a
mapping from the header (rapidfuzz), `presets` holds the shipped ones, `saved` keeps mappings by
name in the store. The fields of each kind, and how to add a kind: `fields`.
"""

from data_access.importer.mapping.convert import convert, parse_date, run_mapped_import
from data_access.importer.mapping.presets import preset, preset_names, presets
from data_access.importer.mapping.saved import (
    SavedMapping,
    delete_mapping,
    header_key,
    save_mapping,
    saved_mapping,
    saved_mappings,
)
from data_access.importer.mapping.source import decode, read_source, sheet_names
from data_access.importer.mapping.spec import Mapping, MappingError
from data_access.importer.mapping.suggest import suggest_columns, suggest_kind, suggest_mapping

__all__ = [
    "Mapping",
    "MappingError",
    "SavedMapping",
    "delete_mapping",
    "header_key",
    "save_mapping",
    "saved_mapping",
    "saved_mappings",
    "convert",
    "decode",
    "parse_date",
    "preset",
    "preset_names",
    "presets",
    "read_source",
    "run_mapped_import",
    "sheet_names",
    "suggest_columns",
    "suggest_kind",
    "suggest_mapping",
]
