"""The demo program's e-mail history: the stall nudges a reminders run would have sent in the
months before the program's "today", so Follow-ups' "Did the nudge work?" and each pair's
e-mails have something to show. Its own random stream: the program's rows are not touched."""

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from app.checkin.tokens import link_url, make_token, signing_key
from app.mailer import public_url
from app.reminders import STALLED, pair_messages, stall_episodes
from app.settings import load_settings
from data_access import revision
from data_access.health_inputs import load_pairs_and_cohorts
from data_access.models import Meeting
from data_access.outbox import meeting_days, queue_messages
from data_access.queries import pair_directory
from data_access.writes import upsert_rows

#: How far back the history goes, and the share of stalls that were nudged (the rest were not:
#: reminders were switched on part-way, or the pair was snoozed).
HISTORY_DAYS = 180
NUDGED_SHARE = 0.6
#: The share of nudged pairs that then logged a meeting through their check-in link, 2 to 12
#: days after the nudge (the demo's stalled pairs never meet again on their own).
RESPONDED_SHARE = 0.45
HISTORY_SEED = 11


def seed_nudge_history(engine: Engine, *, anchor: date) -> int:
    """Queue the history as sent messages; how many."""
    settings = load_settings(engine)
    pairs, cohorts = load_pairs_and_cohorts(engine, as_of=anchor)
    meetings = meeting_days(engine, anchor)
    episodes = stall_episodes(
        pairs, meetings, cohorts, as_of=anchor, stall_factor=settings.stall_factor
    )
    since = pd.Timestamp(anchor - timedelta(days=HISTORY_DAYS))
    episodes = episodes[(episodes["day"] >= since) & (episodes["day"] < pd.Timestamp(anchor))]
    rng = np.random.default_rng(HISTORY_SEED)
    episodes = episodes[rng.random(len(episodes)) < NUDGED_SHARE]
    key = signing_key(engine)
    base = public_url()

    def link(participant_id: str, pair_id: str | None, purpose) -> str:
        token = make_token(engine, participant_id, pair_id, purpose, key=key)
        return link_url(base, token, purpose)

    directory = pair_directory(engine)
    rows = []
    for day, group in episodes.groupby("day"):
        due = pd.DataFrame(
            {
                "pair_id": group["pair_id"].to_numpy(),
                "rule": STALLED,
                "period": group["period"].to_numpy(),
                "days_since_start": np.nan,
                "days_since_last_meeting": np.nan,
                "cadence_days": np.nan,
            }
        )
        messages = pair_messages(due, directory, as_of=day.date(), opted_out=set(), link=link)
        sent_at = datetime.combine(day.date(), datetime.min.time(), tzinfo=UTC) + timedelta(hours=7)
        rows += [{**row, "sent_at": sent_at} for row in messages.to_dict("records")]
    _responses(engine, episodes, anchor=anchor, rng=rng)
    return queue_messages(engine, rows)


def _responses(engine: Engine, episodes: pd.DataFrame, *, anchor: date, rng) -> None:
    """Check-in meetings of the pairs that answered their nudge."""
    answered = episodes[rng.random(len(episodes)) < RESPONDED_SHARE]
    days = answered["day"] + pd.to_timedelta(rng.integers(2, 13, len(answered)), unit="D")
    answered = answered.assign(held_on=days)[days < pd.Timestamp(anchor)]
    meetings = [
        {
            "meeting_id": f"DN{number:04d}",
            "pair_id": row.pair_id,
            "held_on": row.held_on.date(),
            "duration_minutes": int(rng.choice([30, 45, 60])),
            "format": str(rng.choice(["video", "in_person", "phone"])),
            "topics": "catching up after a reminder",
            "source": "checkin",
        }
        for number, row in enumerate(answered.itertuples(), start=1)
    ]
    if meetings:
        with engine.begin() as connection:
            upsert_rows(connection, Meeting, meetings)
            revision.bump(connection, revision.PROGRAM)
