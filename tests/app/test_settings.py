"""Program settings: defaults, stored values, refusal of values out of range, the as-of default."""

from datetime import date

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine, func, select

from app.settings import ProgramSettings, default_as_of, load_settings, save_settings
from data_access.models import AuditLog


def test_an_empty_store_has_the_documented_defaults(engine: Engine) -> None:
    settings = load_settings(engine)
    assert settings == ProgramSettings()
    assert (settings.stall_factor, settings.healthy_from, settings.watch_from) == (2.0, 70, 40)
    assert settings.min_respondents == 5 and settings.min_comment_group == 10
    assert settings.health().weights == {"meetings": 0.5, "goals": 0.25, "sentiment": 0.25}


def test_saved_settings_come_back_and_are_audited(engine: Engine) -> None:
    changed = ProgramSettings(stall_factor=3.0, min_respondents=7, weight_goals=0.0)
    save_settings(engine, changed, actor="pm@example.com")
    assert load_settings(engine) == changed
    save_settings(engine, changed.model_copy(update={"min_respondents": 3}), actor="pm@example.com")
    assert load_settings(engine).min_respondents == 3
    with engine.connect() as connection:
        audits = connection.execute(
            select(func.count()).select_from(AuditLog).where(AuditLog.action == "settings")
        ).scalar_one()
    assert audits == 2


@pytest.mark.parametrize(
    "values",
    [
        {"min_respondents": 2},
        {"min_respondents": 11},
        {"watch_from": 70, "healthy_from": 70},
        {"weight_meetings": 0, "weight_goals": 0, "weight_sentiment": 0},
        {"stall_factor": 1.0},
        {"min_respondents": 8, "min_comment_group": 6},
    ],
)
def test_values_out_of_range_are_refused(values: dict) -> None:
    with pytest.raises(ValidationError):
        ProgramSettings(**values)


@pytest.mark.parametrize("minimum", [3, 10])
def test_the_anonymity_minimum_accepts_3_to_10(minimum: int) -> None:
    assert ProgramSettings(min_respondents=minimum).min_respondents == minimum


def test_the_as_of_default_is_today_or_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAIRPULSE_AS_OF", raising=False)
    assert default_as_of() == date.today()
    monkeypatch.setenv("PAIRPULSE_AS_OF", "2025-06-30")
    assert default_as_of() == date(2025, 6, 30)
    monkeypatch.setenv("PAIRPULSE_AS_OF", "30/06/2025")
    with pytest.raises(ValueError, match="PAIRPULSE_AS_OF"):
        default_as_of()
