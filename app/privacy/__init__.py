"""Survey aggregates under the anonymity rule (docs/metrics.md, docs/roles-and-privacy.md).

Every figure here is a *cell*: a group of a breakdown (a department, a month, the mentors of one
month) or a total ("All", a month's total, a role's total). A cell's people are the distinct
respondents its figure comes from; for a mean or the NPS, only those who answered that question.
A *line* is a total and the cells it is the sum of, each response of the total in exactly one of
them: All and the groups of a breakdown; in the trend by role, a month's total and its roles, a
role's total and its months, All and the months, All and the roles.

The algorithm, for a threshold `minimum` (`min_respondents`; `min_comment_group` for comments):

1. **Small cells.** A cell with 1 to `minimum` − 1 people is hidden ("hidden: fewer than 5
   respondents"). A total with no responses at all is hidden too. A question nobody in a cell
   answered is blank but not hidden: there is nothing to protect.
2. **Complementary suppression.** A line is *safe* when
   - its total is shown and none of its cells is hidden, or at least two are and their people
     together (a union: someone in two months counts once) number at least `minimum` — then
     the total minus the shown cells gives only that union, never one small cell; or
   - its total is hidden and so is at least one of its cells — else the total would be the sum
     of shown cells.
   Cells whose people are none do not count. While a line is not safe, its shown cell with the
   fewest people (then by name) is hidden ("hidden: would reveal a small group by subtraction");
   when it has no shown cell left, its total is. Lines are taken in order, totals' lines first,
   and again until a pass changes nothing.
3. **Row, then question.** Steps 1–2 run on each cell's respondents to decide whether its row is
   shown, then once per question (satisfaction, relationship quality, digital confidence, NPS) on
   those who answered it, starting from the hidden rows: a shown row of 8 people of whom 2 gave
   an NPS shows no NPS, and its note says so.

Why this is enough: each published total is one equation over the hidden cells of its line. In a
breakdown (one line), two or more hidden cells in the equation mean none of them can be solved
for, and what can be (their sum) covers at least `minimum` people. The months and roles of the
trend by role form a table with totals, where every cell sits in two lines; a hidden cell can be
solved for only if it lies on no cycle of hidden cells, and with every line holding none or at
least two hidden cells such a cell needs four or more columns counting the total column, where
a program has two roles (mentor, mentee; a respondent missing from `participants` would add
"Unknown"). That is why role and month figures are decided together, in that table, whichever
function publishes them: `survey_breakdown` by role or by month and `survey_trend` agree.

**Cohort filters.** A screen narrowed to some cohorts publishes the same figures over those
cohorts, and a reader can set them beside the whole program's or another choice's: department D
over every cohort minus D within cohort A is D in the others, maybe two people. So with
`cohorts=`, the functions take the whole program's responses (each in the cohort
`with_pair_cohorts` gives it) and decide a *crossed table*: the breakdown × cohort (role × month
× cohort for roles, months and the trend by role, so that those agree as above). Its cells
without a cohort, and the cohorts' totals, are *fixed*: the whole program's tables publish them
already, as decided there. Its other cells, a group within one cohort, follow `_protect_sums`:
those of 1 to `minimum` − 1 people are hidden; every line (along any axis) must be safe as in
step 2; and no hidden cell may be solvable from the shown and fixed ones — each cell is the sum
of its inner cells (no total on any axis), so this is a rank test of linear equations, which
also catches the cycles and lone paths that lines alone miss in tables of more than two rows.
A hidden cell it cannot protect because the fixed cells alone give it away is left as it is
(nothing narrowing does adds to that). While a rule fails, a shown cell that is not fixed is
hidden: a line's smallest, or the smallest cell beside the exposed one whose hiding is enough.
Rows first, then each question starting from the hidden rows, as in step 3.

A group over the chosen cohorts is then shown only when its cell in every chosen cohort is
(per row, per question); "All" only when every chosen cohort is shown in the whole program's
breakdown by cohort. Why this is enough: choosing one cohort publishes that cohort's cells, and
a choice of several publishes sums of published cells, so every filter together says no more
than the crossed table's shown cells and the whole program's tables, which are protected
together. Choosing every cohort that has responses is the whole program.

Free-text comments follow steps 1–2 on respondents with `min_comment_group`, per breakdown: a
group's comments are listed only when it stays shown, so All's comments minus those listed come
from at least `min_comment_group` people. They are sorted bare texts, never with a name or an id,
and a participant's full name, e-mail or id written inside one is replaced by "[redacted]" (a
first name alone is not recognised). With `cohorts=`, a group's comments are listed only when
its comments within each chosen cohort would be, in the crossed table decided as above with
`min_comment_group` (respondents only, no questions).

**Across as-of dates.** A reader can move the as-of date and set two pages side by side: if a
day's responses counted, the difference between two neighbouring days would be one person's
answer. So only *complete months* count: the figures as of any date are those of the responses
submitted by the end of the last month that ended on or before it (`published_through`); the
current, partial month is withheld until it ends. Every as-of date within one month publishes the
same figures. Between two month ends, a cell's figure may still change by a few people. A cell
*stands* at a month end when it has `minimum` people or more by then (for a question, who answered
it, and its row stands) and this rule did not hide it there; a cell, or a question of it, that
stood at an earlier month end is hidden when 1 to `minimum` − 1 people answered for it since
("hidden: fewer than 5 respondents changed it since an earlier month's figure",
`_since_earlier`). These cells are hidden *before* steps 2–3 run, so the table's lines, and a
cohort-filtered crossed table's sums, are made safe with them hidden, like any small cell. Every
cell published at a month end stood there, so a figure shown at two as-of dates differs by nobody
or by at least `minimum` people. Standing is counted from the people alone, not from what the
complementary suppression of that month hid: a cell hidden only by subtraction there still
counts as having stood, which can hide a little more than needed and never less, and lets every
month end be worked out at once from when each person answered (`_answered_between`), instead of
deciding every month's tables in turn. A cell of one month (a month's row, a role in a month)
never changes after that month. (Cross-date combinations of *several* cells, e.g. a total at two
dates minus cells shown at one, are not checked by this rule, and free-text comments do not
follow it.)

Nothing submitted after the as-of date counts.

Where each part lives: `terms` (the words, breakdowns and `AnonymitySettings`), `rule` (cells,
lines, steps 1–3 on a frame per cell), `coded` (the same rule on integer-coded arrays, for the
whole program's tables), `crossed` (cohort filters), `over_time` (complete months and cells that
changed since an earlier month end), `tables` (what the screens call) and `comments`.
"""

from app.privacy.comments import comments_by_group, comments_for
from app.privacy.crossed import with_pair_cohorts
from app.privacy.over_time import published_through
from app.privacy.tables import (
    RoleMonthTables,
    role_and_month_tables,
    survey_breakdown,
    survey_trend,
)
from app.privacy.terms import (
    ALL,
    BREAKDOWNS,
    BY_SUBTRACTION,
    COLUMNS,
    DEFAULT_SETTINGS,
    FEWER,
    GENERATIONS,
    KINDS,
    MEANS,
    NO_COHORT,
    PARTICIPANT_BREAKDOWNS,
    QUESTIONS,
    REDACTED,
    SINCE_EARLIER,
    SUPPRESSED,
    UNKNOWN,
    AnonymitySettings,
    generation,
)

__all__ = [
    "ALL",
    "BREAKDOWNS",
    "BY_SUBTRACTION",
    "COLUMNS",
    "DEFAULT_SETTINGS",
    "FEWER",
    "GENERATIONS",
    "KINDS",
    "MEANS",
    "NO_COHORT",
    "PARTICIPANT_BREAKDOWNS",
    "QUESTIONS",
    "REDACTED",
    "SINCE_EARLIER",
    "SUPPRESSED",
    "UNKNOWN",
    "AnonymitySettings",
    "RoleMonthTables",
    "comments_by_group",
    "comments_for",
    "generation",
    "published_through",
    "role_and_month_tables",
    "survey_breakdown",
    "survey_trend",
    "with_pair_cohorts",
]
