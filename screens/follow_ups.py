"""Follow-ups: the coordinator's morning queue of stalled and at-risk pairs, and what was done."""

import streamlit as st

from components import follow_ups, loaders, reminders_panel
from components.access import require_access
from components.empty import stop_if_no_program, stop_if_nothing_matches
from components.filters import cohort_filter, current_as_of
from components.literal import md
from components.pair_detail import pair_detail
from components.pair_table import PAIR_PARAM
from components.session import current_actor

follow_ups.keep_draft()  # before anything reads the store: an outage must not lose the note
role = require_access("follow_ups")
st.title("Follow-ups")
st.caption(
    "Active pairs that are stalled or At risk, most urgent first. Log what you did, snooze a pair "
    "until a date or resolve it: it comes back sooner if it stalls again. The rules are in "
    "docs/screens.md."
)
as_of = current_as_of()
stop_if_no_program(loaders.size(as_of))
# Working the reminders out reads every active pair: only when asked, not on every visit.
if st.toggle(
    "Reminder e-mails: due today, send now, did the nudge work?",
    key="show_reminders",
    help="What the next reminders run sends (docs/metrics.md, Reminders).",
):
    with st.container(border=True):
        reminders_panel.due_today(as_of)
        reminders_panel.send_now(as_of, role=role)
        reminders_panel.nudge_effect_block(as_of, loaders.program_settings().stall_factor)

columns = st.columns(3)
cohort_ids = cohort_filter(loaders.cohort_names(), container=columns[0])
queue = follow_ups.queue(as_of, cohort_ids)
shown = follow_ups.queue_filters(queue, columns[1:])
actor = current_actor()
set_aside = follow_ups.set_aside(as_of, cohort_ids)
if queue.empty:
    follow_ups.show_done()  # e.g. the last pair was just resolved
    follow_ups.set_aside_list(set_aside, actor=actor, as_of=as_of)
    st.success("No pair needs a follow-up on this date.", icon=":material/celebration:")
    st.stop()
stop_if_nothing_matches(len(shown))

stalled = int(shown["stalled"].sum())
st.metric("Pairs to follow up", f"{len(shown):,}")
st.caption(
    f"{stalled:,} stalled, {len(shown) - stalled:,} At risk but not stalled. "
    "Pick a row to act on it."
)
pair_id = follow_ups.queue_table(shown)
st.download_button(
    "Export the queue (CSV)",
    follow_ups.queue_csv(shown),
    file_name=f"follow-ups-{as_of:%Y-%m-%d}.csv",
    mime="text/csv",
    key="export_queue",
    icon=":material/download:",
)
follow_ups.set_aside_list(set_aside, actor=actor, as_of=as_of)

if pair_id is not None and pair_id not in queue.index:
    st.info(
        md(
            f"The link's pair {pair_id[:40]!r} is not in the queue on {as_of:%d %b %Y} "
            "(snoozed, resolved, healthy again or not a pair of this program); ignored."
        ),
        icon=":material/link_off:",
    )
    st.query_params.pop(PAIR_PARAM, None)
    pair_id = None
if pair_id is None:
    follow_ups.show_done()  # a snooze or resolution closed the pair: said where it was
    st.info("Select a pair in the table to log a follow-up, snooze, resolve or nudge it.")
else:
    row = queue.loc[pair_id]
    st.header(md(f"{row['mentor']} & {row['mentee']}"))
    if pair_id not in shown.index:
        st.caption("This pair is outside the filters above; the link still opens it.")
    st.text(row["reasons"])
    follow_ups.actions(pair_id, row, actor=actor, as_of=as_of)
    follow_ups.nudge_block(row, sender=actor, as_of=as_of)
    with st.expander("Pair detail and follow-up history", icon=":material/history:"):
        detail = loaders.pair_rows(as_of, cohort_ids).loc[pair_id]
        pair_detail(detail, as_of=as_of, stall_factor=loaders.program_settings().stall_factor)
