"""The deterministic sample program: cohorts, people, pairs, meetings, goals and surveys.

`generate_program(scale=…, seed=…, anchor=…)` returns the six tables of docs/import-format.md
as DataFrames, built around an *anchor* date — the "today" of the program — so the demo always
looks alive: a finished pilot, cohorts in full swing, one just starting, and people waiting to be
matched. Every date is an offset in days from the anchor while the program is built (negative =
the past) and nothing is dated after it, except cohort end dates and goal due dates.

The same (scale, seed, anchor) always gives identical frames: every random draw comes from a NumPy
generator or a Faker instance seeded from `seed`. The work is vectorised per cohort or per table,
so the enterprise scale (~1,000,000 meetings) takes seconds, not minutes.
"""

import os
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np
import pandas as pd
from faker import Faker

from data_access.models import PROGRAM_TABLES

#: Environment variable holding the default as-of date (ISO), shared with the app.
AS_OF_ENV = "PAIRPULSE_AS_OF"

#: Cohorts marked with this region draw their people from every location.
GLOBAL = "Global"

#: A date offset far in the future: "no end yet" in the arrays below.
OPEN_END = 1_000_000


# --- What a scale is made of ----------------------------------------------------------------------
@dataclass(frozen=True)
class CohortPlan:
    """One cohort of a scale, placed relative to the anchor date.

    `name` may use `{year}` and `{season}` (of the start date) and `{region}`.
    """

    name: str
    starts_days_before_anchor: int
    length_days: int
    pairs: int
    cadence_days: int
    focus_area: str
    region: str = GLOBAL


@dataclass(frozen=True)
class ScaleSpec:
    """A size of sample program: its cohorts and how many people wait for a match."""

    cohorts: tuple[CohortPlan, ...]
    unmatched_people: int


@dataclass(frozen=True)
class Location:
    """An office: city, IANA time zone, the Faker locale for its people's names, relative size."""

    city: str
    timezone: str
    locale: str
    weight: float
    region: str


def _region(name: str, *offices: tuple[str, str, str, float]) -> list[Location]:
    return [Location(city, tz, locale, weight, name) for city, tz, locale, weight in offices]


LOCATIONS: tuple[Location, ...] = tuple(
    _region(
        "North America",
        ("New York", "America/New_York", "en_US", 5.0),
        ("Chicago", "America/Chicago", "en_US", 2.0),
        ("Austin", "America/Chicago", "en_US", 1.5),
        ("San Francisco", "America/Los_Angeles", "en_US", 2.0),
        ("Toronto", "America/Toronto", "en_CA", 1.5),
    )
    + _region(
        "Latin America",
        ("São Paulo", "America/Sao_Paulo", "pt_BR", 2.0),
        ("Mexico City", "America/Mexico_City", "es_MX", 1.5),
    )
    + _region(
        "UK & Ireland",
        ("London", "Europe/London", "en_GB", 5.0),
        ("Manchester", "Europe/London", "en_GB", 1.5),
        ("Dublin", "Europe/Dublin", "en_IE", 1.5),
    )
    + _region(
        "Europe",
        ("Berlin", "Europe/Berlin", "de_DE", 2.0),
        ("Paris", "Europe/Paris", "fr_FR", 2.0),
        ("Madrid", "Europe/Madrid", "es_ES", 1.5),
        ("Amsterdam", "Europe/Amsterdam", "nl_NL", 1.5),
        ("Warsaw", "Europe/Warsaw", "pl_PL", 1.0),
    )
    + _region(
        "India",
        ("Bengaluru", "Asia/Kolkata", "en_IN", 3.0),
        ("Pune", "Asia/Kolkata", "en_IN", 1.5),
    )
    + _region(
        "Asia Pacific",
        ("Sydney", "Australia/Sydney", "en_AU", 2.0),
        ("Melbourne", "Australia/Melbourne", "en_AU", 1.0),
        ("Auckland", "Pacific/Auckland", "en_NZ", 0.7),
    )
)
REGIONS: tuple[str, ...] = tuple(dict.fromkeys(location.region for location in LOCATIONS))

DEPARTMENTS = (
    "Engineering",
    "Finance",
    "HR",
    "Marketing",
    "Operations",
    "Sales",
    "Legal",
    "Product",
    "Customer Success",
    "IT",
)
DEPARTMENT_WEIGHTS = np.array([14, 10, 7, 10, 14, 14, 5, 9, 9, 8], dtype=float)

# The goal categories the seeds name; pairs' and cohorts' focus areas use the same words.
CATEGORIES = ("digital literacy", "AI", "data analytics", "social media", "collaboration tools")

# Skills mentors offer and mentees want, with the category each one serves.
SKILLS = (
    ("generative AI", "AI"),
    ("automation", "AI"),
    ("data analytics", "data analytics"),
    ("data visualisation", "data analytics"),
    ("social media", "social media"),
    ("personal branding", "social media"),
    ("collaboration tools", "collaboration tools"),
    ("remote facilitation", "collaboration tools"),
    ("cybersecurity basics", "digital literacy"),
    ("cloud productivity", "digital literacy"),
)
WANTED_SKILL_WEIGHTS = np.array([16, 6, 12, 6, 10, 5, 10, 4, 8, 6], dtype=float)
SKILL_CATEGORY = np.array([CATEGORIES.index(category) for _skill, category in SKILLS])

GOAL_TITLES: dict[str, tuple[str, ...]] = {
    "digital literacy": (
        "Set up a password manager and multi-factor sign-in",
        "Spot a phishing e-mail without help",
        "Move personal files to the shared cloud drive",
        "Run a hybrid meeting with confidence",
        "Use the intranet search to find policies",
        "Get comfortable with the new expense app",
    ),
    "AI": (
        "Draft a board summary with a generative AI assistant",
        "Build a personal prompt library",
        "Understand our AI usage policy and its risks",
        "Use AI to summarise long reports",
        "Try an AI meeting-notes tool for a month",
        "Explain to my team where AI helps and where it does not",
    ),
    "data analytics": (
        "Read the monthly dashboard without a briefing",
        "Build a pivot table analysis of quarterly costs",
        "Ask better questions of the analytics team",
        "Create a simple self-service report",
        "Understand cohort and funnel charts",
        "Use data to back one decision per month",
    ),
    "social media": (
        "Refresh my LinkedIn profile",
        "Publish one LinkedIn post a month",
        "Understand how customers talk about us online",
        "Learn what our early-career hires use every day",
        "Share a team success story on the intranet feed",
        "Follow and engage with five industry voices",
    ),
    "collaboration tools": (
        "Run my team's updates in a Teams channel",
        "Co-edit a document live with my team",
        "Replace status e-mails with a shared board",
        "Use Slack threads instead of reply-all",
        "Hold a fully digital workshop with a whiteboard tool",
        "Set up a shared team calendar and booking page",
    ),
}

MEETING_TOPICS: dict[str, tuple[str, ...]] = {
    "digital literacy": (
        "cybersecurity and phishing",
        "password managers",
        "cloud storage",
        "mobile apps",
        "hybrid meeting setup",
        "digital etiquette",
    ),
    "AI": (
        "generative AI prompts",
        "AI policy",
        "AI meeting notes",
        "automation ideas",
        "AI risks and ethics",
        "summarising reports with AI",
    ),
    "data analytics": (
        "reading dashboards",
        "Excel pivot tables",
        "Power BI basics",
        "asking data questions",
        "data storytelling",
        "KPIs and metrics",
    ),
    "social media": (
        "LinkedIn",
        "personal brand",
        "TikTok and Instagram trends",
        "employer branding",
        "online reputation",
        "content planning",
    ),
    "collaboration tools": (
        "Teams channels",
        "Slack etiquette",
        "shared documents",
        "Kanban boards",
        "virtual whiteboards",
        "async updates",
    ),
}
GENERAL_TOPICS = (
    "goal review",
    "career advice",
    "Gen Z workplace expectations",
    "inclusion and belonging",
    "hybrid work",
    "feedback culture",
    "digital transformation roadmap",
    "leadership visibility",
)
TOPIC_COMBOS_PER_CATEGORY = 64

# Survey comments by (role, tone): short, and never naming anyone.
_SHARED_NEUTRAL = (
    "Good so far; we are still finding our rhythm.",
    "Hard to find time during quarter end.",
    "Would like more structure for the sessions.",
    "A session template from the program team would help.",
)
_SHARED_NEGATIVE = (
    "We have not managed to meet for weeks.",
    "Meetings keep getting cancelled.",
    "Not sure what we are trying to achieve.",
    "Would appreciate help from the program team to restart.",
)
COMMENTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("mentor", "positive"): (
        "Learning as much as I teach.",
        "Great to see how decisions are made at the top.",
        "My mentee puts what we discuss into practice straight away.",
        "It has given me confidence to speak up in senior meetings.",
    ),
    ("mentee", "positive"): (
        "Our sessions are the most useful hour of my month.",
        "I now use AI tools in my own work every week.",
        "The hands-on exercises made the difference.",
        "It changed how I see our early-career colleagues.",
    ),
    ("mentor", "neutral"): (*_SHARED_NEUTRAL, "Useful, but the goals could be sharper."),
    ("mentee", "neutral"): (*_SHARED_NEUTRAL, "Useful, but I need more practice between sessions."),
    ("mentor", "negative"): (*_SHARED_NEGATIVE, "Sessions get moved at the last minute."),
    ("mentee", "negative"): (*_SHARED_NEGATIVE, "Hard to make time for this beside the day job."),
}

# How pairs turn out, and the status each outcome has at the anchor.
HEALTHY, DRIFTING, STALLED, NEVER_MET, PAUSED, ENDED_EARLY, COMPLETED, NOT_MET_YET = range(8)
OUTCOME_STATUS = np.array(
    ["active", "active", "active", "active", "paused", "ended_early", "completed", "active"],
    dtype=object,
)
OUTCOME_MIX: dict[str, dict[int, float]] = {
    "finished": {COMPLETED: 0.82, ENDED_EARLY: 0.18},
    "running": {
        HEALTHY: 0.52,
        DRIFTING: 0.16,
        STALLED: 0.11,
        NEVER_MET: 0.02,
        PAUSED: 0.07,
        ENDED_EARLY: 0.12,
    },
    "starting": {HEALTHY: 0.85, NOT_MET_YET: 0.15},
}
# Each outcome's range of latent quality (0–1: drives survey scores and goal completion) and of
# slip (how much longer the gaps between meetings are by the end), in the order of the outcomes.
QUALITY_RANGE = np.array(
    [
        (0.65, 0.95),  # healthy
        (0.4, 0.7),  # drifting
        (0.15, 0.5),  # stalled
        (0.1, 0.3),  # never met
        (0.3, 0.7),  # paused
        (0.05, 0.4),  # ended early
        (0.55, 0.95),  # completed
        (0.5, 0.9),  # not met yet
    ]
)
SLIP_RANGE = np.array(
    [
        (0.0, 0.1),  # healthy
        (0.7, 1.0),  # drifting
        (0.2, 0.6),  # stalled
        (0.2, 0.6),  # never met
        (0.2, 0.6),  # paused
        (0.2, 0.6),  # ended early
        (0.0, 0.25),  # completed
        (0.0, 0.1),  # not met yet
    ]
)
#: A cohort younger than this (days) is "just starting": too early for stalled pairs.
STARTING_COHORT_DAYS = 42
CUSTOM_CADENCE_SHARE = 0.06
DOUBLE_MENTOR_SHARE = 0.06
ALUMNI_RETURN_CHANCE = 0.35
ALUMNI_RETURN_CAP = 0.2
# Who leaves the program (`left_on`) among people whose pair has closed and who have not signed
# up again: some graduates move on, many whose pair ended early leave (often why it ended), and
# almost everyone whose pair closed over a year ago has gone, soon after it closed. Alumni of the
# last year stay enrolled: the pool a program manager re-matches from.
GRADUATE_LEAVES_CHANCE = 0.15
ENDED_EARLY_LEAVES_CHANCE = 0.4
LONG_GONE_DAYS = 365
LONG_GONE_LEAVES_CHANCE = 0.9


# --- The scales -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Intake:
    name: str
    starts_days_before_anchor: int
    length_days: int
    cadence_days: int
    focus_area: str
    share: float


def _regional_cohorts(intakes: tuple[_Intake, ...], pairs: int) -> tuple[CohortPlan, ...]:
    """One cohort per region and intake, sized by the region's share of the offices."""
    region_weight = {
        region: sum(loc.weight for loc in LOCATIONS if loc.region == region) for region in REGIONS
    }
    total_weight = sum(region_weight.values())
    return tuple(
        CohortPlan(
            name=intake.name.replace("{region}", region),
            starts_days_before_anchor=intake.starts_days_before_anchor,
            length_days=intake.length_days,
            pairs=round(pairs * intake.share * region_weight[region] / total_weight),
            cadence_days=intake.cadence_days,
            focus_area=intake.focus_area,
            region=region,
        )
        for intake in intakes
        for region in REGIONS
    )


PILOT_NAME = "Digital Fluency Pilot {year}"
YEARLY = "{season} {year} Cohort — {region}"
SIX_MONTHLY = "{season} {year} Intake — {region}"
SCALES: dict[str, ScaleSpec] = {
    "demo": ScaleSpec(
        cohorts=(
            CohortPlan(PILOT_NAME, 320, 182, 24, 14, "digital literacy"),
            CohortPlan("{year} Reverse Mentoring Cohort", 135, 365, 92, 14, "AI"),
            CohortPlan("{season} {year} Intake", 14, 182, 40, 14, "data analytics"),
        ),
        unmatched_people=24,
    ),
    "large": ScaleSpec(
        cohorts=(
            CohortPlan(PILOT_NAME, 760, 182, 60, 14, "digital literacy"),
            *_regional_cohorts(
                (
                    _Intake(YEARLY, 500, 365, 14, "AI", 0.34),
                    _Intake(YEARLY, 135, 365, 14, "data analytics", 0.40),
                    _Intake(SIX_MONTHLY, 14, 182, 14, "social media", 0.26),
                ),
                pairs=4_940,
            ),
        ),
        unmatched_people=300,
    ),
    "enterprise": ScaleSpec(
        cohorts=(
            CohortPlan(PILOT_NAME, 1_770, 182, 120, 14, "digital literacy"),
            *_regional_cohorts(
                (
                    _Intake(YEARLY, 1_530, 365, 7, "digital literacy", 0.22),
                    _Intake(YEARLY, 1_165, 365, 7, "AI", 0.25),
                    _Intake(YEARLY, 800, 365, 7, "data analytics", 0.29),
                    _Intake(YEARLY, 300, 365, 7, "collaboration tools", 0.11),
                    _Intake(YEARLY, 135, 365, 7, "AI", 0.08),
                    _Intake(SIX_MONTHLY, 14, 182, 14, "social media", 0.05),
                ),
                pairs=24_880,
            ),
        ),
        unmatched_people=1_200,
    ),
}


# --- Small helpers --------------------------------------------------------------------------------
def default_anchor() -> date:
    """The anchor when none is given: `PAIRPULSE_AS_OF` (ISO date) if set, else today."""
    value = os.environ.get(AS_OF_ENV)
    return date.fromisoformat(value) if value else date.today()


def _rng(seed: int, stage: int) -> np.random.Generator:
    """An independent stream per stage, so changing one stage leaves the others' draws alone."""
    return np.random.default_rng([seed, stage])


def _allocate(n: int, shares: dict[int, float], rng: np.random.Generator) -> np.ndarray:
    """`n` outcomes in the given shares (largest remainder: small cohorts still get each kind)."""
    kinds = np.array(list(shares))
    exact = np.array(list(shares.values())) * n
    counts = np.floor(exact).astype(int)
    counts[np.argsort(-(exact - counts), kind="stable")[: n - counts.sum()]] += 1
    return rng.permutation(np.repeat(kinds, counts))


def _uniform_int(
    rng: np.random.Generator, low: np.ndarray | int, high: np.ndarray | int, size: int
) -> np.ndarray:
    """Integers in [low, high] inclusive, element-wise."""
    return rng.integers(low, np.asarray(high) + 1, size=size)


def _on_weekday(offsets: np.ndarray, anchor: date, latest: np.ndarray | int) -> np.ndarray:
    """Move weekend days to the Friday before, or to the Monday after if not past `latest`."""
    weekday = (anchor.weekday() + offsets) % 7
    monday_after = offsets + 1
    sunday = np.where(monday_after <= latest, monday_after, offsets - 2)
    return np.where(weekday == 5, offsets - 1, np.where(weekday == 6, sunday, offsets))


def _dates(offsets: np.ndarray, anchor: date, missing: np.ndarray | None = None) -> np.ndarray:
    """Day offsets from the anchor as `datetime.date` objects (None where `missing`)."""
    days = np.where(missing, 0, offsets) if missing is not None else offsets
    values = (np.datetime64(anchor, "D") + days.astype("timedelta64[D]")).astype(object)
    if missing is not None:
        values[missing] = None
    return values


def _ids(prefix: str, count: int, width: int) -> list[str]:
    width = max(width, len(str(count)))
    return [f"{prefix}{number:0{width}d}" for number in range(1, count + 1)]


def _nullable(values: np.ndarray, missing: np.ndarray) -> pd.arrays.IntegerArray:
    return pd.arrays.IntegerArray(values.astype("int64"), missing)


def _season(day: date) -> str:
    return ("Winter", "Spring", "Summer", "Autumn")[(day.month % 12) // 3]


def _frame(table: str, columns: dict[str, object]) -> pd.DataFrame:
    """A frame with exactly the model's columns, in the model's order."""
    names = list(PROGRAM_TABLES[table].__table__.columns.keys())  # type: ignore[attr-defined]
    assert set(columns) == set(names), set(columns) ^ set(names)
    return pd.DataFrame({name: columns[name] for name in names})


# --- Names ----------------------------------------------------------------------------------------
_ASCII_FALLBACKS = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "ß": "ss", "đ": "d", "ı": "i"}
)


def _email_part(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name.translate(_ASCII_FALLBACKS))
    ascii_name = ascii_name.encode("ascii", "ignore").decode().lower()
    return "".join(c if c.isalnum() else "-" for c in ascii_name.replace("'", "")).strip("-")


@cache
def _name_pools(locale: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct first and last names for `locale`, drawn once per seed (Faker is slow per call)."""
    fake = Faker(locale)
    fake.seed_instance(seed)
    first = sorted({fake.first_name() for _ in range(600)})
    last = sorted({fake.last_name() for _ in range(600)})
    return np.array(first, dtype=object), np.array(last, dtype=object)


def _names_and_emails(
    location: np.ndarray, seed: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """A full name per person from their office's locale, and a unique e-mail address."""
    count = len(location)
    first = np.empty(count, dtype=object)
    last = np.empty(count, dtype=object)
    locales = np.array([loc.locale for loc in LOCATIONS])[location]
    for locale in sorted(set(locales)):
        members = np.flatnonzero(locales == locale)
        first_pool, last_pool = _name_pools(locale, seed)
        first[members] = first_pool[rng.integers(0, len(first_pool), len(members))]
        last[members] = last_pool[rng.integers(0, len(last_pool), len(members))]
    names = first + " " + last
    local = pd.Series(
        [f"{_email_part(f)}.{_email_part(s)}" for f, s in zip(first, last, strict=True)]
    )
    repeat = local.groupby(local).cumcount().to_numpy()
    suffix = np.where(repeat > 0, (repeat + 1).astype(str), "")
    emails = local.to_numpy(dtype=object) + suffix.astype(object) + "@example.com"
    return names, emails


# --- People and pairs, cohort by cohort -----------------------------------------------------------
class _Roster:
    """Everyone enrolled so far, in arrays sized for the whole scale."""

    def __init__(self, capacity: int) -> None:
        self.size = 0
        self.is_mentor = np.zeros(capacity, dtype=bool)
        self.department = np.zeros(capacity, dtype=np.int64)
        self.location = np.zeros(capacity, dtype=np.int64)
        self.joined = np.zeros(capacity, dtype=np.int64)
        self.capacity = np.ones(capacity, dtype=np.int64)
        # When an alumnus could join a later cohort; OPEN_END while in a pair or never paired.
        self.free_from = np.full(capacity, OPEN_END, dtype=np.int64)
        self.offered_return = np.zeros(capacity, dtype=bool)

    def enrol(
        self, *, mentor: bool, department: np.ndarray, location: np.ndarray, joined: np.ndarray
    ) -> np.ndarray:
        """Add people; return their indices."""
        index = np.arange(self.size, self.size + len(department))
        self.size += len(department)
        self.is_mentor[index] = mentor
        self.department[index] = department
        self.location[index] = location
        self.joined[index] = joined
        return index


def _location_choice(region: str, size: int, rng: np.random.Generator) -> np.ndarray:
    weights = np.array([loc.weight if region in (GLOBAL, loc.region) else 0.0 for loc in LOCATIONS])
    return rng.choice(len(LOCATIONS), size=size, p=weights / weights.sum())


def _department_choice(size: int, rng: np.random.Generator) -> np.ndarray:
    return rng.choice(len(DEPARTMENTS), size=size, p=DEPARTMENT_WEIGHTS / DEPARTMENT_WEIGHTS.sum())


def _other_department(
    department: np.ndarray, avoid: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """`department`, changed wherever it equals `avoid` (pairs cross departments)."""
    clash = department == avoid
    shifted = (avoid + rng.integers(1, len(DEPARTMENTS), size=len(avoid))) % len(DEPARTMENTS)
    return np.where(clash, shifted, department)


@dataclass
class _Cohorts:
    """The cohorts as built: start and end offsets, cadence, phase."""

    plans: tuple[CohortPlan, ...]
    start: np.ndarray
    end: np.ndarray
    cadence: np.ndarray
    phase: list[str]


def _place_cohorts(spec: ScaleSpec, anchor: date) -> _Cohorts:
    """Cohort dates relative to the anchor (starting on a Monday), oldest first."""
    plans = tuple(sorted(spec.cohorts, key=lambda p: -p.starts_days_before_anchor))
    start = -np.array([p.starts_days_before_anchor for p in plans])
    start -= (anchor.weekday() + start) % 7
    end = start + np.array([p.length_days for p in plans])
    phase = [
        "finished" if e < 0 else "starting" if s > -STARTING_COHORT_DAYS else "running"
        for s, e in zip(start, end, strict=True)
    ]
    cadence = np.array([p.cadence_days for p in plans])
    return _Cohorts(plans, start, end, cadence, phase)


def _returning_alumni(
    roster: _Roster,
    *,
    mentor: bool,
    region: str,
    start: int,
    limit: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Alumni of finished pairs who join this cohort (each alumnus is asked once)."""
    people = np.arange(roster.size)
    in_region = np.array([region in (GLOBAL, LOCATIONS[i].region) for i in range(len(LOCATIONS))])
    eligible = people[
        (roster.is_mentor[: roster.size] == mentor)
        & (roster.free_from[: roster.size] <= start)
        & ~roster.offered_return[: roster.size]
        & in_region[roster.location[: roster.size]]
    ]
    roster.offered_return[eligible] = True
    returning = eligible[rng.random(len(eligible)) < ALUMNI_RETURN_CHANCE][:limit]
    roster.free_from[returning] = OPEN_END
    return returning


def _staff_cohort(
    roster: _Roster, plan: CohortPlan, start: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Mentor and mentee of each of the cohort's pairs: (mentor, mentee) roster indices.

    Returning alumni fill some places first (never both sides of one pair, so no pair repeats),
    a few new mentors take two mentees, and everyone else is enrolled for this cohort. Every
    pair crosses departments.
    """
    n = plan.pairs
    cap = int(n * ALUMNI_RETURN_CAP)
    alumni_mentees = _returning_alumni(
        roster, mentor=False, region=plan.region, start=start, limit=cap, rng=rng
    )
    alumni_mentors = _returning_alumni(
        roster, mentor=True, region=plan.region, start=start, limit=cap, rng=rng
    )
    slots = rng.permutation(n)
    mentee = np.full(n, -1)
    mentor = np.full(n, -1)
    mentee[slots[: len(alumni_mentees)]] = alumni_mentees
    taken = len(alumni_mentees)
    mentor[slots[taken : taken + len(alumni_mentors)]] = alumni_mentors
    taken += len(alumni_mentors)
    doubles = int(n * DOUBLE_MENTOR_SHARE / 2)
    first_of_double = slots[taken : taken + doubles]
    second_of_double = slots[taken + doubles : taken + 2 * doubles]
    joined = start - _uniform_int(rng, 14, 60, n)

    new_mentor_slots = np.setdiff1d(np.flatnonzero(mentor < 0), second_of_double)
    department = _department_choice(len(new_mentor_slots), rng)
    known_mentee = mentee[new_mentor_slots] >= 0
    department[known_mentee] = _other_department(
        department[known_mentee], roster.department[mentee[new_mentor_slots[known_mentee]]], rng
    )
    mentor[new_mentor_slots] = roster.enrol(
        mentor=True,
        department=department,
        location=_location_choice(plan.region, len(new_mentor_slots), rng),
        joined=joined[new_mentor_slots],
    )
    mentor[second_of_double] = mentor[first_of_double]
    roster.capacity[mentor[first_of_double]] = 2
    singles = mentor[np.setdiff1d(new_mentor_slots, first_of_double)]
    roster.capacity[singles] = np.where(rng.random(len(singles)) < 0.1, 2, 1)

    new_mentee_slots = np.flatnonzero(mentee < 0)
    mentee[new_mentee_slots] = roster.enrol(
        mentor=False,
        department=_other_department(
            _department_choice(len(new_mentee_slots), rng),
            roster.department[mentor[new_mentee_slots]],
            rng,
        ),
        location=_location_choice(plan.region, len(new_mentee_slots), rng),
        joined=joined[new_mentee_slots],
    )
    return mentor, mentee


def _pair_dates(
    outcome: np.ndarray, start: int, end: int, anchor: date, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(started, ended) offsets of a cohort's pairs, on weekdays; ended is OPEN_END while open.

    Pairs kick off in the cohort's first two weeks, except those not met yet, which started in
    the last few days; completed pairs end with the cohort, others part early.
    """
    n = len(outcome)
    started = start + _uniform_int(rng, 0, 10, n)
    started = np.where(outcome == NOT_MET_YET, -_uniform_int(rng, 1, 5, n), started)
    started = np.minimum(_on_weekday(started, anchor, -1), -1)
    ended = np.full(n, OPEN_END)
    completed = outcome == COMPLETED
    ended[completed] = np.minimum(end + _uniform_int(rng, -7, 7, completed.sum()), -1)
    early = outcome == ENDED_EARLY
    stop = np.minimum(end, -7) - started[early]
    earliest = started[early] + np.minimum(30, stop // 2)
    ended[early] = _uniform_int(
        rng, earliest, np.maximum(earliest, started[early] + stop), early.sum()
    )
    closed = ended < OPEN_END
    ended[closed] = np.maximum(_on_weekday(ended[closed], anchor, -1), started[closed] + 1)
    return started, ended


def _build_pairs(
    spec: ScaleSpec, cohorts: _Cohorts, anchor: date, rng: np.random.Generator
) -> tuple[pd.DataFrame, _Roster]:
    """Every pair with its people, outcome, dates and cadence; the roster of everyone paired.

    Cohorts are staffed oldest first, so people whose pair completed can return in a later one.
    """
    roster = _Roster(2 * sum(p.pairs for p in cohorts.plans) + spec.unmatched_people)
    parts = []
    for index, plan in enumerate(cohorts.plans):
        start, end = int(cohorts.start[index]), int(cohorts.end[index])
        outcome = _allocate(plan.pairs, OUTCOME_MIX[cohorts.phase[index]], rng)
        mentor, mentee = _staff_cohort(roster, plan, start, rng)
        started, ended = _pair_dates(outcome, start, end, anchor, rng)
        completed = outcome == COMPLETED
        roster.free_from[mentor[completed]] = ended[completed] + 14
        roster.free_from[mentee[completed]] = ended[completed] + 14

        custom = rng.random(plan.pairs) < CUSTOM_CADENCE_SHARE
        alternatives = (7, 30) if plan.cadence_days == 14 else (14,)
        custom_cadence = np.where(custom, rng.choice(alternatives, size=plan.pairs), 0)
        parts.append(
            pd.DataFrame(
                {
                    "cohort": index,
                    "mentor": mentor,
                    "mentee": mentee,
                    "outcome": outcome,
                    "started": started,
                    "ended": ended,
                    "custom_cadence": custom_cadence,
                    "cadence": np.where(custom, custom_cadence, plan.cadence_days),
                }
            )
        )
    pairs = pd.concat(parts, ignore_index=True)
    return pairs.sort_values(["started", "cohort"], kind="stable", ignore_index=True), roster


def _enrol_unmatched(
    spec: ScaleSpec, cohorts: _Cohorts, roster: _Roster, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """People waiting for a match in the newest running cohorts' pools: (people, cohort index)."""
    running = np.array([i for i, phase in enumerate(cohorts.phase) if phase == "running"])
    newest = running[cohorts.start[running] == cohorts.start[running].max()]
    sizes = np.array([cohorts.plans[i].pairs for i in newest], dtype=float)
    cohort = np.sort(rng.choice(newest, size=spec.unmatched_people, p=sizes / sizes.sum()))
    is_mentor = rng.random(spec.unmatched_people) < 0.55
    people = np.empty(spec.unmatched_people, dtype=np.int64)
    for pool in newest:
        for mentor in (True, False):
            members = np.flatnonzero((cohort == pool) & (is_mentor == mentor))
            people[members] = roster.enrol(
                mentor=mentor,
                department=_department_choice(len(members), rng),
                location=_location_choice(cohorts.plans[pool].region, len(members), rng),
                joined=-_uniform_int(rng, 5, 70, len(members)),
            )
    return people, cohort


def _leaving_dates(pairs: pd.DataFrame, roster: _Roster, rng: np.random.Generator) -> np.ndarray:
    """`left_on` offsets (OPEN_END = still enrolled): leavers go within a month of their last
    pair closing (the day it closed, if it ended early)."""
    size = roster.size
    open_pair = np.isin(pairs["outcome"].to_numpy(), (COMPLETED, ENDED_EARLY), invert=True)
    history = pd.DataFrame(
        {
            "person": np.concatenate([pairs["mentor"], pairs["mentee"]]),
            "started": np.tile(pairs["started"].to_numpy(), 2),
            "outcome": np.tile(pairs["outcome"].to_numpy(), 2),
            "open": np.tile(open_pair, 2).astype(np.int64),
            "closed_on": np.tile(np.where(open_pair, -OPEN_END, pairs["ended"].to_numpy()), 2),
        }
    )
    person = (
        history.sort_values(["person", "started"], kind="stable")
        .groupby("person")
        .agg(
            has_open=("open", "max"),
            last_end=("closed_on", "max"),
            last_outcome=("outcome", "last"),
        )
        .reindex(np.arange(size), fill_value=-1)
    )
    has_open = person["has_open"].to_numpy() == 1
    last_end = person["last_end"].to_numpy()
    last_outcome = person["last_outcome"].to_numpy()
    chance = np.select(
        [
            last_outcome < 0,
            last_end < -LONG_GONE_DAYS,
            last_outcome == COMPLETED,
            last_outcome == ENDED_EARLY,
        ],
        [0.0, LONG_GONE_LEAVES_CHANCE, GRADUATE_LEAVES_CHANCE, ENDED_EARLY_LEAVES_CHANCE],
        default=0.0,
    )
    leaves = ~has_open & (rng.random(size) < chance)
    delay = np.where(last_outcome == ENDED_EARLY, 0, _uniform_int(rng, 0, 30, size))
    return np.where(leaves, np.minimum(last_end + delay, 0), OPEN_END)


def _skill_masks(
    pairs: pd.DataFrame, roster: _Roster, cohorts: _Cohorts, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Skill bitmasks (offered, wanted) per person and each mentee's top wanted skill.

    Mentees' top wish leans to their cohort's focus; most mentors offer what their mentee wants.
    """
    size = roster.size
    skill_count = len(SKILLS)
    wanted_weights = WANTED_SKILL_WEIGHTS / WANTED_SKILL_WEIGHTS.sum()
    top = rng.choice(skill_count, size=size, p=wanted_weights)
    focus_of_mentee = np.full(size, -1)
    cohort_focus = np.array([CATEGORIES.index(p.focus_area) for p in cohorts.plans])
    focus_of_mentee[pairs["mentee"].to_numpy()] = cohort_focus[pairs["cohort"].to_numpy()]
    leans = (focus_of_mentee >= 0) & (rng.random(size) < 0.4)
    for category, name in enumerate(CATEGORIES):
        skills = [skill for skill, (_s, of) in enumerate(SKILLS) if of == name]
        members = np.flatnonzero(leans & (focus_of_mentee == category))
        top[members] = rng.choice(skills, size=len(members))

    def random_masks(low: int, high: int, weights: np.ndarray) -> np.ndarray:
        draws = np.stack(
            [rng.choice(skill_count, size=size, p=weights) for _ in range(high)], axis=1
        )
        keep = np.arange(high) < _uniform_int(rng, low, high, size)[:, None]
        return np.bitwise_or.reduce(np.where(keep, 1 << draws, 0), axis=1)

    wanted = random_masks(0, 2, wanted_weights) | (1 << top)
    offered = random_masks(2, 4, np.full(skill_count, 1 / skill_count))
    covers = rng.random(len(pairs)) < 0.8
    mentors = pairs["mentor"].to_numpy()[covers]
    np.bitwise_or.at(offered, mentors, 1 << top[pairs["mentee"].to_numpy()[covers]])
    return offered, wanted, top


def _skill_text(masks: np.ndarray) -> np.ndarray:
    lookup = np.array(
        [
            ";".join(s for bit, (s, _c) in enumerate(SKILLS) if mask >> bit & 1) or None
            for mask in range(1 << len(SKILLS))
        ],
        dtype=object,
    )
    return lookup[masks]


def _participants_frame(
    roster: _Roster,
    left: np.ndarray,
    offered: np.ndarray,
    wanted: np.ndarray,
    anchor: date,
    seed: int,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, np.ndarray]:
    """The participants table, ordered by the day people joined; returns it and each person's id.

    Mentors are junior (levels 1–4, born 22–31 years before the anchor year), mentees senior
    (levels 6–10, born 41–64 years before).
    """
    size = roster.size
    mentor = roster.is_mentor[:size]
    location = roster.location[:size]
    order = np.lexsort((np.arange(size), roster.joined[:size]))
    person_id = np.empty(size, dtype=object)
    person_id[order] = _ids("P", size, 5)
    names, emails = _names_and_emails(location, seed, rng)
    level = np.where(
        mentor,
        rng.choice([1, 2, 3, 4], size=size, p=[0.15, 0.35, 0.35, 0.15]),
        rng.choice([6, 7, 8, 9, 10], size=size, p=[0.2, 0.3, 0.25, 0.15, 0.1]),
    )
    age = np.where(mentor, _uniform_int(rng, 22, 31, size), _uniform_int(rng, 41, 64, size))
    still_enrolled = left >= OPEN_END
    columns = {
        "participant_id": person_id,
        "name": names,
        "email": emails,
        "role": np.where(mentor, "mentor", "mentee").astype(object),
        "department": np.array(DEPARTMENTS, dtype=object)[roster.department[:size]],
        "job_level": _nullable(level, np.zeros(size, dtype=bool)),
        "birth_year": _nullable(anchor.year - age, np.zeros(size, dtype=bool)),
        "location": np.array([loc.city for loc in LOCATIONS], dtype=object)[location],
        "timezone": np.array([loc.timezone for loc in LOCATIONS], dtype=object)[location],
        "skills_offered": np.where(mentor, _skill_text(offered), None),
        "skills_wanted": np.where(mentor, None, _skill_text(wanted)),
        "capacity": np.where(mentor, roster.capacity[:size], 1),
        "joined_on": _dates(roster.joined[:size], anchor),
        "left_on": _dates(left, anchor, missing=still_enrolled),
    }
    frame = _frame("participants", columns).iloc[order].reset_index(drop=True)
    return frame, person_id


# --- Pair timelines -------------------------------------------------------------------------------
def _pair_timelines(pairs: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Add each pair's latent quality, meeting window, and how its cadence slips.

    `first` is the first planned meeting, `last_by` the last day a meeting can happen, `slip` how
    much the gaps between meetings grow by the end, `max_gap` the longest gap (in cadences), and
    `active_until` the last day the pair works on goals.
    """
    n = len(pairs)
    outcome = pairs["outcome"].to_numpy()
    cadence = pairs["cadence"].to_numpy()
    started = pairs["started"].to_numpy()
    ended = pairs["ended"].to_numpy()
    first = started + _uniform_int(rng, 1, np.minimum(cadence, 10), n)
    stalled_for = 2 * cadence + _uniform_int(rng, 5, 2 * cadence + 20, n)
    last_by = np.select(
        [
            np.isin(outcome, (HEALTHY, DRIFTING)),
            outcome == STALLED,
            outcome == PAUSED,
            outcome == ENDED_EARLY,
            outcome == COMPLETED,
        ],
        [
            np.zeros(n, dtype=np.int64),
            -stalled_for,
            -_uniform_int(rng, 14, 60, n),
            ended - _uniform_int(rng, 0, cadence, n),
            ended,
        ],
        default=first - 1,  # never met, not met yet
    )
    active_until = np.select(
        [np.isin(outcome, (STALLED, PAUSED)), np.isin(outcome, (ENDED_EARLY, COMPLETED))],
        [np.maximum(last_by, first), ended],
        default=np.zeros(n, dtype=np.int64),
    )
    return pairs.assign(
        quality=rng.uniform(*QUALITY_RANGE[outcome].T),
        first=first,
        last_by=last_by,
        slip=rng.uniform(*SLIP_RANGE[outcome].T),
        max_gap=np.where(outcome == HEALTHY, 1.3, 1.8),
        active_until=np.minimum(active_until, 0),
    )


def _meeting_days(
    pairs: pd.DataFrame, anchor: date, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Every meeting as (pair row, day offset): on cadence with jitter, gaps growing by `slip`."""
    cadence = pairs["cadence"].to_numpy()
    first = pairs["first"].to_numpy()
    last_by = pairs["last_by"].to_numpy()
    span = last_by - first
    shortest = np.maximum(4, np.rint(0.5 * cadence)).astype(np.int64)
    longest = np.floor(pairs["max_gap"].to_numpy() * cadence).astype(np.int64)
    # Enough slots that even back-to-back shortest gaps reach past `last_by`.
    slots = np.where(span >= 0, span // shortest + 2, 0)
    row = np.repeat(np.arange(len(pairs)), slots)
    group_start = np.cumsum(slots) - slots
    k = np.arange(len(row)) - np.repeat(group_start, slots)
    expected = np.maximum(span / cadence, 1)
    stretch = 1 + pairs["slip"].to_numpy()[row] * np.minimum(k / expected[row], 1)
    gaps = np.rint(cadence[row] * stretch + rng.normal(0, 0.12 * cadence[row]))
    gaps = np.clip(gaps, shortest[row], longest[row]).astype(np.int64)
    gaps[k == 0] = 0
    total = np.cumsum(gaps)
    day = first[row] + total - np.repeat(total[group_start[slots > 0]], slots[slots > 0])
    day = _on_weekday(day, anchor, last_by[row])
    keep = day <= last_by[row]
    return row[keep], day[keep]


def _topic_pools(rng: np.random.Generator) -> np.ndarray:
    """Per category, ready-made topic lists: one or two of its topics and maybe a general one."""
    pools = np.empty((len(CATEGORIES), TOPIC_COMBOS_PER_CATEGORY), dtype=object)
    for c, category in enumerate(CATEGORIES):
        topics = MEETING_TOPICS[category]
        for j in range(TOPIC_COMBOS_PER_CATEGORY):
            chosen = list(rng.choice(topics, size=rng.integers(1, 3), replace=False))
            if rng.random() < 0.4:
                chosen.append(rng.choice(GENERAL_TOPICS))
            pools[c, j] = ";".join(chosen)
    return pools


def _meetings_frame(
    pairs: pd.DataFrame,
    pair_id: np.ndarray,
    same_city: np.ndarray,
    anchor: date,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, np.ndarray]:
    """The meetings table (ids in date order) and each pair's first meeting day (OPEN_END: none)."""
    row, day = _meeting_days(pairs, anchor, rng)
    order = np.lexsort((row, day))
    row, day = row[order], day[order]
    count = len(row)
    local = same_city[row]
    formats = np.array(["video", "in_person", "phone", "chat"], dtype=object)
    draw = rng.random(count)
    remote_cut = np.array([0.75, 0.80, 0.88])
    local_cut = np.array([0.45, 0.85, 0.90])
    cuts = np.where(local[:, None], local_cut, remote_cut)
    meeting_format = formats[(draw[:, None] >= cuts).sum(axis=1)]
    duration = rng.choice([30, 35, 40, 45, 50, 60], size=count, p=[0.3, 0.05, 0.1, 0.3, 0.05, 0.2])
    focus = pairs["focus"].to_numpy()[row]
    topics = _topic_pools(rng)[focus, rng.integers(0, TOPIC_COMBOS_PER_CATEGORY, count)]
    topics[rng.random(count) < 0.08] = None
    unrecorded = rng.random(count) < 0.02
    meeting_format[unrecorded] = None
    frame = _frame(
        "meetings",
        {
            "meeting_id": _ids("M", count, 7),
            "pair_id": pair_id[row],
            "held_on": _dates(day, anchor),
            "duration_minutes": _nullable(duration, rng.random(count) < 0.02),
            "format": meeting_format,
            "topics": topics,
        },
    )
    first_meeting = np.full(len(pairs), OPEN_END)
    np.minimum.at(first_meeting, row, day)
    return frame, first_meeting


def _goals_frame(
    pairs: pd.DataFrame,
    pair_id: np.ndarray,
    first_meeting: np.ndarray,
    anchor: date,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """2–4 goals per pair that has met, agreed early on; their status follows the pair's fate."""
    has_met = first_meeting < OPEN_END
    per_pair = np.where(has_met, _uniform_int(rng, 2, 4, len(pairs)), 0)
    row = np.repeat(np.arange(len(pairs)), per_pair)
    count = len(row)
    outcome = pairs["outcome"].to_numpy()[row]
    quality = pairs["quality"].to_numpy()[row]
    until = pairs["active_until"].to_numpy()[row]
    focus = pairs["focus"].to_numpy()[row]
    category = np.where(rng.random(count) < 0.5, focus, rng.integers(0, len(CATEGORIES), count))
    created = np.minimum(first_meeting[row] + _uniform_int(rng, 0, 14, count), until)
    due = created + rng.choice([30, 45, 60, 90, 120], size=count)
    elapsed = np.clip((until - created) / (due - created), 0, 1.5)

    chance_done = np.where(
        outcome == COMPLETED,
        0.45 + 0.5 * quality,
        np.minimum(1.1 * quality * np.minimum(elapsed, 1) ** 0.8, 0.97),
    )
    done = rng.random(count) < chance_done
    chance_dropped = np.select(
        [outcome == ENDED_EARLY, outcome == COMPLETED, outcome == PAUSED, outcome == STALLED],
        [0.7, 0.75, 0.15, 0.12],
        default=0.04,
    )
    dropped = ~done & (rng.random(count) < chance_dropped)
    barely_begun = (elapsed < 0.25) | (outcome == STALLED)
    not_started = ~done & ~dropped & barely_begun & (rng.random(count) < 0.6)
    status = np.select(
        [done, dropped, not_started], ["done", "dropped", "not_started"], default="in_progress"
    ).astype(object)

    finish_by = np.minimum(due + 14, until)
    completed = created + np.rint(rng.uniform(0.35, 1.0, count) * (finish_by - created))
    progress = np.select(
        [done, not_started, dropped],
        [np.full(count, 100), np.zeros(count), 5 * _uniform_int(rng, 0, 10, count)],
        default=np.clip(
            5 * np.rint(20 * np.minimum(elapsed, 1) * rng.uniform(0.4, 0.9, count)), 10, 90
        ),
    )
    titles = np.empty(count, dtype=object)
    for c, name in enumerate(CATEGORIES):
        members = np.flatnonzero(category == c)
        options = np.array(GOAL_TITLES[name], dtype=object)
        titles[members] = options[rng.integers(0, len(options), len(members))]
    order = np.lexsort((row, created))
    columns = {
        "goal_id": _ids("G", count, 6),
        "pair_id": pair_id[row][order],
        "title": titles[order],
        "category": np.array(CATEGORIES, dtype=object)[category][order],
        "created_on": _dates(created[order], anchor),
        "due_on": _dates(due[order], anchor),
        "completed_on": _dates(completed.astype(np.int64)[order], anchor, missing=~done[order]),
        "status": status[order],
        "progress_pct": _nullable(
            progress.astype(np.int64)[order], (dropped & (rng.random(count) < 0.5))[order]
        ),
    }
    return _frame("goals", columns)


# --- Surveys --------------------------------------------------------------------------------------
KINDS = np.array(["baseline", "pulse", "midpoint", "exit"], dtype=object)
BASELINE, PULSE, MIDPOINT, EXIT = range(4)
PULSE_EVERY_DAYS = 30
RESPONSE_RATE = {BASELINE: 0.9, PULSE: 0.25, MIDPOINT: 0.75, EXIT: 0.85}
MENTOR_CONFIDENCE = 4.4
# How much of its quality a pair has lost by the end of its life, in the order of the outcomes.
FADING = np.array([0.0, 0.25, 0.45, 0.4, 0.3, 0.4, 0.0, 0.0])


def _survey_invitations(
    pairs: pd.DataFrame, lengths: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Survey invitations to both people of every pair: (pair row, kind, day offset)."""
    n = len(pairs)
    outcome = pairs["outcome"].to_numpy()
    started = pairs["started"].to_numpy()
    ended = pairs["ended"].to_numpy()
    # Everyone in an unfinished pair keeps getting pulses, met or not; finished pairs stop.
    open_until = np.minimum(ended, 0)
    rows, kinds, days = [], [], []

    rows.append(np.arange(n))
    kinds.append(np.full(n, BASELINE))
    days.append(np.minimum(started + _uniform_int(rng, 0, 7, n), open_until))

    pulses = np.maximum((open_until - started) // PULSE_EVERY_DAYS, 0)
    row = np.repeat(np.arange(n), pulses)
    k = np.arange(len(row)) - np.repeat(np.cumsum(pulses) - pulses, pulses) + 1
    rows.append(row)
    kinds.append(np.full(len(row), PULSE))
    pulse_day = started[row] + PULSE_EVERY_DAYS * k + _uniform_int(rng, -3, 3, len(row))
    days.append(np.minimum(pulse_day, open_until[row]))

    midpoint = started + lengths // 2 + _uniform_int(rng, 0, 7, n)
    reached = midpoint <= open_until
    rows.append(np.flatnonzero(reached))
    kinds.append(np.full(reached.sum(), MIDPOINT))
    days.append(midpoint[reached])

    finished = np.isin(outcome, (COMPLETED, ENDED_EARLY))
    rows.append(np.flatnonzero(finished))
    kinds.append(np.full(finished.sum(), EXIT))
    days.append(np.minimum(ended[finished] + _uniform_int(rng, 0, 14, finished.sum()), 0))
    return np.concatenate(rows), np.concatenate(kinds), np.concatenate(days)


def _score(
    rng: np.random.Generator, level: np.ndarray, spread: float, low: int, high: int
) -> np.ndarray:
    return np.clip(np.rint(level + rng.normal(0, spread, len(level))), low, high).astype(np.int64)


def _comments(
    satisfaction: np.ndarray, mentee_side: np.ndarray, asked: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Occasional comments in the respondent's voice, their tone following satisfaction."""
    count = len(satisfaction)
    tone = np.select([satisfaction >= 4, satisfaction == 3], ["positive", "neutral"], "negative")
    role = np.where(mentee_side, "mentee", "mentor")
    comments = np.full(count, None, dtype=object)
    writes = asked & (rng.random(count) < 0.15)
    for (of_role, of_tone), pool in COMMENTS.items():
        members = np.flatnonzero(writes & (role == of_role) & (tone == of_tone))
        comments[members] = np.array(pool, dtype=object)[rng.integers(0, len(pool), len(members))]
    return comments


def _pair_answers(
    pairs: pd.DataFrame, lengths: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    """The answers of paired people: who, when, which kind, and every score (asked or not).

    Satisfaction and relationship quality follow the pair's latent quality, fading through the
    pair's life for drifting or stalled pairs; mentees' digital confidence starts near 2 and
    rises with time in the program and quality, to about 3.5–4 at exit; NPS follows
    satisfaction.
    """
    row, kind, day = _survey_invitations(pairs, lengths, rng)
    row, kind, day = np.tile(row, 2), np.tile(kind, 2), np.tile(day, 2)
    mentee_side = np.repeat([False, True], len(row) // 2)
    outcome = pairs["outcome"].to_numpy()[row]
    rate = np.array([RESPONSE_RATE[k] for k in range(len(KINDS))])[kind]
    rate = np.where((kind == EXIT) & (outcome == ENDED_EARLY), 0.4, rate)
    rate = np.where((kind == PULSE) & np.isin(outcome, (STALLED, NEVER_MET)), 0.2, rate)
    answered = rng.random(len(row)) < rate
    row, kind, day = row[answered], kind[answered], day[answered]
    mentee_side, outcome = mentee_side[answered], outcome[answered]

    started = pairs["started"].to_numpy()[row]
    lifetime = np.maximum(pairs["active_until"].to_numpy()[row] - started, 1)
    through = np.clip((day - started) / lifetime, 0, 1)
    quality = pairs["quality"].to_numpy()[row] * (1 - FADING[outcome] * through)
    satisfaction = _score(rng, 1.4 + 3.8 * quality, 0.55, 1, 5)

    baseline = np.clip(rng.normal(2.0, 0.6, len(pairs)), 1, 5)
    uplift = 0.5 + 1.7 * pairs["quality"].to_numpy() + rng.normal(0, 0.3, len(pairs))
    in_program = np.clip((day - started) / lengths[row], 0, 1)
    mentee_confidence = baseline[row] + uplift[row] * in_program
    return pd.DataFrame(
        {
            "person": np.where(
                mentee_side, pairs["mentee"].to_numpy()[row], pairs["mentor"].to_numpy()[row]
            ),
            "pair_row": row,
            "cohort": pairs["cohort"].to_numpy()[row],
            "day": day,
            "kind": kind,
            "mentee_side": mentee_side,
            "satisfaction": satisfaction,
            "relationship": _score(rng, 1.6 + 3.6 * quality, 0.55, 1, 5),
            "confidence": _score(
                rng, np.where(mentee_side, mentee_confidence, MENTOR_CONFIDENCE), 0.35, 1, 5
            ),
            "nps": _score(rng, 2.2 * satisfaction - 0.4, 1.2, 0, 10),
        }
    )


def _waiting_answers(
    unmatched: tuple[np.ndarray, np.ndarray], roster: _Roster, rng: np.random.Generator
) -> pd.DataFrame:
    """Baselines from most people waiting for a match, for their cohort's pool (no pair)."""
    people, cohort = unmatched
    answers = rng.random(len(people)) < 0.7
    people, cohort = people[answers], cohort[answers]
    is_mentor = roster.is_mentor[people]
    count = len(people)
    return pd.DataFrame(
        {
            "person": people,
            "pair_row": np.full(count, -1),
            "cohort": cohort,
            "day": np.minimum(roster.joined[people] + _uniform_int(rng, 0, 10, count), 0),
            "kind": np.full(count, BASELINE),
            "mentee_side": ~is_mentor,
            "satisfaction": np.zeros(count, dtype=np.int64),
            "relationship": np.zeros(count, dtype=np.int64),
            "confidence": _score(rng, np.where(is_mentor, MENTOR_CONFIDENCE, 2.0), 0.6, 1, 5),
            "nps": np.zeros(count, dtype=np.int64),
        }
    )


def _surveys_frame(
    answers: pd.DataFrame,
    pair_id: np.ndarray,
    person_id: np.ndarray,
    cohort_id: np.ndarray,
    anchor: date,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """The survey responses table, ids in date order; each kind keeps only what it asks.

    Baselines ask digital confidence; pulses satisfaction and relationship quality; midpoint
    and exit surveys all four scores. A few answers carry a short comment.
    """
    answers = answers.sort_values(
        ["day", "pair_row", "kind", "mentee_side"], kind="stable", ignore_index=True
    )
    kind = answers["kind"].to_numpy()
    pair_row = answers["pair_row"].to_numpy()
    rated = kind != BASELINE
    satisfaction = answers["satisfaction"].to_numpy()
    columns = {
        "response_id": _ids("S", len(answers), 7),
        "participant_id": person_id[answers["person"].to_numpy()],
        "pair_id": np.where(pair_row >= 0, pair_id[pair_row], None),
        "cohort_id": cohort_id[answers["cohort"].to_numpy()],
        "submitted_on": _dates(answers["day"].to_numpy(), anchor),
        "kind": KINDS[kind],
        "satisfaction": _nullable(satisfaction, ~rated),
        "relationship_quality": _nullable(answers["relationship"].to_numpy(), ~rated),
        "digital_confidence": _nullable(answers["confidence"].to_numpy(), kind == PULSE),
        "nps": _nullable(answers["nps"].to_numpy(), ~np.isin(kind, (MIDPOINT, EXIT))),
        "comment": _comments(satisfaction, answers["mentee_side"].to_numpy(), rated, rng),
    }
    return _frame("surveys", columns)


# --- The whole program ----------------------------------------------------------------------------
STAGE_PAIRS, STAGE_PEOPLE, STAGE_TIMELINES, STAGE_MEETINGS, STAGE_GOALS, STAGE_SURVEYS = range(6)


def _cohorts_frame(cohorts: _Cohorts, cohort_id: np.ndarray, anchor: date) -> pd.DataFrame:
    starts = _dates(cohorts.start, anchor)
    columns = {
        "cohort_id": cohort_id,
        "name": [
            plan.name.format(year=start.year, season=_season(start))
            for plan, start in zip(cohorts.plans, starts, strict=True)
        ],
        "start_date": starts,
        "end_date": _dates(cohorts.end, anchor),
        "focus_area": [plan.focus_area for plan in cohorts.plans],
        "target_cadence_days": cohorts.cadence,
    }
    return _frame("cohorts", columns)


def _pairs_frame(
    pairs: pd.DataFrame,
    pair_id: np.ndarray,
    person_id: np.ndarray,
    cohort_id: np.ndarray,
    anchor: date,
) -> pd.DataFrame:
    custom = pairs["custom_cadence"].to_numpy()
    ended = pairs["ended"].to_numpy()
    columns = {
        "pair_id": pair_id,
        "cohort_id": cohort_id[pairs["cohort"].to_numpy()],
        "mentor_id": person_id[pairs["mentor"].to_numpy()],
        "mentee_id": person_id[pairs["mentee"].to_numpy()],
        "started_on": _dates(pairs["started"].to_numpy(), anchor),
        "ended_on": _dates(ended, anchor, missing=ended >= OPEN_END),
        "status": OUTCOME_STATUS[pairs["outcome"].to_numpy()],
        "focus_area": np.array(CATEGORIES, dtype=object)[pairs["focus"].to_numpy()],
        "target_cadence_days": _nullable(custom, custom == 0),
    }
    return _frame("pairs", columns)


def generate_program(
    *, scale: str = "demo", seed: int = 7, anchor: date | None = None
) -> dict[str, pd.DataFrame]:
    """Build a sample program as the six import-format tables.

    Returns frames keyed "cohorts", "participants", "pairs", "meetings", "goals", "surveys", each
    with exactly its table's columns (the CSV headers of docs/import-format.md) in order. Dates are
    `datetime.date` (None when blank), whole numbers nullable `Int64`, text pandas strings (NaN
    when blank). `anchor` is the program's "today" (default `default_anchor()`); nothing but
    cohort end dates and goal due dates lies after it. The same (scale, seed, anchor) always
    gives identical frames. Raises KeyError for an unknown scale.
    """
    if scale not in SCALES:
        raise KeyError(f"Unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    spec = SCALES[scale]
    anchor = anchor or default_anchor()

    cohorts = _place_cohorts(spec, anchor)
    rng = _rng(seed, STAGE_PAIRS)
    pairs, roster = _build_pairs(spec, cohorts, anchor, rng)
    unmatched = _enrol_unmatched(spec, cohorts, roster, rng)
    left = _leaving_dates(pairs, roster, rng)

    people_rng = _rng(seed, STAGE_PEOPLE)
    offered, wanted, top_wish = _skill_masks(pairs, roster, cohorts, people_rng)
    participants, person_id = _participants_frame(
        roster, left, offered, wanted, anchor, seed, people_rng
    )
    pairs = pairs.assign(focus=SKILL_CATEGORY[top_wish[pairs["mentee"].to_numpy()]])
    pairs = _pair_timelines(pairs, _rng(seed, STAGE_TIMELINES))
    cohort_id = np.array(_ids("C", len(cohorts.plans), 2), dtype=object)
    pair_id = np.array(_ids("PR", len(pairs), 5), dtype=object)

    same_city = roster.location[pairs["mentor"]] == roster.location[pairs["mentee"]]
    meetings, first_meeting = _meetings_frame(
        pairs, pair_id, same_city, anchor, _rng(seed, STAGE_MEETINGS)
    )
    goals = _goals_frame(pairs, pair_id, first_meeting, anchor, _rng(seed, STAGE_GOALS))

    survey_rng = _rng(seed, STAGE_SURVEYS)
    lengths = np.array([plan.length_days for plan in cohorts.plans])[pairs["cohort"]]
    answers = pd.concat(
        [
            _pair_answers(pairs, lengths, survey_rng),
            _waiting_answers(unmatched, roster, survey_rng),
        ],
        ignore_index=True,
    )
    return {
        "cohorts": _cohorts_frame(cohorts, cohort_id, anchor),
        "participants": participants,
        "pairs": _pairs_frame(pairs, pair_id, person_id, cohort_id, anchor),
        "meetings": meetings,
        "goals": goals,
        "surveys": _surveys_frame(answers, pair_id, person_id, cohort_id, anchor, survey_rng),
    }
