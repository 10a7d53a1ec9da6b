"""Mappings saved by name in the store, offered again for a file with the same headers."""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, insert, select

from data_access.importer.mapping import fields as registry
from data_access.importer.mapping.presets import preset, preset_names
from data_access.importer.mapping.spec import Mapping, MappingError
from data_access.models import ImportMapping

MAX_NAME_LENGTH = 120


@dataclass(frozen=True)
class SavedMapping:
    name: str
    mapping: Mapping
    saved_at: datetime
    saved_by: str


def header_key(header: list[str]) -> str:
    """What identifies a file's header: its non-blank cells, normalised, in order."""
    cells = [registry.normalise(cell) for cell in header if cell.strip()]
    return hashlib.sha256("\x1f".join(cells).encode()).hexdigest()


def save_mapping(
    engine: Engine, name: str, mapping: Mapping, header: list[str], actor: str
) -> SavedMapping:
    """Save (or replace) `mapping` under `name`, for files with `header`."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH or "\x00" in name:
        raise MappingError(f"A mapping's name must be 1 to {MAX_NAME_LENGTH} characters.")
    mapping.name = name
    saved = SavedMapping(name, mapping, datetime.now(UTC), actor)
    with engine.begin() as connection:
        connection.execute(delete(ImportMapping).where(ImportMapping.name == name))
        connection.execute(
            insert(ImportMapping).values(
                name=name,
                kind=mapping.kind,
                header_key=header_key(header),
                mapping_toml=mapping.to_toml(),
                saved_at=saved.saved_at,
                saved_by=actor,
            )
        )
    return saved


def saved_mappings(engine: Engine, header: list[str] | None = None) -> list[SavedMapping]:
    """Every saved mapping (newest first), or those made for a file with `header`."""
    query = select(ImportMapping).order_by(ImportMapping.saved_at.desc())  # type: ignore[attr-defined]
    if header is not None:
        query = query.where(ImportMapping.header_key == header_key(header))
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return [
        SavedMapping(
            row.name,
            Mapping.from_toml(row.mapping_toml, f"the saved mapping {row.name!r}"),
            row.saved_at,
            row.saved_by,
        )
        for row in rows
    ]


def saved_mapping(engine: Engine, name: str) -> Mapping:
    """The mapping saved as `name`, else the shipped preset of that name; a plain error else."""
    with engine.connect() as connection:
        text = connection.execute(
            select(ImportMapping.mapping_toml).where(ImportMapping.name == name)
        ).scalar_one_or_none()
    if text is not None:
        return Mapping.from_toml(text, f"the saved mapping {name!r}")
    if name in preset_names():
        return preset(name)
    raise MappingError(f"No mapping is saved as {name!r} (presets: {', '.join(preset_names())}).")


def delete_mapping(engine: Engine, name: str) -> None:
    with engine.begin() as connection:
        connection.execute(delete(ImportMapping).where(ImportMapping.name == name))
