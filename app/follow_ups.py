"""The coordinator's follow-up queue (docs/screens.md, Follow-ups): who needs a nudge this morning.

**The queue** as of a date: the *active* pairs that are **stalled** or in the **At risk** band
(`app.health.pair_health`), most urgent first — stalled pairs first, then the lowest health
score, then the longest since the last meeting. Healthy and Watch pairs that are not stalled,
Too early pairs and completed / ended / paused pairs are never in it.

**Snooze and resolve.** A pair's latest follow-up (recorded by the end of the as-of day) decides:

- `snoozed`: the pair is off the queue while the as-of date is before `snoozed_until`;
- `resolved`: the pair is off the queue from then on;
- in both cases it comes back at once if it **got worse**: it is stalled now and it became
  stalled *after* the day of the snooze or resolution. The day a pair became stalled is computed
  from the health frame alone: its last meeting (or start) plus the stall limit (stall factor ×
  target cadence) plus one day. A pair that was already stalled when it was snoozed therefore
  stays snoozed; one that met, then drifted into a new stall, comes back;
- a `logged` follow-up keeps the pair in the queue (it shows as its last follow-up and owner);
- `reopened` (the undo of a snooze or resolution) puts the pair back in the queue.

**Next step and due date** in the queue, the digest and the export: the pair's *open* next step
(`data_access.follow_ups`): the latest one logged, until a later resolution marks it done or a
later next step replaces it — a newer entry without a next step does not hide it.

**Reason kinds** (for the filter and the nudge): `first_meeting` (no meeting held yet),
`drifted` (met before, but longer ago than the target cadence), `goals_overdue`, and `other`
(low adherence or low satisfaction only).
"""

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from urllib.parse import quote
from zoneinfo import ZoneInfo, available_timezones

import icalendar
import pandas as pd
from email_validator import EmailNotValidError, validate_email

from app.formats import plural
from app.health import AT_RISK, TOO_EARLY
from app.metrics import ACTIVE

FIRST_MEETING = "first_meeting"
DRIFTED = "drifted"
GOALS_OVERDUE = "goals_overdue"
OTHER = "other"
REASON_KINDS = {
    FIRST_MEETING: "First meeting not yet held",
    DRIFTED: "Drifted: no recent meeting",
    GOALS_OVERDUE: "Goals overdue",
    OTHER: "Other (adherence, sentiment)",
}
UNASSIGNED = "Unassigned"

QUEUE_COLUMNS = (
    "cohort_id",
    "mentor_id",
    "mentee_id",
    "band",
    "health_score",
    "stalled",
    "days_since_last_meeting",
    "cadence_days",
    "overdue_goals",
    "reasons",
    "reason_kinds",
    "last_action",
    "last_follow_up_on",
    "last_note",
    "next_step",
    "due_on",
    "owner",
)


def reason_kinds(row) -> tuple[str, ...]:
    """The reason kinds of one health row (see the module docstring), most pressing first."""
    kinds = []
    if pd.isna(row.last_meeting_on):
        kinds.append(FIRST_MEETING)
    elif row.stalled or row.days_since_last_meeting > row.cadence_days:
        kinds.append(DRIFTED)
    if row.overdue_goals:
        kinds.append(GOALS_OVERDUE)
    return tuple(kinds) or (OTHER,)


def stalled_since(health: pd.DataFrame, *, as_of: date, stall_factor: float) -> pd.Series:
    """The day each pair became (or will become) stalled: its last meeting or start plus the
    stall limit plus one day, given as timestamps."""
    limit = (health["cadence_days"] * stall_factor).map(math.floor)
    reference = pd.Timestamp(as_of) - pd.to_timedelta(health["days_since_last_meeting"], unit="D")
    return reference + pd.to_timedelta(limit + 1, unit="D")


def _hidden(
    health: pd.DataFrame, latest: pd.DataFrame, *, as_of: date, stall_factor: float
) -> pd.Series:
    """True for pairs whose latest snooze or resolution still holds (see the module docstring)."""
    latest = latest.reindex(health.index)
    action_day = latest["created_at"].dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
    worse = health["stalled"] & (
        stalled_since(health, as_of=as_of, stall_factor=stall_factor) > action_day
    )
    snoozed = (latest["action"] == "snoozed") & (pd.Timestamp(as_of) < latest["snoozed_until"])
    resolved = latest["action"] == "resolved"
    return (snoozed | resolved) & ~worse


def follow_up_queue(
    health: pd.DataFrame, latest: pd.DataFrame, *, as_of: date, stall_factor: float
) -> pd.DataFrame:
    """The queue as of `as_of`, indexed by pair_id, with `QUEUE_COLUMNS`, most urgent first.

    `health` is `app.health.pair_health` (or `app.headlines.program_health`) as of `as_of`;
    `latest` is `data_access.follow_ups.latest_follow_ups` as of the same date.
    """
    needs = (
        (health["status"] == ACTIVE)
        & (health["band"] != TOO_EARLY)
        & (health["stalled"] | (health["band"] == AT_RISK))
    )
    needs &= ~_hidden(health, latest, as_of=as_of, stall_factor=stall_factor)
    queue = health[needs].copy()
    queue["reason_kinds"] = [reason_kinds(row) for row in queue.itertuples()]
    last = latest.reindex(queue.index)
    queue["last_action"] = last["action"]
    queue["last_follow_up_on"] = (
        last["created_at"].dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
    )
    queue["last_note"] = last["note"]
    queue["next_step"] = last["open_next_step"] if "open_next_step" in last else last["next_step"]
    queue["due_on"] = last["open_due_on"] if "open_due_on" in last else last["due_on"]
    queue["owner"] = last["owner"].astype(object).fillna(UNASSIGNED)
    queue = queue.sort_values(
        ["stalled", "health_score", "days_since_last_meeting"],
        ascending=[False, True, False],
        na_position="last",
        kind="stable",
    )
    return queue[list(QUEUE_COLUMNS)]


def set_aside(
    health: pd.DataFrame, latest: pd.DataFrame, *, as_of: date, stall_factor: float
) -> pd.DataFrame:
    """The pairs a snooze or resolution keeps off the queue on `as_of` (active pairs that would
    otherwise be in it, or not), indexed by pair_id, with `action`, `snoozed_until`, `created_at`
    (UTC) and `created_by`, the newest first."""
    hidden = _hidden(health, latest, as_of=as_of, stall_factor=stall_factor)
    hidden &= health["status"] == ACTIVE
    columns = ["action", "snoozed_until", "created_at", "created_by"]
    rows = latest.reindex(index=health.index[hidden], columns=columns)
    return rows.sort_values("created_at", ascending=False, kind="stable")


def filter_queue(
    queue: pd.DataFrame, *, owners: list[str] | None = None, kinds: list[str] | None = None
) -> pd.DataFrame:
    """The queue rows with one of `owners` (UNASSIGNED for none) and one of the reason `kinds`;
    an empty or missing list keeps every row."""
    keep = pd.Series(True, index=queue.index)
    if owners:
        keep &= queue["owner"].isin(owners)
    if kinds:
        keep &= queue["reason_kinds"].map(lambda found: bool(set(found) & set(kinds)))
    return queue[keep]


@dataclass(frozen=True)
class Nudge:
    """A ready-to-send message to a pair: subject, body, and a mailto: link."""

    subject: str
    body: str
    mailto: str


def valid_address(value: object) -> str | None:
    """`value` as an e-mail address fit for a mailto: link or a calendar address (the validator's
    normal form, surrounding blanks dropped), or None when it is blank, not text, or not a valid
    address — a line break, a space, a second @ or a reserved domain included. Stores may hold
    addresses imported before e-mail cells were checked: these are left out, never used."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def nudge(
    row,
    *,
    mentor_name: str,
    mentee_name: str,
    emails: list[str],
    sender: str,
) -> Nudge:
    """The nudge for one queue row: the subject follows its most pressing reason kind, the body
    names every kind. `emails` go in the mailto: link's To, blank and invalid ones left out
    (`valid_address`)."""
    kinds = row.reason_kinds
    days = int(row.days_since_last_meeting)
    cadence = int(row.cadence_days)
    lines = [f"Hi {mentor_name} and {mentee_name},", ""]
    if FIRST_MEETING in kinds:
        subject = "Time for your first mentoring meeting"
        lines.append(
            f"Your reverse-mentoring pair started {plural(days, 'day')} ago and your first "
            "meeting has not been held yet. Could you find 30 minutes in the next week to meet "
            "and agree on your goals?"
        )
    elif DRIFTED in kinds:
        subject = "Let's get your mentoring meetings back on track"
        lines.append(
            f"It has been {plural(days, 'day')} since your last meeting; you aimed to meet every "
            f"{plural(cadence, 'day')}. Could you put your next meeting in the diary this week?"
        )
    elif GOALS_OVERDUE in kinds:
        subject = "Your mentoring goals are past their due date"
    else:
        subject = "Checking in on your mentoring pair"
        lines.append(
            "I wanted to check in on how your mentoring is going. Is there anything that would "
            "help you get more from it?"
        )
    if GOALS_OVERDUE in kinds:
        count = int(row.overdue_goals)
        lines.append(
            f"{plural(count, 'goal')} "
            f"{'is past its' if count == 1 else 'are past their'} due date. "
            "Could you review them together: finish, re-plan or drop what no longer fits?"
        )
    lines += ["", "If anything is getting in the way, just reply and I will help.", "", sender]
    body = "\n".join(lines)
    addresses = [address for email in emails if (address := valid_address(email))]
    to = ",".join(quote(address, safe="@") for address in addresses)
    mailto = f"mailto:{to}?subject={quote(subject)}&body={quote(body)}"
    return Nudge(subject=subject, body=body, mailto=mailto)


#: A suggested check-in: this long, at this local time (in the mentor's time zone, see
#: `check_in_zone`), on the first working day after the as-of date.
CHECK_IN_MINUTES = 30
CHECK_IN_TIME = time(10, 0)
#: The zone of a check-in when neither person has a known one.
FALLBACK_ZONE = "UTC"


def check_in_day(as_of: date) -> date:
    """The first working day (Monday–Friday) after `as_of`."""
    day = as_of + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def check_in_zone(zones: list[object]) -> str:
    """The first of `zones` (the mentor's, then the mentee's) that is a known IANA time zone
    name, else `FALLBACK_ZONE`."""
    known = _known_zones()
    for zone in zones:
        if isinstance(zone, str) and zone.strip() in known:
            return zone.strip()
    return FALLBACK_ZONE


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def check_in_invite(
    message: Nudge,
    *,
    pair_id: str,
    emails: list[object],
    as_of: date,
    names: list[str] | None = None,
    zones: list[object] | None = None,
    organizer: object = None,
) -> bytes:
    """An iCalendar (.ics) invitation for a check-in with the pair: the nudge's subject and
    body, both people invited (`emails`, with `names` as their CN; blank and invalid addresses
    left out, see `valid_address`), at `CHECK_IN_TIME` on `check_in_day(as_of)` in
    `check_in_zone(zones)` — with its VTIMEZONE — and organised by `organizer` when that is a
    valid address (the signed-in coordinator). Without an organizer (demo mode) the file is a
    plain event, not a scheduling request (no METHOD)."""
    zone = check_in_zone(zones or [])
    day = check_in_day(as_of)
    start = datetime.combine(day, CHECK_IN_TIME, tzinfo=ZoneInfo(zone))
    event = icalendar.Event()
    event.add("uid", f"check-in-{pair_id}-{start:%Y%m%d}@pairpulse")
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=CHECK_IN_MINUTES))
    event.add("summary", message.subject)
    event.add("description", message.body)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//PairPulse//Follow-ups//EN")
    calendar.add("version", "2.0")
    if organizer_address := valid_address(organizer):
        calendar.add("method", "REQUEST")
        event.add("organizer", icalendar.vCalAddress.new(organizer_address, role="CHAIR"))
    names = names or [None] * len(emails)
    for email, name in zip(emails, names, strict=True):
        if address := valid_address(email):
            attendee = icalendar.vCalAddress.new(
                address,
                cn=name if isinstance(name, str) and name.strip() else None,
                role="REQ-PARTICIPANT",
                partstat="NEEDS-ACTION",
                rsvp=True,
            )
            event.add("attendee", attendee)
    calendar.add_component(event)
    calendar.add_missing_timezones(first_date=day, last_date=day + timedelta(days=366))
    return calendar.to_ical()


def _markdown_text(value: object) -> str:
    """User-entered text made inert in Markdown (no links, emphasis, headings or HTML)."""
    text = " ".join(str(value).split())
    for char in "\\`*_{}[]<>()#+-.!|~":
        text = text.replace(char, "\\" + char)
    return text


def digest(queue: pd.DataFrame, *, as_of: date, names: pd.DataFrame | None = None) -> str:
    """The queue grouped by owner (owners A–Z, Unassigned last) as Markdown. `names` (indexed by
    pair_id, with mentor_name and mentee_name) gives who is in each pair; else pair ids."""
    lines = [f"# Follow-ups as of {as_of.isoformat()}", ""]
    if queue.empty:
        return "\n".join([*lines, "No pair needs a follow-up."]) + "\n"
    lines += [f"{plural(len(queue), 'pair')} need a follow-up.", ""]
    owners = sorted(set(queue["owner"]) - {UNASSIGNED}) + (
        [UNASSIGNED] if (queue["owner"] == UNASSIGNED).any() else []
    )
    for owner in owners:
        rows = queue[queue["owner"] == owner]
        lines += [f"## {_markdown_text(owner)} ({len(rows)})", ""]
        for pair_id, row in rows.iterrows():
            who = str(pair_id)
            if names is not None and pair_id in names.index:
                who = f"{names.at[pair_id, 'mentor_name']} & {names.at[pair_id, 'mentee_name']}"
            state = f"{row['band']}, stalled" if row["stalled"] else row["band"]
            line = (
                f"- **{_markdown_text(who)}** ({_markdown_text(row['cohort_id'])}): {state}; "
                f"{_markdown_text(row['reasons'])}"
            )
            if pd.notna(row["next_step"]):
                line += f". Next step: {_markdown_text(row['next_step'])}"
                if pd.notna(row["due_on"]):
                    line += f" (due {row['due_on']:%Y-%m-%d})"
            lines.append(line)
        lines.append("")
    return "\n".join(lines)


def next_check_day(as_of: date) -> date:
    """The default snooze end: one week after `as_of`."""
    return as_of + timedelta(days=7)
