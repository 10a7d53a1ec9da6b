"""PairPulse's logic: metrics, health, privacy, matching, reports (no Streamlit)."""

from app import pandas_options  # noqa: F401  (sets pandas options before any frame is built)
