"""Reminder rules: which e-mails are due on a date (docs/metrics.md, "Reminders").

Computed from what every screen already has — `app.health.pair_health` of the store's
aggregates and the follow-up queue (`app.follow_ups`) — for the pairs active on the date:

- `first_meeting`: no meeting held `first_meeting_days` (default 14) or more days after the pair
  started; once per pair.
- `cadence`: the pair has met, and the days since its last meeting are past its target cadence
  but it is not stalled; once per gap (the period is the last meeting's day).
- `stalled`: the pair is stalled (the stall rule); once per stall (period: the last meeting's
  day, or the start); its follow-up owner hears of it in their digest.
- `pulse`: a pulse survey every `pulse_every_days` (default 60) days of an active pair; once per
  such block of days.
- `exit`: the exit survey, once, to a pair that completed in the last `EXIT_WINDOW_DAYS` days.
- `digest`: each follow-up owner with an e-mail address gets their queue, once a day.

Pair messages go to both people (each with their own check-in and opt-out links); a snoozed or
resolved pair (`app.follow_ups`) gets no nudge until it comes back; an opted-out person and a
person without a valid address get nothing. Every message has a `dedupe_key` (rule, pair,
recipient, period): the outbox keeps one message per key.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from app.follow_ups import UNASSIGNED, _hidden, digest, follow_up_queue, valid_address
from app.formats import plural
from app.metrics import DEFAULT_STALL_FACTOR, target_cadence_days

FIRST_MEETING = "first_meeting"
CADENCE = "cadence"
STALLED = "stalled"
PULSE = "pulse"
EXIT = "exit"
DIGEST = "digest"
RULES = {
    FIRST_MEETING: "No first meeting yet",
    CADENCE: "Past the target cadence",
    STALLED: "Stalled",
    PULSE: "Pulse survey",
    EXIT: "Exit survey",
    DIGEST: "Coordinator digest",
}
#: Pair rules that count as a nudge for "Did the nudge work?".
NUDGE_RULES = (FIRST_MEETING, CADENCE, STALLED)
DEFAULT_FIRST_MEETING_DAYS = 14
DEFAULT_PULSE_EVERY_DAYS = 60
#: A completed pair is sent its exit survey within this many days of its end.
EXIT_WINDOW_DAYS = 30

MESSAGE_COLUMNS = (
    "dedupe_key",
    "rule",
    "period",
    "pair_id",
    "recipient_id",
    "recipient_email",
    "subject",
    "body",
    "created_on",
)


@dataclass(frozen=True)
class ReminderSettings:
    """The reminder rules' thresholds (Settings tab)."""

    first_meeting_days: int = DEFAULT_FIRST_MEETING_DAYS
    pulse_every_days: int = DEFAULT_PULSE_EVERY_DAYS
    stall_factor: float = DEFAULT_STALL_FACTOR


#: Makes a link for (participant_id, pair_id, purpose): the check-in and opt-out links.
LinkMaker = Callable[[str, str | None, str], str]


def due_pair_rules(
    health: pd.DataFrame,
    pairs: pd.DataFrame,
    latest: pd.DataFrame,
    *,
    as_of: date,
    settings: ReminderSettings,
) -> pd.DataFrame:
    """One row per (pair, rule) due on `as_of`: pair_id, rule, period, and the figures the text
    uses (days_since_start, days_since_last_meeting, cadence_days)."""
    active = health["status"] == "active"
    hidden = _hidden(health, latest, as_of=as_of, stall_factor=settings.stall_factor)
    running = health[active & ~hidden]
    met = running["last_meeting_on"].notna()
    last_day = running["last_meeting_on"].dt.strftime("%Y-%m-%d").where(met, "start")
    frames = []

    def add(mask: pd.Series, rule: str, period: pd.Series | str) -> None:
        chosen = running[mask]
        if chosen.empty:
            return
        frame = chosen[["days_since_start", "days_since_last_meeting", "cadence_days"]].copy()
        frame["rule"] = rule
        frame["period"] = period[mask] if isinstance(period, pd.Series) else period
        frames.append(frame)

    add(~met & (running["days_since_start"] >= settings.first_meeting_days), FIRST_MEETING, "once")
    add(running["stalled"], STALLED, "after-" + last_day)
    past_cadence = met & (running["days_since_last_meeting"] > running["cadence_days"])
    add(past_cadence & ~running["stalled"], CADENCE, "after-" + last_day)
    blocks = running["days_since_start"] // settings.pulse_every_days
    add(blocks >= 1, PULSE, "block-" + blocks.astype(int).astype(str))

    ended = pairs.set_index("pair_id").reindex(health.index)["ended_on"]
    recent_end = (ended <= pd.Timestamp(as_of)) & (
        ended > pd.Timestamp(as_of - timedelta(days=EXIT_WINDOW_DAYS))
    )
    completed = health[(health["status"] == "completed") & recent_end.fillna(False)]
    if not completed.empty:
        frame = completed[["days_since_start", "days_since_last_meeting", "cadence_days"]].copy()
        frame["rule"] = EXIT
        frame["period"] = "once"
        frames.append(frame)
    if not frames:
        return pd.DataFrame(
            columns=[
                "pair_id",
                "rule",
                "period",
                "days_since_start",
                "days_since_last_meeting",
                "cadence_days",
            ]
        )
    due = pd.concat(frames)
    due.index.name = "pair_id"
    return due.reset_index()


def _pair_text(rule: str, row, own: str, partner: str, checkin: str) -> tuple[str, str]:
    """Subject and body of a pair message (before the opt-out footer)."""
    hello = f"Hi {own},"
    if rule == FIRST_MEETING:
        subject = f"Time for your first mentoring meeting with {partner}"
        text = (
            f"Your reverse-mentoring pair with {partner} started "
            f"{plural(int(row.days_since_start), 'day')} ago and your first meeting has not been "
            "logged yet. Could you find 30 minutes in the next week to meet and agree on your "
            "goals? When you have met, log it here (under a minute):"
        )
    elif rule == CADENCE:
        subject = f"Time to meet {partner} again"
        text = (
            f"It has been {plural(int(row.days_since_last_meeting), 'day')} since your last "
            f"meeting with {partner}; you aimed to meet every "
            f"{plural(int(row.cadence_days), 'day')}. Could you put the next one in the diary? "
            "When you have met, log it here:"
        )
    elif rule == STALLED:
        subject = f"Your mentoring with {partner} has gone quiet"
        since = (
            "since your pair started"
            if pd.isna(row.days_since_last_meeting)
            else f"for {plural(int(row.days_since_last_meeting), 'day')}"
        )
        text = (
            f"No meeting with {partner} has been logged {since}. If something is getting in "
            "the way, reply to this e-mail and your coordinator will help. If you have met, "
            "log it here:"
        )
    elif rule == PULSE:
        subject = "How is your mentoring going? (1 minute)"
        text = (
            f"Three quick questions about your mentoring with {partner}, and the date of your "
            "latest meeting:"
        )
    else:
        subject = "Your mentoring has completed: three last questions"
        text = (
            f"Your reverse-mentoring pair with {partner} has completed. Thank you for taking "
            "part. Three last questions help the program improve:"
        )
    return subject, f"{hello}\n\n{text}\n{checkin}\n"


def _first(name: object) -> str:
    words = str(name or "").split()
    return words[0] if words else "there"


def pair_messages(
    due: pd.DataFrame,
    directory: pd.DataFrame,
    *,
    as_of: date,
    opted_out: set[str],
    link: LinkMaker,
) -> pd.DataFrame:
    """The messages of the due pair rules, to both people of each pair (`MESSAGE_COLUMNS`).
    `directory` is `data_access.queries.pair_directory` indexed by pair_id."""
    rows = []
    people = directory.reindex(due["pair_id"]).to_dict("records")
    addresses: dict[object, str | None] = {}  # each person's address is checked once

    def address_of(value: object) -> str | None:
        if value not in addresses:
            addresses[value] = valid_address(value)
        return addresses[value]

    for row, person in zip(due.itertuples(index=False), people, strict=True):
        for side, other in (("mentor", "mentee"), ("mentee", "mentor")):
            participant_id = person.get(f"{side}_id")
            address = address_of(person.get(f"{side}_email"))
            if pd.isna(participant_id) or address is None or participant_id in opted_out:
                continue
            own, partner = _first(person[f"{side}_name"]), _first(person[f"{other}_name"])
            subject, body = _pair_text(
                row.rule, row, own, partner, link(participant_id, row.pair_id, "checkin")
            )
            body += (
                "\n--\nSent by PairPulse for your reverse-mentoring program. "
                f"To get no more of these e-mails: {link(participant_id, None, 'optout')}\n"
            )
            rows.append(
                {
                    "dedupe_key": f"{row.rule}|{row.pair_id}|{participant_id}|{row.period}",
                    "rule": row.rule,
                    "period": row.period,
                    "pair_id": row.pair_id,
                    "recipient_id": participant_id,
                    "recipient_email": address,
                    "subject": subject,
                    "body": body,
                    "created_on": as_of,
                }
            )
    return pd.DataFrame(rows, columns=list(MESSAGE_COLUMNS))


def digest_messages(queue: pd.DataFrame, directory: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """Each follow-up owner with a valid e-mail address: their queue (`app.follow_ups.digest`),
    once a day. Owners that are names, not addresses, and Unassigned pairs get no e-mail."""
    rows = []
    names = directory[["mentor_name", "mentee_name"]] if not directory.empty else None
    for owner, own_queue in queue.groupby("owner", sort=True):
        address = valid_address(owner) if owner != UNASSIGNED else None
        if address is None:
            continue
        rows.append(
            {
                "dedupe_key": f"{DIGEST}||{address}|{as_of.isoformat()}",
                "rule": DIGEST,
                "period": as_of.isoformat(),
                "pair_id": None,
                "recipient_id": None,
                "recipient_email": address,
                "subject": f"PairPulse: {plural(len(own_queue), 'pair')} to follow up "
                f"({as_of:%d %b %Y})",
                "body": digest(own_queue, as_of=as_of, names=names),
                "created_on": as_of,
            }
        )
    return pd.DataFrame(rows, columns=list(MESSAGE_COLUMNS))


def due_messages(
    health: pd.DataFrame,
    pairs: pd.DataFrame,
    latest: pd.DataFrame,
    directory: pd.DataFrame,
    *,
    as_of: date,
    settings: ReminderSettings,
    opted_out: set[str],
    link: LinkMaker,
) -> pd.DataFrame:
    """Every message due on `as_of` (`MESSAGE_COLUMNS`), pair rules first, then digests."""
    due = due_pair_rules(health, pairs, latest, as_of=as_of, settings=settings)
    queue = follow_up_queue(health, latest, as_of=as_of, stall_factor=settings.stall_factor)
    return pd.concat(
        [
            pair_messages(due, directory, as_of=as_of, opted_out=opted_out, link=link),
            digest_messages(queue, directory, as_of=as_of),
        ],
        ignore_index=True,
    )


def nudge_effect(
    nudges: pd.DataFrame,
    meetings: pd.DataFrame,
    stalled_episodes: pd.DataFrame,
    *,
    as_of: date,
    window_days: int = 14,
) -> dict[str, float | int | None]:
    """ "Did the nudge work?": of pairs nudged (sent `NUDGE_RULES` messages, first nudge of each
    pair and day), the share that logged a meeting within `window_days` after it; beside it the
    same share for `stalled_episodes` (pair_id, day: stalled pairs on a day, not nudged within
    `window_days` before or after) — only windows that have ended by `as_of` count.
    `meetings` has pair_id and held_on."""
    end = pd.Timestamp(as_of) - pd.Timedelta(days=window_days)
    sent = nudges[nudges["rule"].isin(NUDGE_RULES)][["pair_id", "created_on"]]
    sent = sent.assign(day=pd.to_datetime(sent["created_on"])).drop_duplicates(["pair_id", "day"])
    sent = sent[sent["day"] <= end]
    control = stalled_episodes.assign(day=pd.to_datetime(stalled_episodes["day"]))
    control = control[control["day"] <= end]

    def share(episodes: pd.DataFrame) -> tuple[int, float | None]:
        if episodes.empty:
            return 0, None
        held = meetings[["pair_id", "held_on"]].assign(held=pd.to_datetime(meetings["held_on"]))
        joined = episodes[["pair_id", "day"]].merge(held, on="pair_id", how="left")
        after = (joined["held"] > joined["day"]) & (
            joined["held"] <= joined["day"] + pd.Timedelta(days=window_days)
        )
        met = joined[after].drop_duplicates(["pair_id", "day"])
        return len(episodes), len(met) / len(episodes)

    nudged, nudged_share = share(sent)
    others, others_share = share(control)
    return {
        "nudged": nudged,
        "nudged_share": nudged_share,
        "not_nudged": others,
        "not_nudged_share": others_share,
    }


#: Fewer pairs than this on either side: "too few to compare".
MIN_TO_COMPARE = 10


def stall_episodes(
    pairs: pd.DataFrame,
    meetings: pd.DataFrame,
    cohorts: pd.DataFrame,
    *,
    as_of: date,
    stall_factor: float,
) -> pd.DataFrame:
    """Every day a pair became stalled up to `as_of` (pair_id, day, and the `stalled` rule's
    period of that stall): its start or a meeting, then
    no meeting for longer than the stall limit (`floor(stall factor × target cadence)` days,
    the stall rule of `app.metrics.stalled`); the episode starts the day after the limit."""
    limit = (target_cadence_days(pairs, cohorts) * stall_factor).map(lambda days: int(days))
    limit.index = pairs["pair_id"].to_numpy()
    starts = pairs[["pair_id", "started_on"]].rename(columns={"started_on": "held"})
    starts = starts.assign(met=False)
    held = meetings[["pair_id", "held_on"]].rename(columns={"held_on": "held"}).assign(met=True)
    events = pd.concat([starts, held], ignore_index=True)
    events["held"] = pd.to_datetime(events["held"])
    events = events[events["held"] <= pd.Timestamp(as_of)]
    events = events.sort_values(["pair_id", "held", "met"], kind="stable")
    events = events.drop_duplicates(["pair_id", "held"], keep="last")
    following = events.groupby("pair_id")["held"].shift(-1).fillna(pd.Timestamp(as_of))
    days = pd.to_timedelta(events["pair_id"].map(limit).fillna(10**6) + 1, unit="D")
    stalled_on = events["held"] + days
    episodes = events.assign(day=stalled_on)[stalled_on <= following]
    period = "after-" + episodes["held"].dt.strftime("%Y-%m-%d").where(episodes["met"], "start")
    return episodes.assign(period=period)[["pair_id", "day", "period"]].reset_index(drop=True)


def not_nudged(
    episodes: pd.DataFrame, nudges: pd.DataFrame, *, window_days: int = 14
) -> pd.DataFrame:
    """The stall episodes with no nudge sent to their pair within `window_days` of their day."""
    sent = nudges[nudges["rule"].isin(NUDGE_RULES)][["pair_id", "created_on"]]
    sent = sent.assign(sent=pd.to_datetime(sent["created_on"]))[["pair_id", "sent"]]
    joined = episodes.reset_index(drop=True).reset_index().merge(sent, on="pair_id", how="left")
    near = (joined["sent"] - joined["day"]).abs() <= pd.Timedelta(days=window_days)
    nudged_ids = set(joined.loc[near, "index"])
    return episodes.reset_index(drop=True).drop(index=list(nudged_ids))
