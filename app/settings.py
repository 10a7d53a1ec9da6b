"""The program's settings: metric weights and thresholds, the stall factor, the anonymity rule.

Defaults: see docs/metrics.md; program managers change them on the Data screen, and they are kept in
the store (`data_access.settings_store`). Every screen, the PDF and the CLI read them through
`load_settings`, so one change applies everywhere.
"""

import os
from datetime import date
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import Engine

from app.health import (
    DEFAULT_HEALTHY_FROM,
    DEFAULT_TOO_EARLY_DAYS,
    DEFAULT_WATCH_FROM,
    DEFAULT_WEIGHTS,
    HealthSettings,
)
from app.metrics import DEFAULT_STALL_FACTOR
from app.reminders import DEFAULT_FIRST_MEETING_DAYS, DEFAULT_PULSE_EVERY_DAYS, ReminderSettings
from data_access.settings_store import store_settings, stored_settings

AS_OF_ENV = "PAIRPULSE_AS_OF"


def default_as_of() -> date:
    """The default as-of date: `PAIRPULSE_AS_OF` (ISO date) if set, else today.

    Raises ValueError, naming the variable, when it is set but not an ISO date.
    """
    value = os.environ.get(AS_OF_ENV, "").strip()
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"{AS_OF_ENV}={value!r} is not an ISO date (YYYY-MM-DD)") from error


class ProgramSettings(BaseModel):
    """Every setting, validated: a value out of range is refused with a ValidationError."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    stall_factor: float = Field(
        DEFAULT_STALL_FACTOR,
        ge=1.1,
        le=6.0,
        description="A pair is stalled after this many target cadences.",
    )
    weight_meetings: float = Field(
        DEFAULT_WEIGHTS["meetings"], ge=0.0, le=1.0, description="Health weight: meetings."
    )
    weight_goals: float = Field(
        DEFAULT_WEIGHTS["goals"], ge=0.0, le=1.0, description="Health weight: goals."
    )
    weight_sentiment: float = Field(
        DEFAULT_WEIGHTS["sentiment"], ge=0.0, le=1.0, description="Health weight: sentiment."
    )
    healthy_from: int = Field(
        DEFAULT_HEALTHY_FROM, ge=1, le=100, description="Lowest score that is Healthy."
    )
    watch_from: int = Field(
        DEFAULT_WATCH_FROM, ge=0, le=99, description="Lowest score that is Watch."
    )
    too_early_days: int = Field(
        DEFAULT_TOO_EARLY_DAYS,
        ge=0,
        le=120,
        description="Pairs younger than this many days are Too early.",
    )
    min_respondents: int = Field(
        5, ge=3, le=10, description="Survey groups smaller than this are not shown."
    )
    min_comment_group: int = Field(
        10, ge=3, le=100, description="Comments only for groups at least this large."
    )
    target_healthy: int = Field(
        60, ge=0, le=100, description="Target: % of active pairs that are Healthy."
    )
    target_on_cadence: int = Field(
        70, ge=0, le=100, description="Target: % of active pairs on cadence."
    )
    target_goal_completion: int = Field(50, ge=0, le=100, description="Target: % of goals done.")
    reminder_first_meeting_days: int = Field(
        DEFAULT_FIRST_MEETING_DAYS,
        ge=1,
        le=120,
        description="Reminder: no first meeting this many days after the pair started.",
    )
    reminder_pulse_days: int = Field(
        DEFAULT_PULSE_EVERY_DAYS,
        ge=14,
        le=365,
        description="Reminder: a pulse survey every this many days of an active pair.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.watch_from >= self.healthy_from:
            raise ValueError("the Watch threshold must be below the Healthy threshold")
        if self.weight_meetings + self.weight_goals + self.weight_sentiment <= 0:
            raise ValueError("at least one health weight must be above zero")
        if self.min_comment_group < self.min_respondents:
            raise ValueError("the comment threshold cannot be below the minimum group size")
        return self

    def reminders(self) -> ReminderSettings:
        """The settings the reminder rules use (`app.reminders`)."""
        return ReminderSettings(
            first_meeting_days=self.reminder_first_meeting_days,
            pulse_every_days=self.reminder_pulse_days,
            stall_factor=self.stall_factor,
        )

    def health(self) -> HealthSettings:
        """The settings the health score uses."""
        return HealthSettings(
            weights={
                "meetings": self.weight_meetings,
                "goals": self.weight_goals,
                "sentiment": self.weight_sentiment,
            },
            healthy_from=float(self.healthy_from),
            watch_from=float(self.watch_from),
            too_early_days=self.too_early_days,
            stall_factor=self.stall_factor,
        )


def load_settings(engine: Engine) -> ProgramSettings:
    """The program's settings: the stored values over the defaults."""
    return ProgramSettings.model_validate(stored_settings(engine))


def save_settings(engine: Engine, settings: ProgramSettings, *, actor: str) -> None:
    """Store every setting (validated already by `ProgramSettings`) and audit who changed them."""
    store_settings(engine, settings.model_dump(), actor=actor)
