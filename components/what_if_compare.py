"""The What-if pairing screen's comparison: one or two saved scenarios beside today's pairing,
as a table of measures and a histogram of match scores, all scored with the form's weights.

The measures are `app.matching.compare`'s; this module only draws them.
"""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from app.matching.compare import compare
from app.matching.pool import Pool, pool_matrix
from app.matching.scoring import ScoreMatrix
from app.matching.settings import MatchingError, MatchSettings
from components.palette import SERIES_COLOURS
from components.what_if_inputs import POOLS
from data_access.scenarios import load_scenario

TODAY = "Today's pairing"
#: Series colours for the pairings, leaving out the green, orange and vermillion of the health
#: bands so that a bar is not read as a band.
PAIRING_COLOURS = [SERIES_COLOURS[0], SERIES_COLOURS[3], SERIES_COLOURS[4]]


def _pair_scores(pairs: pd.DataFrame, matrix: ScoreMatrix) -> np.ndarray:
    """The matrix's score of each listed pair whose two people are in the pool."""
    mentee_at = pd.Series(np.arange(len(matrix.mentee_ids)), index=matrix.mentee_ids.astype(str))
    mentor_at = pd.Series(np.arange(len(matrix.mentor_ids)), index=matrix.mentor_ids.astype(str))
    rows = pairs["mentee_id"].astype(str).map(mentee_at)
    cols = pairs["mentor_id"].astype(str).map(mentor_at)
    inside = rows.notna() & cols.notna()
    return matrix.scores[rows[inside].astype(int), cols[inside].astype(int)].astype(float)


def score_histogram(pairings: dict[str, pd.DataFrame], matrix: ScoreMatrix) -> pd.DataFrame:
    """Pairs per 10-point score band (0–10 … 90–100) for each pairing: pairing, band, pairs."""
    edges = np.arange(0, 101, 10)
    labels = [f"{low}–{low + 10}" for low in edges[:-1]]
    rows = []
    for name, pairs in pairings.items():
        counts, _ = np.histogram(_pair_scores(pairs, matrix), bins=edges)
        rows += [
            {"pairing": name, "band": label, "pairs": int(count)}
            for label, count in zip(labels, counts, strict=True)
        ]
    return pd.DataFrame(rows, columns=["pairing", "band", "pairs"])


COMPARE_LABELS = {
    "pairs": "Pairs",
    "coverage": "Coverage",
    "min_score": "Minimum score",
    "q1_score": "Lower quartile score",
    "median_score": "Median score",
    "q3_score": "Upper quartile score",
    "mean_score": "Mean score",
    "cross_department_share": "Cross-department share",
    "mean_generation_gap_years": "Mean age gap (years)",
    "changed_vs_today": "Pairs changed vs today",
}


def _compare_table(figures: pd.DataFrame) -> pd.DataFrame:
    """The comparison with one column per pairing and one row per measure, as text."""

    def shown(column: str, value: float) -> str:
        if pd.isna(value):
            return "—"
        if column in ("coverage", "cross_department_share"):
            return f"{value:.0%}"
        if column in ("pairs", "changed_vs_today"):
            return f"{int(value):,}"
        return f"{value:.1f}"

    table = pd.DataFrame(
        {
            pairing: [shown(column, row[column]) for column in COMPARE_LABELS]
            for pairing, row in figures.iterrows()
        },
        index=list(COMPARE_LABELS.values()),
    )
    return table.rename_axis("Measure").reset_index()


def _histogram_chart(histogram: pd.DataFrame, names: list[str]) -> alt.Chart:
    colours = PAIRING_COLOURS[: len(names)]
    return (
        alt.Chart(histogram)
        .mark_bar()
        .encode(
            x=alt.X("band:N", sort=None, title="Match score"),
            xOffset=alt.XOffset("pairing:N", sort=names),
            y=alt.Y("pairs:Q", title="Pairs", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "pairing:N",
                sort=names,
                scale=alt.Scale(domain=names, range=colours),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("pairing:N", title="Pairing"),
                alt.Tooltip("band:N", title="Score"),
                alt.Tooltip("pairs:Q", title="Pairs"),
            ],
        )
        .properties(height=240)
    )


_COMPARE_KEY = "what_if_compare"
_COMPARE_SEEN_KEY = "_what_if_compare_seen"


def compare_section(
    engine: Engine, pool: Pool, settings: MatchSettings, scenarios: pd.DataFrame
) -> None:
    """Pick one or two saved scenarios of this pool and set them beside today's pairing, all
    scored with the weights in the form (`app.matching.compare`)."""
    same_pool = scenarios[scenarios["pool"] == pool.mode]
    if same_pool.empty:
        st.info(
            f"No scenario is saved for this cohort's “{POOLS[pool.mode]}” pool yet. Propose "
            "pairs and save them as a scenario to compare it with today's pairing.",
            icon=":material/compare_arrows:",
        )
        return
    names = dict(zip(same_pool["id"].astype(int), same_pool["name"], strict=True))
    # A scenario saved since the last run joins the comparison (the newest two are kept), so
    # saving one shows it beside today's pairing at once; opening the page compares the
    # newest two. Scenarios of another pool or deleted ones drop out.
    seen = st.session_state.get(_COMPARE_SEEN_KEY)
    chosen = [key for key in st.session_state.get(_COMPARE_KEY, []) if key in names]
    new = sorted(key for key in names if seen is None or key not in seen)
    st.session_state[_COMPARE_KEY] = (chosen + new)[-2:] if new else chosen
    st.session_state[_COMPARE_SEEN_KEY] = set(names)
    chosen = st.multiselect(
        "Scenarios to compare",
        list(names),
        key=_COMPARE_KEY,
        format_func=names.__getitem__,
        max_selections=2,
        placeholder="Pick one or two",
    )
    if not chosen:
        st.caption("Pick one or two saved scenarios to set them beside today's pairing.")
        return
    try:
        matrix = pool_matrix(pool, settings)
    except MatchingError as error:
        st.warning(f"Cannot compare on this pool: {error}", icon=":material/warning:")
        return
    pairings = {TODAY: pool.current}
    for scenario_id in chosen:
        pairings[f"“{names[scenario_id]}”"] = load_scenario(engine, scenario_id).pairs
    figures = compare(pairings, matrix=matrix, today=pool.current)
    st.dataframe(_compare_table(figures), hide_index=True, key="what_if_compare_table")
    st.altair_chart(
        _histogram_chart(score_histogram(pairings, matrix), list(pairings)),
        key="what_if_score_chart",
    )
    st.caption(
        "Every pairing is scored with the weights in the form above, on the pool as of the "
        "as-of date. Coverage counts the pool's mentees paired."
        + (" Today nobody in this pool is paired." if pool.current.empty else "")
    )
