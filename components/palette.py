"""One colour-blind-safe palette (Okabe–Ito) for the health bands, used by every chart.

Colour never carries the band alone: charts label bands by name and tables write them out.
"""

from app.health import AT_RISK, BANDS, HEALTHY, TOO_EARLY, WATCH

BAND_COLOURS = {
    HEALTHY: "#009E73",  # bluish green
    WATCH: "#E69F00",  # orange
    AT_RISK: "#D55E00",  # vermillion
    TOO_EARLY: "#999999",  # grey
}
BAND_ORDER = list(BANDS)
#: For series that are not bands (cohorts, formats, roles), in order.
SERIES_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
