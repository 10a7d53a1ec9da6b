"""A table with one selectable row whose selection lives in the link.

A click writes the row's id into a query parameter, so a shared link opens the same row; the
table's selection is then kept on that id's row wherever filters and sorting put it, and a
write that reruns the page (or a return from another page) keeps it open.
"""

from typing import Any

import pandas as pd
import streamlit as st


def _shown_key(key: str) -> str:
    # What the table showed last run: its ids in row order and the selected rows.
    return f"_{key}_shown"


def _selected_rows(key: str) -> list[int] | None:
    """The table's selected rows as the browser (or a programmatic write) left them; None when
    the table was not on the page last run."""
    if key not in st.session_state:
        return None
    state = st.session_state[key] or {}
    return list(state.get("selection", {}).get("rows", []))


def _clicked(key: str, rows: list[int] | None) -> tuple[bool, str | None]:
    """Whether the person changed the selection since the last run, and the id they picked."""
    last_ids, last_rows = st.session_state.get(_shown_key(key), ([], []))
    if rows is None or rows == last_rows:
        return False, None
    return True, (last_ids[rows[0]] if rows and rows[0] < len(last_ids) else None)


def linked_table(
    frame: pd.DataFrame,
    ids: list[str],
    *,
    key: str,
    param: str,
    column_config: dict[str, Any],
) -> str | None:
    """Draw `frame` (row i is the row of `ids[i]`) with single-row selection kept in the query
    parameter `param`; returns the id in the link (picked now or before), if any — it may be
    an id that is not among `ids` (the caller decides what that means)."""
    selected_rows = _selected_rows(key)
    changed, clicked = _clicked(key, selected_rows)
    if changed:
        if clicked is None:
            st.query_params.pop(param, None)
        else:
            st.query_params[param] = clicked
    linked = st.query_params.get(param)

    wanted = [ids.index(linked)] if linked in ids else []
    if selected_rows is not None and selected_rows != wanted:
        st.session_state[key] = {"selection": {"rows": wanted, "columns": [], "cells": []}}
    st.dataframe(
        frame,
        key=key,
        on_select="rerun",
        selection_mode="single-row",
        selection_default={"selection": {"rows": wanted}},
        hide_index=True,
        column_config=column_config,
        placeholder="—",
    )
    st.session_state[_shown_key(key)] = (ids, wanted)
    return linked
