"""The import validation report: what is wrong (file, line, column), what will change, a preview."""

import pandas as pd
import streamlit as st

from components.literal import md
from data_access.importer import ImportReport


def _problems(count: int) -> str:
    return "1 problem" if count == 1 else f"{count:,} problems"


def show_import_verdict(report: ImportReport) -> None:
    """Draw the verdict of a checked import: the go-ahead, or every problem; then warnings."""
    rows = sum(summary.rows for summary in report.files)
    if report.ok:
        st.success(
            f"All {rows:,} rows in {len(report.files)} file(s) are valid. Nothing is written "
            "until you press **Import**.",
            icon=":material/check_circle:",
        )
    else:
        st.error(
            f"{_problems(report.problem_count)} found, so nothing will be imported. Fix the "
            "cells listed below and upload the files again.",
            icon=":material/error:",
        )
        # Plain `file:line column — problem` lines: easy to read, copy and send to whoever
        # maintains the source spreadsheet.
        st.code("\n".join(str(problem) for problem in report.problems), language=None)
        if report.problem_count > len(report.problems):
            st.caption(
                f"Showing the first {len(report.problems):,} of {report.problem_count:,} problems."
            )
    for warning in report.warnings:
        st.warning(md(warning), icon=":material/warning:")


def show_import_contents(report: ImportReport) -> None:
    """Draw what a checked import holds: rows new and updated per file, and a preview."""
    if report.files:
        st.header("What the import holds", divider="gray")
        summary = pd.DataFrame(
            {
                "File": [f"{summary.file}" for summary in report.files],
                "Rows": [summary.rows for summary in report.files],
                "New": [summary.new for summary in report.files],
                "Updated": [summary.updated for summary in report.files],
                "Ignored columns": [", ".join(summary.ignored_columns) for summary in report.files],
            }
        )
        st.dataframe(summary, hide_index=True, width="stretch")
    if report.ok and report.preview:
        st.header("Preview", divider="gray")
        names = list(report.preview)
        for tab, name in zip(st.tabs(names), names, strict=True):
            with tab:
                st.dataframe(report.preview[name], hide_index=True, width="stretch")
