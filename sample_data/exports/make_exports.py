"""Write the sample export files of sample_data/exports/ from the demo program (deterministic).

The people are the demo's (sample_data/demo, made-up names and example.com addresses), so every
survey row can be placed by its e-mail: each respondent is in exactly one pair that is active on
the day they answered. The answers are fixed below (not random) so that tests can work out the
metrics by hand. Run `python -m sample_data.exports.make_exports` after changing the demo.
"""

import csv
import io
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent
DEMO = HERE.parent / "demo"
#: When the sample surveys were answered (inside the demo's running cohort).
SURVEY_DAY = date(2026, 11, 3)

SATISFIED = [
    "Very satisfied",
    "Satisfied",
    "Satisfied",
    "Neither satisfied nor dissatisfied",
    "Very satisfied",
    "Dissatisfied",
    "Satisfied",
    "Very satisfied",
]
AGREE = [
    "Strongly agree",
    "Agree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
    "Disagree",
    "Agree",
    "Strongly disagree",
]
NPS = [
    "10 - Extremely likely",
    "8",
    "7",
    "5",
    "9",
    "0 - Not at all likely",
    "9",
    "10 - Extremely likely",
]
COMMENTS = [
    "Loved the prompt-writing session",
    "",
    "More time for practice, please",
    "",
    "=useful, every single week",
    "Hard to find time with my partner",
    "",
    "My partner showed me how to, well, actually use Copilot",
]


def _read(name: str) -> list[dict[str, str]]:
    with (DEMO / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def respondents(count: int, day: date, offset: int = 0) -> list[dict[str, str]]:
    """`count` demo participants in exactly one pair active on `day`, in pair order."""
    people = {row["participant_id"]: row for row in _read("participants")}
    active = [
        pair
        for pair in _read("pairs")
        if date.fromisoformat(pair["started_on"]) <= day
        and (not pair["ended_on"] or day <= date.fromisoformat(pair["ended_on"]))
    ]
    in_pairs = Counter(p for pair in active for p in (pair["mentor_id"], pair["mentee_id"]))
    chosen = []
    for pair in active[offset:]:
        for person in (pair["mentee_id"], pair["mentor_id"]):
            if in_pairs[person] == 1 and people[person]["email"] and len(chosen) < count:
                chosen.append(people[person])
    return chosen


def _at(index: int, day: date = SURVEY_DAY) -> datetime:
    return datetime.combine(day + timedelta(days=index % 3), datetime.min.time()) + timedelta(
        hours=9 + index, minutes=7 * index, seconds=11 * index % 60
    )


#: The header row of a Google Forms pulse export (also the mapped-import benchmark's).
GOOGLE_FORMS_HEADER = [
    "Timestamp",
    "Email address",
    "How satisfied are you with the program so far?",
    "I have a good working relationship with my partner.",
    "I feel confident using digital tools at work.",
    "How likely are you to recommend the program to a colleague?",
    "Anything else you'd like to share?",
]


def google_forms() -> str:
    rows = [GOOGLE_FORMS_HEADER]
    for index, person in enumerate(respondents(8, SURVEY_DAY)):
        at = _at(index)
        stamp = f"{at.month}/{at.day}/{at.year} {at.hour}:{at:%M:%S}"  # Google's US locale
        rows.append(
            [
                stamp,
                person["email"],
                SATISFIED[index],
                AGREE[index],
                AGREE[(index + 3) % 8],
                NPS[index],
                COMMENTS[index],
            ]
        )
    return _csv(rows)


def qualtrics() -> str:
    questions = {
        "Q1": "How satisfied are you with the reverse mentoring program?",
        "Q2": "My partner and I have a good working relationship.",
        "Q3": "I feel confident using digital tools in my work.",
        "Q4": "How likely are you to recommend the program to a colleague?",
        "Q5": "What could we do better?",
    }
    meta = [
        "StartDate",
        "EndDate",
        "Status",
        "IPAddress",
        "Progress",
        "Duration (in seconds)",
        "Finished",
        "RecordedDate",
        "ResponseId",
        "RecipientLastName",
        "RecipientFirstName",
        "RecipientEmail",
        "ExternalReference",
        "LocationLatitude",
        "LocationLongitude",
        "DistributionChannel",
        "UserLanguage",
    ]
    header = [*meta, *questions]
    texts = [
        "Start Date",
        "End Date",
        "Response Type",
        "IP Address",
        "Progress",
        "Duration (in seconds)",
        "Finished",
        "Recorded Date",
        "Response ID",
        "Recipient Last Name",
        "Recipient First Name",
        "Recipient Email",
        "External Data Reference",
        "Location Latitude",
        "Location Longitude",
        "Distribution Channel",
        "User Language",
        *questions.values(),
    ]
    import_ids = [f'{{"ImportId":"{name[0].lower() + name[1:]}"}}' for name in meta]
    import_ids += [f'{{"ImportId":"QID{n}"}}' for n in range(1, 6)]
    rows = [header, texts, import_ids]
    for index, person in enumerate(respondents(8, SURVEY_DAY, offset=10)):
        end = _at(index)
        start = end - timedelta(seconds=95 + 13 * index)
        first, _, last = person["name"].partition(" ")
        rows.append(
            [
                f"{start:%Y-%m-%d %H:%M:%S}",
                f"{end:%Y-%m-%d %H:%M:%S}",
                "IP Address",
                f"192.0.2.{10 + index}",
                "100",
                str(95 + 13 * index),
                "True",
                f"{end:%Y-%m-%d %H:%M:%S}",
                f"R_{index + 1:02d}Xq{7 * (index + 3)}pLm{index}Zt",
                last,
                first,
                person["email"],
                "",
                "",
                "",
                "email",
                "EN",
                SATISFIED[7 - index],
                AGREE[7 - index],
                AGREE[(index + 5) % 8],
                NPS[7 - index],
                COMMENTS[7 - index],
            ]
        )
    return "\ufeff" + _csv(rows)  # Qualtrics writes UTF-8 with a BOM


def microsoft_forms() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    sheet.append(
        [
            "ID",
            "Start time",
            "Completion time",
            "Email",
            "Name",
            "Last modified time",
            "Overall, how satisfied are you with the reverse mentoring program?",
            "My mentoring partner and I have a good working relationship",
            "I feel confident using digital tools in my work",
            "How likely are you to recommend the program to a colleague?",
            "What could we do better?",
        ]
    )
    for index, person in enumerate(respondents(8, SURVEY_DAY, offset=20)):
        done = _at(index)
        sheet.append(
            [
                index + 1,
                done - timedelta(minutes=3),
                done,
                person["email"],
                person["name"],
                None,
                SATISFIED[(index + 2) % 8],
                AGREE[(index + 4) % 8],
                AGREE[index],
                NPS[(index + 2) % 8],
                COMMENTS[(index + 2) % 8] or None,
            ]
        )
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # Forms writes answers as text, never as formulas
    return _xlsx(workbook)


LEVELS = {
    1: "Individual Contributor",
    2: "Individual Contributor",
    3: "Senior Individual Contributor",
    4: "Senior Individual Contributor",
    5: "Manager",
    6: "Senior Manager",
    7: "Director",
    8: "Senior Director",
    9: "Vice President",
    10: "Executive",
}
ZONES = {
    "America/Toronto": "GMT-05:00 Eastern Time (Toronto)",
    "Europe/Berlin": "GMT+01:00 Central European Time (Berlin)",
    "Europe/London": "GMT+00:00 Greenwich Mean Time (London)",
    "America/New_York": "GMT-05:00 Eastern Time (New York)",
    "Europe/Paris": "GMT+01:00 Central European Time (Paris)",
    "America/Chicago": "GMT-06:00 Central Time (Chicago)",
    "America/Los_Angeles": "GMT-08:00 Pacific Time (Los Angeles)",
    "Asia/Kolkata": "GMT+05:30 India Standard Time (Kolkata)",
    "Europe/Dublin": "GMT+00:00 Greenwich Mean Time (Dublin)",
    "Australia/Melbourne": "GMT+10:00 Australian Eastern Time (Melbourne)",
}
COST_CENTERS = {
    "Operations": "CC-2100 Operations",
    "Sales": "CC-4100 Sales",
    "Product": "CC-3300 Product",
    "HR": "CC-1200 People & Culture",
    "Finance": "CC-1100 Finance",
    "Customer Success": "CC-4300 Customer Success",
    "IT": "CC-3100 Information Technology",
    "Marketing": "CC-4200 Marketing",
    "Engineering": "CC-3200 Engineering",
    "Legal": "CC-1300 Legal",
}
#: New hires in the HR export who are not in the demo yet (made-up people).
NEW_PEOPLE = [
    ("Maren Olsby", "maren.olsby@example.com", "mentor", "Marketing", 2, "Europe/Berlin"),
    ("Tobiah Reyes", "tobiah.reyes@example.com", "mentee", "Finance", 9, "America/Chicago"),
]


def workday_people() -> bytes:
    people = [row for row in _read("participants") if row["timezone"] in ZONES][:10]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Workers"
    sheet.append(
        [
            "Employee ID",
            "Worker",
            "Email - Work",
            "Cost Center",
            "Supervisory Organization",
            "Management Level",
            "Hire Date",
            "Termination Date",
            "Location",
            "Time Zone",
            "Reverse Mentoring Role",
        ]
    )
    role_words = {"mentor": "Reverse Mentor", "mentee": "Executive Mentee"}
    rows = [
        (
            p["name"],
            p["email"],
            p["role"],
            p["department"],
            int(p["job_level"]),
            p["timezone"],
            p["location"],
            p["left_on"],
        )
        for p in people
    ] + [
        (n, e, r, d, lvl, tz, tz.split("/")[1].replace("_", " "), "")
        for n, e, r, d, lvl, tz in NEW_PEOPLE
    ]
    for index, (name, email, role, dept, level, zone, location, left) in enumerate(rows):
        sheet.append(
            [
                f"{21040 + 7 * index}",
                name,
                email,
                COST_CENTERS[dept],
                f"{dept} ({name})",
                LEVELS[level],
                datetime(2014 + index % 9, 1 + index % 12, 1 + (3 * index) % 27),
                datetime.fromisoformat(left) if left else None,
                location,
                ZONES[zone],
                role_words[role],
            ]
        )
    return _xlsx(workbook)


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def _xlsx(workbook: openpyxl.Workbook) -> bytes:
    fixed = datetime(2026, 11, 23, 8, 0, 0)
    workbook.properties.created = workbook.properties.modified = fixed
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


FILES = {
    "google_forms_pulse.csv": lambda: google_forms().encode("utf-8"),
    "qualtrics_pulse.csv": lambda: qualtrics().encode("utf-8"),
    "microsoft_forms_pulse.xlsx": microsoft_forms,
    "workday_people.xlsx": workday_people,
}


def main() -> None:
    for name, make in FILES.items():
        (HERE / name).write_bytes(make())
        print(f"wrote {HERE / name}")


if __name__ == "__main__":
    main()
