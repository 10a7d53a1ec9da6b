"""The store: models, migrations, queries, imports and writes."""

from data_access import pandas_options  # noqa: F401  (sets pandas options before any frame is built)
