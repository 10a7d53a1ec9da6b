"""What-if pairing in the store: what the engine reads, saved scenarios, and applying one.

`matching_frames` reads what `app.matching` needs (people with their names and skills — which
`queries.load_program` deliberately leaves out). A scenario is saved with its settings (JSON)
and its proposed pairs (`scenario_pair` rows); `apply_scenario` turns one into real pairs in
one transaction, through `data_access.writes` like every program row, ends the pairs it
replaces and records who applied it in the audit log.

A pair a re-match replaces is ended with status `ended_early` and `ended_on` = the new pairs'
start day: it stopped before its cohort ended, by the coordinator's decision, and the audit row
says which scenario ended it. People in an *open* pair (`active` or `paused`) that is not being
replaced are taken: applying refuses a scenario that would give such a mentee a second pair, or
a mentor more pairs than their capacity.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, func, select, update
from sqlalchemy.exc import IntegrityError

from data_access import revision
from data_access.models import AuditLog, Cohort, Pair, Participant, Scenario, ScenarioPair
from data_access.writes import update_rows, upsert_rows

OPEN_STATUSES = ("active", "paused")
REPLACED_STATUS = "ended_early"
APPLY_ACTION = "apply_scenario"


class ScenarioError(ValueError):
    """A scenario cannot be saved or applied; the message says why in one sentence."""


@dataclass(frozen=True)
class MatchingFrames:
    """What the matching engine reads: cohorts, participants (names and skills included) and
    every pair, dates as pandas timestamps."""

    cohorts: pd.DataFrame
    participants: pd.DataFrame
    pairs: pd.DataFrame


def _with_dates(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    return frame


def matching_frames(engine: Engine) -> MatchingFrames:
    """Cohorts, participants (without e-mail addresses) and pairs, read in one snapshot."""
    people = [c for c in Participant.__table__.columns if c.name != "email"]  # type: ignore[attr-defined]
    with engine.connect() as connection, connection.begin():
        cohorts = _with_dates(pd.read_sql(select(Cohort), connection), ["start_date", "end_date"])
        participants = _with_dates(
            pd.read_sql(select(*people), connection), ["joined_on", "left_on"]
        )
        pairs = _with_dates(pd.read_sql(select(Pair), connection), ["started_on", "ended_on"])
    return MatchingFrames(cohorts=cohorts, participants=participants, pairs=pairs)


# --- Saving and reading scenarios -----------------------------------------------------------------
@dataclass(frozen=True)
class SavedScenario:
    """A scenario as stored: its settings, the pairs it replaces and its proposed pairs
    (mentor_id, mentee_id, score, reasons)."""

    id: int
    name: str
    cohort_id: str | None
    pool: str
    settings: dict[str, Any]
    replaces_pair_ids: tuple[str, ...]
    created_at: datetime
    created_by: str
    applied_at: datetime | None
    applied_by: str | None
    pairs: pd.DataFrame


def _aware(moment: datetime | None) -> datetime | None:
    """Stored datetimes as aware UTC (SQLite hands them back without a zone)."""
    if moment is None or pd.isna(moment):
        return None
    moment = pd.Timestamp(moment).to_pydatetime()
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def save_scenario(
    *,
    engine: Engine,
    name: str,
    cohort_id: str | None,
    pool: str,
    settings: Mapping[str, Any],
    pairs: pd.DataFrame,
    actor: str,
    replaces_pair_ids: Sequence[str] = (),
) -> int:
    """Store a scenario and its proposed pairs in one transaction; return its id.

    `settings` must be JSON-serialisable (e.g. `MatchSettings.to_dict()`); it is stored with
    the ids of the pairs a re-match replaces as `{"settings": …, "replaces_pair_ids": […]}`.
    `pairs` needs mentor_id, mentee_id and score (reasons optional). Raises ScenarioError when
    the name is blank or already taken.
    """
    name = name.strip()
    if not name:
        raise ScenarioError("A scenario needs a name.")
    document = {"settings": dict(settings), "replaces_pair_ids": sorted(replaces_pair_ids)}
    reasons = pairs["reasons"] if "reasons" in pairs else pd.Series(None, index=pairs.index)
    try:
        with engine.begin() as connection:
            taken = connection.execute(select(Scenario.id).where(Scenario.name == name)).first()
            if taken is not None:
                raise ScenarioError(f"A scenario named {name!r} already exists; choose another.")
            scenario_id = connection.execute(
                Scenario.__table__.insert().returning(Scenario.__table__.c.id),  # type: ignore[attr-defined]
                {
                    "name": name,
                    "cohort_id": cohort_id,
                    "pool": pool,
                    "settings_json": json.dumps(document),
                    "created_at": datetime.now(UTC),
                    "created_by": actor,
                },
            ).scalar_one()
            rows = [
                {
                    "scenario_id": scenario_id,
                    "mentor_id": str(mentor),
                    "mentee_id": str(mentee),
                    "score": float(score),
                    "reasons": None if pd.isna(reason) else str(reason),
                }
                for mentor, mentee, score, reason in zip(
                    pairs["mentor_id"], pairs["mentee_id"], pairs["score"], reasons, strict=True
                )
            ]
            if rows:
                connection.execute(ScenarioPair.__table__.insert(), rows)  # type: ignore[attr-defined]
    except IntegrityError as error:  # a concurrent save took the name first
        raise ScenarioError(f"A scenario named {name!r} already exists; choose another.") from error
    return int(scenario_id)


def list_scenarios(engine: Engine) -> pd.DataFrame:
    """Every scenario, newest first: id, name, cohort_id, pool, pairs (count), created_at,
    created_by, applied_at, applied_by."""
    counts = (
        select(ScenarioPair.scenario_id, func.count().label("pairs"))
        .group_by(ScenarioPair.scenario_id)
        .subquery()
    )
    statement = (
        select(
            Scenario.id,
            Scenario.name,
            Scenario.cohort_id,
            Scenario.pool,
            func.coalesce(counts.c.pairs, 0).label("pairs"),
            Scenario.created_at,
            Scenario.created_by,
            Scenario.applied_at,
            Scenario.applied_by,
        )
        .outerjoin(counts, counts.c.scenario_id == Scenario.id)
        .order_by(Scenario.created_at.desc(), Scenario.id.desc())
    )
    with engine.connect() as connection:
        frame = pd.DataFrame(connection.execute(statement).mappings().all())
    if frame.empty:
        return pd.DataFrame(
            columns=["id", "name", "cohort_id", "pool", "pairs", "created_at", "created_by",
                     "applied_at", "applied_by"]
        )  # fmt: skip
    for column in ("created_at", "applied_at"):
        frame[column] = [_aware(moment) for moment in frame[column]]
    return frame


def _load(connection: Connection, scenario_id: int) -> SavedScenario:
    row = connection.execute(select(Scenario).where(Scenario.id == scenario_id)).mappings().first()
    if row is None:
        raise ScenarioError(f"There is no scenario {scenario_id}.")
    pairs = pd.DataFrame(
        connection.execute(
            select(
                ScenarioPair.mentor_id,
                ScenarioPair.mentee_id,
                ScenarioPair.score,
                ScenarioPair.reasons,
            )
            .where(ScenarioPair.scenario_id == scenario_id)
            .order_by(ScenarioPair.mentee_id)
        ).all(),
        columns=["mentor_id", "mentee_id", "score", "reasons"],
        dtype=object,
    )
    pairs["score"] = pairs["score"].astype(float)
    document = json.loads(row["settings_json"])
    return SavedScenario(
        id=row["id"],
        name=row["name"],
        cohort_id=row["cohort_id"],
        pool=row["pool"],
        settings=document.get("settings", {}),
        replaces_pair_ids=tuple(document.get("replaces_pair_ids", ())),
        created_at=_aware(row["created_at"]),  # type: ignore[arg-type]
        created_by=row["created_by"],
        applied_at=_aware(row["applied_at"]),
        applied_by=row["applied_by"],
        pairs=pairs,
    )


def load_scenario(engine: Engine, scenario_id: int) -> SavedScenario:
    """One scenario with its pairs; ScenarioError if there is none with that id."""
    with engine.connect() as connection:
        return _load(connection, scenario_id)


# --- Applying a scenario --------------------------------------------------------------------------
def _new_pair_ids(connection: Connection, scenario_id: int, count: int) -> list[str]:
    """`S{scenario}-{n}` for n = 1, 2, … skipping ids already in the store."""
    prefix = f"S{scenario_id}-"
    taken = set(
        connection.execute(select(Pair.pair_id).where(Pair.pair_id.startswith(prefix))).scalars()
    )
    ids, n = [], 0
    while len(ids) < count:
        n += 1
        if f"{prefix}{n}" not in taken:
            ids.append(f"{prefix}{n}")
    return ids


def _check_people_are_free(
    connection: Connection, scenario: SavedScenario, replaced: set[str]
) -> None:
    """Refuse when a proposed mentee is in an open pair that stays, or a mentor would exceed
    their capacity counting the open pairs that stay."""
    people = set(scenario.pairs["mentor_id"]) | set(scenario.pairs["mentee_id"])
    staying = connection.execute(
        select(Pair.pair_id, Pair.mentor_id, Pair.mentee_id).where(
            Pair.status.in_(OPEN_STATUSES),
            Pair.mentor_id.in_(people) | Pair.mentee_id.in_(people),
        )
    ).all()
    staying = [row for row in staying if row.pair_id not in replaced]
    busy_mentees = sorted({row.mentee_id for row in staying} & set(scenario.pairs["mentee_id"]))
    if busy_mentees:
        raise ScenarioError(
            f"Cannot apply scenario {scenario.name!r}: mentee {busy_mentees[0]} is already in "
            "an open pair the scenario does not replace."
        )
    capacity = dict(
        connection.execute(
            select(Participant.participant_id, Participant.capacity).where(
                Participant.participant_id.in_(set(scenario.pairs["mentor_id"]))
            )
        ).all()
    )
    load = (
        scenario.pairs["mentor_id"]
        .value_counts()
        .add(
            pd.Series([row.mentor_id for row in staying], dtype=object).value_counts(), fill_value=0
        )
    )
    for mentor_id, pairs in sorted(load.items()):
        if mentor_id in capacity and pairs > capacity[mentor_id]:
            raise ScenarioError(
                f"Cannot apply scenario {scenario.name!r}: mentor {mentor_id} would be in "
                f"{int(pairs)} open pairs but has {capacity[mentor_id]} place(s)."
            )


def apply_scenario(
    *,
    engine: Engine,
    scenario_id: int,
    start_on: date,
    actor: str,
    cohort_id: str | None = None,
) -> list[str]:
    """Write a scenario's pairs into the store in one transaction; return the new pair ids.

    The new pairs join `cohort_id` (default: the scenario's cohort) as `active` pairs starting
    on `start_on`, with ids `S{scenario}-{n}` that no existing pair uses. The open pairs the
    scenario replaces (a re-match) end on `start_on` with status `ended_early` — except a pair
    the scenario proposes again (same mentor and mentee), which simply stays as it is, with its
    history; it is not written anew. The scenario
    is marked applied (when, by whom) and one audit row (`apply_scenario`) names it and the
    pair count. Raises ScenarioError — writing nothing — when the scenario does not exist, was
    applied already, has no pairs or no cohort, or a proposed person is taken (see the module
    docstring), or a replaced pair started after `start_on`.
    """
    now = datetime.now(UTC)
    with engine.begin() as connection:
        scenario = _load(connection, scenario_id)
        if scenario.applied_at is not None:
            raise ScenarioError(
                f"Scenario {scenario.name!r} was already applied on "
                f"{scenario.applied_at:%Y-%m-%d} by {scenario.applied_by}."
            )
        cohort_id = cohort_id or scenario.cohort_id
        if cohort_id is None:
            raise ScenarioError(f"Choose the cohort scenario {scenario.name!r}'s pairs join.")
        if (
            connection.execute(
                select(Cohort.cohort_id).where(Cohort.cohort_id == cohort_id)
            ).first()
            is None
        ):
            raise ScenarioError(f"There is no cohort {cohort_id!r}.")
        if scenario.pairs.empty:
            raise ScenarioError(f"Scenario {scenario.name!r} has no pairs to apply.")
        replaced = list(
            connection.execute(
                select(Pair.pair_id, Pair.started_on, Pair.mentor_id, Pair.mentee_id).where(
                    Pair.pair_id.in_(scenario.replaces_pair_ids), Pair.status.in_(OPEN_STATUSES)
                )
            ).all()
        )
        late = sorted(row.pair_id for row in replaced if row.started_on > start_on)
        if late:
            raise ScenarioError(
                f"Cannot apply scenario {scenario.name!r} from {start_on}: pair {late[0]} it "
                "replaces starts later than that."
            )
        proposed = list(zip(scenario.pairs["mentor_id"], scenario.pairs["mentee_id"], strict=True))
        kept = {(row.mentor_id, row.mentee_id): row.pair_id for row in replaced}
        kept = {people: pair_id for people, pair_id in kept.items() if people in set(proposed)}
        replaced_ids = {row.pair_id for row in replaced}
        _check_people_are_free(connection, scenario, replaced_ids)
        replaced_ids -= set(kept.values())
        proposed = [people for people in proposed if people not in kept]

        update_rows(
            connection, Pair, replaced_ids, {"status": REPLACED_STATUS, "ended_on": start_on}
        )
        pair_ids = _new_pair_ids(connection, scenario_id, len(proposed))
        upsert_rows(
            connection,
            Pair,
            [
                {
                    "pair_id": pair_id,
                    "cohort_id": cohort_id,
                    "mentor_id": mentor_id,
                    "mentee_id": mentee_id,
                    "started_on": start_on,
                    "ended_on": None,
                    "status": "active",
                    "focus_area": None,
                    "target_cadence_days": None,
                }
                for pair_id, (mentor_id, mentee_id) in zip(pair_ids, proposed, strict=True)
            ],
        )
        marked = connection.execute(
            update(Scenario)
            .where(Scenario.id == scenario_id, Scenario.applied_at.is_(None))
            .values(applied_at=now, applied_by=actor)
        )
        if marked.rowcount != 1:  # another session applied it meanwhile; roll everything back
            raise ScenarioError(f"Scenario {scenario.name!r} was already applied.")
        detail = (
            f"scenario {scenario_id} {scenario.name!r}: {len(pair_ids)} pairs in cohort "
            f"{cohort_id} from {start_on.isoformat()}, {len(replaced_ids)} pairs ended, "
            f"{len(kept)} kept"
        )
        connection.execute(
            AuditLog.__table__.insert(),  # type: ignore[attr-defined]
            {"at": now, "actor": actor, "action": APPLY_ACTION, "detail": detail},
        )
        revision.bump(connection, revision.PROGRAM)
    return pair_ids
