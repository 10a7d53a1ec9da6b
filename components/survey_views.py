"""The Surveys screen's pieces: KPI row, trend charts, the breakdown table, comment lists.

Every figure arrives already decided by `app.privacy` (or `app.uplift`): these functions only
draw it. A hidden figure is written "hidden" with the reason beside it, never left blank where
it could pass for zero; a chart leaves a gap for it and its caption says which and why.
"""

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app.privacy import ALL, KINDS, MEANS, QUESTIONS, SUPPRESSED, AnonymitySettings
from app.uplift import UpliftSummary
from components.literal import md, plotly_text
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
def _month_axis(months: pd.Series) -> pd.Series:
    return pd.PeriodIndex(months, freq="M").to_timestamp().to_series(index=months.index)


def _show(figure: go.Figure, caption: str) -> None:
    """The chart and its caption; with nothing to draw (every figure hidden or unanswered), the
    caption alone, as a note instead of an empty chart."""
    values = [pd.to_numeric(pd.Series(trace.y), errors="coerce") for trace in figure.data]
    if not any(value.notna().any() for value in values):
        why = caption.removeprefix("Nothing hidden. ") or "Nobody answered these questions."
        st.info(f"Nothing to draw. {why}", icon=":material/visibility_off:")
        return
    st.plotly_chart(figure)
    if caption:
        st.caption(caption)


def _month_ticks(figure: go.Figure, months: int) -> None:
    figure.update_xaxes(tickformat="%b %Y", dtick="M1" if months <= 12 else "M3")


def _layout(figure: go.Figure, *, y_title: str, y_range: list[float] | None = None) -> go.Figure:
    figure.update_layout(
        height=320,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.12},
        hovermode="x unified",
        yaxis_title=y_title,
    )
    if y_range:
        figure.update_yaxes(range=y_range)
    return figure


def month_trend_chart(trend: pd.DataFrame) -> None:
    """Mean satisfaction and relationship quality per month (`survey_trend`); a hidden month or
    figure is a gap, named with why in the caption."""
    plotted = ("satisfaction", "relationship_quality")
    x = _month_axis(trend["month"]).to_numpy()
    figure = go.Figure()
    for colour, question in zip(SERIES_COLOURS, plotted, strict=False):
        figure.add_scatter(
            x=x,
            y=trend[question].astype(float).to_numpy(),
            name=QUESTION_LABELS[question],
            mode="lines+markers",
            line={"color": colour},
            connectgaps=False,
            hovertemplate="%{y:.1f}<extra>" + QUESTION_LABELS[question] + "</extra>",
        )
    _month_ticks(figure, len(trend))
    _show(
        _layout(figure, y_title="Mean answer (1–5)", y_range=[1, 5.2]),
        _gaps_caption(hidden_cells(trend, "month", plotted), unanswered(trend, "month", plotted)),
    )


def role_trend_chart(by_role: pd.DataFrame, months: pd.Series, question: str) -> None:
    """`question` per month for mentors and for mentees (`survey_trend(by_role=True)`); a hidden
    cell is a gap, named with why in the caption."""
    x = _month_axis(months).to_numpy()
    figure = go.Figure()
    hidden, empty = [], []
    for colour, (role, label) in zip(SERIES_COLOURS, ROLE_LABELS.items(), strict=False):
        cells = by_role[by_role["role"] == role]
        y = cells.set_index("month")[question].reindex(months).astype(float)
        figure.add_scatter(
            x=x,
            y=y.to_numpy(),
            name=label,
            mode="lines+markers",
            line={"color": colour},
            connectgaps=False,
            hovertemplate="%{y:.1f}<extra>" + label + "</extra>",
        )
        if cells_hidden := hidden_cells(cells, "month", (question,)):
            hidden.append(f"{label}: {cells_hidden}")
        if cells_empty := unanswered(cells, "month", (question,)):
            empty.append(f"{label} {cells_empty[0].lower()}{cells_empty[1:]}")
    y_title = f"Mean {QUESTION_LABELS[question].lower()} (1–5)"
    _month_ticks(figure, len(months))
    _show(
        _layout(figure, y_title=y_title, y_range=[1, 5.2]),
        _gaps_caption("; ".join(hidden), "; ".join(empty)),
    )


def kind_chart(kinds: pd.DataFrame) -> None:
    """The three mean answers per survey kind (`survey_breakdown(by="kind")`); the caption names
    what is hidden."""
    kinds = kinds[kinds["group"] != ALL].assign(group=lambda frame: frame["group"].map(KIND_LABELS))
    shown = kinds[kinds["shown"]]
    figure = go.Figure()
    for colour, question in zip(SERIES_COLOURS, MEANS, strict=False):
        figure.add_bar(
            x=shown["group"],
            y=shown[question].astype(float),
            name=QUESTION_LABELS[question],
            marker_color=colour,
            hovertemplate="%{y:.1f}<extra>" + QUESTION_LABELS[question] + "</extra>",
        )
    figure.update_layout(barmode="group")
    hidden = hidden_cells(kinds, "group", MEANS)
    _show(
        _layout(figure, y_title="Mean answer (1–5)", y_range=[0, 5.2]),
        f"Hidden: {hidden}." if hidden else "",
    )


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
    figure = go.Figure(
        go.Bar(
            x=["Baseline", "Exit"],
            y=[round(uplift.baseline, 1), round(uplift.exit, 1)],
            marker_color=SERIES_COLOURS[:2],
            text=[f"{uplift.baseline:.1f}", f"{uplift.exit:.1f}"],
            textposition="outside",
            hovertemplate="%{x}: %{y:.1f}<extra></extra>",
        )
    )
    st.plotly_chart(_layout(figure, y_title="Mean digital confidence (1–5)", y_range=[0, 5.5]))
    st.caption(
        f"{uplift.mentees:,} mentees who answered both; latest answer of each kind. "
        f"Uplift {uplift.uplift:+.1f}."
    )


def nps_chart(table: pd.DataFrame, names: Mapping[str, str]) -> None:
    """NPS per group of a breakdown, shown groups only; the caption names the hidden ones."""
    groups = table[table["group"] != ALL]
    shown = groups[groups["shown"] & groups["nps"].notna()]
    labels = shown["group"].map(lambda group: names.get(group, group))
    figure = go.Figure(
        go.Bar(
            x=labels.map(plotly_text),
            y=shown["nps"].astype(float),
            marker_color=SERIES_COLOURS[0],
            text=[f"{value:+.0f}" for value in shown["nps"]],
            textposition="outside",
            hovertemplate="%{x}: NPS %{y:+.0f}<extra></extra>",
        )
    )
    named = groups.assign(group=groups["group"].map(lambda group: md(names.get(group, group))))
    hidden = hidden_cells(named, "group", ("nps",))
    _show(
        _layout(figure, y_title="NPS (−100…100)", y_range=[-105, 115]),
        f"No NPS shown for: {hidden}." if hidden else "",
    )


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
    for group, texts in listed.items():
        label = "Everyone" if group == ALL else names.get(group, group)
        with st.expander(md(f"{label} · {len(texts)} comments")):
            # A table, not markdown: a comment is shown as typed, never rendered as markup.
            st.dataframe(pd.DataFrame({"Comment": texts}), hide_index=True)
