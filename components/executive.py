"""The executive summary as the page reads it: its figures, built once per store, as-of date and
set of cohorts, and its one-page PDF, built when someone asks for it."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import streamlit as st

from app.summary import ExecutiveSummary, Snapshot, executive_summary, previous_as_of
from components import loaders
from components.store import store_engine
from components.summary_charts import cohort_chart, health_chart

#: Chart widths in the PDF, in Vega-Lite pixels (the screen stretches them to the column).
PDF_CHART_WIDTHS = {"health": 230, "cohorts": 520}


def _programs(days: tuple[date, date], cohort_ids: tuple[str, ...]) -> list[tuple]:
    """For each of `days`: the program narrowed to `cohort_ids`, and the whole program, the
    earlier day's cut from the later one's."""
    return [
        (loaders.program(day, cohort_ids, cut_from=days[0]), loaders.program(day, cut_from=days[0]))
        for day in days
    ]


@st.cache_data(show_spinner="Summarising the program…", max_entries=16)
def _summary(url: str, as_of: date, cohort_ids: tuple[str, ...]) -> ExecutiveSummary:
    days = (as_of, previous_as_of(as_of))
    settings = loaders.program_settings()
    engine = store_engine()
    # Pair health now; a quarter earlier only what the KPI row compares (active and stalled
    # pairs, cadence adherence): `read_activity`, without the goals and answers.
    reads = (loaders.read_health, loaders.read_activity)
    if engine.dialect.name == "sqlite":
        # SQLite aggregates inside this process: in worker threads, its rows and the program's
        # contend for Python's lock, and the same reads took longer than one after the other
        # (2.05 s against 1.73 s at the enterprise scale).
        programs = _programs(days, cohort_ids)
        health = [
            read(engine, day, cohort_ids, settings) for read, day in zip(reads, days, strict=True)
        ]
    else:
        # The server aggregates pair health for worker threads while this one reads the
        # program (1.9 s → 1.2 s at the enterprise scale). A failure there is raised here.
        with ThreadPoolExecutor(max_workers=2) as pool:
            pending = [
                pool.submit(read, engine, day, cohort_ids, settings)
                for read, day in zip(reads, days, strict=True)
            ]
            programs = _programs(days, cohort_ids)
            health = [future.result() for future in pending]
    now, then = (
        Snapshot(program=program, health=pairs, whole=whole)
        for (program, whole), pairs in zip(programs, health, strict=True)
    )
    return executive_summary(now, then, settings, cohort_ids)


def summary(as_of: date, cohort_ids: tuple[str, ...] = ()) -> ExecutiveSummary:
    """`app.summary.executive_summary` of the program on `as_of`, narrowed to `cohort_ids`."""
    return _summary(loaders.store_key(), as_of, tuple(sorted(cohort_ids)))


def scope_text(cohort_ids: tuple[str, ...]) -> str:
    """The cohorts shown, in words: "All cohorts" or their names."""
    if not cohort_ids:
        return "All cohorts"
    names = loaders.cohort_names()
    return ", ".join(names.get(cohort_id, cohort_id) for cohort_id in cohort_ids)


def pdf_bytes(summary: ExecutiveSummary, scope: str) -> bytes:
    """The one-page PDF of `summary`, its cohorts named by `scope` (see `scope_text`)."""
    # Imported on the first download: fpdf2 and vl-convert take ~0.4 s to import, which the
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
