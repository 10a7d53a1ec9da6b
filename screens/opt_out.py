"""E-mail preferences: the page the opt-out link in every PairPulse e-mail opens."""

import streamlit as st

from app.checkin.links import open_link
from app.checkin.tokens import LinkRefused
from components.link_pages import link_token
from components.loaders import store_engine
from data_access.outbox import opt_out, opted_out

engine = store_engine()
token = link_token("optout")
st.title("E-mail preferences")
try:
    link = open_link(engine, token, "optout")
except LinkRefused as refused:
    st.error(str(refused), icon=":material/link_off:")
    st.stop()

if opted_out(engine, link.participant_id):
    st.success(
        "You will get no more e-mail from PairPulse. Your program coordinator can still reach "
        "you directly.",
        icon=":material/unsubscribe:",
    )
    st.stop()
st.write(
    "PairPulse sends you reminders to meet your partner and short surveys about the program. "
    "Stop them?"
)
if st.button("Stop e-mails from PairPulse", type="primary"):
    opt_out(engine, link.participant_id)
    st.rerun()
