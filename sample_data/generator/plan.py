"""What a scale is made of: cohort plans, locations, departments, skills and goal categories,
the chances behind outcomes, and the scales themselves (`SCALES`)."""

from dataclasses import dataclass

import numpy as np

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
