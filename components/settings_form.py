"""The program settings form (Data screen): metric weights and thresholds, the anonymity rule."""

import streamlit as st
from pydantic import ValidationError
from sqlalchemy import Engine

from app.settings import ProgramSettings, load_settings, save_settings
from components.loaders import clear_caches

# (setting, label, lowest, highest, step) per section, three inputs to a row. The model's own
# validation still decides; these bounds only shape the inputs.
SECTIONS: dict[str, list[tuple[str, str, float, float, float]]] = {
    "Pair health": [
        ("weight_meetings", "Weight: meetings", 0.0, 1.0, 0.05),
        ("weight_goals", "Weight: goals", 0.0, 1.0, 0.05),
        ("weight_sentiment", "Weight: sentiment", 0.0, 1.0, 0.05),
        ("healthy_from", "Healthy from (score)", 1, 100, 1),
        ("watch_from", "Watch from (score)", 0, 99, 1),
        ("too_early_days", "Too early below (days)", 0, 120, 1),
        ("stall_factor", "Stalled after (× target cadence)", 1.1, 6.0, 0.1),
    ],
    "Survey anonymity": [
        ("min_respondents", "Smallest group shown (respondents)", 3, 10, 1),
        ("min_comment_group", "Smallest group whose comments are shown", 3, 100, 1),
    ],
    "Reminder e-mails": [
        ("reminder_first_meeting_days", "No first meeting after (days)", 1, 120, 1),
        ("reminder_pulse_days", "Pulse survey every (days)", 14, 365, 1),
    ],
    "Executive summary targets (%)": [
        ("target_healthy", "Healthy pairs, at least", 0, 100, 1),
        ("target_on_cadence", "Pairs on cadence, at least", 0, 100, 1),
        ("target_goal_completion", "Goal completion, at least", 0, 100, 1),
    ],
}


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
    values = {}
    with st.form("program_settings"):
        for title, inputs in SECTIONS.items():
            st.markdown(f"**{title}**")
            columns = st.columns(3)
            for index, (name, label, lowest, highest, step) in enumerate(inputs):
                values[name] = columns[index % 3].number_input(
                    label,
                    min_value=lowest,
                    max_value=highest,
                    value=getattr(current, name),
                    step=step,
                    help=fields[name].description,
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
    clear_caches()
    st.success("Settings saved. Every screen now uses them.", icon=":material/task_alt:")
