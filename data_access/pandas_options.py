"""Process-wide pandas options, set when `data_access` (which `app` imports) is first imported.

Text columns are plain Python objects, not pandas 3's Arrow-backed `str`: the metrics work on
id columns (participant, pair, cohort) with `isin`, `map`, `groupby` and thousands of slices,
and on Arrow strings each of those converts values one at a time — `isin` builds a pyarrow
scalar per value looked for. At the `enterprise` scale this made health of all pairs much
slower (docs/architecture.md, "Benchmark log"). pandas 3.1 still offers the switch (deprecated;
pandas 4 drops it, and with it this module must go: the requirements pin pandas 3.1).
"""

import warnings

import pandas as pd


def use_object_strings() -> None:
    """Infer text columns as `object` (see the module docstring); idempotent."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pd.set_option("future.infer_string", False)


use_object_strings()
