"""Participants' outcomes against comparable colleagues (docs/metrics.md, *Outcomes against
comparable colleagues*).

For each participant (mentors and mentees apart), the start date is the first day of their first
pair in that role. Their comparable colleagues are the employees who never took part, employed on
that date, in the same stratum on that date: department, job-level band, tenure band and
generation. Outcomes run over the 12 months (365 days) after the start date: still employed at
the end (retention) and promoted at least once (promotion). Each (start date, stratum) cell
weighs as many participants as it holds, so the comparison rate is the colleagues' rate weighted
as the participants are. The difference's 95 % interval is a normal (Wald) interval: the variance
of the participants' outcomes around their cell's colleague rate (statsmodels `DescrStatsW`) over
the number of participants, plus each cell's binomial variance of the colleague rate
(statsmodels `std_prop`) weighted as the participants are; the normal quantile from scipy. With a
single cell this is exactly statsmodels' Wald interval for a difference of two proportions.

Only what is known on the as-of date counts (hires, departures and promotions up to that day), and
only participants whose 12-month window has ended by then.
"""

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

#: The outcome window: a participant's start date and the 365 days after it.
WINDOW_DAYS = 365
#: Job-level bands (lowest level of each band): 1–3, 4–6, 7–10.
LEVEL_BANDS = (1, 4, 7)
#: Tenure bands in whole years on the start date (lowest of each): under 2, 2–4, 5 or more.
TENURE_BANDS = (0, 2, 5)
#: Generations by birth year (first year of each): up to 1964, 1965–80, 1981–96, 1997 on.
GENERATIONS = (1965, 1981, 1997)
OUTCOMES = ("retention", "promotion")
ROLES = ("mentor", "mentee")


@dataclass(frozen=True)
class OutcomeComparison:
    """One outcome of one role's participants against their comparable colleagues."""

    role: str
    outcome: str
    #: participants compared (complete window, an employee record, at least one colleague)
    participants: int
    #: distinct comparable colleagues over every participant's cell
    colleagues: int
    #: participants left out: no comparable colleague in their cell
    without_colleagues: int
    #: participants left out: no employee record employed on their start date
    not_linked: int
    #: participants whose 12-month window has not ended on the as-of date
    pending: int
    #: the first day on which a pending participant's window will have ended
    complete_from: date | None
    participant_rate: float | None
    comparison_rate: float | None
    difference: float | None
    low: float | None
    high: float | None
    #: why no figure is shown (too few participants, none with a complete window…), else ""
    withheld: str = ""

    @property
    def clear(self) -> bool:
        """True when the 95 % interval lies wholly above or below zero."""
        return self.low is not None and self.high is not None and (self.low > 0 or self.high < 0)


def _band(values: np.ndarray, edges: tuple[int, ...]) -> np.ndarray:
    """The band index of each value (0 below the second edge …); -1 where missing (NaN)."""
    bands = np.zeros(len(values), dtype=np.int64)
    for edge in edges[1:]:
        bands += values >= edge
    return np.where(np.isnan(values), -1, bands)


def _days(values: pd.Series) -> np.ndarray:
    """Dates as day numbers (float, NaN where blank)."""
    stamps = pd.to_datetime(values, errors="coerce")
    days = (stamps - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1)
    return days.to_numpy(dtype=float, na_value=np.nan)


def participant_starts(participants: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """One row per participant and role they were paired in: `participant_id`, `role`, `start`
    (first day of their first pair in that role), `cohort_id` of that pair, `department`,
    `email` and `employee_id` of the participant; participants never paired get a row without a
    start (they are nobody's comparable colleague)."""
    frames = []
    for role in ROLES:
        column = f"{role}_id"
        firsts = (
            pairs.sort_values(["started_on", "pair_id"])
            .drop_duplicates(column)[[column, "started_on", "cohort_id"]]
            .rename(columns={column: "participant_id", "started_on": "start"})
        )
        frames.append(firsts.assign(role=role))
    starts = pd.concat(frames, ignore_index=True)
    # Enrolled but never paired: not compared, yet not anybody's comparable colleague either.
    waiting = participants.loc[
        ~participants["participant_id"].isin(starts["participant_id"]), ["participant_id", "role"]
    ].assign(start=pd.NaT, cohort_id=None)
    starts = pd.concat([starts, waiting], ignore_index=True)
    people = participants[["participant_id", "department", "email", "employee_id"]]
    return starts.merge(people, on="participant_id", how="left")


def _link(starts: pd.DataFrame, employees: pd.DataFrame, ids: pd.Index) -> np.ndarray:
    """Each participant's row in `employees` (-1 if none): by employee_id, else by e-mail."""
    linked = pd.Series(ids.get_indexer(starts["employee_id"].astype(object)), dtype=float)
    linked[linked < 0] = np.nan
    emails = employees["email"].astype(object).str.lower()
    by_email = pd.Series(np.arange(len(employees)), index=emails)
    by_email = by_email[by_email.index.notna() & ~by_email.index.duplicated(keep=False)]
    fallback = starts["email"].astype(object).str.lower().map(by_email).to_numpy(dtype=float)
    return linked.fillna(pd.Series(fallback)).fillna(-1).to_numpy(dtype=np.int64)


def compare_outcomes(
    employees: pd.DataFrame,
    promotions: pd.DataFrame,
    starts: pd.DataFrame,
    *,
    as_of: date,
    minimum: int,
    by: str | None = None,
    cohort_ids: tuple[str, ...] = (),
) -> list[OutcomeComparison] | dict[str, list[OutcomeComparison]]:
    """Retention and promotion of mentors and mentees against comparable colleagues.

    `employees` has the columns of employees.csv, `promotions` those of promotions.csv,
    `starts` is `participant_starts(...)`. Returns four comparisons (mentors then mentees,
    retention then promotion); with `by` (`cohort_id` or `department`), a dict of them per value
    of that column. With `cohort_ids`, only participants whose first pair (in that role) is in
    one of them are compared. A comparison over fewer than `minimum` participants is withheld
    (its `withheld` says why).
    """
    cells = _cells(employees, promotions, starts, as_of)
    if cohort_ids:  # participants of other cohorts stay out of everybody's colleagues
        cells = cells.subset(starts["cohort_id"].isin(cohort_ids).to_numpy())
        starts = starts[starts["cohort_id"].isin(cohort_ids)]
    if by is None:
        return _combine(cells, minimum)
    return _by(cells, starts, by, minimum)


def _by(cells: "_Cells", starts: pd.DataFrame, by: str, minimum: int) -> dict:
    groups = starts[by].astype(object).fillna("(none)").to_numpy()
    paired = starts["start"].notna().to_numpy()
    return {
        str(value): _combine(cells.subset(groups == value), minimum)
        for value in sorted(set(groups[paired]), key=str)
    }


def compare_outcomes_by(
    employees: pd.DataFrame,
    promotions: pd.DataFrame,
    starts: pd.DataFrame,
    *,
    as_of: date,
    minimum: int,
    columns: tuple[str, ...],
) -> dict[str, dict[str, list[OutcomeComparison]]]:
    """`compare_outcomes(..., by=column)` for each of `columns`, the cells worked out once."""
    cells = _cells(employees, promotions, starts, as_of)
    return {column: _by(cells, starts, column, minimum) for column in columns}


@dataclass
class _Cells:
    """Per participant: role, cell, outcomes; per cell: colleagues and their outcomes."""

    role: np.ndarray
    #: -3 never paired, -2 window pending, -1 no employee record on the start date, else a cell
    #: number
    cell: np.ndarray
    retained: np.ndarray
    promoted: np.ndarray
    complete_on: np.ndarray
    colleagues: np.ndarray  # per cell
    colleagues_retained: np.ndarray
    colleagues_promoted: np.ndarray
    #: per cell, the set of colleague rows (employee indices)
    members: list[np.ndarray]
    #: how many employees there are
    employees: int

    def subset(self, mask: np.ndarray) -> "_Cells":
        return _Cells(
            self.role[mask],
            self.cell[mask],
            self.retained[mask],
            self.promoted[mask],
            self.complete_on[mask],
            self.colleagues,
            self.colleagues_retained,
            self.colleagues_promoted,
            self.members,
            self.employees,
        )


def _cells(
    employees: pd.DataFrame, promotions: pd.DataFrame, starts: pd.DataFrame, as_of: date
) -> _Cells:
    today = (pd.Timestamp(as_of) - pd.Timestamp("1970-01-01")).days
    hired = _days(employees["hired_on"])
    known = hired <= today
    left = _days(employees["left_on"])
    left = np.where(left > today, np.nan, left)  # a departure after the as-of date is unknown
    level = employees["job_level"].to_numpy(dtype=float, na_value=np.nan)
    birth = employees["birth_year"].to_numpy(dtype=float, na_value=np.nan)
    department = pd.factorize(employees["department"].astype(object), use_na_sentinel=True)[0]
    generation = _band(birth, GENERATIONS) + 1
    ids = pd.Index(employees["employee_id"].astype(object))
    promo_days = _days(promotions["promoted_on"])
    promo_who = ids.get_indexer(promotions["employee_id"].astype(object)).astype(float)
    promo_who[promo_who < 0] = np.nan
    keep = (promo_days <= today) & ~np.isnan(promo_who)
    promo_days, promo_who = promo_days[keep], promo_who[keep].astype(np.int64)
    promo_level = promotions["new_job_level"].to_numpy(dtype=float, na_value=np.nan)[keep]
    order = np.lexsort((promo_days, promo_who))
    promo_days, promo_who, promo_level = promo_days[order], promo_who[order], promo_level[order]

    linked = _link(starts, employees, ids)
    participant_rows = np.zeros(len(employees), dtype=bool)
    participant_rows[linked[linked >= 0]] = True
    start = _days(starts["start"])
    count = len(starts)
    cell = np.where(np.isnan(start), -3, -2).astype(np.int64)
    retained = np.zeros(count, dtype=bool)
    promoted = np.zeros(count, dtype=bool)
    complete_on = start + WINDOW_DAYS
    colleagues: list[int] = []
    colleagues_retained: list[int] = []
    colleagues_promoted: list[int] = []
    members: list[np.ndarray] = []
    role = starts["role"].to_numpy(dtype=object)
    for day in np.unique(start[complete_on <= today]):
        end = day + WINDOW_DAYS
        employed = known & (hired <= day) & ~(left <= day)
        # job level on the day: the last promotion up to it, else the level on hiring
        before = promo_days <= day
        now_level = level.copy()
        last = np.flatnonzero(before)
        if last.size:
            who = promo_who[last]
            final = np.r_[who[1:] != who[:-1], True]  # sorted by employee, then day
            promoted_to = promo_level[last][final]
            now_level[who[final]] = np.where(
                np.isnan(promoted_to), now_level[who[final]], promoted_to
            )
        in_window = (promo_days > day) & (promo_days <= end)
        promoted_in = np.zeros(len(employees), dtype=bool)
        promoted_in[promo_who[in_window]] = True
        stays = ~(left <= end)
        tenure = np.floor((day - hired) / 365.25)
        stratum = (
            ((department + 1) * 4 + _band(now_level, LEVEL_BANDS) + 1) * 4
            + _band(tenure, TENURE_BANDS)
            + 1
        ) * 5 + generation
        pool = employed & ~participant_rows
        pool_strata = stratum[pool]
        pool_rows = np.flatnonzero(pool)
        day_cells: dict[int, int] = {}  # stratum -> cell, for the participants of this day
        for index in np.flatnonzero(start == day):
            row = linked[index]
            if row < 0 or not employed[row]:
                cell[index] = -1
                continue
            retained[index] = stays[row]
            promoted[index] = promoted_in[row]
            key = int(stratum[row])
            if key not in day_cells:
                mates = pool_rows[pool_strata == key]
                day_cells[key] = len(colleagues)
                colleagues.append(len(mates))
                colleagues_retained.append(int(stays[mates].sum()))
                colleagues_promoted.append(int(promoted_in[mates].sum()))
                members.append(mates)
            cell[index] = day_cells[key]
    return _Cells(
        role=role,
        cell=cell,
        retained=retained,
        promoted=promoted,
        complete_on=complete_on,
        colleagues=np.array(colleagues, dtype=np.int64),
        colleagues_retained=np.array(colleagues_retained, dtype=np.int64),
        colleagues_promoted=np.array(colleagues_promoted, dtype=np.int64),
        members=members,
        employees=len(employees),
    )


def _combine(cells: _Cells, minimum: int) -> list[OutcomeComparison]:
    results = []
    for role in ROLES:
        mine = cells.role == role
        pending_days = cells.complete_on[mine & (cells.cell == -2)]
        pending = len(pending_days)
        complete_from = (
            (pd.Timestamp("1970-01-01") + pd.Timedelta(days=float(pending_days.min()))).date()
            if pending
            else None
        )
        not_linked = int((mine & (cells.cell == -1)).sum())
        placed = mine & (cells.cell >= 0)
        with_mates = placed.copy()
        with_mates[placed] = cells.colleagues[cells.cell[placed]] > 0
        without = int(placed.sum() - with_mates.sum())
        used = cells.cell[with_mates]
        seen = np.zeros(cells.employees, dtype=bool)
        for used_cell in np.unique(used):
            seen[cells.members[used_cell]] = True
        distinct = int(seen.sum())
        for outcome in OUTCOMES:
            base = dict(
                role=role,
                outcome=outcome,
                participants=int(with_mates.sum()),
                colleagues=distinct,
                without_colleagues=without,
                not_linked=not_linked,
                pending=pending,
                complete_from=complete_from,
            )
            if not used.size:
                if not (mine & (cells.cell != -3)).any():
                    why = f"no {role} paired"
                elif not placed.sum():
                    why = f"no {role} has a complete 12-month window yet"
                else:
                    why = f"no {role} has a comparable colleague"
                results.append(_empty(base, why))
                continue
            if used.size < minimum:
                why = f"fewer than {minimum} {role}s to compare, the anonymity minimum"
                results.append(_empty(base, why))
                continue
            hit = (cells.retained if outcome == "retention" else cells.promoted)[with_mates]
            mates_hit = (
                cells.colleagues_retained if outcome == "retention" else cells.colleagues_promoted
            )
            # Imported here: scipy.stats and statsmodels take half a second to import, which a
            # screen's first visit on a new server process need not pay before any comparison.
            from scipy.stats import norm
            from statsmodels.stats.proportion import std_prop
            from statsmodels.stats.weightstats import DescrStatsW

            ids, inverse = np.unique(used, return_inverse=True)
            n = np.bincount(inverse).astype(float)
            m = cells.colleagues[ids].astype(float)
            rate = mates_hit[ids] / m  # each cell's colleague rate
            # Participants: the spread of (outcome − their cell's colleague rate); colleagues: each
            # cell's binomial standard error, weighted as the participants are.
            own = DescrStatsW(hit.astype(float) - rate[inverse], ddof=0)
            weight = n / n.sum()
            difference = float(own.mean)
            variance = own.var / n.sum() + np.sum((weight * std_prop(rate, m)) ** 2)
            spread = float(norm.ppf(0.975) * np.sqrt(variance))
            comparison = float(np.sum(weight * rate))
            results.append(
                OutcomeComparison(
                    **base,
                    participant_rate=float(hit.mean()),
                    comparison_rate=comparison,
                    difference=difference,
                    low=difference - spread,
                    high=difference + spread,
                )
            )
    return results


#: Said beside every comparison: who joined chose to.
ASSOCIATION_NOTE = (
    "An association among people who chose to join, not proof that the program caused it: "
    "comparable colleagues share department, job-level band, tenure band and generation on the "
    "participant's start date."
)
#: What the report's and the screens' lines begin with, per outcome.
LINE_LABELS = {
    "retention": "Retention vs comparable colleagues",
    "promotion": "Promotion vs comparable colleagues",
}


def short(result: OutcomeComparison) -> str:
    """The comparison in a few words, for the one-page PDF."""
    people = f"{result.role}s".capitalize()
    verb = "stayed" if result.outcome == "retention" else "promoted"
    if result.withheld:
        return f"{people} {verb}: not shown, {result.withheld}."
    assert result.difference is not None and result.low is not None
    assert result.high is not None and result.comparison_rate is not None
    assert result.participant_rate is not None
    verdict = "" if result.clear else "no clear difference, "
    return (
        f"{people} {verb} {_pct(result.participant_rate)} vs {_pct(result.comparison_rate)} "
        f"({verdict}{result.difference * 100:+.0f} pts, 95 % CI {result.low * 100:+.0f} to "
        f"{result.high * 100:+.0f}; {result.participants:,} vs {result.colleagues:,})"
    )


def breakdown_table(
    groups: dict[str, list[OutcomeComparison]],
    names: dict[str, str] | None = None,
    label: str = "Group",
) -> pd.DataFrame:
    """One row per group (a column named `label`, values by `names`), role and outcome:
    participants, their rate, the colleagues' weighted rate, the difference and its interval in
    points, colleagues, and why a row has no figures."""
    rows = []
    for group, results in groups.items():
        for r in results:
            shown = not r.withheld
            rows.append(
                {
                    label: (names or {}).get(group, group),
                    "Role": f"{r.role}s".capitalize(),
                    "Outcome": r.outcome.capitalize(),
                    "Participants": r.participants,
                    "Rate": r.participant_rate if shown else None,
                    "Colleagues' rate": r.comparison_rate if shown else None,
                    "Difference (pts)": r.difference * 100 if shown and r.difference else None,
                    "95 % CI (pts)": f"{r.low * 100:+.0f} to {r.high * 100:+.0f}"
                    if shown and r.low is not None and r.high is not None
                    else None,
                    "Colleagues": r.colleagues,
                    "Note": r.withheld
                    or ("" if r.clear else "no clear difference")
                    + (
                        f"; {r.without_colleagues} without a colleague"
                        if r.without_colleagues
                        else ""
                    )
                    + (f"; {r.pending} still inside 12 months" if r.pending else ""),
                }
            )
    return pd.DataFrame(rows)


def _pct(rate: float) -> str:
    return f"{rate * 100:.0f} %"


def _empty(base: dict, why: str) -> OutcomeComparison:
    return OutcomeComparison(
        **base,
        participant_rate=None,
        comparison_rate=None,
        difference=None,
        low=None,
        high=None,
        withheld=why,
    )


def sentence(result: OutcomeComparison) -> str:
    """The comparison in one line, e.g. "Mentors stayed 94 % vs 86 % of comparable colleagues
    (+8 pts, 95 % CI +2 to +14; 150 mentors, 3,400 colleagues)"."""
    people = f"{result.role}s".capitalize()
    verb = "stayed" if result.outcome == "retention" else "were promoted"
    if result.withheld:
        text = f"{people}: not shown — {result.withheld}."
    else:
        assert result.difference is not None and result.low is not None
        assert result.high is not None and result.comparison_rate is not None
        assert result.participant_rate is not None
        verdict = "" if result.clear else "no clear difference; "
        text = (
            f"{people} {verb} {_pct(result.participant_rate)} vs {_pct(result.comparison_rate)} of "
            f"comparable colleagues ({verdict}{result.difference * 100:+.0f} pts, 95 % CI "
            f"{result.low * 100:+.0f} to {result.high * 100:+.0f}; {result.participants:,} "
            f"{result.role}s, {result.colleagues:,} colleagues)"
        )
    notes = []
    if result.without_colleagues:
        notes.append(f"{result.without_colleagues:,} without a comparable colleague left out")
    if result.not_linked:
        notes.append(f"{result.not_linked:,} without an employee record left out")
    if result.pending and result.complete_from:
        notes.append(
            f"{result.pending:,} still inside their 12 months (first counted from "
            f"{result.complete_from.isoformat()})"
        )
    return text + (f" [{'; '.join(notes)}]" if notes else "")


__all__ = [
    "ASSOCIATION_NOTE",
    "LINE_LABELS",
    "OutcomeComparison",
    "breakdown_table",
    "compare_outcomes",
    "compare_outcomes_by",
    "participant_starts",
    "sentence",
    "short",
]
