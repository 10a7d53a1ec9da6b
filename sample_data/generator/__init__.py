"""The deterministic sample program: cohorts, people, pairs, meetings, goals and surveys.

`generate_program(scale=…, seed=…, anchor=…)` returns the six tables of docs/import-format.md
as DataFrames, built around an *anchor* date — the "today" of the program — so the demo always
looks alive: a finished pilot, cohorts in full swing, one just starting, and people waiting to be
matched. Every date is an offset in days from the anchor while the program is built (negative =
the past) and nothing is dated after it, except cohort end dates and goal due dates.

The same (scale, seed, anchor) always gives identical frames: every random draw comes from a NumPy
generator or a Faker instance seeded from `seed`. The work is vectorised per cohort or per table,
so the enterprise scale (~1,000,000 meetings) takes seconds, not minutes.

Its parts: `plan` (what a scale is made of, `SCALES`), `common` (seeded streams, day offsets,
ids), `names`, `people` (people and pairs, cohort by cohort), `timelines` (meetings and goals),
`surveys`, and `program` (`generate_program`, every stage in order).
"""

from sample_data.generator.plan import AS_OF_ENV, CATEGORIES, SCALES
from sample_data.generator.program import generate_program

__all__ = ["AS_OF_ENV", "CATEGORIES", "SCALES", "generate_program"]
