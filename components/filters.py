"""Filters kept in the URL, so that a view is a shareable link.

Each filter is a widget whose value starts from the link (values the program does not have are
dropped with a note, never passed on) and is kept in the link; a value equal to its default is
left out of it. Streamlit binds a multiselect of plain options to the link itself
(`bind="query-params"`); filters that show labels for ids, and the as-of date, are synced here
through `st.query_params`, by id. `as_of` is the global as-of date (docs/metrics.md).
"""

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import streamlit as st

from app.settings import default_as_of
from components.literal import md

AS_OF_PARAM = "as_of"
EARLIEST_AS_OF = date(2000, 1, 1)
_NOTES_KEY = "_link_notes"
_AS_OF_KEY = "as_of"


def _key(param: str) -> str:
    return f"link:{param}"


def note_link_problem(message: str) -> None:
    """Remember a problem with the link, shown once by `show_link_notes`."""
    st.session_state.setdefault(_NOTES_KEY, []).append(message)


def show_link_notes() -> None:
    """Tell the user which parts of the link were ignored, once."""
    for message in st.session_state.pop(_NOTES_KEY, []):
        st.toast(md(message), icon=":material/link_off:")


def _write_param(param: str, value: list[str] | str | None, default: Any) -> None:
    if value is None or value == default or value == []:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = value


def url_selectbox(
    label: str,
    options: Sequence[str],
    *,
    param: str,
    default: str,
    format_func: Callable[[str], str] = str,
    container: Any = st,
    help: str | None = None,
) -> str:
    """A selectbox whose value lives in the link's `param` (`default` when absent)."""
    key = _key(param)
    if key not in st.session_state or st.session_state[key] not in options:
        linked = st.query_params.get(param)
        if linked is not None and linked not in options:
            note_link_problem(
                f"The link's {label.lower()} {linked[:40]!r} is not in this program; ignored."
            )
            linked = None
        st.session_state[key] = linked if linked is not None else default
    value = container.selectbox(label, options, key=key, format_func=format_func, help=help)
    _write_param(param, value, default)
    return value


def url_multiselect(
    label: str,
    options: Sequence[str],
    *,
    param: str,
    format_func: Callable[[str], str] | None = None,
    container: Any = st,
    placeholder: str = "All",
    help: str | None = None,
) -> list[str]:
    """A multiselect whose values live in the link's repeated `param`; empty means all.

    Where the link holds the options themselves (no `format_func`), Streamlit keeps the widget
    and the link in step (`bind="query-params"`: values not among the options are dropped, an
    empty choice is left out of the link); this only tells the person what it dropped. With a
    `format_func`, Streamlit would put the shown labels in the link instead of the values, so
    the link is kept here, by value."""
    if format_func is None:
        if param not in st.session_state:  # the first run: the link seeds the widget
            _note_unknown(label, st.query_params.get_all(param), options)
        values = container.multiselect(
            label, options, key=param, bind="query-params", placeholder=placeholder, help=help
        )
        return list(values)
    key = _key(param)
    if key not in st.session_state:
        linked = st.query_params.get_all(param)
        _note_unknown(label, linked, options)
        st.session_state[key] = [value for value in dict.fromkeys(linked) if value in options]
    else:
        st.session_state[key] = [value for value in st.session_state[key] if value in options]
    values = container.multiselect(
        label, options, key=key, format_func=format_func, placeholder=placeholder, help=help
    )
    _write_param(param, list(values), [])
    return list(values)


def _note_unknown(label: str, linked: list[str], options: Sequence[str]) -> None:
    """Note the values of the link that are not among `options`, if any."""
    unknown = [value for value in linked if value not in options]
    if not unknown:
        return
    shown = ", ".join(repr(value[:40]) for value in unknown[:3])
    note_link_problem(f"The link's {label.lower()} {shown} not in this program; ignored.")


def latest_as_of() -> date:
    """The latest as-of date the app offers: today, or the configured default if later."""
    return max(date.today(), default_as_of())


def _as_of_from_link(default: date) -> date:
    linked = st.query_params.get(AS_OF_PARAM)
    if linked is None:
        return default
    try:
        chosen = date.fromisoformat(linked)
    except ValueError:
        note_link_problem(
            f"The link's as-of date {linked[:40]!r} is not a date (YYYY-MM-DD); ignored."
        )
        return default
    if not EARLIEST_AS_OF <= chosen <= latest_as_of():
        note_link_problem(
            f"The link's as-of date {chosen:%d %b %Y} is outside "
            f"{EARLIEST_AS_OF:%Y}–{latest_as_of():%d %b %Y}; ignored."
        )
        return default
    return chosen


def _as_of_picked() -> None:
    picked = st.session_state[_key(AS_OF_PARAM)]
    if isinstance(picked, date):  # a cleared date box keeps the date it had
        st.session_state[_AS_OF_KEY] = picked


def as_of_control(container: Any = st.sidebar) -> date:
    """The global as-of date: from the link's `as_of`, else `PAIRPULSE_AS_OF`, else today.

    Like the role, it is kept in the session apart from its date box and changed only when the
    person picks a date, so a box that loses its value while pages switch changes nothing."""
    default = default_as_of()
    if not isinstance(st.session_state.get(_AS_OF_KEY), date):
        st.session_state[_AS_OF_KEY] = _as_of_from_link(default)
    value = st.session_state[_AS_OF_KEY]
    st.session_state[_key(AS_OF_PARAM)] = value
    container.date_input(
        "As of",
        key=_key(AS_OF_PARAM),
        min_value=EARLIEST_AS_OF,
        max_value=latest_as_of(),
        format="YYYY-MM-DD",
        on_change=_as_of_picked,
        help="Every figure counts only what happened on or before this date.",
    )
    _write_param(AS_OF_PARAM, value.isoformat(), default.isoformat())
    return value


def current_as_of() -> date:
    """The as-of date the router settled on for this run."""
    value = st.session_state.get(_AS_OF_KEY)
    return value if isinstance(value, date) else default_as_of()


def cohort_filter(cohorts: dict[str, str], *, container: Any = st) -> tuple[str, ...]:
    """The cohorts to show (link parameter `cohort`, repeatable); empty means every cohort."""
    chosen = url_multiselect(
        "Cohort",
        list(cohorts),
        param="cohort",
        format_func=lambda cohort_id: cohorts.get(cohort_id, cohort_id),
        container=container,
        placeholder="All cohorts",
    )
    return tuple(chosen)
