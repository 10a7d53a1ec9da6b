"""A small hand-made program whose reminders are worked out by hand (tests of issue 18).

As of AS_OF, cohort C1 aims to meet every 14 days, so a pair is stalled after 28 days without a
meeting (the default stall factor, 2). Pairs:

- PA: started exactly 14 days ago, never met → `first_meeting` due (boundary: day 14).
- PB: started 13 days ago, never met → nothing due yet.
- PC: met 15 days ago (past the 14-day cadence, not stalled) → `cadence`, and `pulse` (block 2).
- PD: met 50 days ago → `stalled`, `pulse`; its follow-up owner is coord@example.org.
- PE: like PD but snoozed until after AS_OF → nothing.
- PF: like PD but resolved → nothing.
- PG: like PD; its mentee opted out → only the mentor hears.
- PH: completed 10 days ago → `exit`.
- PI: ended early 20 days ago → nothing (and its check-in link gets a plain message).
"""

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine

from data_access.importer import read_directory, run_import

AS_OF = date.today()  # follow-ups are recorded now, so the program is built around today
OLD_START = AS_OF - timedelta(days=121)  # pulse block 2


def _day(days_ago: int) -> str:
    return (AS_OF - timedelta(days=days_ago)).isoformat()


PAIRS = {
    # pair: (started_on, ended_on, status, last meeting days ago or None)
    "PA": (_day(14), "", "active", None),
    "PB": (_day(13), "", "active", None),
    "PC": (OLD_START.isoformat(), "", "active", 15),
    "PD": (OLD_START.isoformat(), "", "active", 50),
    "PE": (OLD_START.isoformat(), "", "active", 50),
    "PF": (OLD_START.isoformat(), "", "active", 50),
    "PG": (OLD_START.isoformat(), "", "active", 50),
    "PH": (OLD_START.isoformat(), _day(10), "completed", 12),
    "PI": (OLD_START.isoformat(), _day(20), "ended_early", 30),
}


def mentor(pair_id: str) -> str:
    return f"M{pair_id[1]}"


def mentee(pair_id: str) -> str:
    return f"E{pair_id[1]}"


def email(participant_id: str) -> str:
    return f"{participant_id.lower()}@example.org"


def write_program(folder: Path) -> Path:
    """The program's import files in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cohorts.csv").write_text(
        "cohort_id,name,start_date,end_date,focus_area,target_cadence_days\n"
        "C1,Spring 2026,2026-01-01,,AI,14\n"
    )
    people = ["participant_id,name,email,role,department,joined_on"]
    pairs = ["pair_id,cohort_id,mentor_id,mentee_id,started_on,ended_on,status"]
    meetings = ["meeting_id,pair_id,held_on,duration_minutes,format,topics"]
    for pair_id, (started, ended, status, met) in PAIRS.items():
        letter = pair_id[1]
        people.append(f"{mentor(pair_id)},Mia{letter} Stone,{email(mentor(pair_id))},mentor,IT,")
        people.append(f"{mentee(pair_id)},Eli{letter} Park,{email(mentee(pair_id))},mentee,Sales,")
        pairs.append(f"{pair_id},C1,{mentor(pair_id)},{mentee(pair_id)},{started},{ended},{status}")
        if met is not None:
            meetings.append(f"M{pair_id},{pair_id},{_day(met)},45,video,catch-up")
    (folder / "participants.csv").write_text("\n".join(people) + "\n")
    (folder / "pairs.csv").write_text("\n".join(pairs) + "\n")
    (folder / "meetings.csv").write_text("\n".join(meetings) + "\n")
    return folder


def import_program(engine: Engine, folder: Path) -> Engine:
    report = run_import(read_directory(write_program(folder)), engine=engine)
    assert report.applied, report.as_text()
    return engine
