"""The executive summary of a store: what the Executive summary screen shows and
`python -m app summarise` keeps, read and worked out without Streamlit.

The screen passes its cached readers (`components.loaders`: the program frames the other
screens share, the outcomes comparison); the command line reads afresh. Either way the figures
are the same (tests/app/test_summary_kept.py)."""

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from functools import partial

import pandas as pd
from sqlalchemy import Engine

from app.cohort_narrowing import program_for_cohorts
from app.headlines import store_activity, store_health
from app.outcomes import OutcomeComparison, compare_outcomes, participant_starts
from app.settings import ProgramSettings, load_settings
from app.summary.build import ExecutiveSummary, executive_summary
from app.summary.kpi_figures import Snapshot, previous_as_of
from app.summary.stored import CODE_VERSION, summary_json
from data_access.concurrency import reads_beside
from data_access.health_inputs import load_activity_inputs, load_health_inputs
from data_access.queries import ProgramFrames, earlier_program, load_program
from data_access.revision import PROGRAM, revisions
from data_access.summary_snapshots import keep_summary
from data_access.workforce import outcome_inputs

#: (day, cohort ids, the later day also read) → the program on that day, narrowed to the cohorts
ProgramReader = Callable[..., ProgramFrames]


def store_workforce(
    engine: Engine, as_of: date
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame] | None:
    """What `app.outcomes` compares on `as_of`: the employees, their promotions and each
    participant's first start (`participant_starts`); None when the store holds no workforce."""
    inputs = outcome_inputs(engine, as_of)
    if inputs["employees"].empty:  # no workforce imported: nothing to compare with
        return None
    starts = participant_starts(inputs["participants"], inputs["pairs"])
    return inputs["employees"], inputs["promotions"], starts


def store_outcomes(
    engine: Engine, as_of: date, cohort_ids: tuple[str, ...], minimum: int
) -> list[OutcomeComparison]:
    """Mentors' and mentees' retention and promotion against comparable colleagues
    (`app.outcomes.compare_outcomes`); empty when the store holds no workforce."""
    workforce = store_workforce(engine, as_of)
    if workforce is None:
        return []
    return compare_outcomes(*workforce, as_of=as_of, minimum=minimum, cohort_ids=cohort_ids)  # type: ignore[return-value]


def read_health(
    engine: Engine, as_of: date, cohort_ids: tuple[str, ...], settings: ProgramSettings
):
    """Pair health on `as_of` of the pairs of `cohort_ids`, aggregated in SQL: the same figures
    as `app.headlines.program_health` of the program, without reading every goal and survey
    response. Free of Streamlit calls, so a worker thread may run it."""
    return store_health(load_health_inputs(engine, as_of=as_of, cohort_ids=cohort_ids), settings)


def read_activity(
    engine: Engine, as_of: date, cohort_ids: tuple[str, ...], settings: ProgramSettings
):
    """`read_health`'s meeting half (`app.health.pair_activity`): status, cadence adherence and
    whether each pair is stalled, without the goals and answers."""
    return store_activity(
        load_activity_inputs(engine, as_of=as_of, cohort_ids=cohort_ids), settings
    )


def _plain_reader(engine: Engine) -> ProgramReader:
    """Read the program of the latest day once; cut earlier days from it."""
    read: dict[date, ProgramFrames] = {}

    def program(
        day: date, cohort_ids: tuple[str, ...] = (), *, cut_from: date | None = None
    ) -> ProgramFrames:
        later = cut_from or day
        if later not in read:
            read[later] = load_program(engine, as_of=later, meetings=False)
        if day not in read:
            read[day] = earlier_program(read[later], engine, as_of=day)
        return program_for_cohorts(read[day], cohort_ids)

    return program


def summary_of_store(
    engine: Engine,
    as_of: date,
    cohort_ids: tuple[str, ...],
    settings: ProgramSettings,
    *,
    program: ProgramReader | None = None,
    outcomes: Callable[[], Sequence[OutcomeComparison]] | None = None,
) -> ExecutiveSummary:
    """`app.summary.executive_summary` of the store's program on `as_of`, narrowed to
    `cohort_ids`, with its outcomes comparison. `program` and `outcomes` read them (default:
    from `engine`, afresh)."""
    program = program or _plain_reader(engine)
    days = (as_of, previous_as_of(as_of))
    # Pair health now; a quarter earlier only what the KPI row compares (active and stalled
    # pairs, cadence adherence): `read_activity`, without the goals and answers. The database
    # may aggregate them while this thread reads the programs (`reads_beside` decides).
    reads = (read_health, read_activity)
    programs, health = reads_beside(
        engine,
        [
            partial(read, engine, day, cohort_ids, settings)
            for read, day in zip(reads, days, strict=True)
        ],
        lambda: [
            (program(day, cohort_ids, cut_from=days[0]), program(day, cut_from=days[0]))
            for day in days
        ],
    )
    now, then = (
        Snapshot(program=frames, health=pairs, whole=whole)
        for (frames, whole), pairs in zip(programs, health, strict=True)
    )
    found = executive_summary(now, then, settings, cohort_ids)
    if outcomes is None:
        compared = store_outcomes(engine, as_of, cohort_ids, settings.min_respondents)
    else:
        compared = outcomes()
    return replace(found, outcomes=tuple(compared))


def prepare_summary(engine: Engine, as_of: date, cohort_ids: tuple[str, ...] = ()) -> bool:
    """Work out the summary of `as_of` and `cohort_ids` and keep it in the store
    (`data_access.summary_snapshots`), so the app's first visit reads it; True when kept.
    `python -m app summarise` runs it every morning (docs/deployment.md)."""
    program_revision = revisions(engine)[PROGRAM]  # before the data: see summary_snapshots
    found = summary_of_store(engine, as_of, cohort_ids, load_settings(engine))
    return keep_summary(
        engine, as_of, cohort_ids, program_revision, CODE_VERSION, summary_json(found)
    )
