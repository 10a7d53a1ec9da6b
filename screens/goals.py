"""Goals: how many goals pairs complete, which are overdue, how long completion takes."""

import streamlit as st

from app.activity import days_to_complete_distribution
from components import loaders
from components.access import require_access
from components.empty import stop_if_no_program, stop_if_nothing_matches
from components.filters import cohort_filter, current_as_of, url_multiselect
from components.goal_charts import completion_chart, overdue_table, time_to_complete_chart
from components.loaders import goal_data

BIN_DAYS = 14

require_access("goals")
st.title("Goals")
as_of = current_as_of()
st.caption(
    f"Goals as they stood on {as_of:%d %B %Y}. Completion is done ÷ all goals except dropped "
    "ones; a goal is overdue when its due date has passed and it is neither done nor dropped."
)
stop_if_no_program(loaders.size(as_of))
cohort_names = loaders.cohort_names()
cohort_column, category_column = st.columns(2)
cohort_ids = cohort_filter(cohort_names, container=cohort_column)
every_goal = goal_data.every_goal(as_of, cohort_ids)
categories = url_multiselect(
    "Category",
    sorted(every_goal["category"].unique()),
    param="category",
    container=category_column,
    placeholder="All categories",
)
tables = goal_data.goal_tables(as_of, cohort_ids, categories)
shown = every_goal["category"].isin(categories).sum() if categories else len(every_goal)
stop_if_nothing_matches(int(shown), what="goals")

for column, figure in zip(st.columns(4), tables.figures, strict=True):
    column.metric(figure.label, figure.formatted())

cohort_chart, category_chart = st.columns(2)
with cohort_chart:
    st.header("Completion by cohort")
    completion_chart(tables.by_cohort, "cohort_id", cohort_names, key="by_cohort", what="Cohort")
with category_chart:
    st.header("Completion by category")
    completion_chart(tables.by_category, "category", {}, key="by_category", what="Category")

late = tables.overdue
st.header(f"Overdue goals ({len(late):,})")
if late.empty:
    st.success("No goal is overdue.", icon=":material/task_alt:")
else:
    titles = goal_data.goal_titles(tuple(late["goal_id"]))
    overdue_table(late, titles, loaders.directory(), cohort_names)

st.header("Time to complete")
days = tables.days_to_complete
if days.empty:
    st.caption("No goal with a creation date had been completed by then.")
else:
    done = f"{len(days):,} goal done" if len(days) == 1 else f"{len(days):,} goals done"
    st.markdown(
        f"The median goal took **{days.median():.0f} days** from creation to completion "
        f"({done}; quickest {days.min()} days, slowest {days.max()})."
    )
    time_to_complete_chart(
        days_to_complete_distribution(days, width_days=BIN_DAYS), width_days=BIN_DAYS
    )
