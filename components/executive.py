"""The executive summary's one-page PDF, built when someone asks for it, and the cohorts it
covers in words. Its figures are `components.loaders.summary_data.summary`."""

from collections.abc import Sequence
from datetime import date

import streamlit as st

from app import formats
from app.outcomes import ASSOCIATION_NOTE, LINE_LABELS, OutcomeComparison, sentence
from app.summary import ExecutiveSummary
from components import loaders
from components.literal import md
from components.summary_charts import cohort_chart, health_chart

#: Chart widths in the PDF, in Vega-Lite pixels (the screen stretches them to the column).
PDF_CHART_WIDTHS = {"health": 230, "cohorts": 520}


def scope_text(cohort_ids: tuple[str, ...]) -> str:
    """The cohorts shown, in words: "All cohorts" or their names."""
    if not cohort_ids:
        return "All cohorts"
    names = loaders.cohort_names()
    return ", ".join(names.get(cohort_id, cohort_id) for cohort_id in cohort_ids)


def pdf_bytes(summary: ExecutiveSummary, scope: str) -> bytes:
    """The one-page PDF of `summary`, its cohorts named by `scope` (see `scope_text`)."""
    # Imported on the first download: fpdf2 and vl-convert are slow to import, which the
    # page's first visit need not pay.
    from app.executive_pdf import executive_pdf

    charts = [
        (
            "Health of active pairs",
            health_chart(summary).properties(width=PDF_CHART_WIDTHS["health"]),
        ),
        ("Cohort comparison", cohort_chart(summary).properties(width=PDF_CHART_WIDTHS["cohorts"])),
    ]
    return executive_pdf(
        summary, scope=scope, charts=[(title, chart.to_json()) for title, chart in charts]
    )


def pdf_download_button(summary: ExecutiveSummary, cohort_ids: tuple[str, ...]) -> None:
    """The **Download PDF** button: this page on one A4 page, built when it is clicked (drawing
    its charts takes about a second and a half, which the page would otherwise wait for on
    every first visit)."""
    scope = scope_text(tuple(sorted(cohort_ids)))
    st.download_button(
        "Download PDF",
        data=lambda: pdf_bytes(summary, scope),
        file_name=f"pairpulse-executive-summary-{summary.as_of.isoformat()}.pdf",
        mime="application/pdf",
        key="download_pdf",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
        help="The same figures, charts and highlights on one A4 page.",
    )


def outcomes_block(results: Sequence[OutcomeComparison]) -> None:
    """Participants' retention and promotion against comparable colleagues, one line each, and
    the sentence that this is an association (docs/metrics.md, *Outcomes against comparable
    colleagues*). Nothing when no workforce was imported."""
    if not results:
        return
    st.subheader("Is it worth it? Participants against comparable colleagues")
    lines = [f"- **{LINE_LABELS[r.outcome]}** — {md(sentence(r))}" for r in results]
    st.markdown("\n".join(lines))
    st.caption(ASSOCIATION_NOTE)


def nudge_line(as_of: date, stall_factor: float) -> None:
    """Reminder e-mails as one aggregate: of pairs nudged, the share that met within 14 days,
    beside stalled pairs that were not nudged (docs/metrics.md, "Did the nudge work?")."""
    from app.reminders import MIN_TO_COMPARE
    from components.loaders import follow_up_data

    effect = follow_up_data.nudge_effect(as_of, stall_factor)
    nudged, others = effect["nudged"], effect["not_nudged"]
    if nudged == 0:
        return
    if min(nudged, others) < MIN_TO_COMPARE:
        st.caption(
            f"Reminder e-mails: {formats.plural(nudged, 'nudge')} sent; too few stalls without "
            "one to say whether they help."
        )
        return
    st.caption(
        f"Reminder e-mails: {effect['nudged_share']:.0%} of nudged pairs met within 14 days, "
        f"against {effect['not_nudged_share']:.0%} of stalled pairs that were not nudged "
        f"({formats.plural(nudged, 'nudge')}, {formats.plural(others, 'stall')} without one; "
        "whole program). An association, not proof."
    )
