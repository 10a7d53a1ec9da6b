"""The executive summary (docs/screens.md) as plain figures: what the screen shows and what its
PDF prints, built only from `app.metrics`, `app.health`, `app.headlines` and `app.privacy`.

Nothing here names a participant: every figure is a count, a share or a mean over a group, and
every survey figure passes the anonymity rule (docs/metrics.md). That includes the survey KPIs:
satisfaction and NPS are shown only when the "All" row of the breakdown by role shows them (so
they agree with the mentor / mentee table beside them), skill uplift only when at least
`min_respondents` mentees answered both the baseline and the exit question. With cohorts chosen,
survey figures come from the whole program's responses with `cohorts=` (`app.privacy`), so no
choice of cohorts can be subtracted from another or from the whole program; skill uplift is
withheld then too unless that "All" row shows digital confidence.
"""

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from app import formats, metrics
from app.headlines import Headline, band_counts, headline_figures
from app.health import AT_RISK, HEALTHY
from app.privacy import (
    ALL,
    BY_SUBTRACTION,
    FEWER,
    SUPPRESSED,
    AnonymitySettings,
    survey_breakdown,
    with_pair_cohorts,
)
from app.settings import ProgramSettings
from data_access.queries import ProgramFrames

#: The KPIs compare with the program this many months before the as-of date.
COMPARISON_MONTHS = 3
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
class KpiSpec:
    """Which headline figure a KPI shows, under which label, and how to read its change."""

    label: str
    headline: str
    lower_is_better: bool = False
    help: str = ""


#: The KPI row, in reading order: people first, then outcomes. `headline` is the label of the
#: figure in `app.headlines.headline_figures`.
KPI_SPECS = (
    KpiSpec("Enrolled mentors", "Enrolled mentors", help="People enrolled as mentors."),
    KpiSpec("Enrolled mentees", "Enrolled mentees", help="People enrolled as mentees."),
    KpiSpec("Active pairs", "Active pairs", help="Pairs running on the as-of date."),
    KpiSpec(
        "Match rate",
        "Match rate",
        help="Enrolled participants in an active pair ÷ enrolled participants.",
    ),
    KpiSpec(
        "Retention",
        "Retention",
        help="Share of the people enrolled 12 months earlier who have not left since.",
    ),
    KpiSpec(
        "Goal completion",
        "Goal completion",
        help="Goals done ÷ goals set, leaving out dropped goals.",
    ),
    KpiSpec(
        "Skill uplift",
        "Skill uplift (digital confidence)",
        help="Mean exit minus mean baseline digital confidence (1–5), over the mentees who "
        "answered both.",
    ),
    KpiSpec(
        "NPS",
        "NPS",
        help="Net Promoter Score of every response: % of 9–10 minus % of 0–6 (−100…100).",
    ),
    KpiSpec("Satisfaction", "Satisfaction", help="Mean satisfaction of every response (1–5)."),
    KpiSpec(
        "Stalled pairs",
        "Stalled pairs",
        lower_is_better=True,
        help="Active pairs with no meeting for more than the stall factor × their target cadence.",
    ),
)
#: The KPIs that are survey aggregates, and the question each one's respondents answered.
SURVEY_KPIS = {"Satisfaction": "satisfaction", "NPS": "nps"}
SKILL_UPLIFT = "Skill uplift"


@dataclass(frozen=True)
class Kpi:
    """One KPI: its figure now and a quarter earlier; `hidden` says why the anonymity rule
    withholds it (empty when shown)."""

    spec: KpiSpec
    current: Headline
    previous: Headline
    hidden: str = ""
    previous_hidden: str = ""
    #: For a survey KPI, the distinct people whose answers it is over (None for other KPIs).
    respondents: int | None = None

    @property
    def label(self) -> str:
        """The KPI's label on the screen and in the PDF."""
        return self.spec.label

    def value_text(self) -> str:
        """The figure as a person reads it ("40%", "+25", "—" unknown, "hidden" withheld)."""
        return SUPPRESSED if self.hidden else self.current.formatted()

    def delta(self) -> float | None:
        """Now minus a quarter earlier; None when either is unknown or withheld."""
        if self.hidden or self.previous_hidden:
            return None
        if pd.isna(self.current.value) or pd.isna(self.previous.value):
            return None
        return float(self.current.value - self.previous.value)

    def improved(self) -> bool | None:
        """Whether the change is for the better (None when there is none to judge): up, or
        down for a KPI where lower is better."""
        change = self.delta()
        if not change:
            return None
        return (change < 0) if self.spec.lower_is_better else (change > 0)

    def respondents_text(self) -> str:
        """ "over 42 respondents" for a survey KPI that is shown; else empty."""
        if self.respondents is None or self.hidden or pd.isna(self.current.value):
            return ""
        noun = "mentee" if self.label == SKILL_UPLIFT else "respondent"
        plural = "" if self.respondents == 1 else "s"
        return f"over {formats.count(self.respondents)} {noun}{plural}"

    def delta_text(self) -> str | None:
        """The change in the KPI's unit: "+5 pts" for shares, "+0.3" on 1–5, "+2" for counts."""
        change = self.delta()
        if change is None:
            return None
        unit = self.current.unit
        if unit == "%":
            return f"{change * 100:+.0f} pts"
        if unit in ("/5", "points"):
            return f"{change:+.1f}"
        return f"{change:+,.0f}"


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


@dataclass(frozen=True)
class Verdict:
    """The summary's one-line verdict: `on_track` (None when nothing could be measured against
    the targets) and the sentence that says why."""

    on_track: bool | None
    text: str


@dataclass(frozen=True)
class ExecutiveSummary:
    """Everything the executive summary shows, for one as-of date and set of cohorts."""

    as_of: date
    previous_as_of: date
    pairs: int
    kpis: list[Kpi]
    bands: dict[str, int]
    cadence: CadenceAdherence
    by_role: pd.DataFrame
    cohorts: pd.DataFrame
    highlights: list[str] = field(default_factory=list)
    min_respondents: int = 5
    verdict: Verdict = Verdict(None, "")

    def kpi(self, label: str) -> Kpi:
        """The KPI labelled `label`."""
        return next(kpi for kpi in self.kpis if kpi.label == label)


def previous_as_of(as_of: date) -> date:
    """The date the KPIs compare with: `COMPARISON_MONTHS` months before `as_of` (the last day of
    that month when it is shorter, e.g. 31 May → 28 or 29 February)."""
    return (pd.Timestamp(as_of) - pd.DateOffset(months=COMPARISON_MONTHS)).date()


def anonymity(settings: ProgramSettings) -> AnonymitySettings:
    """The anonymity rule's thresholds from the program's settings."""
    return AnonymitySettings(
        min_respondents=settings.min_respondents, min_comment_group=settings.min_comment_group
    )


def uplift_respondents(surveys: pd.DataFrame, participants: pd.DataFrame) -> int:
    """How many mentees skill uplift is measured over: those who gave a digital confidence
    answer in both a baseline and an exit survey (`metrics.latest_confidence`)."""
    return len(metrics.latest_confidence(surveys, participants))


@dataclass(frozen=True)
class Snapshot:
    """The program on one date as the summary reads it: `program` narrowed to the chosen
    cohorts, its `health` (`app.headlines.program_health`), and `whole`, the whole program on the
    same date, whose responses the survey figures are decided on (`app.privacy`, `cohorts=`).
    Of the earlier snapshot, which only the KPI row compares with, `health` need only hold
    `app.health.pair_activity`'s columns."""

    program: ProgramFrames
    health: pd.DataFrame
    whole: ProgramFrames
    #: Survey tables already decided for this snapshot (the KPI row and the mentor / mentee
    #: table read the same one), by what they were decided with.
    decided: dict[tuple, pd.DataFrame] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )


def _surveys(whole: ProgramFrames) -> pd.DataFrame:
    """The whole program's responses, each in its cohort (else its pair's)."""
    return with_pair_cohorts(whole.surveys, whole.pairs)


def _role_table(
    snapshot: Snapshot, cohort_ids: tuple[str, ...], rule: AnonymitySettings
) -> pd.DataFrame:
    """Survey figures by role (mentor, mentee, then All) over the chosen cohorts (all when
    none) under the anonymity rule."""
    key = ("role", cohort_ids, rule)
    if key not in snapshot.decided:
        whole = snapshot.whole
        snapshot.decided[key] = survey_breakdown(
            _surveys(whole),
            whole.participants,
            by="role",
            as_of=whole.as_of,
            settings=rule,
            cohorts=cohort_ids,
        )
    return snapshot.decided[key]


def _cohort_table(whole: ProgramFrames, rule: AnonymitySettings) -> pd.DataFrame:
    """Survey figures by cohort of the whole program under the anonymity rule, by cohort id."""
    return survey_breakdown(
        _surveys(whole), whole.participants, by="cohort", as_of=whole.as_of, settings=rule
    ).set_index("group")


def _hidden_note(row: pd.Series, question: str) -> str:
    """Why `row` (of a survey breakdown) withholds `question`; empty when it shows it."""
    if not row["shown"]:
        return str(row["note"])
    if pd.isna(row[question]):
        for part in str(row["note"]).split("; "):
            names, _, why = part.partition(f" {SUPPRESSED}: ")
            if question in names.split(", "):
                return f"{SUPPRESSED}: {why.removesuffix(' answered')}"
    return ""


def _uplift_respondents(snapshot: Snapshot) -> int:
    """`uplift_respondents` of the snapshot's program, worked out once per snapshot."""
    key = ("uplift respondents",)
    if key not in snapshot.decided:
        program = snapshot.program
        snapshot.decided[key] = uplift_respondents(program.surveys, program.participants)
    return snapshot.decided[key]


def _withheld(
    snapshot: Snapshot, cohort_ids: tuple[str, ...], rule: AnonymitySettings
) -> dict[str, str]:
    """Why each survey KPI of `snapshot` is withheld (absent when shown)."""
    total = _role_table(snapshot, cohort_ids, rule).set_index("group").loc[ALL]
    hidden = {}
    for label, question in SURVEY_KPIS.items():
        if note := _hidden_note(total, question):
            hidden[label] = note
    if 0 < _uplift_respondents(snapshot) < rule.min_respondents:
        hidden[SKILL_UPLIFT] = f"{SUPPRESSED}: {FEWER.format(minimum=rule.min_respondents)}"
    elif cohort_ids and _hidden_note(total, "digital_confidence"):
        # Uplift is no sum of cells: over some cohorts it is shown only where their digital
        # confidence is, so that the whole program's minus theirs stays a group of enough people.
        hidden[SKILL_UPLIFT] = f"{SUPPRESSED}: {BY_SUBTRACTION}"
    return hidden


def _respondents(
    snapshot: Snapshot, cohort_ids: tuple[str, ...], rule: AnonymitySettings
) -> dict[str, int | None]:
    """The people each survey KPI of `snapshot` is over: the respondents of the "All" row of
    the breakdown by role (which decides whether it is shown), and for skill uplift the mentees
    who answered both the baseline and the exit question."""
    total = _role_table(snapshot, cohort_ids, rule).set_index("group").loc[ALL]
    people = None if pd.isna(total["respondents"]) else int(total["respondents"])
    return {
        **dict.fromkeys(SURVEY_KPIS, people),
        SKILL_UPLIFT: _uplift_respondents(snapshot),
    }


def _quarter_respondents(now: ProgramFrames, before: ProgramFrames, label: str) -> int:
    """How many people gave, between the two dates, an answer that the survey KPI `label`
    counts: the people a change in it is over."""
    new = now.surveys[now.surveys["submitted_on"] > pd.Timestamp(before.as_of)]
    if label == SKILL_UPLIFT:
        mentees = now.participants.loc[now.participants["role"] == "mentee", "participant_id"]
        new = new[new["participant_id"].isin(mentees) & new["kind"].isin(["baseline", "exit"])]
        question = "digital_confidence"
    else:
        question = SURVEY_KPIS[label]
    return new.loc[new[question].notna(), "participant_id"].nunique()


def kpis(
    now: Snapshot, before: Snapshot, cohort_ids: tuple[str, ...], rule: AnonymitySettings
) -> list[Kpi]:
    """The KPI row: `KPI_SPECS` from `headline_figures` now and a quarter earlier (`before`, the
    same cohorts). A survey KPI is withheld under the anonymity rule, and its change too when
    fewer than `min_respondents` people (but some) answered in between — else the change would
    tell their answers."""
    current = {figure.label: figure for figure in headline_figures(now.program, now.health)}
    earlier = {figure.label: figure for figure in headline_figures(before.program, before.health)}
    hidden = _withheld(now, cohort_ids, rule)
    hidden_before = _withheld(before, cohort_ids, rule)
    respondents = _respondents(now, cohort_ids, rule)
    for label in (*SURVEY_KPIS, SKILL_UPLIFT):
        answered = _quarter_respondents(now.program, before.program, label)
        if label not in hidden_before and 0 < answered < rule.min_respondents:
            hidden_before[label] = f"{SUPPRESSED}: {BY_SUBTRACTION}"
    # An unknown figure ("—") gives nothing away: it is shown as unknown, not as withheld.
    return [
        Kpi(
            spec,
            current[spec.headline],
            earlier[spec.headline],
            "" if pd.isna(current[spec.headline].value) else hidden.get(spec.label, ""),
            "" if pd.isna(earlier[spec.headline].value) else hidden_before.get(spec.label, ""),
            respondents=respondents.get(spec.label),
        )
        for spec in KPI_SPECS
    ]


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


def executive_summary(
    now: Snapshot,
    before: Snapshot,
    settings: ProgramSettings,
    cohort_ids: tuple[str, ...] = (),
) -> ExecutiveSummary:
    """The executive summary of `now` (narrowed to `cohort_ids`, every cohort when empty),
    compared with `before`, the same cohorts `COMPARISON_MONTHS` earlier (see
    `previous_as_of`)."""
    rule = anonymity(settings)
    kpi_figures = kpis(now, before, cohort_ids, rule)
    bands = band_counts(now.health)
    cadence = adherence_distribution(now.health)
    cohorts = cohort_comparison(now, rule)
    return ExecutiveSummary(
        as_of=now.program.as_of,
        previous_as_of=before.program.as_of,
        pairs=len(now.program.pairs),
        kpis=kpi_figures,
        bands=bands,
        cadence=cadence,
        by_role=role_comparison(now, cohort_ids, rule),
        cohorts=cohorts,
        highlights=highlights(kpi_figures, bands, cadence, cohorts),
        min_respondents=rule.min_respondents,
        verdict=verdict(kpi_figures, bands, cadence, settings),
    )
