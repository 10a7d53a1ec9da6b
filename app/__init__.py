"""PairPulse's logic: metrics, health, privacy, matching, reports (no Streamlit)."""

from data_access import pandas_options  # noqa: F401  (sets pandas options before any frame is built)
