"""Pairings side by side: proposals, saved scenarios and today's pairing, all scored with the
same matrix."""

from collections.abc import Mapping

import numpy as np
import pandas as pd

from app.matching.scoring import ScoreMatrix, _pairs_set, _same_key

COMPARE_COLUMNS = (
    "pairs",
    "coverage",
    "min_score",
    "q1_score",
    "median_score",
    "q3_score",
    "mean_score",
    "cross_department_share",
    "mean_generation_gap_years",
    "changed_vs_today",
)


def compare(
    pairings: Mapping[str, pd.DataFrame],
    *,
    matrix: ScoreMatrix,
    today: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Pairings side by side, one row per name in `pairings` (each a frame with mentor_id and
    mentee_id — a proposal's `pairs`, a saved scenario's, or today's).

    Every pairing is scored with `matrix` (so today's pairs are judged by the same criteria);
    pairs of people outside the matrix's pool have no score. Columns: `pairs`; `coverage`
    (mentees of the pool paired ÷ mentees in the pool); the score's minimum, quartiles and mean;
    `cross_department_share` (pairs from different departments ÷ pairs whose two departments
    are known); `mean_generation_gap_years` (mean |birth year difference|, known ones only);
    `changed_vs_today` (pairs not in `today`; NaN without `today`).
    """
    e, m = matrix.mentees, matrix.mentors
    mentee_at = pd.Series(np.arange(len(e.ids)), index=e.ids.astype(str))
    mentor_at = pd.Series(np.arange(len(m.ids)), index=m.ids.astype(str))
    today_set = _pairs_set(today) if today is not None else None
    rows = []
    for pairing in pairings.values():
        mentor_ids = pairing["mentor_id"].astype(str)
        mentee_ids = pairing["mentee_id"].astype(str)
        r = mentee_ids.map(mentee_at).to_numpy(dtype=float)
        c = mentor_ids.map(mentor_at).to_numpy(dtype=float)
        inside = ~np.isnan(r) & ~np.isnan(c)
        ri, ci = r[inside].astype(np.int64), c[inside].astype(np.int64)
        scores = matrix.scores[ri, ci].astype(float)
        same, known = _same_key(e.department[ri], m.department[ci])
        gaps = np.abs(e.birth_year[ri] - m.birth_year[ci])
        quartiles = np.quantile(scores, [0.25, 0.5, 0.75]) if len(scores) else [np.nan] * 3
        changed = float(len(_pairs_set(pairing) - today_set)) if today_set is not None else np.nan
        rows.append(
            {
                "pairs": len(pairing),
                "coverage": len(np.unique(ri)) / len(e.ids),
                "min_score": float(scores.min()) if len(scores) else np.nan,
                "q1_score": float(quartiles[0]),
                "median_score": float(quartiles[1]),
                "q3_score": float(quartiles[2]),
                "mean_score": float(scores.mean()) if len(scores) else np.nan,
                "cross_department_share": float((~same[known]).mean()) if known.any() else np.nan,
                "mean_generation_gap_years": float(np.nanmean(gaps))
                if (~np.isnan(gaps)).any()
                else np.nan,
                "changed_vs_today": changed,
            }
        )
    return pd.DataFrame(
        rows, index=pd.Index(list(pairings), name="pairing"), columns=list(COMPARE_COLUMNS)
    )
