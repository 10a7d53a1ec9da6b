"""Meeting and goal queries for the Meetings and Goals screens, aggregated in SQL.

The meetings table holds about a million rows at the `enterprise` scale, so nothing here reads
it whole: every function counts or ranks in SQL, with bound parameters, over the meetings held
on or before the as-of date by the pairs of the chosen cohorts (all cohorts when none are
chosen). The same SQL runs on SQLite and PostgreSQL; where their date functions differ the
dialect is asked (`tests/data_access/test_activity.py` checks both against pandas).
"""

from collections.abc import Collection, Iterator
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import (
    Connection,
    Date,
    Engine,
    Integer,
    and_,
    bindparam,
    cast,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql import ColumnElement, Select

from data_access.models import Goal, Meeting, Pair

UNKNOWN_FORMAT = "unknown"
HEATMAP_WEEKS = 26
_AS_OF_KIND = 2
#: Goal ids per query when looking up titles (well under SQLite's limit on bound variables).
_TITLE_BATCH = 500


def _as_of(as_of: date) -> ColumnElement:
    return bindparam("as_of", as_of, type_=Date)


def _in_cohorts(statement: Select, cohort_ids: Collection[str]) -> Select:
    """`statement` (which joins `Pair`) narrowed to `cohort_ids`; unchanged when empty."""
    if not cohort_ids:
        return statement
    chosen = bindparam("cohort_ids", sorted(cohort_ids), expanding=True)
    return statement.where(Pair.cohort_id.in_(chosen))


def _held_by_then(cohort_ids: Collection[str], as_of: date, *columns: ColumnElement) -> Select:
    """SELECT `columns` FROM the meetings held by `as_of` by the pairs of `cohort_ids`."""
    statement = (
        select(*columns)
        .select_from(Meeting)
        .join(Pair, Pair.pair_id == Meeting.pair_id)
        .where(Meeting.held_on <= _as_of(as_of))
    )
    return _in_cohorts(statement, cohort_ids)


def _month(connection: Connection, day: ColumnElement) -> ColumnElement:
    """'YYYY-MM' of `day`, in the connection's dialect."""
    if connection.dialect.name == "sqlite":
        # SQLite keeps a date as ISO text ('YYYY-MM-DD'), so its month is its first 7
        # characters: cutting them is cheaper than parsing the date (strftime), which slowed
        # counting a million meetings by month (docs/architecture.md, "Benchmark log").
        return func.substr(day, 1, 7)
    return func.to_char(day, "YYYY-MM")


def _week_start(connection: Connection, day: ColumnElement) -> ColumnElement:
    """The Monday that starts `day`'s ISO week, in the connection's dialect."""
    if connection.dialect.name == "sqlite":
        # 'weekday 0' moves to the next Sunday (or stays on one); six days back is its Monday.
        return func.date(day, "weekday 0", "-6 days")
    return cast(func.date_trunc("week", day), Date)


def _days_between(connection: Connection, later: ColumnElement, earlier: ColumnElement):
    """Whole days from `earlier` to `later`, in the connection's dialect."""
    if connection.dialect.name == "sqlite":
        return cast(func.julianday(later) - func.julianday(earlier), Integer)
    return later - earlier


def _dates(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    return frame


def meeting_counts(
    engine: Engine, *, as_of: date, cohort_ids: Collection[str] = ()
) -> pd.DataFrame:
    """Meetings held up to `as_of` per calendar month, cohort and format (a blank format counts
    as "unknown"): one pass over the meetings, read from the index that covers it (migration
    0004), for `months_of` and `formats_of` to sum.

    Columns: month (the month's first day, a timestamp), cohort_id, format, meetings. Sorted by
    month, cohort, format.
    """
    with engine.connect() as connection:
        month = _month(connection, Meeting.held_on).label("month")
        meeting_format = func.coalesce(Meeting.format, UNKNOWN_FORMAT).label("format")
        statement = (
            _held_by_then(
                cohort_ids, as_of, month, Pair.cohort_id, meeting_format, func.count().label("n")
            )
            .group_by(month, Pair.cohort_id, meeting_format)
            .order_by(month, Pair.cohort_id, meeting_format)
        )
        frame = pd.read_sql(statement, connection).rename(columns={"n": "meetings"})
    frame["month"] = pd.to_datetime(frame["month"], format="%Y-%m").astype("datetime64[ns]")
    frame["meetings"] = frame["meetings"].astype(int)
    return frame


def months_of(counts: pd.DataFrame) -> pd.DataFrame:
    """`meeting_counts` per month and cohort. Columns: month, cohort_id, meetings; months and
    cohorts with no meeting have no row; sorted by month, then cohort."""
    per_month = counts.groupby(["month", "cohort_id"], as_index=False, sort=True)["meetings"].sum()
    return per_month.astype({"meetings": int})


def formats_of(counts: pd.DataFrame) -> pd.DataFrame:
    """`meeting_counts` per format. Columns: format, meetings; most frequent first, then by
    format."""
    formats = counts.groupby("format", as_index=False)["meetings"].sum().astype({"meetings": int})
    return formats.sort_values(["meetings", "format"], ascending=[False, True], ignore_index=True)


def meetings_per_month(
    engine: Engine, *, as_of: date, cohort_ids: Collection[str] = ()
) -> pd.DataFrame:
    """Meetings held per calendar month and cohort, up to `as_of`.

    Columns: month (the month's first day, a timestamp), cohort_id, meetings. Months and cohorts
    with no meeting have no row. Sorted by month, then cohort.
    """
    return months_of(meeting_counts(engine, as_of=as_of, cohort_ids=cohort_ids))


def format_mix(engine: Engine, *, as_of: date, cohort_ids: Collection[str] = ()) -> pd.DataFrame:
    """Meetings held up to `as_of` per format (a blank format counts as "unknown").

    Columns: format, meetings; most frequent first.
    """
    return formats_of(meeting_counts(engine, as_of=as_of, cohort_ids=cohort_ids))


def first_heatmap_week(as_of: date, weeks: int = HEATMAP_WEEKS) -> date:
    """The Monday that starts the first of the `weeks` ISO weeks ending with `as_of`'s week."""
    return as_of - timedelta(days=as_of.weekday()) - timedelta(weeks=weeks - 1)


def meetings_per_week(
    engine: Engine,
    *,
    as_of: date,
    cohort_ids: Collection[str] = (),
    weeks: int = HEATMAP_WEEKS,
) -> pd.DataFrame:
    """Meetings held per ISO week and cohort over the `weeks` weeks that end with `as_of`'s week
    (that last week counted up to `as_of`).

    Columns: week_start (the week's Monday, a timestamp), cohort_id, meetings. Weeks and cohorts
    with no meeting have no row. Sorted by week, then cohort.
    """
    since = bindparam("since", first_heatmap_week(as_of, weeks), type_=Date)
    with engine.connect() as connection:
        week = _week_start(connection, Meeting.held_on).label("week_start")
        statement = (
            _held_by_then(cohort_ids, as_of, week, Pair.cohort_id, func.count().label("meetings"))
            .where(Meeting.held_on >= since)
            .group_by(week, Pair.cohort_id)
            .order_by(week, Pair.cohort_id)
        )
        frame = pd.read_sql(statement, connection)
    frame["meetings"] = frame["meetings"].astype(int)
    return _dates(frame, ["week_start"])


def meetings_held(
    engine: Engine, *, since: date, as_of: date, cohort_ids: Collection[str] = ()
) -> int:
    """How many meetings the pairs of `cohort_ids` held from `since` to `as_of`, both included."""
    statement = _held_by_then(cohort_ids, as_of, func.count()).where(
        Meeting.held_on >= bindparam("since", since, type_=Date)
    )
    with engine.connect() as connection:
        return int(connection.execute(statement).scalar_one())


def _active_pairs(as_of: date, cohort_ids: Collection[str]) -> Select:
    """The pairs active on `as_of` (as `app.metrics.pairs_as_of` reads status): started by
    then, and either active or ended only after `as_of`."""
    statement = select(Pair.pair_id, Pair.cohort_id, Pair.started_on).where(
        Pair.started_on <= _as_of(as_of),
        or_(
            Pair.status == "active",
            and_(Pair.ended_on.is_not(None), Pair.ended_on > _as_of(as_of)),
        ),
    )
    return _in_cohorts(statement, cohort_ids)


def longest_gaps(
    engine: Engine, *, as_of: date, cohort_ids: Collection[str] = (), limit: int = 10
) -> pd.DataFrame:
    """The `limit` active pairs with the longest gap without a meeting, longest first.

    A pair's gap is the longest interval between two consecutive days of its timeline: its
    start, each meeting held by `as_of`, and `as_of` itself — so the time before a first meeting
    and the time since the last one, still running, count as gaps too.
    Columns: pair_id, cohort_id, gap_days, gap_start, gap_end (timestamps), ongoing (the gap
    runs up to `as_of`: no meeting since `gap_start`). Of a pair's equally long gaps the latest
    is given.
    """
    active = _active_pairs(as_of, cohort_ids).cte("active_pairs")
    # Each day of a pair's timeline is tagged: 0 its start, 1 a meeting, 2 the as-of date, so a
    # meeting on the as-of date comes before it and the gap that ends on the tag 2 is the one
    # still running.
    held = (
        select(Meeting.pair_id, Meeting.held_on.label("day"), literal(1).label("kind"))
        .join(active, active.c.pair_id == Meeting.pair_id)
        .where(Meeting.held_on <= _as_of(as_of))
    )
    timeline = union_all(
        select(active.c.pair_id, active.c.started_on.label("day"), literal(0).label("kind")),
        held,
        select(active.c.pair_id, _as_of(as_of).label("day"), literal(_AS_OF_KIND).label("kind")),
    ).subquery("timeline")
    with engine.connect() as connection:
        previous = (
            func.lag(timeline.c.day)
            .over(partition_by=timeline.c.pair_id, order_by=(timeline.c.day, timeline.c.kind))
            .label("gap_start")
        )
        steps = select(
            timeline.c.pair_id, previous, timeline.c.day.label("gap_end"), timeline.c.kind
        ).subquery("steps")
        gap_days = _days_between(connection, steps.c.gap_end, steps.c.gap_start)
        ranked = (
            select(
                steps.c.pair_id,
                steps.c.gap_start,
                steps.c.gap_end,
                steps.c.kind,
                gap_days.label("gap_days"),
                func.row_number()
                .over(
                    partition_by=steps.c.pair_id,
                    order_by=(gap_days.desc(), steps.c.gap_end.desc(), steps.c.kind.desc()),
                )
                .label("rank"),
            )
            .where(steps.c.gap_start.is_not(None))
            .subquery("ranked")
        )
        statement = (
            select(
                ranked.c.pair_id,
                active.c.cohort_id,
                ranked.c.gap_days,
                ranked.c.gap_start,
                ranked.c.gap_end,
                (ranked.c.kind == _AS_OF_KIND).label("ongoing"),
            )
            .join(active, active.c.pair_id == ranked.c.pair_id)
            .where(ranked.c.rank == 1)
            .order_by(ranked.c.gap_days.desc(), ranked.c.pair_id)
            .limit(bindparam("limit", limit, type_=Integer))
        )
        frame = pd.read_sql(statement, connection)
    frame["gap_days"] = frame["gap_days"].astype(int)
    frame["ongoing"] = frame["ongoing"].astype(bool)
    return _dates(frame, ["gap_start", "gap_end"])


def _batches(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), _TITLE_BATCH):
        yield values[start : start + _TITLE_BATCH]


def goal_titles(engine: Engine, goal_ids: Collection[str]) -> pd.DataFrame:
    """The title and pair of each goal in `goal_ids` (for lists a program manager reads; the
    metrics never load titles). Columns: goal_id, pair_id, title; sorted by goal_id."""
    wanted = bindparam("goal_ids", expanding=True)
    statement = select(Goal.goal_id, Goal.pair_id, Goal.title).where(Goal.goal_id.in_(wanted))
    with engine.connect() as connection:
        frames = [
            pd.read_sql(statement, connection, params={"goal_ids": batch})
            for batch in _batches(sorted(set(goal_ids)))
        ]
    if not frames:
        return pd.DataFrame({"goal_id": [], "pair_id": [], "title": []}, dtype=object)
    return pd.concat(frames, ignore_index=True).sort_values("goal_id", ignore_index=True)
