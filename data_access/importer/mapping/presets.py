"""The mappings shipped with PairPulse for files programs already have (`presets/*.toml`)."""

from pathlib import Path

from data_access.importer.mapping.spec import Mapping, MappingError

PRESET_FOLDER = Path(__file__).parent / "presets"


def preset_names() -> list[str]:
    """The shipped presets' file stems (`google_forms_pulse`…), sorted."""
    return sorted(path.stem for path in PRESET_FOLDER.glob("*.toml"))


def preset(stem: str) -> Mapping:
    """One shipped preset by its file stem."""
    path = PRESET_FOLDER / f"{stem}.toml"
    if not path.is_file():
        raise MappingError(f"There is no preset '{stem}' (presets: {', '.join(preset_names())}).")
    return Mapping.from_toml(path.read_text(encoding="utf-8"), f"the preset {stem}")


def presets() -> dict[str, Mapping]:
    return {stem: preset(stem) for stem in preset_names()}
