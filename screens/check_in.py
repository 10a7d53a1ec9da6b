"""Check in: the page a participant's personal link opens — log a meeting, answer the pulse."""

from datetime import date

import streamlit as st

from app.checkin.links import open_link
from app.checkin.tokens import LinkRefused
from app.settings import default_as_of
from components.link_pages import link_token
from components.literal import md
from components.loaders import store_engine
from data_access.checkins import EXIT_STATUS, already_submitted, record_check_in

FORMATS = {"video": "Video call", "in_person": "In person", "phone": "Phone", "chat": "Chat"}
SCALE = [1, 2, 3, 4, 5]

engine = store_engine()
token = link_token("checkin")
st.title("Check in")
try:
    link = open_link(engine, token)
except LinkRefused as refused:
    st.error(str(refused), icon=":material/link_off:")
    st.stop()
pair = link.pair
assert pair is not None  # a check-in link always names its pair
today: date = default_as_of()

st.write(f"{md(pair.own_first_name)}, with {md(pair.partner_first_name)}")
if st.session_state.get("check_in_done") == token or already_submitted(engine, token):
    st.success(
        "Thank you — your check-in has been received. You can close this page.",
        icon=":material/task_alt:",
    )
    st.stop()

exit_survey = pair.status == EXIT_STATUS
if exit_survey:
    st.caption("Your mentoring pair has completed. Three questions, under a minute.")
else:
    st.caption("Log your latest meeting and tell us how it is going. It takes under a minute.")

with st.form("check_in", enter_to_submit=False):
    meeting: dict[str, object] = {}
    if not exit_survey:
        st.subheader("Your latest meeting")
        left, middle, right = st.columns(3)
        meeting["held_on"] = left.date_input("Date", value=today, format="YYYY-MM-DD")
        meeting["format"] = middle.selectbox(
            "Format", list(FORMATS), format_func=FORMATS.__getitem__
        )
        meeting["duration_minutes"] = right.number_input("Minutes", value=45, step=5)
        meeting["topics"] = st.text_input(
            "Topics (optional)", placeholder="e.g. prompting; Copilot"
        )
    st.subheader("How is it going?" if not exit_survey else "Looking back")
    answers: dict[str, object] = {
        "satisfaction": st.radio(
            "Satisfaction with the program (1 = very low, 5 = very high)",
            SCALE,
            index=None,
            horizontal=True,
        ),
        "relationship_quality": st.radio(
            "Your relationship with your partner (1 = very poor, 5 = very good)",
            SCALE,
            index=None,
            horizontal=True,
        ),
    }
    if pair.role == "mentee":
        answers["digital_confidence"] = st.radio(
            "Your confidence with digital tools (1 = very low, 5 = very high)",
            SCALE,
            index=None,
            horizontal=True,
        )
    if exit_survey:
        answers["nps"] = st.radio(
            "How likely are you to recommend the program to a colleague? (0–10)",
            list(range(11)),
            index=None,
            horizontal=True,
        )
    answers["comment"] = st.text_area("Anything to add? (optional)", max_chars=2000)
    submitted = st.form_submit_button("Send", type="primary")

if submitted:
    result = record_check_in(engine, pair, token, today=today, meeting=meeting, answers=answers)
    if result.problems:
        labels = {
            "held_on": "Date",
            "duration_minutes": "Minutes",
            "format": "Format",
            "topics": "Topics",
            "satisfaction": "Satisfaction",
            "relationship_quality": "Relationship",
            "digital_confidence": "Digital confidence",
            "nps": "Recommendation",
            "comment": "Comment",
        }
        lines = [
            f"{labels.get(name, name)}: {md(problem)}" for name, problem in result.problems.items()
        ]
        st.error("Nothing was saved. Please check:\n\n" + "\n\n".join(lines))
    else:
        st.session_state["check_in_done"] = token
        st.rerun()
