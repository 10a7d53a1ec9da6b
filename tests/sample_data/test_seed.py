"""The sample program: valid by the import rules, believable at its anchor, deterministic, and
written into a store all at once (or not at all)."""

import zoneinfo
from datetime import UTC, date, datetime, timedelta
from functools import cache

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from app.cli import main
from data_access.db import table_counts
from data_access.models import PROGRAM_TABLES, FollowUp, Participant
from data_access.writes import upsert_rows
from sample_data.generator import AS_OF_ENV, CATEGORIES, SCALES, generate_program
from sample_data.seed import StoreNotEmptyError, seed_store

ANCHOR = date(2026, 6, 30)
CLOSED = ("completed", "ended_early")


@cache
def _program(scale: str, seed: int = 7) -> dict[str, pd.DataFrame]:
    """Generated once per test session; tests must not change the frames."""
    return generate_program(scale=scale, seed=seed, anchor=ANCHOR)


# --- The import rules, checked in pandas ----------------------------------------------------------
def _id_problems(frame: pd.DataFrame, column: str, prefix: str) -> dict[str, int]:
    ids = frame[column]
    return {
        f"{column} not unique": int(ids.duplicated().sum()),
        f"{column} not {prefix} + digits": int((~ids.str.fullmatch(rf"{prefix}\d+")).sum()),
        f"{column} not zero-padded to one width": ids.str.len().nunique() - 1,
    }


def _not_in(values: pd.Series, allowed: object) -> int:
    return int((values.notna() & ~values.isin(allowed)).sum())


def _outside(values: pd.Series, low: int, high: int) -> int:
    return int((values.notna() & ~values.between(low, high)).sum())


def _after(values: pd.Series, day: date | pd.Series) -> int:
    """Rows where `values` is later than `day` (a date, or a column aligned with `values`)."""
    other = pd.Series(day, index=values.index) if isinstance(day, date) else day
    both = values.notna() & other.notna()
    return int((values[both] > other[both]).sum())


def _broken_rules(frames: dict[str, pd.DataFrame], anchor: date) -> dict[str, int]:
    """Rows breaking each rule of the import format (and of a believable program), by rule."""
    cohorts, people, pairs = frames["cohorts"], frames["participants"], frames["pairs"]
    meetings, goals, surveys = frames["meetings"], frames["goals"], frames["surveys"]
    problems: dict[str, int] = {}
    for frame, column, prefix in [
        (cohorts, "cohort_id", "C"),
        (people, "participant_id", "P"),
        (pairs, "pair_id", "PR"),
        (meetings, "meeting_id", "M"),
        (goals, "goal_id", "G"),
        (surveys, "response_id", "S"),
    ]:
        problems |= _id_problems(frame, column, prefix)

    problems |= {
        "cohort without a name": int(cohorts["name"].isna().sum()),
        "cohort starting after the anchor": _after(cohorts["start_date"], anchor),
        "cohort ending before it starts": _after(cohorts["start_date"], cohorts["end_date"]),
        "cohort cadence not positive": int((cohorts["target_cadence_days"] <= 0).sum()),
        "cohort focus area unknown": _not_in(cohorts["focus_area"], CATEGORIES),
    }

    person = people.set_index("participant_id")
    mentor, mentee = person["role"] == "mentor", person["role"] == "mentee"
    problems |= {
        "role not mentor/mentee": _not_in(people["role"], ["mentor", "mentee"]),
        "job level outside 1–10": _outside(people["job_level"], 1, 10),
        "mentor not junior (1–4)": int((mentor & ~person["job_level"].between(1, 4)).sum()),
        "mentee not senior (6–10)": int((mentee & ~person["job_level"].between(6, 10)).sum()),
        "mentor not born 22–31 years before": int(
            (mentor & ~(anchor.year - person["birth_year"]).between(22, 31)).sum()
        ),
        "mentee not born 41–64 years before": int(
            (mentee & ~(anchor.year - person["birth_year"]).between(41, 64)).sum()
        ),
        "capacity below 1": int((people["capacity"] < 1).sum()),
        "capacity above 2": int((people["capacity"] > 2).sum()),
        "time zone not IANA": _not_in(people["timezone"], zoneinfo.available_timezones()),
        "no name": int(people["name"].isna().sum()),
        "e-mail missing or shared": int(
            (people["email"].isna() | people["email"].duplicated()).sum()
        ),
        "e-mail malformed": int(
            (~people["email"].str.fullmatch(r"[a-z0-9.-]+@example\.com")).sum()
        ),
        "mentor offers no skill": int((mentor & person["skills_offered"].isna()).sum()),
        "mentee wants no skill": int((mentee & person["skills_wanted"].isna()).sum()),
        "joined after the anchor": _after(people["joined_on"], anchor),
        "left after the anchor": _after(people["left_on"], anchor),
        "left before joining": _after(people["joined_on"], people["left_on"]),
    }

    cohort = cohorts.set_index("cohort_id")
    started, ended = pairs["started_on"], pairs["ended_on"]
    pair_mentor = person.reindex(pairs["mentor_id"]).reset_index(drop=True)
    pair_mentee = person.reindex(pairs["mentee_id"]).reset_index(drop=True)
    open_pairs = pairs[pairs["status"].isin(["active", "paused"])]
    load = open_pairs["mentor_id"].value_counts()
    problems |= {
        "pair status unknown": _not_in(
            pairs["status"], ["active", "completed", "ended_early", "paused"]
        ),
        "pair in an unknown cohort": _not_in(pairs["cohort_id"], cohorts["cohort_id"]),
        "pair mentor not a mentor": int((pair_mentor["role"] != "mentor").sum()),
        "pair mentee not a mentee": int((pair_mentee["role"] != "mentee").sum()),
        "pair started after the anchor": _after(started, anchor),
        "pair ended after the anchor": _after(ended, anchor),
        "pair ended before it started": _after(started, ended),
        "pair started before its cohort": _after(
            pairs["cohort_id"].map(cohort["start_date"]), started
        ),
        "closed pair without end / open pair with one": int(
            (pairs["status"].isin(CLOSED) != ended.notna()).sum()
        ),
        "pair cadence not positive": int((pairs["target_cadence_days"] <= 0).sum()),
        "pair focus area unknown": _not_in(pairs["focus_area"], CATEGORIES),
        "mentor joined after the pair started": _after(pair_mentor["joined_on"], started),
        "mentee joined after the pair started": _after(pair_mentee["joined_on"], started),
        "mentor not more junior than mentee": int(
            (pair_mentor["job_level"] >= pair_mentee["job_level"]).sum()
        ),
        "pair within one department": int(
            (pair_mentor["department"] == pair_mentee["department"]).sum()
        ),
        "pair repeated": int(pairs.duplicated(["mentor_id", "mentee_id"]).sum()),
        "mentor over capacity": int((load > person["capacity"].reindex(load.index)).sum()),
        "mentee in two open pairs": int((open_pairs["mentee_id"].value_counts() > 1).sum()),
        "person who left is in an open pair": int(
            person.loc[pd.concat([open_pairs["mentor_id"], open_pairs["mentee_id"]]), "left_on"]
            .notna()
            .sum()
        ),
        "person left before their pair ended": sum(
            _after(pairs["ended_on"], person["left_on"].reindex(pairs[side]).reset_index(drop=True))
            for side in ("mentor_id", "mentee_id")
        ),
    }

    pair = pairs.set_index("pair_id")
    meeting_pair = pair.reindex(meetings["pair_id"]).reset_index(drop=True)
    problems |= {
        "meeting of an unknown pair": _not_in(meetings["pair_id"], pairs["pair_id"]),
        "meeting after the anchor": _after(meetings["held_on"], anchor),
        "meeting before its pair started": _after(meeting_pair["started_on"], meetings["held_on"]),
        "meeting after its pair ended": _after(meetings["held_on"], meeting_pair["ended_on"]),
        "meeting twice on one day": int(meetings.duplicated(["pair_id", "held_on"]).sum()),
        "meeting shorter than 30 or longer than 60": _outside(meetings["duration_minutes"], 30, 60),
        "meeting format unknown": _not_in(
            meetings["format"], ["in_person", "video", "phone", "chat"]
        ),
        "meeting on a weekend": int(
            (pd.to_datetime(meetings["held_on"]).dt.day_of_week >= 5).sum()
        ),
    }

    goal_pair = pair.reindex(goals["pair_id"]).reset_index(drop=True)
    done = goals["status"] == "done"
    problems |= {
        "goal of an unknown pair": _not_in(goals["pair_id"], pairs["pair_id"]),
        "goal without a title": int(goals["title"].isna().sum()),
        "goal status unknown": _not_in(
            goals["status"], ["not_started", "in_progress", "done", "dropped"]
        ),
        "goal category unknown": _not_in(goals["category"], CATEGORIES),
        "goal created after the anchor": _after(goals["created_on"], anchor),
        "goal created before its pair started": _after(
            goal_pair["started_on"], goals["created_on"]
        ),
        "goal due before it was created": _after(goals["created_on"], goals["due_on"]),
        "goal completed after the anchor": _after(goals["completed_on"], anchor),
        "goal completed before it was created": _after(goals["created_on"], goals["completed_on"]),
        "done goal without a completion date, or other with one": int(
            (done != goals["completed_on"].notna()).sum()
        ),
        "done goal not at 100%": int((done & (goals["progress_pct"] != 100)).sum()),
        "progress outside 0–100": _outside(goals["progress_pct"], 0, 100),
    }

    survey_pair = pair.reindex(surveys["pair_id"]).reset_index(drop=True)
    in_pair = surveys["pair_id"].notna()
    member = (surveys["participant_id"] == survey_pair["mentor_id"]) | (
        surveys["participant_id"] == survey_pair["mentee_id"]
    )
    problems |= {
        "survey by an unknown participant": _not_in(
            surveys["participant_id"], people["participant_id"]
        ),
        "survey of an unknown pair": _not_in(surveys["pair_id"], pairs["pair_id"]),
        "survey of an unknown cohort": _not_in(surveys["cohort_id"], cohorts["cohort_id"]),
        "survey kind unknown": _not_in(surveys["kind"], ["baseline", "pulse", "midpoint", "exit"]),
        "survey after the anchor": _after(surveys["submitted_on"], anchor),
        "survey before its pair started": _after(
            survey_pair["started_on"], surveys["submitted_on"]
        ),
        "survey by someone outside the pair": int((in_pair & ~member).sum()),
        "survey cohort is not the pair's": int(
            (in_pair & (surveys["cohort_id"] != survey_pair["cohort_id"])).sum()
        ),
        "satisfaction outside 1–5": _outside(surveys["satisfaction"], 1, 5),
        "relationship quality outside 1–5": _outside(surveys["relationship_quality"], 1, 5),
        "digital confidence outside 1–5": _outside(surveys["digital_confidence"], 1, 5),
        "nps outside 0–10": _outside(surveys["nps"], 0, 10),
        "exit survey of an open pair": int(
            ((surveys["kind"] == "exit") & ~survey_pair["status"].isin(CLOSED)).sum()
        ),
    }
    return {rule: count for rule, count in problems.items() if count}


@pytest.mark.parametrize("scale", ["demo", "large"])
def test_every_row_follows_the_import_rules(scale: str) -> None:
    frames = _program(scale)
    for name, model in PROGRAM_TABLES.items():
        assert list(frames[name].columns) == list(model.__table__.columns.keys())
    assert _broken_rules(frames, ANCHOR) == {}


def test_the_scales_have_the_documented_size() -> None:
    demo, large = _program("demo"), _program("large")
    assert len(demo["cohorts"]) == 3
    assert 250 <= len(demo["participants"]) <= 350
    assert 4_500 <= len(large["pairs"]) <= 5_500
    planned = sum(plan.pairs for plan in SCALES["enterprise"].cohorts)
    assert 24_000 <= planned <= 26_000
    assert len(SCALES["enterprise"].cohorts) > len(SCALES["large"].cohorts) > 3


# --- Believable at the anchor ---------------------------------------------------------------------
def _active_pairs_at_anchor(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Active pairs with their target cadence, days since their last meeting (or start), and
    cadence adherence over the trailing 90 days (docs/metrics.md)."""
    pairs, meetings = frames["pairs"], frames["meetings"]
    cohort_cadence = frames["cohorts"].set_index("cohort_id")["target_cadence_days"]
    cadence = pairs["target_cadence_days"].fillna(pairs["cohort_id"].map(cohort_cadence))
    last = pairs["pair_id"].map(meetings.groupby("pair_id")["held_on"].max())
    recent = meetings[meetings["held_on"] > ANCHOR - timedelta(days=90)]
    held = pairs["pair_id"].map(recent.groupby("pair_id").size()).fillna(0)
    age_days = pd.Series([(ANCHOR - day).days for day in pairs["started_on"]])
    return pairs.assign(
        cadence=cadence.astype(int),
        met=last.notna(),
        days_quiet=[(ANCHOR - day).days for day in last.fillna(pairs["started_on"])],
        age_days=age_days,
        adherence=(held / (age_days.clip(upper=90) / cadence)).clip(upper=1),
    )[lambda frame: frame["status"] == "active"]


def test_the_demo_has_every_kind_of_pair() -> None:
    frames = _program("demo")
    active = _active_pairs_at_anchor(frames)
    stalled = active["days_quiet"] > 2 * active["cadence"]
    on_cadence = active["days_quiet"] <= active["cadence"]
    slipping = ~stalled & (active["age_days"] >= 42) & (active["adherence"] < 0.75)
    assert 0.03 <= stalled.mean() <= 0.25
    assert on_cadence.mean() >= 0.5
    assert slipping.sum() >= 3
    assert (stalled & ~active["met"] & (active["age_days"] > 2 * active["cadence"])).any()
    statuses = frames["pairs"]["status"].value_counts()
    assert {"completed", "ended_early", "paused", "active"} <= set(statuses.index)
    assert set(frames["pairs"]["target_cadence_days"].dropna()) >= {7, 30}


def test_the_demo_has_a_finished_pilot_a_running_and_a_new_cohort() -> None:
    frames = _program("demo")
    cohorts = frames["cohorts"].set_index("cohort_id")
    pairs = frames["pairs"]
    ended_days_ago = [(ANCHOR - day).days for day in cohorts["end_date"]]
    started_days_ago = [(ANCHOR - day).days for day in cohorts["start_date"]]
    pilot, running, new = cohorts.index
    assert 60 <= ended_days_ago[0] <= 150
    assert set(pairs.loc[pairs["cohort_id"] == pilot, "status"]) == set(CLOSED)
    assert 120 <= started_days_ago[1] <= 160 and ended_days_ago[1] < 0
    assert 7 <= started_days_ago[2] <= 21

    active = _active_pairs_at_anchor(frames)
    newcomers = active[active["cohort_id"] == new]
    assert (~newcomers["met"]).any() and newcomers["met"].any()
    assert (newcomers["age_days"] < 14).any() and (newcomers["age_days"] >= 14).any()


def test_some_people_wait_for_a_match_and_a_few_have_left() -> None:
    frames = _program("demo")
    people, pairs = frames["participants"], frames["pairs"]
    paired = set(pairs["mentor_id"]) | set(pairs["mentee_id"])
    waiting = people[~people["participant_id"].isin(paired) & people["left_on"].isna()]
    assert len(waiting) >= 10
    assert set(waiting["role"]) == {"mentor", "mentee"}
    assert 0 < people["left_on"].notna().mean() < 0.2
    assert (people["capacity"] == 2).any()
    assert people["department"].nunique() >= 8 and people["location"].nunique() >= 10


def test_surveys_show_uplift_and_follow_pair_health() -> None:
    frames = _program("large")
    surveys = frames["surveys"].merge(
        frames["pairs"][["pair_id", "status", "mentee_id"]], on="pair_id", how="left"
    )
    by_mentee = surveys[surveys["participant_id"] == surveys["mentee_id"]]
    baseline = by_mentee.loc[by_mentee["kind"] == "baseline", "digital_confidence"].mean()
    exit_ = by_mentee.loc[
        (by_mentee["kind"] == "exit") & (by_mentee["status"] == "completed"), "digital_confidence"
    ].mean()
    assert 1.5 <= baseline <= 2.5 and 3.3 <= exit_ <= 4.2
    satisfaction = surveys.groupby("status")["satisfaction"].mean()
    assert satisfaction["completed"] > satisfaction["active"] > satisfaction["ended_early"]
    assert set(surveys["kind"]) == {"baseline", "pulse", "midpoint", "exit"}
    assert surveys["pair_id"].isna().any()  # people waiting for a match answered a baseline
    assert 0.02 <= surveys["comment"].notna().mean() <= 0.2
    goals = frames["goals"]
    assert set(goals["status"]) == {"not_started", "in_progress", "done", "dropped"}
    overdue = (goals["due_on"] < ANCHOR) & ~goals["status"].isin(["done", "dropped"])
    assert 0 < overdue.mean() < 0.25


# --- Deterministic --------------------------------------------------------------------------------
def test_the_same_seed_and_anchor_give_identical_frames() -> None:
    again = generate_program(scale="demo", seed=7, anchor=ANCHOR)
    for name, frame in _program("demo").items():
        pd.testing.assert_frame_equal(frame, again[name])


def test_another_seed_gives_another_program() -> None:
    other = _program("demo", seed=8)
    assert not other["participants"]["name"].equals(_program("demo")["participants"]["name"])
    assert not other["meetings"]["held_on"].equals(_program("demo")["meetings"]["held_on"])


def test_the_anchor_defaults_to_the_as_of_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(AS_OF_ENV, ANCHOR.isoformat())
    from_setting = generate_program(scale="demo")
    pd.testing.assert_frame_equal(from_setting["meetings"], _program("demo")["meetings"])
    monkeypatch.delenv(AS_OF_ENV)
    today = generate_program(scale="demo")
    assert max(today["meetings"]["held_on"]) <= date.today()
    assert max(today["surveys"]["submitted_on"]) > date.today() - timedelta(days=14)


# --- Written into a store -------------------------------------------------------------------------
def test_seeding_writes_the_whole_demo_program(engine: Engine) -> None:
    steps: list[float] = []
    counts = seed_store(
        engine, anchor=ANCHOR, progress=lambda fraction, _message: steps.append(fraction)
    )
    frames = _program("demo")
    assert counts == table_counts(engine) == {name: len(frames[name]) for name in frames}
    assert steps[0] == 0.0 and steps[-1] == 1.0 and steps == sorted(steps)
    with engine.connect() as connection:
        stored = connection.execute(
            select(Participant.participant_id, Participant.joined_on, Participant.left_on).order_by(
                Participant.participant_id
            )
        ).all()
    expected = frames["participants"][["participant_id", "joined_on", "left_on"]]
    assert stored == list(expected.itertuples(index=False, name=None))


def _program_snapshot(engine: Engine) -> tuple[dict[str, int], list[str]]:
    with engine.connect() as connection:
        names = connection.execute(select(Participant.name).order_by(Participant.participant_id))
        return table_counts(engine), list(names.scalars())


def test_a_store_with_program_data_is_refused_and_left_as_it_was(engine: Engine) -> None:
    seed_store(engine, anchor=ANCHOR)
    before = _program_snapshot(engine)
    with pytest.raises(StoreNotEmptyError, match="--replace"):
        seed_store(engine, seed=8, anchor=ANCHOR)
    assert _program_snapshot(engine) == before


def test_any_program_table_with_rows_counts_as_program_data(engine: Engine) -> None:
    cohort = _program("demo")["cohorts"].iloc[0].to_dict()
    with engine.begin() as connection:
        upsert_rows(connection, PROGRAM_TABLES["cohorts"], [cohort])
    with pytest.raises(StoreNotEmptyError):
        seed_store(engine, anchor=ANCHOR)
    assert table_counts(engine)["participants"] == 0


def test_replace_swaps_the_program_and_drops_follow_ups_on_it(engine: Engine) -> None:
    seed_store(engine, anchor=ANCHOR)
    with engine.begin() as connection:
        connection.execute(
            FollowUp.__table__.insert().values(
                pair_id="PR00001",
                action="logged",
                created_at=datetime(2026, 6, 29, 9, tzinfo=UTC),
                created_by="coordinator@example.com",
            )
        )
    counts = seed_store(engine, seed=8, anchor=ANCHOR, replace=True)
    other = _program("demo", seed=8)
    assert counts == table_counts(engine) == {name: len(other[name]) for name in other}
    assert _program_snapshot(engine)[1] == other["participants"]["name"].tolist()
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(FollowUp)).scalar_one() == 0


def test_the_cli_seeds_a_store_once_and_replaces_on_request(
    cli_store: str, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["seed", "--scale", "demo", "--anchor", ANCHOR.isoformat()]
    assert main(arguments) == 0
    assert "Seeded the demo program" in capsys.readouterr().out
    assert main(arguments) == 2
    assert "--replace" in capsys.readouterr().err
    assert main([*arguments, "--seed", "8", "--replace"]) == 0
    frames = _program("demo", seed=8)
    assert table_counts(engine) == {name: len(frames[name]) for name in frames}
