"""The anonymity rule: small groups hidden, no group recoverable by subtraction, comments gated."""

from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.privacy import (
    ALL,
    HIDDEN_COMPLEMENT,
    AnonymitySettings,
    comments_for,
    generation,
    survey_breakdown,
    survey_trend,
)

AS_OF = date(2026, 6, 30)


def _program(sizes: dict[str, int], satisfaction: dict[str, list[int]] | None = None):
    """One respondent per person, one response each on 1 May, grouped by department."""
    people, answers = [], []
    for department, size in sizes.items():
        for index in range(size):
            person = f"{department}-{index}"
            people.append(
                {
                    "participant_id": person,
                    "name": f"Named Person {person}",
                    "role": "mentee",
                    "department": department,
                    "birth_year": 1970,
                }
            )
            score = (satisfaction or {}).get(department, [4] * size)[index]
            answers.append(
                {
                    "participant_id": person,
                    "pair_id": None,
                    "cohort_id": "C1",
                    "submitted_on": pd.Timestamp("2026-05-01"),
                    "kind": "pulse",
                    "satisfaction": score,
                    "relationship_quality": 4,
                    "digital_confidence": 3,
                    "nps": 9,
                    "comment": f"comment from {person}",
                }
            )
    return pd.DataFrame(answers), pd.DataFrame(people)


def test_a_small_group_is_hidden_and_a_second_one_with_it() -> None:
    responses, people = _program(
        {"Finance": 3, "HR": 6, "Sales": 7},
        {"Finance": [1, 1, 1], "HR": [5] * 6, "Sales": [4, 4, 4, 5, 5, 5, 3]},
    )
    table = survey_breakdown(responses, people, by="department", as_of=AS_OF).set_index("group")
    assert table.loc["Finance", "note"] == "hidden: fewer than 5 respondents"
    # Finance alone hidden would be All minus HR minus Sales: HR (the smallest shown) goes too.
    assert table.loc["HR", "note"] == HIDDEN_COMPLEMENT
    assert table[["shown"]].to_dict()["shown"] == {
        "Finance": False,
        "HR": False,
        "Sales": True,
        ALL: True,
    }
    assert table.loc[["Finance", "HR"], ["respondents", "satisfaction"]].isna().all().all()
    # Sales: (4 + 4 + 4 + 5 + 5 + 5 + 3) / 7 = 30 / 7; All: (3 + 30 + 30) / 16 = 63 / 16.
    assert table.loc["Sales", "satisfaction"] == pytest.approx(30 / 7)
    assert table.loc[ALL, "satisfaction"] == pytest.approx(63 / 16)
    assert table.loc[ALL, "respondents"] == 16
    # What subtraction gives is Finance and HR together (9 people), never Finance alone.
    together = (63 - 30) / (16 - 7)
    assert together == pytest.approx((3 + 30) / 9)


def test_groups_at_the_minimum_are_all_shown() -> None:
    responses, people = _program({"Finance": 5, "HR": 6})
    table = survey_breakdown(responses, people, by="department", as_of=AS_OF)
    assert table["shown"].all()
    assert table.set_index("group").loc["Finance", "respondents"] == 5


def test_a_program_below_the_minimum_shows_nothing() -> None:
    responses, people = _program({"Finance": 2, "HR": 2})
    table = survey_breakdown(responses, people, by="department", as_of=AS_OF)
    assert not table["shown"].any()


def test_comments_only_for_groups_of_ten_and_never_with_a_name() -> None:
    responses, _ = _program({"Finance": 9})
    assert comments_for(responses, as_of=AS_OF) == []
    responses, _ = _program({"Finance": 10})
    comments = comments_for(responses, as_of=AS_OF)
    assert len(comments) == 10
    assert not any("Named Person" in comment for comment in comments)


@pytest.mark.parametrize("minimum", [2, 11])
def test_the_minimum_must_be_3_to_10(minimum: int) -> None:
    with pytest.raises(ValueError, match="between 3 and 10"):
        AnonymitySettings(min_respondents=minimum)


def test_generations() -> None:
    years = pd.Series([1950, 1970, 1990, 2000, None])
    assert generation(years).tolist() == [
        "Baby Boomers",
        "Gen X",
        "Millennials",
        "Gen Z",
        "Unknown",
    ]


def test_responses_after_the_as_of_date_change_nothing() -> None:
    responses, people = _program({"Finance": 6, "HR": 7})
    later = responses.assign(submitted_on=pd.Timestamp("2026-07-15"), satisfaction=1)
    before = survey_breakdown(responses, people, by="department", as_of=AS_OF)
    after = survey_breakdown(pd.concat([responses, later]), people, by="department", as_of=AS_OF)
    pd.testing.assert_frame_equal(before, after)


@settings(max_examples=120, deadline=None)
@given(
    st.lists(st.integers(1, 15), min_size=1, max_size=6),
    st.integers(3, 10),
)
def test_no_group_below_the_minimum_is_shown_or_derivable(sizes: list[int], minimum: int) -> None:
    responses, people = _program({f"Dept{index}": size for index, size in enumerate(sizes)})
    table = survey_breakdown(
        responses,
        people,
        by="department",
        as_of=AS_OF,
        settings=AnonymitySettings(min_respondents=minimum, min_comment_group=max(minimum, 10)),
    ).set_index("group")
    shown = table[table["shown"]]
    assert (shown["respondents"] >= minimum).all()
    size_of = {f"Dept{index}": size for index, size in enumerate(sizes)}
    hidden = [group for group in table.index[~table["shown"]] if group != ALL]
    if table.loc[ALL, "shown"] and hidden:
        # All minus the shown groups gives only the hidden groups together: two or more of
        # them, with at least `minimum` people between them.
        assert len(hidden) >= 2
        assert sum(size_of[group] for group in hidden) >= minimum


def test_trend_by_month_and_role_hides_small_months() -> None:
    responses, people = _program({"Finance": 6})
    people.loc[people.index[:2], "role"] = "mentor"  # 2 mentors, 4 mentees
    june = responses.assign(submitted_on=pd.Timestamp("2026-06-02"), satisfaction=2)
    trend = survey_trend(pd.concat([responses, june]), people, as_of=AS_OF, by_role=True)
    mentees = trend[trend["role"] == "mentee"].set_index("month")
    # 4 mentees a month: below 5, so every mentee month is hidden.
    assert not mentees["shown"].any()
    everyone = survey_trend(pd.concat([responses, june]), people, as_of=AS_OF).set_index("month")
    assert everyone.loc["2026-05", "satisfaction"] == 4.0
    assert everyone.loc["2026-06", "satisfaction"] == 2.0
