"""Every cached read of the pages: the program as the pages read it, cached per store and as-of
date, here; what one screen reads in the modules beside it (`survey_data`, `goal_data`,
`meeting_data`, `summary_data`, `follow_up_data`, `matching_data`); the engine, the shared
frames and `clear_caches` in `cache`. Nothing outside this package caches with Streamlit
(tests/test_imports.py).

Every loader takes `store_key()` — the store's URL and its program revision — so two stores
never share a cache entry and a write made by any process makes the entries stale; the engine
is passed unhashed. A write in this process also calls `clear_caches` (program data: clears
every cache) or clears just what it changed (a follow-up: `follow_up_data.follow_ups_changed`).
"""

from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from app import cohort_view
from app.cohort_narrowing import program_for_cohorts
from app.settings import ProgramSettings, load_settings
from app.summary.from_store import read_health
from components.loaders.cache import clear_caches as clear_caches
from components.loaders.cache import shared_frames
from components.loaders.cache import store_engine as store_engine
from data_access.db import current_revision, database_url, normalise_url, store_generation
from data_access.queries import (
    ProgramFrames,
    ProgramSize,
    cohort_list,
    earlier_program,
    load_program,
    load_survey_program,
    pair_directory,
    pairs_and_goals,
    program_size,
)
from data_access.revision import FOLLOW_UPS, PROGRAM, revisions, table_counts_as_written

#: How long a process trusts the revision counters it last read (seconds): a change another
#: process makes shows within this long; a change this process makes shows at once.
REVISION_TTL_S = 1.0


@st.cache_data(ttl=REVISION_TTL_S, show_spinner=False, max_entries=4)
def _revisions(url: str, _engine: Engine) -> dict[str, int]:
    return revisions(_engine)


def forget_revisions() -> None:
    """After a write in this process: read the counters afresh on the next look-up."""
    _revisions.clear()


def store_key() -> str:
    """The cache key of every loader of program data: the store this process reads and its
    program revision (`data_access.revision`), so a write made anywhere — another app process,
    the command line — makes the cached results stale."""
    url = normalise_url(database_url())
    engine = store_engine()
    program = _revisions(url, engine)[PROGRAM]  # reading it notices a replaced SQLite file
    return f"{url}#file={store_generation(engine)}&program={program}"


def program_revision() -> int:
    """The store's program revision (`data_access.revision`), as `store_key` last read it."""
    return _revisions(normalise_url(database_url()), store_engine())[PROGRAM]


def follow_up_key() -> str:
    """The cache key of anything that shows follow-ups: `store_key` and the follow-up revision.
    A follow-up changes this key only, so health, meetings and surveys stay cached."""
    url = normalise_url(database_url())
    engine = store_engine()
    counters = _revisions(url, engine)
    return (
        f"{url}#file={store_generation(engine)}&program={counters[PROGRAM]}"
        f"&follow_ups={counters[FOLLOW_UPS]}"
    )


@shared_frames(show_spinner="Reading the program…", max_entries=4)
def _program(url: str, as_of: date, _engine: Engine) -> ProgramFrames:
    # The screens take meeting figures from `health` (aggregated in SQL), never from here.
    return load_program(_engine, as_of=as_of, meetings=False)


@shared_frames(show_spinner="Reading the survey responses…", max_entries=4)
def _survey_program(url: str, as_of: date, _engine: Engine) -> ProgramFrames:
    return load_survey_program(_engine, as_of=as_of)


@shared_frames(show_spinner="Reading the program…", max_entries=4)
def _earlier_program(url: str, as_of: date, later: date, _engine: Engine) -> ProgramFrames:
    return earlier_program(_program(url, later, _engine), _engine, as_of=as_of)


@st.cache_data(show_spinner=False, max_entries=2)
def _settings(url: str, _engine: Engine) -> ProgramSettings:
    return load_settings(_engine)


@shared_frames(show_spinner="Scoring pair health…", max_entries=16)
def _health(url: str, as_of: date, cohort_ids: tuple[str, ...], _engine: Engine) -> pd.DataFrame:
    return read_health(_engine, as_of, cohort_ids, _settings(url, _engine))


@st.cache_data(show_spinner=False, max_entries=8)
def _size(url: str, as_of: date, _engine: Engine) -> ProgramSize:
    return program_size(_engine, as_of=as_of)


@shared_frames(show_spinner="Reading goals…", max_entries=4)
def _pairs_and_goals(url: str, as_of: date, _engine: Engine) -> tuple[pd.DataFrame, pd.DataFrame]:
    return pairs_and_goals(_engine, as_of=as_of)


@shared_frames(show_spinner=False, max_entries=2)
def _directory(url: str, _engine: Engine) -> pd.DataFrame:
    return pair_directory(_engine)


@st.cache_data(show_spinner=False, max_entries=2)
def _cohorts(url: str, _engine: Engine) -> pd.DataFrame:
    return cohort_list(_engine)


@st.cache_data(show_spinner=False, max_entries=2)
def _store_summary(url: str, _engine: Engine) -> tuple[dict[str, int], str | None]:
    return table_counts_as_written(_engine), current_revision(_engine)


def store_summary() -> tuple[dict[str, int], str | None]:
    """The row count of every import-format table (as the last program write recorded them:
    `data_access.revision.table_counts_as_written`) and the store's schema revision."""
    return _store_summary(store_key(), store_engine())


def program_settings() -> ProgramSettings:
    """The program's settings (weights, thresholds, anonymity rule)."""
    return _settings(store_key(), store_engine())


def program(
    as_of: date, cohort_ids: tuple[str, ...] = (), *, cut_from: date | None = None
) -> ProgramFrames:
    """The program on `as_of`, narrowed to `cohort_ids` (all cohorts when empty), without its
    `meeting_stats` (None: the screens read meeting figures from `health`). With
    `cut_from` (a later date whose program the page reads too), cut from that program instead
    of read again (`data_access.queries.earlier_program`: the same frames)."""
    if cut_from is None or cut_from == as_of:
        whole = _program(store_key(), as_of, store_engine())
    else:
        whole = _earlier_program(store_key(), as_of, cut_from, store_engine())
    return program_for_cohorts(whole, cohort_ids)


def size(as_of: date) -> ProgramSize:
    """How many cohorts the store holds and how many pairs had started by `as_of`."""
    return _size(store_key(), as_of, store_engine())


def goals(as_of: date, cohort_ids: tuple[str, ...] = ()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The pairs started by `as_of` and their goals, narrowed to `cohort_ids` (all cohorts when
    empty): `program(as_of, cohort_ids)`'s pairs and goals, without reading the rest."""
    pairs, every_goal = _pairs_and_goals(store_key(), as_of, store_engine())
    if cohort_ids:
        pairs = pairs[pairs["cohort_id"].isin(cohort_ids)]
        every_goal = every_goal[every_goal["pair_id"].isin(pairs["pair_id"])]
    return pairs, every_goal


def survey_program(as_of: date, cohort_ids: tuple[str, ...] = ()) -> ProgramFrames:
    """`program(as_of, cohort_ids)` without meetings and goals (None), for the Surveys screen
    (`data_access.queries.load_survey_program`)."""
    return program_for_cohorts(_survey_program(store_key(), as_of, store_engine()), cohort_ids)


def health(as_of: date, cohort_ids: tuple[str, ...] = ()) -> pd.DataFrame:
    """`app.headlines.program_health` of the program on `as_of`, narrowed to `cohort_ids` (worked
    out by `app.headlines.store_health`, which gives the same)."""
    return _health(store_key(), as_of, tuple(sorted(cohort_ids)), store_engine())


@shared_frames(show_spinner=False, max_entries=16)
def _pair_rows(url: str, as_of: date, cohort_ids: tuple[str, ...], _engine: Engine) -> pd.DataFrame:
    return cohort_view.pair_rows(_health(url, as_of, cohort_ids, _engine), _directory(url, _engine))


def pair_rows(as_of: date, cohort_ids: tuple[str, ...] = ()) -> pd.DataFrame:
    """`app.cohort_view.pair_rows` of `health(as_of, cohort_ids)` and `directory()`: worked out
    once per store revision and shared (a tenth of a second per run at the `enterprise` scale,
    which twenty people at once paid twenty times). Never for a page an executive can see."""
    return _pair_rows(store_key(), as_of, tuple(sorted(cohort_ids)), store_engine())


def directory() -> pd.DataFrame:
    """Names and departments per pair (`data_access.queries.pair_directory`). Never for a page
    an executive can see."""
    return _directory(store_key(), store_engine())


def cohort_names() -> dict[str, str]:
    """Cohort id → name, oldest cohort first, for filters."""
    cohorts = _cohorts(store_key(), store_engine())
    return dict(zip(cohorts["cohort_id"], cohorts["name"], strict=True))
