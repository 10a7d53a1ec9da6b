"""Follow-ups' e-mail section: what the next reminders run sends ("Due today", with a preview of
each message), "Send now" for program managers, and "Did the nudge work?"."""

import re
from datetime import date

import pandas as pd
import streamlit as st

from app import formats
from app.mailer import NOT_CONFIGURED, MailConfigError, smtp_settings
from app.reminders import MIN_TO_COMPARE, RULES
from app.send_reminders import run_reminders
from app.settings import default_as_of
from components.loaders import follow_up_data, store_engine

#: Personal links are not shown to staff in the preview: they would open a participant's form.
_LINK = re.compile(r"(\?(?:checkin|optout)=)\S+")


def _redacted(body: str) -> str:
    return _LINK.sub(r"\1<personal link>", body)


def _mail_state() -> str | None:
    """None when a mail server is configured, else why messages wait."""
    try:
        return None if smtp_settings() is not None else NOT_CONFIGURED
    except MailConfigError as error:
        return f"not sent: {error}"


def due_today(as_of: date) -> None:
    """The messages the next run would queue on `as_of`, grouped by rule, each with a preview."""
    due = follow_up_data.due_messages(as_of)
    waiting = follow_up_data.waiting_messages()
    st.subheader("Due today")
    state = _mail_state()
    if due.empty and waiting.empty:
        st.success("No reminder e-mail is due on this date.", icon=":material/mark_email_read:")
        return
    st.caption(
        f"{formats.plural(len(due), 'new message')} due on {as_of:%d %b %Y}"
        + (
            f"; {formats.plural(len(waiting), 'message')} queued and not sent yet"
            if len(waiting)
            else ""
        )
        + (f" ({state})." if state else ".")
    )
    for rule, messages in due.groupby("rule", sort=False):
        with st.expander(f"{RULES.get(rule, rule)} ({len(messages):,})"):
            for row in messages.head(20).itertuples():
                with st.container(border=True):
                    st.text(f"To: {row.recipient_email}\nSubject: {row.subject}")
                    st.text(_redacted(row.body))
            if len(messages) > 20:
                st.caption(f"The first 20 of {len(messages):,} are shown.")
    if not waiting.empty:
        failed = waiting[waiting["error"].notna()]
        with st.expander(f"Queued, not sent yet ({len(waiting):,})"):
            shown = pd.DataFrame(
                {
                    "Made on": pd.to_datetime(waiting["created_on"]).dt.strftime("%d %b %Y"),
                    "E-mail": waiting["rule"].map(RULES).fillna(waiting["rule"]),
                    "To": waiting["recipient_email"],
                    "Subject": waiting["subject"],
                    "Why not sent": waiting["error"].fillna(state or "waiting for the next run"),
                }
            )
            st.dataframe(shown, hide_index=True)
            if len(failed):
                st.caption(f"{len(failed):,} failed; the next run tries them again.")


def send_now(as_of: date, *, role: str) -> None:
    """Program managers: run the reminders now (today only)."""
    if role != "program_manager":
        st.caption("Program managers can send the due e-mails from here.")
        return
    today = default_as_of()
    if as_of != today:
        st.caption(f"E-mails are sent for today only ({today:%d %b %Y}); set the date to today.")
        return
    if st.button("Send now", icon=":material/send:", key="send_reminders_now"):
        try:
            with st.spinner("Sending the reminders…"):
                report = run_reminders(store_engine(), as_of=as_of)
        except MailConfigError as error:
            st.error(str(error))
            return
        follow_up_data.outbox_changed()
        st.session_state["reminders_sent"] = report.summary()
        st.rerun()
    if "reminders_sent" in st.session_state:
        st.success(st.session_state.pop("reminders_sent"), icon=":material/outgoing_mail:")


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def nudge_effect_block(as_of: date, stall_factor: float) -> None:
    """Of pairs nudged, the share that met within 14 days, beside stalled pairs not nudged."""
    effect = follow_up_data.nudge_effect(as_of, stall_factor)
    st.subheader("Did the nudge work?")
    nudged, others = effect["nudged"], effect["not_nudged"]
    left, right = st.columns(2)
    left.metric(
        "Met within 14 days of a nudge",
        _share(effect["nudged_share"]),
        help=f"{formats.plural(nudged, 'nudge')} sent up to 14 days before this date.",
    )
    right.metric(
        "Stalled pairs not nudged, met within 14 days",
        _share(effect["not_nudged_share"]),
        help=f"{formats.plural(others, 'stall')} without a nudge.",
    )
    if min(nudged, others) < MIN_TO_COMPARE:
        st.caption(
            f"Too few to compare: {formats.plural(nudged, 'nudge')} and "
            f"{formats.plural(others, 'stall')} without one (at least {MIN_TO_COMPARE} each "
            "are needed). docs/metrics.md says how both are counted."
        )
    else:
        st.caption(
            f"{formats.plural(nudged, 'nudge')} against {formats.plural(others, 'stall')} "
            "without one. An association, not proof: pairs are nudged because of how they "
            "are doing."
        )
