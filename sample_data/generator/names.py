"""People's names and e-mail addresses, drawn from Faker per locale and made ASCII for e-mails."""

import unicodedata
from functools import cache

import numpy as np
import pandas as pd
from faker import Faker

from sample_data.generator.plan import LOCATIONS

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
