"""The executive summary as one A4 landscape PDF page: the same figures as the screen
(`app.summary.ExecutiveSummary`), its charts as images, the KPIs as text.

Charts come in as Vega-Lite specifications (what Altair's `chart.to_json()` gives) and are
rendered to PNG with vl-convert, so the PDF draws the very charts the screen shows. Text is set
in DejaVu Sans when the system has it (every character of a cohort name prints); otherwise in
Helvetica, with characters outside Latin-1 replaced.
"""

import io
import struct
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd
import vl_convert
from fpdf import FPDF

from app import formats
from app.outcomes import ASSOCIATION_NOTE, short
from app.privacy import published_through
from app.summary import ExecutiveSummary, Kpi, survey_figure_text

FONT_DIRECTORIES = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 297.0, 210.0
MARGIN_MM = 10.0
CONTENT_WIDTH_MM = PAGE_WIDTH_MM - 2 * MARGIN_MM
KPI_COLUMNS = 5
KPI_TOP_MM = 33.0
KPI_BOX_HEIGHT_MM = 15.0
#: The charts' band: each chart fits a box this high; the tables start just below the tallest
#: one drawn (no blank band under short charts).
CHART_HEIGHT_MM = 62.0
FOOTER_TOP_MM = 201.0
MAX_COHORT_ROWS = 10
NO_DATA = "No data: no pair had started by this as-of date, so there is nothing to chart yet."
GREY = (90, 90, 90)
BLACK = (0, 0, 0)
#: Changes for the better and for the worse, and the verdict: dark enough to read on white
#: (contrast above 4.5:1); the words "better", "worse", "On track", "Off track" say it too.
GOOD = (0, 110, 60)
BAD = (180, 40, 0)
# Characters the Latin-1 fallback font cannot print, and what to print instead.
_LATIN1 = str.maketrans({"–": "-", "—": "-", "−": "-", "→": "->", "≥": ">=", "÷": "/", "…": "..."})


def chart_png(spec: str) -> bytes:
    """A Vega-Lite specification (JSON text) rendered as a PNG at twice the nominal size."""
    return vl_convert.vegalite_to_png(spec, scale=2)


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels, read from the PNG header."""
    width, height = struct.unpack(">II", png[16:24])
    return width, height


class _Page:
    """One landscape A4 page with the summary's fonts."""

    def __init__(self) -> None:
        self.pdf = FPDF(orientation="landscape", unit="mm", format="A4")
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
        self.pdf.add_page()
        directory = next((d for d in FONT_DIRECTORIES if (d / "DejaVuSans.ttf").exists()), None)
        self.unicode = directory is not None
        if directory is not None:
            self.pdf.add_font("DejaVu", "", str(directory / "DejaVuSans.ttf"))
            self.pdf.add_font("DejaVu", "B", str(directory / "DejaVuSans-Bold.ttf"))
        self.family = "DejaVu" if self.unicode else "Helvetica"

    def text(self, value: str) -> str:
        """`value` as the font can print it."""
        if self.unicode:
            return value
        return value.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")

    def font(
        self, size: float, *, bold: bool = False, colour: tuple[int, int, int] = BLACK
    ) -> None:
        self.pdf.set_font(self.family, "B" if bold else "", size)
        self.pdf.set_text_color(*colour)

    def cell(self, x: float, y: float, width: float, height: float, value: str, **options) -> None:
        self.pdf.set_xy(x, y)
        self.pdf.cell(width, height, self.text(value), **options)

    def lines(self, x: float, y: float, width: float, height: float, value: str) -> float:
        """Wrapped text from (`x`, `y`); returns the y below it."""
        self.pdf.set_xy(x, y)
        self.pdf.multi_cell(width, height, self.text(value))
        return self.pdf.get_y()

    def image(self, png: bytes, x: float, y: float, width: float, height: float) -> None:
        """`png` scaled to fit the box, keeping its proportions; leaves y below it."""
        pixels_wide, pixels_high = _png_size(png)
        scale = min(width / pixels_wide, height / pixels_high)
        self.pdf.image(io.BytesIO(png), x=x, y=y, w=pixels_wide * scale, h=pixels_high * scale)
        self.pdf.set_y(y + pixels_high * scale)


def _day(value: date) -> str:
    return formats.day(value)


def _header(page: _Page, summary: ExecutiveSummary, scope: str) -> None:
    page.font(16, bold=True)
    page.cell(MARGIN_MM, MARGIN_MM, CONTENT_WIDTH_MM / 2, 8, "PairPulse · Executive summary")
    page.cell(
        MARGIN_MM + CONTENT_WIDTH_MM / 2,
        MARGIN_MM,
        CONTENT_WIDTH_MM / 2,
        8,
        f"As of {_day(summary.as_of)}",
        align="R",
    )
    page.font(8.5, colour=GREY)
    page.cell(
        MARGIN_MM,
        MARGIN_MM + 9,
        CONTENT_WIDTH_MM,
        5,
        f"Cohorts: {scope} · Changes against {_day(summary.previous_as_of)} · Aggregates only: "
        f"no names; surveys to {_day(published_through(summary.as_of))} (complete months), "
        f"figures of under {summary.min_respondents} respondents hidden.",
    )
    verdict = summary.verdict
    colour = BLACK if verdict.on_track is None else GOOD if verdict.on_track else BAD
    page.font(9.5, bold=True, colour=colour)
    page.cell(MARGIN_MM, MARGIN_MM + 15, CONTENT_WIDTH_MM, 5, verdict.text)


def _change(kpi: Kpi, previous_as_of: date) -> tuple[str, tuple[int, int, int]]:
    """A KPI's note under its value, and its colour: the change marked better or worse."""
    if kpi.hidden:
        return kpi.hidden, GREY
    if kpi.delta_text() is None:
        return "no change to show", GREY
    improved = kpi.improved()
    if improved is None:
        return f"{kpi.delta_text()} vs {_day(previous_as_of)}, unchanged", GREY
    word, colour = ("better", GOOD) if improved else ("worse", BAD)
    return f"{kpi.delta_text()} vs {_day(previous_as_of)}, {word}", colour


def _kpis(page: _Page, summary: ExecutiveSummary) -> None:
    width = CONTENT_WIDTH_MM / KPI_COLUMNS
    for index, kpi in enumerate(summary.kpis):
        x = MARGIN_MM + (index % KPI_COLUMNS) * width
        y = KPI_TOP_MM + (index // KPI_COLUMNS) * (KPI_BOX_HEIGHT_MM + 1.5)
        page.pdf.set_draw_color(200, 200, 200)
        page.pdf.rect(x + 0.5, y, width - 1, KPI_BOX_HEIGHT_MM)
        page.font(7.5, colour=GREY)
        label = " · ".join(part for part in (kpi.label, kpi.respondents_text()) if part)
        page.cell(x + 2, y + 1, width - 4, 4, label)
        page.font(12.5, bold=True)
        page.cell(x + 2, y + 5, width - 4, 6, kpi.value_text())
        note, colour = _change(kpi, summary.previous_as_of)
        page.font(6.5, colour=colour)
        page.cell(x + 2, y + 10.5, width - 4, 4, note)


def _charts_top(summary: ExecutiveSummary) -> float:
    rows = -(-len(summary.kpis) // KPI_COLUMNS)
    return KPI_TOP_MM + rows * (KPI_BOX_HEIGHT_MM + 1.5) + 1


def _charts(page: _Page, charts: Sequence[tuple[str, str]], top: float) -> float:
    """The charts side by side from `top`, each under its title; widths in proportion 1 : 2
    for two charts. Returns the y below the tallest chart."""
    shares = [1, 2] if len(charts) == 2 else [1] * len(charts)
    x = MARGIN_MM
    bottom = top + 6
    for (title, spec), share in zip(charts, shares, strict=True):
        width = CONTENT_WIDTH_MM * share / sum(shares) - 4
        page.font(10, bold=True)
        page.cell(x, top, width, 5, title)
        page.image(chart_png(spec), x, top + 6, width, CHART_HEIGHT_MM)
        bottom = max(bottom, page.pdf.y)
        x += width + 4
    return bottom


def _percent(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:.0%}"


def _cohort_table(
    page: _Page, summary: ExecutiveSummary, x: float, top: float, width: float
) -> None:
    columns = [
        ("Cohort", 0.285),
        ("Stage", 0.10),
        ("Active", 0.06),
        ("Stalled", 0.065),
        ("Healthy", 0.075),
        ("Adherence", 0.09),
        ("Goals done", 0.09),
        ("Satisf.", 0.085),
        ("NPS", 0.06),
        ("Resp.", 0.08),
    ]
    page.font(10, bold=True)
    page.cell(x, top, width, 5, "Cohort figures (compare cohorts at the same stage)")
    page.font(7, bold=True, colour=GREY)
    y = top + 6
    cursor = x
    for name, share in columns:
        page.cell(cursor, y, width * share, 4, name)
        cursor += width * share
    page.font(7)
    shown = summary.cohorts.head(MAX_COHORT_ROWS)
    for row in shown.itertuples():
        y += 4.2
        values = [
            row.cohort,
            row.stage,
            formats.count(row.active_pairs),
            formats.count(row.stalled_pairs),
            _percent(row.share_healthy),
            _percent(row.cadence_adherence),
            _percent(row.goal_completion),
            survey_figure_text(row.satisfaction, row.survey_note, "{:.1f} / 5"),
            survey_figure_text(row.nps, row.survey_note, "{:+.0f}"),
            "—" if pd.isna(row.survey_respondents) else formats.count(row.survey_respondents),
        ]
        cursor = x
        for (_, share), value in zip(columns, values, strict=True):
            page.cell(cursor, y, width * share, 4, value[:34])
            cursor += width * share
    if len(summary.cohorts) > len(shown):
        page.cell(x, y + 4.2, width, 4, f"… and {len(summary.cohorts) - len(shown)} more cohorts")


def _side_panel(page: _Page, summary: ExecutiveSummary, x: float, top: float, width: float) -> None:
    page.font(10, bold=True)
    page.cell(x, top, width, 5, "Satisfaction and NPS by role")
    page.font(7.5)
    y = top + 6
    for row in summary.by_role.itertuples():
        if row.note and pd.isna(row.satisfaction) and pd.isna(row.nps):
            figures = row.note
        else:
            satisfaction = "—" if pd.isna(row.satisfaction) else f"{row.satisfaction:.1f} / 5"
            nps = "—" if pd.isna(row.nps) else f"{row.nps:+.0f}"
            people = (
                "" if pd.isna(row.respondents) else f" ({formats.count(row.respondents)} resp.)"
            )
            figures = f"satisfaction {satisfaction}, NPS {nps}{people}"
        page.cell(x, y, width, 4, f"{row.role}: {figures}")
        y += 4.2
    if summary.by_role.empty:
        page.cell(x, y, width, 4, "No survey responses yet.")
        y += 4.2
    if summary.outcomes:
        page.font(10, bold=True)
        page.cell(x, y + 1.5, width, 5, "Against comparable colleagues")
        page.font(7.5)
        y += 7.5
        for result in summary.outcomes:
            y = page.lines(x, y, width, 3.8, short(result)) + 0.3
        page.font(6.5, colour=GREY)
        y = page.lines(x, y, width, 3.2, ASSOCIATION_NOTE.split(":")[0] + ".")
    cadence = summary.cadence
    page.font(10, bold=True)
    page.cell(x, y + 1.5, width, 5, "Highlights")
    page.font(7.5)
    y += 7.5
    sentences = list(summary.highlights)
    if cadence.measured:
        sentences.append(f"Mean cadence adherence of active pairs: {cadence.mean:.0%}.")
    for sentence in sentences:
        if y > FOOTER_TOP_MM - 4:
            break
        y = page.lines(x, y, width, 3.8, f"• {sentence}") + 0.6


def executive_pdf(
    summary: ExecutiveSummary, *, scope: str, charts: Sequence[tuple[str, str]] = ()
) -> bytes:
    """The summary on one A4 landscape page: the header (as-of date, `scope` — the cohorts
    shown), the KPIs with their labels and changes, `charts` as images (title and Vega-Lite
    JSON each; at most two fit, e.g. health distribution and cohort comparison), the cohort
    table, satisfaction and NPS by role, and the highlights. With no pairs, a "No data" line
    replaces charts and tables."""
    page = _Page()
    _header(page, summary, scope)
    _kpis(page, summary)
    top = _charts_top(summary)
    if summary.pairs:
        lower = _charts(page, charts, top) + 4
        _cohort_table(page, summary, MARGIN_MM, lower, CONTENT_WIDTH_MM * 0.62)
        side = MARGIN_MM + CONTENT_WIDTH_MM * 0.64
        _side_panel(page, summary, side, lower, CONTENT_WIDTH_MM * 0.36)
    else:
        page.font(11, bold=True)
        page.cell(MARGIN_MM, top, CONTENT_WIDTH_MM, 8, NO_DATA)
    page.font(6.5, colour=GREY)
    page.cell(
        MARGIN_MM,
        FOOTER_TOP_MM,
        CONTENT_WIDTH_MM,
        4,
        "PairPulse · reverse mentoring programs · figures as defined in docs/metrics.md",
    )
    return bytes(page.pdf.output())
