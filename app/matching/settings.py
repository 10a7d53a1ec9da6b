"""What decides a proposal: the criteria and their weights, the hard constraints, the options
and locks (`MatchSettings`), and the error every impossible pool or contradiction raises."""

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

#: The weighted criteria, in the order reasons list them.
CRITERIA = ("skills", "generation", "location", "timezone", "focus")
DEFAULT_WEIGHTS: dict[str, float] = {
    "skills": 5.0,
    "generation": 2.0,
    "location": 1.0,
    "timezone": 2.0,
    "focus": 3.0,
}
MAX_WEIGHT = 10.0


class MatchingError(ValueError):
    """Nothing can be proposed for this pool, or the settings contradict each other."""


# --- Settings -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MatchSettings:
    """Everything that decides a proposal: hard constraints, weights, options, locks.

    - `mentor_junior`: the mentor's `job_level` must be lower than the mentee's (reverse
      mentoring). A pair with either level unknown is allowed, and its reasons say so.
    - `different_department`: mentor and mentee in different departments (unknown = allowed).
    - `no_repeat`: never propose a pair that has been a pair before (any status).
    - `max_timezone_hours`: the largest clock difference allowed (None = no limit; unknown
      time zone = allowed).
    - mentor capacity is always honoured.
    - `weights`: 0–10 per criterion of `CRITERIA`; a criterion weighted 0 is ignored.
    - `protect_weakest`: raise the lowest score as far as possible first, then the total.
    - `keep_existing`: in a re-match, count `keep_existing_bonus` extra points in favour of
      keeping each current pair (the bonus steers the choice; reported scores never include it).
    - `locked`: (mentor_id, mentee_id) pairs forced in, whatever the constraints say.
    - `forbidden`: (mentor_id, mentee_id) pairs never proposed.
    """

    mentor_junior: bool = True
    different_department: bool = True
    no_repeat: bool = True
    max_timezone_hours: float | None = None
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    protect_weakest: bool = False
    keep_existing: bool = False
    keep_existing_bonus: float = 10.0
    locked: tuple[tuple[str, str], ...] = ()
    forbidden: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        unknown = sorted(set(self.weights) - set(CRITERIA))
        if unknown:
            raise MatchingError(
                f"Unknown criterion {', '.join(unknown)}; choose from {', '.join(CRITERIA)}."
            )
        for name, weight in self.weights.items():
            if not 0 <= weight <= MAX_WEIGHT:
                raise MatchingError(f"The weight of {name} must be between 0 and 10, not {weight}.")
        if self.max_timezone_hours is not None and self.max_timezone_hours < 0:
            raise MatchingError("The maximum time-zone difference cannot be negative.")
        if self.keep_existing_bonus < 0:
            raise MatchingError("The bonus for keeping existing pairs cannot be negative.")
        object.__setattr__(self, "weights", {c: float(self.weights.get(c, 0.0)) for c in CRITERIA})
        object.__setattr__(self, "locked", tuple((str(a), str(b)) for a, b in self.locked))
        object.__setattr__(self, "forbidden", tuple((str(a), str(b)) for a, b in self.forbidden))

    def to_dict(self) -> dict[str, Any]:
        """The settings as JSON-ready values (pairs as two-item lists)."""
        values = asdict(self)
        values["weights"] = dict(self.weights)
        values["locked"] = [list(pair) for pair in self.locked]
        values["forbidden"] = [list(pair) for pair in self.forbidden]
        return values

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> "MatchSettings":
        """Settings from `to_dict`'s output; missing keys take their defaults."""
        known = {k: v for k, v in values.items() if k in cls.__dataclass_fields__}
        for key in ("locked", "forbidden"):
            if key in known:
                known[key] = tuple(tuple(pair) for pair in known[key])
        return cls(**known)
