"""The summary in words: highlights and the one-line verdict against the program's targets."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from app import formats
from app.health import AT_RISK, HEALTHY
from app.settings import ProgramSettings
from app.summary.comparisons import ON_CADENCE_FROM, CadenceAdherence
from app.summary.kpi_figures import SKILL_UPLIFT, Kpi


@dataclass(frozen=True)
class Verdict:
    """The summary's one-line verdict: `on_track` (None when nothing could be measured against
    the targets) and the sentence that says why."""

    on_track: bool | None
    text: str


def highlights(
    kpi_figures: list[Kpi], bands: dict[str, int], cadence: CadenceAdherence, cohorts: pd.DataFrame
) -> list[str]:
    """A few plain sentences on what stands out, each computed from the figures given."""
    sentences = []
    active = sum(bands.values())
    if active:
        healthy = bands.get(HEALTHY, 0)
        sentences.append(
            f"{healthy / active:.0%} of active pairs are {HEALTHY} ({healthy:,} of {active:,}); "
            f"{bands.get(AT_RISK, 0):,} {AT_RISK.lower()}."
        )
        stalled = cohorts.sort_values("stalled_pairs", ascending=False, kind="stable").iloc[0]
        if stalled["stalled_pairs"]:
            sentences.append(
                f"{stalled['cohort']} has the most stalled pairs: "
                f"{stalled['stalled_pairs']:,} of {stalled['active_pairs']:,} active pairs."
            )
        else:
            sentences.append("No active pair is stalled.")
    if cadence.measured:
        sentences.append(
            f"{cadence.share_on_cadence:.0%} of active pairs ({cadence.on_cadence:,} of "
            f"{cadence.measured:,}) held at least {ON_CADENCE_FROM:.0%} of their expected "
            "meetings over the last 90 days."
        )
    uplift = next(kpi for kpi in kpi_figures if kpi.label == SKILL_UPLIFT)
    if not uplift.hidden and pd.notna(uplift.current.value):
        sentences.append(
            f"Skill uplift {uplift.current.formatted()} points from baseline to exit "
            f"(mentees' digital confidence, 1–5; {uplift.respondents_text()})."
        )
    sentences.extend(_goal_completion_by_stage(cohorts))
    return sentences


def _goal_completion_by_stage(cohorts: pd.DataFrame) -> list[str]:
    """Goal completion compared between cohorts at the same stage only (a finished pilot is
    not ahead of an intake two weeks old); "too early to compare" when no two are."""
    completion = cohorts.dropna(subset=["goal_completion"])
    if len(completion) < 2:
        return []
    sentences = []
    for stage, group in completion.groupby("stage", sort=False):
        if len(group) < 2:
            continue
        best = group.loc[group["goal_completion"].idxmax()]
        worst = group.loc[group["goal_completion"].idxmin()]
        if best["goal_completion"] > worst["goal_completion"]:
            sentences.append(
                f"Among cohorts at stage {stage.lower()}, {best['cohort']} leads goal completion "
                f"at {formats.percent(best['goal_completion'])}; {worst['cohort']} is lowest at "
                f"{formats.percent(worst['goal_completion'])}."
            )
    if not sentences and completion["stage"].nunique() == len(completion):
        sentences.append(
            "Goal completion is not compared between cohorts: no two are at the same stage "
            "yet, so it is too early to compare."
        )
    return sentences


#: The verdict's figures: (label, setting holding its target in %).
TARGETS = (
    ("Healthy pairs", "target_healthy"),
    ("Pairs on cadence", "target_on_cadence"),
    ("Goal completion", "target_goal_completion"),
)


def verdict(
    kpi_figures: list[Kpi],
    bands: dict[str, int],
    cadence: CadenceAdherence,
    settings: ProgramSettings,
) -> Verdict:
    """On track when every figure of `TARGETS` that can be measured reaches its target (a
    setting); off track when one falls short, naming it. No verdict when nothing is measured."""
    active = sum(bands.values())
    completion = next(kpi for kpi in kpi_figures if kpi.label == "Goal completion").current.value
    figures = {
        "Healthy pairs": bands.get(HEALTHY, 0) / active if active else np.nan,
        "Pairs on cadence": cadence.share_on_cadence,
        "Goal completion": completion,
    }
    below, met = [], []
    for label, setting in TARGETS:
        value, target = figures[label], getattr(settings, setting) / 100
        if pd.isna(value):
            continue
        text = f"{label.lower()} {formats.percent(value)} (target {formats.percent(target)})"
        (met if value >= target else below).append(text)
    if not below and not met:
        return Verdict(None, "No verdict yet: nothing to measure against the targets.")
    if below:
        also = f"; on target: {', '.join(met)}" if met else ""
        return Verdict(False, f"Off track — below target: {', '.join(below)}{also}.")
    return Verdict(True, f"On track — every target met: {', '.join(met)}.")
