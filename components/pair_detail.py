"""One pair's detail under the pair table: who, how healthy and why, then its meetings against
the target cadence, its goals, the survey scores from both sides and the follow-ups."""

from datetime import date

import pandas as pd
import streamlit as st

from app import formats
from app.cohort_view import goals_with_overdue, meeting_gaps
from app.reminders import RULES
from components import loaders
from components.health_charts import meeting_timeline_chart, survey_scores_chart
from components.literal import md
from components.loaders import follow_up_data
from components.pair_table import PAIR_PARAM
from data_access import follow_ups as follow_up_store
from data_access.checkins import CHECKIN
from data_access.pair_history import PairHistory


def _score(value: float) -> str:
    """A score on its scale: "62 / 100"."""
    return formats.UNKNOWN if pd.isna(value) else f"{value:.0f} / 100"


def _header(pair: pd.Series, *, started_on: pd.Timestamp) -> None:
    st.subheader(f"{md(pair['mentor_name'])} (mentor) and {md(pair['mentee_name'])} (mentee)")
    st.caption(
        f"Pair {md(pair['pair_id'])} · {md(pair['cohort_name'])} · "
        f"{pair['status'].replace('_', ' ')} · "
        f"started {started_on:%d %b %Y} · target: a meeting every {pair['cadence_days']:.0f} days"
    )
    score, meetings, goals, sentiment = st.columns(4)
    score.metric(
        "Health score",
        formats.decimal(pair["health_score"], scale="100"),
        help="0–100 from the three components on the right, weighted by the program's settings.",
    )
    meetings.metric("Meetings", _score(pair["meetings_score"]), help="Recency and adherence.")
    goals.metric("Goals", _score(pair["goals_score"]), help="Progress and goals not overdue.")
    sentiment.metric(
        "Sentiment", _score(pair["sentiment_score"]), help="Latest answers of both people."
    )
    st.markdown(f"**{pair['band']}** — {md(pair['reasons'])}")


def _meetings(history: PairHistory, pair: pd.Series, started_on, stall_factor: float) -> None:
    meetings = history.meetings
    st.caption(f"{formats.plural(len(meetings), 'meeting')} by {formats.day(history.as_of)}.")
    _check_ins(history)
    if meetings.empty:
        st.info("No meetings recorded yet.", icon=":material/event_busy:")
    meeting_timeline_chart(
        meeting_gaps(meetings, started_on=started_on),
        started_on=started_on,
        as_of=history.as_of,
        days_since_last_meeting=int(pair["days_since_last_meeting"]),
        cadence_days=pair["cadence_days"],
        stall_limit_days=pair["cadence_days"] * stall_factor,
    )


def _check_ins(history: PairHistory) -> None:
    """What the pair logged through its check-in links (the rows marked `checkin`)."""
    meetings = history.meetings[history.meetings["source"] == CHECKIN]
    answers = history.surveys[history.surveys["source"] == CHECKIN]
    if meetings.empty and answers.empty:
        return
    st.caption(
        f"Logged through check-in links: {formats.plural(len(meetings), 'meeting')}, "
        f"{formats.plural(len(answers), 'survey answer')}."
    )
    logged = meetings.sort_values("held_on", ascending=False).assign(
        what="Meeting", day=lambda frame: frame["held_on"].dt.strftime("%d %b %Y")
    )
    st.dataframe(
        logged[["day", "what", "format", "duration_minutes"]],
        hide_index=True,
        column_config={
            "day": "Day",
            "what": "Logged",
            "format": "Format",
            "duration_minutes": "Minutes",
        },
    )


#: How the pair detail names each reminder rule.
_RULE_TITLES = {**RULES}


def _emails(history: PairHistory) -> None:
    """The e-mails PairPulse made for the pair: nudges, surveys; sent, failed or waiting."""
    emails = history.emails
    if emails.empty:
        st.info("No e-mails sent to this pair yet.", icon=":material/mail:")
        return
    status = emails["sent_at"].notna().map({True: "Sent", False: "Not sent yet"})
    status = status.where(emails["sent_at"].notna() | emails["error"].isna(), "Failed, will retry")
    shown = pd.DataFrame(
        {
            "Day": emails["created_on"].dt.strftime("%d %b %Y"),
            "E-mail": emails["rule"].map(_RULE_TITLES).fillna(emails["rule"]),
            "To": emails["recipient_email"],
            "Subject": emails["subject"],
            "Status": status,
        }
    )
    st.dataframe(shown, hide_index=True)


def _goals(history: PairHistory) -> None:
    goals = goals_with_overdue(history.goals, as_of=history.as_of)
    overdue = int(goals["overdue"].sum())
    st.caption(f"{formats.plural(len(goals), 'goal')}, {overdue:,} overdue.")
    if goals.empty:
        st.info("No goals recorded yet.", icon=":material/flag:")
        return
    st.dataframe(
        pd.DataFrame(
            {
                "goal": goals["title"],
                "category": goals["category"],
                "status": goals["status"].str.replace("_", " "),
                "due": goals["due_on"],
                "completed": goals["completed_on"],
                "progress": goals["progress_pct"].where(goals["status"] != "done", 100),
                "overdue": goals["overdue"].map({True: "Overdue", False: ""}),
            }
        ),
        hide_index=True,
        placeholder="—",
        column_config={
            "goal": st.column_config.TextColumn("Goal", width="large"),
            "category": "Category",
            "status": "Status",
            "due": st.column_config.DateColumn("Due", format="D MMM YYYY"),
            "completed": st.column_config.DateColumn("Completed", format="D MMM YYYY"),
            "progress": st.column_config.ProgressColumn(
                "Progress", min_value=0, max_value=100, format="%d%%"
            ),
            "overdue": st.column_config.TextColumn(
                "Overdue", help="Due before the as-of date and neither done nor dropped."
            ),
        },
    )


def _surveys(history: PairHistory) -> None:
    surveys = history.surveys
    st.caption(f"{formats.plural(len(surveys), 'survey response')} from the two of them.")
    if surveys[["satisfaction", "relationship_quality"]].notna().any(axis=None):
        survey_scores_chart(surveys)
    else:
        st.info(
            "No satisfaction or relationship answers from this pair yet.", icon=":material/reviews:"
        )


#: The newest entries the follow-up history shows; older ones are counted, not listed.
FOLLOW_UP_FEED_LIMIT = 20
_ACTION_TITLES = {
    follow_up_store.LOGGED: "Follow-up logged",
    follow_up_store.SNOOZED: "Snoozed",
    follow_up_store.RESOLVED: "Resolved",
    follow_up_store.REOPENED: "Back in the queue (snooze or resolution undone)",
}


def _follow_up_entry(entry: pd.Series) -> None:
    """One entry of the history. Whatever people typed is shown as typed (st.text), never
    rendered as Markdown or HTML."""
    with st.container(border=True):
        title = _ACTION_TITLES.get(entry["action"], "Follow-up")
        st.markdown(f"**{title}** · {entry['created_at']:%d %b %Y, %H:%M} UTC")
        facts = [f"By: {entry['created_by']}"]
        if pd.notna(entry["owner"]) and entry["owner"]:
            facts.append(f"Owner: {entry['owner']}")
        if pd.notna(entry["due_on"]):
            facts.append(f"Due: {entry['due_on']:%d %b %Y}")
        if pd.notna(entry["snoozed_until"]):
            facts.append(f"Snoozed until: {entry['snoozed_until']:%d %b %Y}")
        st.text(" · ".join(facts))
        if pd.notna(entry["note"]) and entry["note"]:
            st.text(entry["note"])
        if pd.notna(entry["next_step"]) and entry["next_step"]:
            st.text(f"Next step: {entry['next_step']}")


def _follow_ups(history: PairHistory) -> None:
    follow_ups = history.follow_ups
    if follow_ups.empty:
        st.info("No follow-ups logged yet.", icon=":material/support_agent:")
        return
    newest_first = follow_ups.iloc[::-1].sort_values("created_at", ascending=False, kind="stable")
    for _, entry in newest_first.head(FOLLOW_UP_FEED_LIMIT).iterrows():
        _follow_up_entry(entry)
    if len(newest_first) > FOLLOW_UP_FEED_LIMIT:
        st.caption(
            f"The {FOLLOW_UP_FEED_LIMIT} newest of {len(newest_first):,} entries; "
            f"{len(newest_first) - FOLLOW_UP_FEED_LIMIT:,} earlier ones are not listed."
        )


def pair_detail(pair: pd.Series, *, as_of: date, stall_factor: float) -> None:
    """The detail of one pair: `pair` is its row of `app.cohort_view.pair_rows` on `as_of`;
    `stall_factor` is the program's (the stall limit is that many target cadences)."""
    history = follow_up_data.pair_history(pair["pair_id"], as_of)
    started_on = pd.Timestamp(as_of) - pd.Timedelta(days=int(pair["days_since_start"]))
    _header(pair, started_on=started_on)
    meetings, goals, surveys, follow_ups, emails = st.tabs(
        [
            f"Meetings ({len(history.meetings):,})",
            f"Goals ({len(history.goals):,})",
            "Survey scores",
            f"Follow-ups ({len(history.follow_ups):,})",
            f"E-mails ({len(history.emails):,})",
        ]
    )
    with meetings:
        _meetings(history, pair, started_on, stall_factor)
    with goals:
        _goals(history)
    with surveys:
        _surveys(history)
    with follow_ups:
        _follow_ups(history)
    with emails:
        _emails(history)


def linked_pair_detail(
    pair_id: str, *, rows: pd.DataFrame, shown: pd.DataFrame, as_of: date
) -> None:
    """The detail of the pair in the link, looked up in `rows` (`pair_rows` under the cohort
    filter), else in every cohort; a pair the program did not have on `as_of` is dropped from
    the link with a note. `shown` are the pairs the filters leave in the table."""
    if pair_id not in rows.index:
        rows = loaders.pair_rows(as_of)
    if pair_id not in rows.index:
        st.info(
            md(
                f"The link's pair {pair_id[:40]!r} is not in this program on {as_of:%d %b %Y}; "
                "ignored. Pick a pair in the table to open it."
            ),
            icon=":material/link_off:",
        )
        st.query_params.pop(PAIR_PARAM, None)
        return
    st.divider()
    if pair_id not in shown.index:
        st.caption("This pair is outside the filters above; the link still opens it.")
    stall_factor = loaders.program_settings().stall_factor
    pair_detail(rows.loc[pair_id], as_of=as_of, stall_factor=stall_factor)
