"""The program's headline figures as of a date: what `python -m app report` prints and what the
executive summary shows. Built only from `app.metrics` and `app.health`."""

from dataclasses import dataclass

import pandas as pd

from app import metrics
from app.health import BANDS, pair_activity, pair_health, pair_health_from_rows
from app.privacy import published_through
from app.settings import ProgramSettings
from data_access.health_inputs import ActivityInputs, HealthInputs
from data_access.queries import ProgramFrames


@dataclass(frozen=True)
class Headline:
    """One headline figure: a label, its value (NaN when there is nothing to measure), a unit."""

    label: str
    value: float
    unit: str = ""

    def formatted(self) -> str:
        """The value as a person reads it ("74 %", "+16", "3.9 / 5", "—" when unknown)."""
        if pd.isna(self.value):
            return "—"
        if self.unit == "%":
            return f"{self.value:.0%}"
        if self.unit == "nps":
            return f"{self.value:+.0f}"
        if self.unit == "/5":
            return f"{self.value:.1f} / 5"
        if self.unit == "points":
            return f"{self.value:+.1f}"
        return f"{self.value:,.0f}"


def program_health(program: ProgramFrames, settings: ProgramSettings) -> pd.DataFrame:
    """`app.health.pair_health_from_rows` for every pair of `program`, with the program's
    settings: the reference `store_health` is tested against, for frames already in memory."""
    return pair_health_from_rows(
        program.pairs,
        program.meeting_stats,
        program.goals,
        program.surveys,
        program.cohorts,
        as_of=program.as_of,
        settings=settings.health(),
    )


def store_health(inputs: HealthInputs, settings: ProgramSettings) -> pd.DataFrame:
    """`app.health.pair_health` of the per-pair aggregates that
    `data_access.health_inputs.load_health_inputs` reads, with the program's settings: what every
    screen, the PDF and the CLI show."""
    return pair_health(
        inputs.pairs,
        inputs.meeting_stats,
        inputs.goal_counts,
        inputs.sentiment,
        inputs.cohorts,
        as_of=inputs.as_of,
        settings=settings.health(),
    )


def store_activity(inputs: ActivityInputs, settings: ProgramSettings) -> pd.DataFrame:
    """`app.health.pair_activity` from what `data_access.health_inputs.load_activity_inputs` reads:
    the columns of `store_health` up to `stalled`, the same values."""
    return pair_activity(
        inputs.pairs,
        inputs.meeting_stats,
        inputs.cohorts,
        as_of=inputs.as_of,
        settings=settings.health(),
    )


def headline_figures(program: ProgramFrames, health: pd.DataFrame) -> list[Headline]:
    """The headline figures of `program` on its as-of date, in reading order; `health` is its
    `program_health`, or only its `pair_activity` columns, which are all these figures read.
    Satisfaction is the mean of every response's 1–5 answer."""
    as_of = program.as_of
    people = metrics.enrolled(program.participants, as_of=as_of)
    pairs = metrics.pairs_as_of(program.pairs, as_of=as_of)
    active = health[health["status"] == metrics.ACTIVE]
    goals = metrics.goals_as_of(program.goals, as_of=as_of)
    # Survey figures count complete months only, as every survey figure (app.privacy).
    surveys = metrics.responses_as_of(program.surveys, as_of=published_through(as_of))
    return [
        Headline("Enrolled mentors", float((people["role"] == "mentor").sum())),
        Headline("Enrolled mentees", float((people["role"] == "mentee").sum())),
        Headline("Active pairs", float(len(active))),
        Headline("Match rate", metrics.match_rate(program.participants, pairs, as_of=as_of), "%"),
        Headline("Stalled pairs", float(active["stalled"].sum())),
        Headline("Cadence adherence (active pairs)", active["cadence_adherence"].mean(), "%"),
        Headline("Goal completion", metrics.goal_completion(goals), "%"),
        Headline("Overdue goals", float(metrics.overdue(goals, as_of=as_of).sum())),
        Headline(
            "Skill uplift (digital confidence)",
            metrics.skill_uplift(surveys, program.participants),
            "points",
        ),
        Headline("Satisfaction", surveys["satisfaction"].mean(), "/5"),
        Headline("NPS", metrics.net_promoter_score(surveys["nps"]), "nps"),
        Headline("Retention", metrics.retention(program.participants, as_of=as_of), "%"),
    ]


def band_counts(health: pd.DataFrame) -> dict[str, int]:
    """How many active pairs fall in each health band, in band order."""
    active = health[health["status"] == metrics.ACTIVE]
    counts = active["band"].value_counts()
    return {band: int(counts.get(band, 0)) for band in BANDS}
