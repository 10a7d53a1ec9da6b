"""Narrowing the program to some cohorts: what every screen does when a cohort filter is set."""

from collections.abc import Collection
from dataclasses import replace

from app.privacy import with_pair_cohorts
from data_access.queries import ProgramFrames


def program_for_cohorts(program: ProgramFrames, cohort_ids: Collection[str]) -> ProgramFrames:
    """`program` restricted to the cohorts `cohort_ids` (all of it when empty).

    Kept: those cohorts, their pairs and those pairs' meeting figures and goals, the survey
    responses given in those cohorts (by the response's `cohort_id`, else its pair's cohort), and
    the participants who have a pair in them — so enrolment, match rate and retention describe
    the people of those cohorts.
    """
    if not cohort_ids:
        return program
    chosen = set(cohort_ids)
    pairs = program.pairs[program.pairs["cohort_id"].isin(chosen)]
    pair_ids = set(pairs["pair_id"])
    people = set(pairs["mentor_id"]) | set(pairs["mentee_id"])
    # The cohort a response counts in: its own, else its pair's (one definition, in privacy).
    counted_in = with_pair_cohorts(program.surveys, program.pairs)["cohort_id"]
    stats, goals = program.meeting_stats, program.goals  # None when not read (survey program)
    return replace(
        program,
        cohorts=program.cohorts[program.cohorts["cohort_id"].isin(chosen)],
        participants=program.participants[program.participants["participant_id"].isin(people)],
        pairs=pairs,
        meeting_stats=None if stats is None else stats[stats.index.isin(pair_ids)],
        goals=None if goals is None else goals[goals["pair_id"].isin(pair_ids)],
        surveys=program.surveys[counted_in.isin(chosen)],
    )
