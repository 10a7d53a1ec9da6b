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

Its parts: `kpi_figures` (the KPI row and the survey KPIs' withholding), `comparisons` (cadence
adherence, mentors against mentees, cohorts at the same stage), `narrative` (highlights and the
verdict) and `build` (`executive_summary`, all of them for one date and set of cohorts).
"""

from app.summary.build import ExecutiveSummary, executive_summary
from app.summary.comparisons import (
    ON_CADENCE_FROM,
    CadenceAdherence,
    adherence_distribution,
    cohort_comparison,
    cohort_stage,
    role_comparison,
    survey_figure_text,
)
from app.summary.kpi_figures import (
    KPI_SPECS,
    Kpi,
    KpiSpec,
    Snapshot,
    anonymity,
    kpis,
    previous_as_of,
    uplift_respondents,
)
from app.summary.narrative import Verdict, highlights, verdict

__all__ = [
    "KPI_SPECS",
    "ON_CADENCE_FROM",
    "CadenceAdherence",
    "ExecutiveSummary",
    "Kpi",
    "KpiSpec",
    "Snapshot",
    "Verdict",
    "adherence_distribution",
    "anonymity",
    "cohort_comparison",
    "cohort_stage",
    "executive_summary",
    "highlights",
    "kpis",
    "previous_as_of",
    "role_comparison",
    "survey_figure_text",
    "uplift_respondents",
    "verdict",
]
