"""The Surveys screen's pieces: KPI row, trend charts, the breakdown table, comment lists.

Every figure arrives already decided by `app.privacy` (or `app.uplift`): these functions only
draw it. A hidden figure is written "hidden" with the reason beside it, never left blank where
it could pass for zero; a chart leaves a gap for it and its caption says which and why.
"""

from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd
import streamlit as st

from app.privacy import ALL, KINDS, MEANS, QUESTIONS, SUPPRESSED, AnonymitySettings
from app.uplift import UpliftSummary
from components.literal import md
from components.long_table import long_table
from components.palette import SERIES_COLOURS

BREAKDOWN_LABELS = {
    "cohort": "Cohort",
    "role": "Role",
    "department": "Department",
    "generation": "Generation",
    "kind": "Survey kind",
    "month": "Month",
}
QUESTION_LABELS = {
    "satisfaction": "Satisfaction",
    "relationship_quality": "Relationship quality",
    "digital_confidence": "Digital confidence",
    "nps": "NPS",
}
ROLE_LABELS = {"mentor": "Mentors", "mentee": "Mentees"}
KIND_LABELS = {kind: kind.capitalize() for kind in KINDS}
NO_ANSWERS = "no answers"
COMMENTS_RULE = "Comments appear only for groups of {minimum} or more respondents"
_FIGURES = ("respondents", "responses", *QUESTIONS)


def group_names(by: str, cohorts: Mapping[str, str]) -> Mapping[str, str]:
    """How the groups of the breakdown `by` read on screen (cohort ids by `cohorts`' names)."""
    return {"cohort": cohorts, "role": ROLE_LABELS, "kind": KIND_LABELS}.get(by, {})


# --- Reading the privacy tables -------------------------------------------------------------------
def _question_reasons(note: str) -> dict[str, str]:
    """Question → why it is hidden, from a shown row's note ("nps hidden: fewer than 5 …")."""
    reasons: dict[str, str] = {}
    for part in note.split("; "):
        head, separator, why = part.partition(f" {SUPPRESSED}:")
        if separator:
            reasons.update(dict.fromkeys(head.split(", "), why.strip()))
    return reasons


def hidden_questions(note: str) -> set[str]:
    """The questions a shown row's note says are hidden."""
    return set(_question_reasons(note))


def readable_note(note: str) -> str:
    """A row's note with the questions named as on screen ("NPS hidden: …")."""
    parts = []
    for part in note.split("; "):
        head, separator, why = part.partition(f" {SUPPRESSED}:")
        if separator:
            head = ", ".join(QUESTION_LABELS.get(name, name) for name in head.split(", "))
        parts.append(f"{head}{separator}{why}")
    return "; ".join(parts)


def overall(tables: Sequence[pd.DataFrame]) -> pd.Series:
    """The All row as every table on the page allows: hidden if any table hides it, each figure
    blank if any table blanks it, so no figure shown in one place undoes a suppression in another.
    """
    rows = [table.set_index("group").loc[ALL] for table in tables]
    for row in rows:
        if not row["shown"]:
            return row
    merged = rows[0].copy()
    notes = []
    for row in rows:
        for column in _FIGURES:
            if pd.isna(row[column]):
                merged[column] = pd.NA if column in ("respondents", "responses") else float("nan")
        notes += [part for part in str(row["note"]).split("; ") if part and part not in notes]
    merged["note"] = "; ".join(notes)
    return merged


def _figure_text(row: Mapping[str, object], column: str) -> str:
    """One figure of a shown row as the table writes it."""
    value = row[column]
    if pd.isna(value):
        return SUPPRESSED if column in hidden_questions(str(row["note"])) else NO_ANSWERS
    if column in ("respondents", "responses"):
        return f"{int(value):,}"
    return f"{value:+.0f}" if column == "nps" else f"{value:.1f}"


def display_table(table: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """`app.privacy.survey_breakdown` as the screen shows it: every figure a string, "hidden" in
    each figure of a hidden row and for a hidden question, with the reason in Note."""
    rows = []
    for row in table.to_dict("records"):
        shown = bool(row["shown"])
        figures = {
            label: _figure_text(row, column) if shown else SUPPRESSED
            for column, label in (
                ("respondents", "Respondents"),
                ("responses", "Responses"),
                *QUESTION_LABELS.items(),
            )
        }
        note = readable_note(str(row["note"])) if row["note"] else ""
        rows.append({"Group": names.get(row["group"], row["group"]), **figures, "Note": note})
    return pd.DataFrame(rows)


def hidden_cells(table: pd.DataFrame, key: str, questions: Sequence[str] = ()) -> str:
    """What `table` hides, by reason: "2025-01, 2025-02 (fewer than 5 respondents)" for hidden
    rows, then "Satisfaction in 2025-03 (…)" for each of `questions` hidden in a shown row."""
    shown = table["shown"].astype(bool)
    found: dict[str, list[str]] = {}
    for row in table[~shown].to_dict("records"):
        found.setdefault(str(row["note"]).removeprefix(f"{SUPPRESSED}: "), []).append(row[key])
    parts = [f"{', '.join(map(str, keys))} ({why})" for why, keys in found.items()]
    for question in questions:
        by_reason: dict[str, list[str]] = {}
        for row in table[shown].to_dict("records"):
            why = _question_reasons(str(row["note"])).get(question)
            if why:
                by_reason.setdefault(why, []).append(row[key])
        parts += [
            f"{QUESTION_LABELS[question]} in {', '.join(map(str, keys))} ({why})"
            for why, keys in by_reason.items()
        ]
    return "; ".join(parts)


def unanswered(table: pd.DataFrame, key: str, questions: Sequence[str]) -> str:
    """ "Satisfaction: no answers in 2026-01, 2026-02" for shown rows where nobody answered."""
    shown = table[table["shown"].astype(bool)]
    parts = []
    for question in questions:
        blank = shown[shown[question].isna()]
        keys = [
            row[key]
            for row in blank.to_dict("records")
            if question not in hidden_questions(str(row["note"]))
        ]
        if keys:
            parts.append(f"{QUESTION_LABELS[question]}: no answers in {', '.join(map(str, keys))}")
    return "; ".join(parts)


def _gaps_caption(hidden: str, empty: str) -> str:
    parts = [f"Hidden, left as gaps: {hidden}." if hidden else "Nothing hidden."]
    if empty:
        parts.append(f"{empty}.")
    return " ".join(parts)


# --- KPIs -----------------------------------------------------------------------------------------
def survey_kpis(row: pd.Series, uplift: UpliftSummary, rule: AnonymitySettings) -> None:
    """Responses, respondents, NPS, satisfaction and skill uplift: "hidden" when the rule hides a
    figure, "—" when nobody answered, each with the reason in a caption under the row."""
    shown = bool(row["shown"])
    text = {
        column: _figure_text(row, column) if shown else SUPPRESSED
        for column in ("responses", "respondents", "nps", "satisfaction")
    }
    if uplift.withheld:
        text["uplift"] = SUPPRESSED
    elif uplift.mentees >= rule.min_respondents:
        text["uplift"] = f"{uplift.uplift:+.1f}"
    else:
        text["uplift"] = SUPPRESSED if uplift.mentees else NO_ANSWERS
    value = {column: "—" if figure == NO_ANSWERS else figure for column, figure in text.items()}
    columns = st.columns(5)
    columns[0].metric("Responses", value["responses"])
    columns[1].metric("Respondents", value["respondents"], help="Distinct people who answered.")
    columns[2].metric("NPS", value["nps"], help="% of 9–10 minus % of 0–6, on −100…100.")
    columns[3].metric("Satisfaction", value["satisfaction"], help="Mean answer, 1–5.")
    columns[4].metric(
        "Skill uplift",
        value["uplift"],
        help="Mean exit minus mean baseline digital confidence (1–5) of the mentees who answered "
        "both.",
    )
    reasons = []
    if not shown:
        reasons.append(f"Survey figures are {readable_note(str(row['note']))} (anonymity rule).")
    elif row["note"]:
        reasons.append(f"{readable_note(str(row['note']))}.")
    empty = [
        label
        for column, label in (("nps", "NPS"), ("satisfaction", "satisfaction"))
        if text[column] == NO_ANSWERS
    ]
    if empty:
        reasons.append(f"No {' or '.join(empty)} answers in these surveys yet.")
    if uplift.withheld:
        reasons.append(f"Skill uplift {uplift.withheld}.")
    elif uplift.mentees == 0:
        reasons.append("No mentee has answered both a baseline and an exit survey yet.")
    elif uplift.mentees < rule.min_respondents:
        reasons.append(
            f"Skill uplift hidden: fewer than {rule.min_respondents} mentees answered both a "
            "baseline and an exit survey."
        )
    if reasons:
        st.caption(" ".join(reasons))


# --- Charts ---------------------------------------------------------------------------------------
# Altair (Vega-Lite): a Plotly chart made every new browser compile a 4.7 MB script first
# (docs/architecture.md). Each chart is given one long frame — `series` (the line or bar group),
# `x` (a month or a group), `value` (NaN where the rule hides a figure or nobody answered) — and
# Vega-Lite breaks a line at a missing value, so a hidden month is a gap, never a zero. Vega-Lite
# draws text as text: names show as typed.
_HEIGHT = 320
_BREAK_AT_GAPS = "break-paths-show-domains"


def _month_axis(months: pd.Series) -> pd.Series:
    return pd.PeriodIndex(months, freq="M").to_timestamp().to_series(index=months.index)


def _series(name: str, x: Sequence[object], values: Sequence[object]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "series": name,
            "x": list(x),
            "value": pd.to_numeric(pd.Series(list(values)), errors="coerce"),
        }
    )


def _show(chart: alt.TopLevelMixin, frame: pd.DataFrame, caption: str, key: str) -> None:
    """The chart and its caption; with nothing to draw (every figure hidden or unanswered), the
    caption alone, as a note instead of an empty chart."""
    if not frame["value"].notna().any():
        why = caption.removeprefix("Nothing hidden. ") or "Nobody answered these questions."
        st.info(f"Nothing to draw. {why}", icon=":material/visibility_off:")
        return
    st.altair_chart(chart.properties(name=key), key=key, width="stretch")
    if caption:
        st.caption(caption)


def _colour_scale(names: Sequence[str]) -> alt.Scale:
    return alt.Scale(domain=list(names), range=SERIES_COLOURS[: len(names)])


def _series_colour(names: Sequence[str]) -> alt.Color:
    """One colour per series, named in a legend above the chart."""
    return alt.Color(
        "series:N", title=None, scale=_colour_scale(names), legend=alt.Legend(orient="top")
    )


def _groups_axis(frame: pd.DataFrame) -> alt.X:
    """The groups along x in the frame's order, names written level and in full (up to 320 px)."""
    return alt.X(
        "x:N",
        title=None,
        sort=list(dict.fromkeys(frame["x"])),
        axis=alt.Axis(labelAngle=0, labelLimit=320),
    )


def _month_lines(
    frame: pd.DataFrame, *, y_title: str, months: int, names: Sequence[str]
) -> alt.Chart:
    """One line per series over the months, points on the months with a figure."""
    return (
        alt.Chart(frame)
        .mark_line(point=True, invalid=_BREAK_AT_GAPS)
        .encode(
            x=alt.X(
                "x:T",
                title=None,
                scale=alt.Scale(type="utc"),  # months arrive as UTC midnights: none shifts
                axis=alt.Axis(
                    format="%b %Y",
                    tickCount={"interval": "month", "step": 1 if months <= 12 else 3},
                ),
            ),
            y=alt.Y("value:Q", title=y_title, scale=alt.Scale(domain=[1, 5.2])),
            color=_series_colour(names),
            tooltip=[
                alt.Tooltip("series:N", title="Figure"),
                alt.Tooltip("x:T", title="Month", format="%B %Y", formatType="utc"),
                alt.Tooltip("value:Q", title="Mean answer", format=".1f"),
            ],
        )
        .properties(height=_HEIGHT)
    )


def month_trend_chart(trend: pd.DataFrame) -> None:
    """Mean satisfaction and relationship quality per month (`survey_trend`); a hidden month or
    figure is a gap, named with why in the caption."""
    plotted = ("satisfaction", "relationship_quality")
    x = _month_axis(trend["month"])
    frame = pd.concat(
        [_series(QUESTION_LABELS[q], x, trend[q].astype(float)) for q in plotted],
        ignore_index=True,
    )
    names = [QUESTION_LABELS[q] for q in plotted]
    chart = _month_lines(frame, y_title="Mean answer (1–5)", months=len(trend), names=names)
    caption = _gaps_caption(
        hidden_cells(trend, "month", plotted), unanswered(trend, "month", plotted)
    )
    _show(chart, frame, caption, "survey_trend")


def role_trend_chart(by_role: pd.DataFrame, months: pd.Series, question: str) -> None:
    """`question` per month for mentors and for mentees (`survey_trend(by_role=True)`); a hidden
    cell is a gap, named with why in the caption."""
    x = _month_axis(months)
    frames, hidden, empty = [], [], []
    for role, label in ROLE_LABELS.items():
        cells = by_role[by_role["role"] == role]
        y = cells.set_index("month")[question].reindex(months).astype(float)
        frames.append(_series(label, x, y))
        if cells_hidden := hidden_cells(cells, "month", (question,)):
            hidden.append(f"{label}: {cells_hidden}")
        if cells_empty := unanswered(cells, "month", (question,)):
            empty.append(f"{label} {cells_empty[0].lower()}{cells_empty[1:]}")
    frame = pd.concat(frames, ignore_index=True)
    y_title = f"Mean {QUESTION_LABELS[question].lower()} (1–5)"
    chart = _month_lines(
        frame, y_title=y_title, months=len(months), names=list(ROLE_LABELS.values())
    )
    _show(chart, frame, _gaps_caption("; ".join(hidden), "; ".join(empty)), "survey_roles")


def _labelled_bars(
    frame: pd.DataFrame, *, y_title: str, y_domain: list[float], colour: str | alt.Color, text: str
) -> alt.LayerChart:
    """Bars of `frame` (x in its order), each with `text`'s column written above it."""
    base = alt.Chart(frame).encode(
        x=_groups_axis(frame),
        y=alt.Y("value:Q", title=y_title, scale=alt.Scale(domain=y_domain)),
    )
    bars = base.mark_bar().encode(
        color=colour if isinstance(colour, alt.Color) else alt.value(colour),
        tooltip=[alt.Tooltip("x:N", title="Group"), alt.Tooltip(f"{text}:N", title=y_title)],
    )
    # Above a bar that rises from zero, below one that falls from it.
    above = base.transform_filter(alt.datum.value >= 0).mark_text(baseline="bottom", dy=-3)
    below = base.transform_filter(alt.datum.value < 0).mark_text(baseline="top", dy=3)
    written = [layer.encode(text=f"{text}:N") for layer in (above, below)]
    return alt.layer(bars, *written).properties(height=_HEIGHT)


def kind_chart(kinds: pd.DataFrame) -> None:
    """The three mean answers per survey kind (`survey_breakdown(by="kind")`); the caption names
    what is hidden."""
    kinds = kinds[kinds["group"] != ALL].assign(group=lambda frame: frame["group"].map(KIND_LABELS))
    shown = kinds[kinds["shown"]]
    frame = pd.concat(
        [_series(QUESTION_LABELS[q], shown["group"], shown[q].astype(float)) for q in MEANS],
        ignore_index=True,
    )
    names = [QUESTION_LABELS[q] for q in MEANS]
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=_groups_axis(frame),
            xOffset=alt.XOffset("series:N", sort=names),
            y=alt.Y("value:Q", title="Mean answer (1–5)", scale=alt.Scale(domain=[0, 5.2])),
            color=_series_colour(names),
            tooltip=[
                alt.Tooltip("x:N", title="Survey"),
                alt.Tooltip("series:N", title="Figure"),
                alt.Tooltip("value:Q", title="Mean answer", format=".1f"),
            ],
        )
        .properties(height=_HEIGHT)
    )
    hidden = hidden_cells(kinds, "group", MEANS)
    _show(chart, frame, f"Hidden: {hidden}." if hidden else "", "survey_kinds")


def uplift_chart(uplift: UpliftSummary, rule: AnonymitySettings) -> None:
    """Mean baseline next to mean exit digital confidence, or why it is not shown."""
    if uplift.withheld:
        st.info(f"Skill uplift {uplift.withheld}.", icon=":material/visibility_off:")
        return
    if uplift.mentees == 0:
        st.info("No mentee has answered both a baseline and an exit survey yet.")
        return
    if uplift.mentees < rule.min_respondents:
        st.info(
            f"Hidden: fewer than {rule.min_respondents} mentees answered both a baseline and an "
            "exit survey.",
            icon=":material/visibility_off:",
        )
        return
    frame = _series(
        "Digital confidence",
        ["Baseline", "Exit"],
        [round(uplift.baseline, 1), round(uplift.exit, 1)],
    ).assign(label=[f"{uplift.baseline:.1f}", f"{uplift.exit:.1f}"])
    colour = alt.Color("x:N", scale=_colour_scale(["Baseline", "Exit"]), legend=None)
    chart = _labelled_bars(
        frame,
        y_title="Mean digital confidence (1–5)",
        y_domain=[0, 5.5],
        colour=colour,
        text="label",
    )
    _show(
        chart,
        frame,
        f"{uplift.mentees:,} mentees who answered both; latest answer of each kind. "
        f"Uplift {uplift.uplift:+.1f}.",
        "survey_uplift",
    )


def nps_chart(table: pd.DataFrame, names: Mapping[str, str]) -> None:
    """NPS per group of a breakdown, shown groups only; the caption names the hidden ones."""
    groups = table[table["group"] != ALL]
    shown = groups[groups["shown"] & groups["nps"].notna()]
    labels = shown["group"].map(lambda group: names.get(group, group))
    frame = _series("NPS", labels, shown["nps"].astype(float)).assign(
        label=[f"{value:+.0f}" for value in shown["nps"]]
    )
    chart = _labelled_bars(
        frame,
        y_title="NPS (−100…100)",
        y_domain=[-105, 115],
        colour=SERIES_COLOURS[0],
        text="label",
    )
    named = groups.assign(group=groups["group"].map(lambda group: md(names.get(group, group))))
    hidden = hidden_cells(named, "group", ("nps",))
    _show(chart, frame, f"No NPS shown for: {hidden}." if hidden else "", "survey_nps")


def breakdown_table(table: pd.DataFrame, names: Mapping[str, str]) -> None:
    """The breakdown as text, so a hidden figure can never pass for zero."""
    st.dataframe(
        display_table(table, names),
        hide_index=True,
        height="content",
        column_config={
            "Group": st.column_config.TextColumn(pinned=True),
            "Respondents": st.column_config.TextColumn(help="Distinct people who answered."),
            "Satisfaction": st.column_config.TextColumn(help="Mean answer, 1–5."),
            "Relationship quality": st.column_config.TextColumn(help="Mean answer, 1–5."),
            "Digital confidence": st.column_config.TextColumn(help="Mean answer, 1–5."),
            "NPS": st.column_config.TextColumn(help="% of 9–10 minus % of 0–6."),
            "Note": st.column_config.TextColumn(width="large", help="Why a figure is hidden."),
        },
    )


# --- Comments (program managers only) -------------------------------------------------------------
def comment_lists(
    comments: Mapping[str, list[str]], names: Mapping[str, str], minimum: int
) -> None:
    """One expander per group with comments (as `app.privacy.comments_for` returned them), or
    the rule that explains why there are none."""
    listed = {group: texts for group, texts in comments.items() if texts}
    st.caption(f"{COMMENTS_RULE.format(minimum=minimum)}, and never with a name.")
    if not listed:
        st.info(f"{COMMENTS_RULE.format(minimum=minimum)}; no group here qualifies.")
        return
    for number, (group, texts) in enumerate(listed.items()):
        label = "Everyone" if group == ALL else names.get(group, group)
        box = st.expander(
            md(f"{label} · {len(texts)} comments"), key=f"comments_open_{number}", on_change="rerun"
        )
        with box:
            if not box.open:  # the table is made only when someone opens its group
                continue
            # A table, not markdown: a comment is shown as typed, never rendered as markup.
            long_table(
                pd.DataFrame({"Comment": texts}),
                what="comments",
                headers={"Comment": "Comment"},
                file_name=f"comments-{number + 1}.csv",
                key=f"comments_{number}",
                hide_index=True,
            )
