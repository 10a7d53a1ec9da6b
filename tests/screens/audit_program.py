"""A program built for the confidentiality audit (docs/roles-and-privacy.md): recognisable names
and e-mails, a marked comment on every response, some comments naming a participant, and groups
of every size around the anonymity rule's thresholds, with enough meetings, goals and surveys
that every screen has something to show.

Sizes (distinct respondents, as of `AS_OF`):
- cohorts: Big 16, Mid 6, Tiny 4;
- departments: Engineering 13, Sales 8, HR 3, Legal 2;
- generations: Millennials 13, Gen Z 8, Gen X 3, Baby Boomers 2;
- roles: 13 mentors, 13 mentees;
- kinds: baseline 26, pulse 22, midpoint 6, exit 12 (8 Big mentees, the 4 Tiny people);
- months: 2025-01 26, 2025-02 22, 2025-03 6, 2025-04 8, 2025-05 4.
"""

from datetime import date, timedelta
from pathlib import Path

import pandas as pd

AS_OF = date(2025, 6, 30)
MARKER = "AUDITCOMMENT"
COHORTS = {"CB": ("Big cohort", 8), "CM": ("Mid cohort", 3), "CT": ("Tiny cohort", 2)}
FIRST = [
    "Zanzibar",
    "Ottoline",
    "Peregrine",
    "Wilhelmina",
    "Barnabus",
    "Clementine",
    "Ignatius",
    "Philippa",
    "Montgomery",
    "Rosalind",
    "Thaddeus",
    "Georgiana",
    "Leopold",
    "Euphemia",
    "Cornelius",
    "Henrietta",
    "Bartholomew",
    "Millicent",
    "Archibald",
    "Winifred",
    "Percival",
    "Gwendolyn",
    "Ebenezer",
    "Octavia",
    "Horatio",
    "Marigold",
]
LAST = [
    "Quixote",
    "Fairweather",
    "Throckmorton",
    "Pumpernickel",
    "Wolfenden",
    "Applethwaite",
    "Blatherwick",
    "Crumpsall",
    "Dunsinane",
    "Eddlestone",
    "Fotheringay",
    "Gubbins",
    "Hatherleigh",
    "Inchcombe",
    "Jellicoe",
    "Kettleburgh",
    "Loxbridge",
    "Mumblethorpe",
    "Nettlebed",
    "Oddingley",
    "Puddletown",
    "Quenington",
    "Rumbelow",
    "Snodgrass",
    "Tittleshall",
    "Umberslade",
]
# Department and birth year of each person, in order (26 people): the small departments and
# generations are spread over the cohorts.
DEPARTMENTS = ["Engineering"] * 13 + ["Sales"] * 8 + ["HR"] * 3 + ["Legal"] * 2
BIRTH_YEARS = [1985] * 13 + [2000] * 8 + [1970] * 3 + [1955] * 2


def _people() -> pd.DataFrame:
    rows = []
    order = [(cohort, pair) for cohort, (_, pairs) in COHORTS.items() for pair in range(pairs)]
    # interleave the small departments/generations: person i gets the i-th of a shuffled order
    shuffle = [(7 * i) % 26 for i in range(26)]  # 7 and 26 are coprime: a permutation
    for number, (cohort, _) in enumerate(person for pair in order for person in (pair, pair)):
        attribute = shuffle[number]
        rows.append(
            {
                "participant_id": f"A{number:02d}",
                "name": f"{FIRST[number]} {LAST[number]}",
                "email": f"{FIRST[number][:2].lower()}{LAST[number][:3].lower()}@audit.example",
                "role": "mentor" if number % 2 == 0 else "mentee",
                "department": DEPARTMENTS[attribute],
                "job_level": 3 + number % 5,
                "birth_year": BIRTH_YEARS[attribute],
                "location": "Lisbon",
                "timezone": "Europe/Lisbon",
                "skills_offered": "AI; Excel" if number % 2 == 0 else "",
                "skills_wanted": "" if number % 2 == 0 else "AI; data analytics",
                "capacity": 2 if number % 2 == 0 else "",
                "joined_on": "2025-01-02",
                "cohort": cohort,
            }
        )
    return pd.DataFrame(rows)


PEOPLE = _people()
NAMES = PEOPLE["name"].tolist()
EMAILS = PEOPLE["email"].tolist()
GROUP_LABELS = {
    "cohort": {cohort: name for cohort, (name, _) in COHORTS.items()},
    "role": {"mentor": "Mentors", "mentee": "Mentees"},
    "kind": {kind: kind.capitalize() for kind in ("baseline", "pulse", "midpoint", "exit")},
}
GENERATION_NAMES = {1955: "Baby Boomers", 1970: "Gen X", 1985: "Millennials", 2000: "Gen Z"}


def _pairs() -> pd.DataFrame:
    rows = []
    for number in range(0, len(PEOPLE), 2):
        mentor = PEOPLE.iloc[number]
        rows.append(
            {
                "pair_id": f"AP{number // 2:02d}",
                "cohort_id": mentor["cohort"],
                "mentor_id": mentor["participant_id"],
                "mentee_id": PEOPLE.iloc[number + 1]["participant_id"],
                "started_on": "2025-01-13",
                "ended_on": "",
                "status": "active",
                "focus_area": "AI",
                "target_cadence_days": 14,
            }
        )
    return pd.DataFrame(rows)


PAIRS = _pairs()


def _meetings() -> pd.DataFrame:
    rows = []
    for index, pair in enumerate(PAIRS["pair_id"]):
        # one pair in three stops meeting in March (stalled by June), the others keep going
        last = date(2025, 3, 10) if index % 3 == 0 else date(2025, 6, 23)
        day = date(2025, 1, 20) + timedelta(days=index % 4)
        while day <= last:
            rows.append(
                {
                    "meeting_id": f"AM{len(rows):04d}",
                    "pair_id": pair,
                    "held_on": day.isoformat(),
                    "duration_minutes": 45,
                    "format": "video",
                    "topics": "prompting",
                }
            )
            day += timedelta(days=14)
    return pd.DataFrame(rows)


def _goals() -> pd.DataFrame:
    rows = []
    for index, pair in enumerate(PAIRS["pair_id"]):
        done = index % 2 == 0
        rows.append(
            {
                "goal_id": f"AG{index:02d}",
                "pair_id": pair,
                "title": "Write prompts for weekly reports",
                "category": "AI" if index % 3 else "data analytics",
                "created_on": "2025-01-20",
                "due_on": "2025-05-30",
                "completed_on": "2025-04-15" if done else "",
                "status": "done" if done else "in_progress",
                "progress_pct": 100 if done else 40,
            }
        )
    return pd.DataFrame(rows)


def _responses() -> pd.DataFrame:
    """Every response, with the respondent's cohort; see the module docstring for who answers."""
    rows = []
    for number, person in PEOPLE.iterrows():
        cohort = person["cohort"]
        answers = [("baseline", "2025-01-20")]
        if cohort != "CT":
            answers.append(("pulse", "2025-02-17"))
        if cohort == "CM":
            answers.append(("midpoint", "2025-03-10"))
        if (cohort == "CB" and person["role"] == "mentee") or cohort == "CT":
            answers.append(("exit", "2025-04-14" if cohort == "CB" else "2025-05-12"))
        for kind, day in answers:
            response = len(rows)
            # The tiny cohort answers at the bottom of every scale: a figure over them alone
            # would stand out. One comment in four names a partner, one in seven an e-mail.
            low = cohort == "CT"
            comment = f"{MARKER}-{response:03d} the sessions helped"
            if response % 4 == 1:
                comment += f"; thanks to {NAMES[(number + 1) % len(NAMES)]}"
            if response % 7 == 2:
                comment += f"; write to {EMAILS[(number + 3) % len(EMAILS)]}"
            rows.append(
                {
                    "response_id": f"AS{response:03d}",
                    "participant_id": person["participant_id"],
                    "pair_id": PAIRS["pair_id"].iloc[number // 2],
                    "cohort_id": cohort,
                    "submitted_on": day,
                    "kind": kind,
                    "satisfaction": 1 if low else 4 + response % 2,
                    "relationship_quality": 1 if low else 4,
                    "digital_confidence": 1 if low else (2 if kind == "baseline" else 4),
                    "nps": 0 if low else 8 + response % 3,
                    "comment": comment,
                }
            )
    return pd.DataFrame(rows)


RESPONSES = _responses()


def write_audit_program(directory: Path) -> Path:
    """Write the audit program's CSV files into `directory`; returns it."""
    directory.mkdir(parents=True, exist_ok=True)
    cohorts = pd.DataFrame(
        [
            {
                "cohort_id": cohort,
                "name": name,
                "start_date": "2025-01-06",
                "end_date": "",
                "focus_area": "AI",
                "target_cadence_days": 14,
            }
            for cohort, (name, _) in COHORTS.items()
        ]
    )
    files = {
        "cohorts.csv": cohorts,
        "participants.csv": PEOPLE.drop(columns="cohort"),
        "pairs.csv": PAIRS,
        "meetings.csv": _meetings(),
        "goals.csv": _goals(),
        "surveys.csv": RESPONSES,
    }
    for name, frame in files.items():
        frame.to_csv(directory / name, index=False)
    return directory


def respondents(by: str, cohorts: tuple[str, ...] = ()) -> dict[str, int]:
    """Distinct respondents per group of the breakdown `by` as the screen labels the groups, over
    the responses given in `cohorts` (all when empty), with the "All" row."""
    answers = RESPONSES if not cohorts else RESPONSES[RESPONSES["cohort_id"].isin(cohorts)]
    people = PEOPLE.set_index("participant_id")
    if by == "cohort":
        groups = answers["cohort_id"].map(GROUP_LABELS["cohort"])
    elif by == "kind":
        groups = answers["kind"].map(GROUP_LABELS["kind"])
    elif by == "month":
        groups = answers["submitted_on"].str[:7]
    elif by == "role":
        groups = answers["participant_id"].map(people["role"]).map(GROUP_LABELS["role"])
    elif by == "generation":
        groups = answers["participant_id"].map(people["birth_year"]).map(GENERATION_NAMES)
    else:
        groups = answers["participant_id"].map(people[by])
    counts = answers.groupby(groups)["participant_id"].nunique().to_dict()
    return {**counts, "All": answers["participant_id"].nunique()}


def comment_group(marker: str, by: str) -> str:
    """The group (as labelled on screen) of the response whose comment carries `marker`."""
    response = RESPONSES[RESPONSES["comment"].str.startswith(marker + " ")].iloc[0]
    person = PEOPLE.set_index("participant_id").loc[response["participant_id"]]
    return {
        "cohort": GROUP_LABELS["cohort"][response["cohort_id"]],
        "kind": GROUP_LABELS["kind"][response["kind"]],
        "month": response["submitted_on"][:7],
        "role": GROUP_LABELS["role"][person["role"]],
        "generation": GENERATION_NAMES[person["birth_year"]],
        "department": person["department"],
    }[by]
