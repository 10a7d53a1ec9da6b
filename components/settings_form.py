"""The program settings form (Data screen): metric weights and thresholds, the anonymity rule."""

import streamlit as st
from pydantic import ValidationError
from sqlalchemy import Engine

from app.settings import ProgramSettings, load_settings, save_settings
from components.store import store_data_changed


def _problems(error: ValidationError) -> str:
    return "\n".join(
        f"- {' / '.join(str(part) for part in problem['loc']) or 'settings'}: "
        f"{problem['msg'].removeprefix('Value error, ')}"
        for problem in error.errors()
    )


def settings_form(engine: Engine, *, actor: str) -> None:
    """Show the current settings in a form; save them, validated, when the form is submitted."""
    current = load_settings(engine)
    fields = ProgramSettings.model_fields
    with st.form("program_settings"):
        st.markdown("**Pair health**")
        left, middle, right = st.columns(3)
        values = {
            "weight_meetings": left.number_input(
                "Weight: meetings",
                0.0,
                1.0,
                current.weight_meetings,
                0.05,
                help=fields["weight_meetings"].description,
            ),
            "weight_goals": middle.number_input(
                "Weight: goals",
                0.0,
                1.0,
                current.weight_goals,
                0.05,
                help=fields["weight_goals"].description,
            ),
            "weight_sentiment": right.number_input(
                "Weight: sentiment",
                0.0,
                1.0,
                current.weight_sentiment,
                0.05,
                help=fields["weight_sentiment"].description,
            ),
            "healthy_from": left.number_input(
                "Healthy from (score)",
                1,
                100,
                current.healthy_from,
                help=fields["healthy_from"].description,
            ),
            "watch_from": middle.number_input(
                "Watch from (score)",
                0,
                99,
                current.watch_from,
                help=fields["watch_from"].description,
            ),
            "too_early_days": right.number_input(
                "Too early below (days)",
                0,
                120,
                current.too_early_days,
                help=fields["too_early_days"].description,
            ),
            "stall_factor": left.number_input(
                "Stalled after (× target cadence)",
                1.1,
                6.0,
                current.stall_factor,
                0.1,
                help=fields["stall_factor"].description,
            ),
        }
        st.markdown("**Survey anonymity**")
        left, middle, _ = st.columns(3)
        values["min_respondents"] = left.number_input(
            "Smallest group shown (respondents)",
            3,
            10,
            current.min_respondents,
            help=fields["min_respondents"].description,
        )
        values["min_comment_group"] = middle.number_input(
            "Smallest group whose comments are shown",
            3,
            100,
            current.min_comment_group,
            help=fields["min_comment_group"].description,
        )
        submitted = st.form_submit_button("Save settings", type="primary")
    if not submitted:
        return
    try:
        chosen = ProgramSettings(**values)
    except ValidationError as error:
        st.error(f"Not saved — please correct:\n{_problems(error)}", icon=":material/error:")
        return
    if chosen == current:
        st.info("Nothing changed.", icon=":material/info:")
        return
    save_settings(engine, chosen, actor=actor)
    store_data_changed()
    st.success("Settings saved. Every screen now uses them.", icon=":material/task_alt:")
