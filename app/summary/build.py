"""The executive summary of one as-of date and set of cohorts, from the snapshots now and a
quarter earlier."""

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from app.headlines import band_counts
from app.outcomes import OutcomeComparison
from app.settings import ProgramSettings
from app.summary.comparisons import (
    CadenceAdherence,
    adherence_distribution,
    cohort_comparison,
    role_comparison,
)
from app.summary.kpi_figures import Kpi, Snapshot, anonymity, kpis
from app.summary.narrative import Verdict, highlights, verdict


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
    #: participants against comparable colleagues (`app.outcomes`); empty without a workforce
    outcomes: tuple[OutcomeComparison, ...] = ()

    def kpi(self, label: str) -> Kpi:
        """The KPI labelled `label`."""
        return next(kpi for kpi in self.kpis if kpi.label == label)


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
