"""The KPI row: each figure now and a quarter earlier, the survey KPIs withheld under the
anonymity rule as the breakdown by role withholds them."""

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from app import formats, metrics
from app.headlines import Headline, headline_figures
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


def _withheld(
    snapshot: Snapshot, cohort_ids: tuple[str, ...], rule: AnonymitySettings, uplift_people: int
) -> dict[str, str]:
    """Why each survey KPI of `snapshot` is withheld (absent when shown); `uplift_people` is its
    `uplift_respondents`."""
    total = _role_table(snapshot, cohort_ids, rule).set_index("group").loc[ALL]
    hidden = {}
    for label, question in SURVEY_KPIS.items():
        if note := _hidden_note(total, question):
            hidden[label] = note
    if 0 < uplift_people < rule.min_respondents:
        hidden[SKILL_UPLIFT] = f"{SUPPRESSED}: {FEWER.format(minimum=rule.min_respondents)}"
    elif cohort_ids and _hidden_note(total, "digital_confidence"):
        # Uplift is no sum of cells: over some cohorts it is shown only where their digital
        # confidence is, so that the whole program's minus theirs stays a group of enough people.
        hidden[SKILL_UPLIFT] = f"{SUPPRESSED}: {BY_SUBTRACTION}"
    return hidden


def _respondents(
    snapshot: Snapshot, cohort_ids: tuple[str, ...], rule: AnonymitySettings, uplift_people: int
) -> dict[str, int | None]:
    """The people each survey KPI of `snapshot` is over: the respondents of the "All" row of
    the breakdown by role (which decides whether it is shown), and for skill uplift the mentees
    who answered both the baseline and the exit question."""
    total = _role_table(snapshot, cohort_ids, rule).set_index("group").loc[ALL]
    people = None if pd.isna(total["respondents"]) else int(total["respondents"])
    return {
        **dict.fromkeys(SURVEY_KPIS, people),
        SKILL_UPLIFT: uplift_people,
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
    uplift_now, uplift_before = (
        uplift_respondents(snapshot.program.surveys, snapshot.program.participants)
        for snapshot in (now, before)
    )
    hidden = _withheld(now, cohort_ids, rule, uplift_now)
    hidden_before = _withheld(before, cohort_ids, rule, uplift_before)
    respondents = _respondents(now, cohort_ids, rule, uplift_now)
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
