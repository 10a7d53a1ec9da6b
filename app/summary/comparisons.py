"""Cadence adherence of the active pairs, and mentors against mentees and cohorts against cohorts
at the same stage, under the anonymity rule."""

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from app import metrics
from app.health import HEALTHY
from app.privacy import (
    ALL,
    AnonymitySettings,
)
from app.summary.kpi_figures import Snapshot, _cohort_table, _role_table

#: A pair is on cadence when it held at least this share of its expected meetings.
ON_CADENCE_FROM = 0.8
#: Cadence adherence bins for the distribution: (lowest share, label), lowest first.
ADHERENCE_BINS = ((0.0, "Under 40 %"), (0.4, "40–79 %"), (ON_CADENCE_FROM, "80 % or more"))
#: A cohort's stage on the as-of date: the weeks since its start (up to and including the
#: number), then `LATER`; `FINISHED` once its end date has passed. Cohorts are compared only
#: with cohorts at the same stage.
STAGE_WEEKS = ((12, "Weeks 1–12"), (26, "Weeks 13–26"), (52, "Weeks 27–52"))
LATER = "Over a year"
FINISHED = "Finished"
NOT_STARTED = "Not started"


@dataclass(frozen=True)
class CadenceAdherence:
    """How regularly the active pairs meet: `mean` adherence, how many of the `measured` pairs
    are `on_cadence` (≥ `ON_CADENCE_FROM` of expected meetings), and pairs per bin."""

    active: int
    measured: int
    on_cadence: int
    mean: float
    bins: dict[str, int]

    @property
    def share_on_cadence(self) -> float:
        """On-cadence pairs ÷ measured active pairs; NaN when none is measured yet."""
        return self.on_cadence / self.measured if self.measured else float("nan")


def _active(health: pd.DataFrame) -> pd.DataFrame:
    return health[health["status"] == metrics.ACTIVE]


def adherence_distribution(health: pd.DataFrame) -> CadenceAdherence:
    """Cadence adherence of the active pairs of `health` (`program_health`): mean, how many meet
    at least `ON_CADENCE_FROM` of their expected meetings, and how many fall in each bin."""
    adherence = _active(health)["cadence_adherence"].dropna()
    edges = [lowest for lowest, _ in ADHERENCE_BINS]
    position = np.searchsorted(edges, adherence.to_numpy(), side="right") - 1
    return CadenceAdherence(
        active=len(_active(health)),
        measured=len(adherence),
        on_cadence=int((adherence >= ON_CADENCE_FROM).sum()),
        mean=float(adherence.mean()) if len(adherence) else float("nan"),
        bins={
            label: int((position == index).sum()) for index, (_, label) in enumerate(ADHERENCE_BINS)
        },
    )


def role_comparison(
    snapshot: Snapshot, cohort_ids: tuple[str, ...], rule: AnonymitySettings
) -> pd.DataFrame:
    """Satisfaction and NPS of mentors and mentees (and of respondents of no known role) over
    the chosen cohorts, under the anonymity rule. Columns: role, respondents, satisfaction, nps,
    note ("" when shown)."""
    table = _role_table(snapshot, cohort_ids, rule)
    table = table[table["group"] != ALL]
    return pd.DataFrame(
        {
            "role": table["group"].str.capitalize(),
            "respondents": table["respondents"],
            "satisfaction": table["satisfaction"].astype(float),
            "nps": table["nps"].astype(float),
            "note": table["note"],
        }
    ).reset_index(drop=True)


def cohort_stage(start: date, end: date | None, as_of: date) -> str:
    """Where a cohort stands on `as_of`: `FINISHED` after its end date, `NOT_STARTED` before
    its start, else its band of weeks since the start (`STAGE_WEEKS`, then `LATER`)."""
    if pd.notna(end) and pd.Timestamp(end).date() < as_of:
        return FINISHED
    days = (as_of - pd.Timestamp(start).date()).days
    if days < 0:
        return NOT_STARTED
    week = days // 7 + 1
    return next((label for last, label in STAGE_WEEKS if week <= last), LATER)


def cohort_comparison(snapshot: Snapshot, rule: AnonymitySettings) -> pd.DataFrame:
    """One row per cohort of `snapshot.program`, oldest first: its stage (`cohort_stage`),
    active pairs, stalled pairs, share
    of active pairs that are Healthy, mean cadence adherence of active pairs, goal completion,
    and satisfaction and NPS of the responses given in the cohort, taken from the whole
    program's breakdown by cohort under the anonymity rule (`survey_note` says why a figure is
    withheld) with the respondents they are over (`survey_respondents`, NA when not shown).
    Shares are NaN when there is nothing to measure."""
    program = snapshot.program
    active = _active(snapshot.health)
    goals = metrics.goals_as_of(program.goals, as_of=program.as_of)
    goals = goals.join(program.pairs.set_index("pair_id")["cohort_id"], on="pair_id")
    surveys = _cohort_table(snapshot.whole, rule)
    # Each cohort's pairs and goals from one grouping, not one scan per cohort.
    pairs_of = dict(tuple(active.groupby("cohort_id", sort=False)))
    goals_of = dict(tuple(goals.groupby("cohort_id", sort=False)))
    rows = []
    for cohort in program.cohorts.sort_values(["start_date", "cohort_id"]).itertuples():
        pairs = pairs_of.get(cohort.cohort_id, active.iloc[:0])
        survey = surveys.loc[cohort.cohort_id] if cohort.cohort_id in surveys.index else None
        rows.append(
            {
                "cohort_id": cohort.cohort_id,
                "cohort": cohort.name,
                "stage": cohort_stage(cohort.start_date, cohort.end_date, program.as_of),
                "active_pairs": len(pairs),
                "stalled_pairs": int(pairs["stalled"].sum()),
                "share_healthy": (pairs["band"] == HEALTHY).mean() if len(pairs) else np.nan,
                "cadence_adherence": pairs["cadence_adherence"].mean(),
                "goal_completion": metrics.goal_completion(
                    goals_of.get(cohort.cohort_id, goals.iloc[:0])
                ),
                "satisfaction": np.nan if survey is None else float(survey["satisfaction"]),
                "nps": np.nan if survey is None else float(survey["nps"]),
                "survey_respondents": pd.NA if survey is None else survey["respondents"],
                "survey_note": "no responses yet" if survey is None else _survey_note(survey),
            }
        )
    columns = [
        "cohort_id",
        "cohort",
        "stage",
        "active_pairs",
        "stalled_pairs",
        "share_healthy",
        "cadence_adherence",
        "goal_completion",
        "satisfaction",
        "nps",
        "survey_respondents",
        "survey_note",
    ]
    return pd.DataFrame(rows, columns=columns).astype({"survey_respondents": "Int64"})


def survey_figure_text(value: float, note: str | None, form: str) -> str:
    """A cohort's survey figure as text (screen and PDF alike): the value in `form`, else
    "hidden" when the anonymity rule withheld it (its note says so), else "—" (no answers)."""
    if pd.notna(value):
        return form.format(value)
    return "hidden" if "hidden" in (note or "") else "—"


def _survey_note(row: pd.Series) -> str:
    """A cohort row's note, or that it has no answers to show."""
    if row["note"] or row["shown"]:
        return str(row["note"])
    return "no responses yet"
