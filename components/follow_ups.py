"""The Follow-ups screen's pieces: the queue (its reads cached in `components.loaders`), its
filters and table, the actions on one pair (log, snooze, resolve), the nudge and the CSV export.

Notes and next steps are typed by people: they are shown as plain text (table cells, st.text),
never rendered as Markdown or HTML.
"""

import time
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
import streamlit as st

from app import follow_ups
from components import loaders
from components.filters import url_multiselect
from components.linked_table import linked_table
from components.loaders import follow_up_data, store_engine
from components.long_table import table_csv
from components.pair_table import PAIR_PARAM
from data_access import follow_ups as follow_up_store

TABLE_KEY = "follow_up_table"
_DONE_KEY = "_follow_up_done"
_LOGGED_KEY = "_follow_up_logged"
_FORM_KEYS = ("follow_up_note", "follow_up_next_step", "follow_up_owner", "follow_up_due")
_DRAFT_KEY = "_follow_up_draft"  # the form as last submitted, kept through a store outage
_SHOWN_KEY = "_follow_up_form_shown"  # the form was drawn on this run
_RESTORE_KEY = "_follow_up_restore"  # ... or not on the last one: put the draft back
_LAST_LOG_KEY = "_follow_up_last_log"  # (what was logged, when): a second click stores nothing
#: A submission identical to the one just logged within this many seconds is the same click.
SAME_CLICK_SECONDS = 30
EMPTY_FOLLOW_UP = "Write a note or a next step: an empty follow-up is not logged."

# In the order a coordinator reads a row: who, how bad and why, whose it is and what was done.
COLUMN_CONFIG = {
    "mentor": st.column_config.TextColumn("Mentor"),
    "mentee": st.column_config.TextColumn("Mentee"),
    "band": st.column_config.TextColumn("Band", width="small"),
    "stalled": st.column_config.CheckboxColumn("Stalled", width="small"),
    "days_since_last_meeting": st.column_config.NumberColumn(
        "Days idle", help="Days since the last meeting (or since the start, if none).", format="%d"
    ),
    "reasons": st.column_config.TextColumn("Reasons", width="medium"),
    "owner": st.column_config.TextColumn("Owner"),
    "last_follow_up": st.column_config.TextColumn("Last follow-up", width="medium"),
    "cohort": st.column_config.TextColumn("Cohort"),
}
EXPORT_COLUMNS = (
    "pair_id",
    "mentor",
    "mentee",
    "cohort",
    "band",
    "stalled",
    "days_since_last_meeting",
    "reasons",
    "last_follow_up",
    "next_step",
    "due_on",
    "owner",
)


def queue(as_of: date, cohort_ids: tuple[str, ...]) -> pd.DataFrame:
    """The follow-up queue on `as_of` over `cohort_ids`, with names, cohort name and the last
    follow-up as one line of text."""
    health = loaders.health(as_of, cohort_ids)
    latest = follow_up_data.latest_follow_ups(as_of)
    stall_factor = loaders.program_settings().stall_factor
    rows = follow_ups.follow_up_queue(health, latest, as_of=as_of, stall_factor=stall_factor)
    directory = loaders.directory().reindex(rows.index)
    rows = rows.assign(
        mentor=directory["mentor_name"],
        mentee=directory["mentee_name"],
        cohort=directory["cohort_name"],
        mentor_email=directory["mentor_email"],
        mentee_email=directory["mentee_email"],
    )
    rows["last_follow_up"] = [
        _last_follow_up(row)
        for row in rows[["last_action", "last_follow_up_on", "last_note"]].itertuples()
    ]
    return rows


def _last_follow_up(row: Any) -> str | None:
    if pd.isna(row.last_action):
        return None
    text = f"{row.last_follow_up_on:%Y-%m-%d} {row.last_action}"
    return f"{text}: {row.last_note}" if pd.notna(row.last_note) else text


def queue_filters(rows: pd.DataFrame, columns: list[Any]) -> pd.DataFrame:
    """Owner and reason-kind filters (link parameters `owner`, `reason`); the rows they keep."""
    owners = sorted(set(rows["owner"]) - {follow_ups.UNASSIGNED}) + [follow_ups.UNASSIGNED]
    chosen_owners = url_multiselect(
        "Owner", owners, param="owner", container=columns[0], placeholder="Any owner"
    )
    kinds = url_multiselect(
        "Reason",
        list(follow_ups.REASON_KINDS),
        param="reason",
        format_func=follow_ups.REASON_KINDS.get,
        container=columns[1],
        placeholder="Any reason",
    )
    return follow_ups.filter_queue(rows, owners=chosen_owners, kinds=kinds)


def queue_table(rows: pd.DataFrame) -> str | None:
    """The queue as a table with one selectable row, the selection kept in the link (`pair`,
    as on Cohort health); the pair in the link, if any — possibly one not in `rows`."""
    return linked_table(
        rows.reset_index()[list(COLUMN_CONFIG)],
        rows.index.tolist(),
        key=TABLE_KEY,
        param=PAIR_PARAM,
        column_config=COLUMN_CONFIG,
    )


def keep_draft() -> None:
    """Copy the follow-up form, as submitted, out of its widgets. A store outage ends a run before
    the form is drawn, and Streamlit then forgets the widgets' values; `actions` puts the copy
    back once the page is whole again (after Retry)."""
    draft = {key: st.session_state[key] for key in _FORM_KEYS if key in st.session_state}
    if draft:
        st.session_state[_DRAFT_KEY] = draft
    # Not drawn on the last run (an outage stopped it): the browser forgot what it showed.
    st.session_state[_RESTORE_KEY] = not st.session_state.pop(_SHOWN_KEY, False)


def _restore_draft() -> dict[str, Any]:
    """Put a kept draft back into the form (set, so the browser shows it again) when the last
    run did not draw the form, or a widget lost it; the draft."""
    draft = st.session_state.get(_DRAFT_KEY, {})
    restore = st.session_state.pop(_RESTORE_KEY, True)
    for key in ("follow_up_note", "follow_up_next_step", "follow_up_due"):
        if key in draft and (restore or key not in st.session_state):
            st.session_state[key] = draft[key]
    st.session_state[_SHOWN_KEY] = True
    return draft


def set_aside(as_of: date, cohort_ids: tuple[str, ...]) -> pd.DataFrame:
    """The pairs a snooze or resolution keeps off the queue on `as_of`, with names."""
    health = loaders.health(as_of, cohort_ids)
    latest = follow_up_data.latest_follow_ups(as_of)
    stall_factor = loaders.program_settings().stall_factor
    rows = follow_ups.set_aside(health, latest, as_of=as_of, stall_factor=stall_factor)
    directory = loaders.directory().reindex(rows.index)
    return rows.assign(mentor=directory["mentor_name"], mentee=directory["mentee_name"])


def set_aside_list(rows: pd.DataFrame, *, actor: str, as_of: date) -> None:
    """The snoozed and resolved pairs, each with an Undo that puts it back in the queue."""
    with st.expander(f"Snoozed or resolved ({len(rows):,})", icon=":material/snooze:"):
        if rows.empty:
            st.caption("No pair is snoozed or resolved on this date.")
            return
        table = pd.DataFrame(
            {
                "Mentor": rows["mentor"],
                "Mentee": rows["mentee"],
                "Set aside": [
                    f"Snoozed until {until:%Y-%m-%d}"
                    if action == follow_up_store.SNOOZED
                    else "Resolved"
                    for action, until in zip(rows["action"], rows["snoozed_until"], strict=True)
                ],
                "On (UTC)": rows["created_at"].dt.strftime("%Y-%m-%d %H:%M"),
                "By": rows["created_by"],
            }
        )
        st.dataframe(table, hide_index=True, key="set_aside_table")
        who = dict(zip(rows.index, rows["mentor"] + " & " + rows["mentee"], strict=True))
        pair_id = st.selectbox("Pair", list(who), format_func=who.get, key="set_aside_pair")
        undone = "snooze" if rows.at[pair_id, "action"] == follow_up_store.SNOOZED else "resolution"
        if st.button(f"Undo the {undone}", key="undo_set_aside", icon=":material/undo:"):
            follow_up_store.reopen(store_engine(), pair_id=pair_id, actor=actor, undone=undone)
            st.query_params[PAIR_PARAM] = pair_id
            _written(f"{who[pair_id]}: {undone} undone, back in the queue.", as_of=as_of)


def show_done() -> None:
    """The success message of the write made on the previous run, once."""
    if message := st.session_state.pop(_DONE_KEY, None):
        st.success(message, icon=":material/task_alt:")


def _written(message: str, *, as_of: date, close: bool = False) -> None:
    """After a write: clear the caches a follow-up makes stale (the latest follow-ups and the
    pair histories; health, meetings and surveys stay cached), say what was done on the next
    run; `close` (the pair leaves the queue) closes the pair, else it stays open."""
    if as_of < datetime.now(UTC).date():
        message += " It is dated today, so views as of earlier dates do not show it."
    follow_up_data.follow_ups_changed()
    st.session_state[_DONE_KEY] = message
    if close:
        st.query_params.pop(PAIR_PARAM, None)
    st.rerun()


def actions(pair_id: str, row: pd.Series, *, actor: str, as_of: date) -> None:
    """Log a follow-up, snooze or resolve the selected pair; each is one write."""
    engine = store_engine()
    who = f"{row['mentor']} & {row['mentee']}"
    if st.session_state.pop(_LOGGED_KEY, False):  # the last note was saved: start afresh
        st.session_state.pop(_DRAFT_KEY, None)
        st.session_state.pop("follow_up_owner", None)  # shows the pair's owner, now this one
        # Set, not just forgotten: a value set here is sent to the browser, which otherwise
        # keeps showing (and on a second click sends) what was typed.
        st.session_state.update(follow_up_note="", follow_up_next_step="", follow_up_due=None)
    draft = _restore_draft()  # what a store outage took out of the form
    log, later = st.columns([3, 2])
    # Not clear_on_submit: a note that could not be saved (store busy or gone) stays typed.
    with log.form("log_follow_up"):
        st.markdown("**Log a follow-up**")
        note = st.text_area("Note", key="follow_up_note")
        refused = st.empty()  # an empty follow-up is refused right under the note
        next_step = st.text_input("Next step", key="follow_up_next_step")
        owner = st.text_input(
            "Owner",
            value=draft.get("follow_up_owner")
            or ("" if row["owner"] == follow_ups.UNASSIGNED else row["owner"]),
            key="follow_up_owner",
            help="Blank: you.",
        )
        due_on = st.date_input("Due", value=None, key="follow_up_due", format="YYYY-MM-DD")
        if st.form_submit_button("Log follow-up", icon=":material/add_task:"):
            entry = (pair_id, note.strip(), next_step.strip(), due_on)
            last = st.session_state.get(_LAST_LOG_KEY)
            if not entry[1] and not entry[2]:
                refused.error(EMPTY_FOLLOW_UP, icon=":material/edit_note:")
            elif last and last[0] == entry and time.monotonic() - last[1] < SAME_CLICK_SECONDS:
                st.session_state[_LOGGED_KEY] = True  # a second click on the same note
                _written(f"Follow-up logged for {who} (once: the second click stored nothing).",
                         as_of=as_of)  # fmt: skip
            else:
                follow_up_store.log_follow_up(
                    engine,
                    pair_id=pair_id,
                    actor=actor,
                    note=note,
                    next_step=next_step,
                    owner=owner,
                    due_on=due_on,
                )
                st.session_state[_LOGGED_KEY] = True
                st.session_state[_LAST_LOG_KEY] = (entry, time.monotonic())
                _written(f"Follow-up logged for {who}.", as_of=as_of)
    with log:
        show_done()  # the confirmation next to the form it answers
    with later:
        until = st.date_input(
            "Snooze until",
            value=follow_ups.next_check_day(as_of),
            min_value=as_of,
            key="snooze_until",
            format="YYYY-MM-DD",
        )
        if st.button("Snooze", key="snooze", icon=":material/snooze:"):
            follow_up_store.snooze(engine, pair_id=pair_id, actor=actor, until=until)
            _written(
                f"{who} snoozed until {until:%Y-%m-%d}; back sooner if the pair stalls.",
                as_of=as_of,
                close=True,
            )
        if st.button("Resolve", key="resolve", icon=":material/check_circle:"):
            follow_up_store.resolve(engine, pair_id=pair_id, actor=actor)
            _written(
                f"{who} resolved; back in the queue if the pair stalls again.",
                as_of=as_of,
                close=True,
            )
    if pd.notna(row["last_note"]) or pd.notna(row["next_step"]):
        st.caption("Last follow-up")
        st.text(row["last_follow_up"] or "")
        if pd.notna(row["next_step"]):
            due = f" (due {row['due_on']:%Y-%m-%d})" if pd.notna(row["due_on"]) else ""
            st.text(f"Next step: {row['next_step']}{due}")


def _address_notes(row: pd.Series) -> list[str]:
    """What the nudge leaves out: each person whose stored address is blank or not valid."""
    notes = []
    for person in ("mentor", "mentee"):
        email = row[f"{person}_email"]
        if follow_ups.valid_address(email) is not None:
            continue
        blank = not isinstance(email, str) or not email.strip()
        notes.append(
            f"The {person} has no e-mail address on file"
            if blank
            else f"The {person}'s e-mail address on file is not a valid address"
        )
    return notes


def nudge_block(row: pd.Series, *, sender: str, as_of: date) -> None:
    """A ready-to-send nudge for the pair: subject and body to copy, a mailto: link, and a
    suggested check-in as an .ics invitation on the first working day after `as_of`, in the
    mentor's time zone and organised by `sender` when that is an address (under sign-in).
    Addresses that are blank or not valid are left out, and the page says so."""
    emails = [row["mentor_email"], row["mentee_email"]]
    message = follow_ups.nudge(
        row,
        mentor_name=row["mentor"],
        mentee_name=row["mentee"],
        emails=emails,
        sender=sender,
    )
    st.subheader("Nudge")
    if notes := _address_notes(row):
        st.warning(
            "; ".join(notes) + ", so it is left out of the e-mail and the invitation. Correct "
            "it in participants.csv and import that file again.",
            icon=":material/unsubscribe:",
        )
    st.code(message.subject, language=None)
    st.code(message.body, language=None, wrap_lines=True)
    mail, invite = st.columns(2)
    mail.link_button("Open in e-mail", message.mailto, icon=":material/mail:")
    day = follow_ups.check_in_day(as_of)
    people = loaders.directory().loc[row.name]
    zones = [people["mentor_timezone"], people["mentee_timezone"]]
    zone = follow_ups.check_in_zone(zones)
    invite.download_button(
        f"Suggested check-in, {day:%a %d %b} (.ics)",
        follow_ups.check_in_invite(
            message,
            pair_id=str(row.name),
            emails=emails,
            names=[row["mentor"], row["mentee"]],
            zones=zones,
            organizer=sender,
            as_of=as_of,
        ),
        file_name=f"check-in-{row.name}-{day:%Y-%m-%d}.ics",
        mime="text/calendar",
        key="check_in_ics",
        icon=":material/event:",
        help=f"A 30-minute meeting invitation for both of them at "
        f"{follow_ups.CHECK_IN_TIME:%H:%M} {zone} ({_whose_zone(zones)}), to open in a calendar.",
    )


def _whose_zone(zones: list[object]) -> str:
    def known(zone: object) -> bool:
        return isinstance(zone, str) and follow_ups.check_in_zone([zone]) == zone.strip()

    if known(zones[0]):
        return "the mentor's time zone"
    if known(zones[1]):
        return "the mentee's time zone: the mentor has none on file"
    return "neither has a known time zone on file"


def queue_csv(rows: pd.DataFrame) -> bytes:
    """The queue as CSV, text cells guarded against spreadsheet formulas."""
    return table_csv(rows.reset_index(), {column: column for column in EXPORT_COLUMNS})
