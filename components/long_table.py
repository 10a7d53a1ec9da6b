"""A table longer than anyone reads on a screen: its first rows shown, the whole in a download.

At the `enterprise` scale the overdue goals or one group's comments run to thousands of rows; the
browser then receives and lays out megabytes nobody scrolls through (issue 21's browser
benchmark). The screen shows the first `SHOWN_ROWS` (the caller sorts the most useful first) and
says how many there are; a CSV of every row is made only when someone asks for it.
"""

import csv
import io
from collections.abc import Mapping

import pandas as pd
import streamlit as st

from data_access.csv_format import escape_cell

#: Rows a long table shows on the screen; the download has them all.
SHOWN_ROWS = 100


def csv_cell(cell: object) -> str:
    """One cell of a downloaded table: blank for missing, ISO dates, text guarded against
    spreadsheet formulas (`data_access.csv_format.escape_cell`)."""
    if cell is None or (not isinstance(cell, list | tuple) and pd.isna(cell)):
        return ""
    if isinstance(cell, pd.Timestamp):
        return f"{cell:%Y-%m-%d}"
    return escape_cell(str(cell))


def table_csv(frame: pd.DataFrame, headers: Mapping[str, str]) -> bytes:
    """`frame`'s columns `headers` (column → header, in that order) as UTF-8 CSV."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers.values())
    for record in frame[list(headers)].itertuples(index=False):
        writer.writerow([csv_cell(cell) for cell in record])
    return buffer.getvalue().encode("utf-8")


def long_table(
    frame: pd.DataFrame,
    *,
    what: str,
    headers: Mapping[str, str],
    file_name: str,
    key: str,
    rows: int = SHOWN_ROWS,
    **dataframe_options: object,
) -> None:
    """`st.dataframe` of `frame`'s first `rows` rows (with `dataframe_options`); when there are
    more, a caption saying so and a button downloading every row as CSV (`headers`), made on
    the click, not on every run. `what` names the rows ("overdue goals")."""
    st.dataframe(frame.head(rows), key=key, **dataframe_options)
    if len(frame) <= rows:
        return
    st.caption(f"The first {rows:,} of {len(frame):,} {what}; the download has every one.")
    st.download_button(
        f"Download all {len(frame):,} {what} (CSV)",
        data=lambda: table_csv(frame, headers),
        file_name=file_name,
        mime="text/csv",
        on_click="ignore",
        key=f"{key}_download",
        icon=":material/download:",
    )
