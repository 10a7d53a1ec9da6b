"""The KPI row: one `st.metric` per KPI, with its change since the previous quarter."""

import streamlit as st

from app.summary import Kpi

COLUMNS_PER_ROW = 5


def _delta_colour(kpi: Kpi) -> str:
    """Grey when nothing changed; red when the KPI went the wrong way (down, or up for a KPI
    where lower is better)."""
    if not kpi.delta():
        return "off"
    return "inverse" if kpi.spec.lower_is_better else "normal"


def kpi_row(kpis: list[Kpi], *, previous_as_of_text: str) -> None:
    """Draw `kpis` in rows of `COLUMNS_PER_ROW`; each change reads "vs `previous_as_of_text`"
    and is grey when nothing changed, red when it went the wrong way. A KPI the anonymity rule
    withholds shows "hidden" and says why underneath the row."""
    for start in range(0, len(kpis), COLUMNS_PER_ROW):
        row = kpis[start : start + COLUMNS_PER_ROW]
        for column, kpi in zip(st.columns(COLUMNS_PER_ROW), row, strict=False):
            change = kpi.delta()
            column.metric(
                kpi.label,
                kpi.value_text(),
                delta=kpi.delta_text(),
                delta_color=_delta_colour(kpi),
                delta_description=f"vs {previous_as_of_text}" if change is not None else None,
                help=f"{kpi.spec.help} {kpi.hidden.capitalize()}".strip(),
                border=True,
            )
    withheld = [f"{kpi.label} ({kpi.hidden})" for kpi in kpis if kpi.hidden]
    if withheld:
        st.caption("Withheld under the anonymity rule: " + "; ".join(withheld) + ".")
