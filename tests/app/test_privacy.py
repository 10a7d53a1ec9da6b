"""The anonymity rule (docs/metrics.md): small groups hidden, no small group recoverable by
subtraction, per-question blanks, comments gated and without names, nothing after the as-of date.
"""

from dataclasses import replace
from datetime import date
from itertools import combinations, count

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import metrics
from app.cohort_narrowing import program_for_cohorts
from app.privacy import (
    ALL,
    BREAKDOWNS,
    KINDS,
    QUESTIONS,
    AnonymitySettings,
    comments_by_group,
    comments_for,
    generation,
    role_and_month_tables,
    survey_breakdown,
    survey_trend,
    with_pair_cohorts,
)
from data_access.queries import ProgramFrames
from sample_data.generator import generate_program

AS_OF = date(2026, 6, 30)
MAY = pd.Timestamp("2026-05-04")
JUNE = pd.Timestamp("2026-06-08")
AFTER = pd.Timestamp("2026-07-01")
SCORES = {"satisfaction": 4, "relationship_quality": 4, "digital_confidence": 3, "nps": 9}
SCORE_TYPES = dict.fromkeys(QUESTIONS, "Int64")
SMALL = "hidden: fewer than 5 respondents"
SUBTRACTION = "hidden: would reveal a small group by subtraction"


# --- Hand-made programs --------------------------------------------------------------------------
def _person(participant_id: str, department: str, role: str = "mentee") -> dict[str, object]:
    return {
        "participant_id": participant_id,
        "name": f"Person {participant_id}",
        "email": f"{participant_id.lower()}@example.com",
        "role": role,
        "department": department,
        "birth_year": 1970,
    }


def _answer(participant_id: str, **values: object) -> dict[str, object]:
    """One response of the import format: a May pulse in cohort C1 with the usual scores."""
    return {
        "participant_id": participant_id,
        "pair_id": None,
        "cohort_id": "C1",
        "submitted_on": MAY,
        "kind": "pulse",
        **SCORES,
        "comment": None,
        **values,
    }


def _frames(answers: list[dict], people: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Responses (scores as nullable integers, like a loaded store) and participants."""
    responses = pd.DataFrame(answers).astype(SCORE_TYPES)
    responses.insert(0, "response_id", [f"S{number}" for number in range(len(responses))])
    return responses, pd.DataFrame(people)


def _departments(scores: dict[str, list[dict[str, object]]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One person per entry of each department's list, answering once with those values."""
    people, answers = [], []
    for department, answers_of_department in scores.items():
        for index, values in enumerate(answers_of_department):
            person = f"{department}-{index}"
            people.append(_person(person, department))
            answers.append(_answer(person, **values))
    return _frames(answers, people)


def _sized(sizes: dict[str, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    return _departments({department: [{}] * size for department, size in sizes.items()})


def _by_department(responses: pd.DataFrame, people: pd.DataFrame, **options) -> pd.DataFrame:
    return survey_breakdown(responses, people, by="department", as_of=AS_OF, **options).set_index(
        "group"
    )


def test_small_departments_are_hidden_and_the_others_shown_exactly() -> None:
    responses, people = _departments(
        {
            "Finance": [{"satisfaction": 1, "nps": 0}] * 3,
            "Legal": [{"satisfaction": 2, "nps": 0}] * 4,
            "HR": [
                {"satisfaction": 5, "relationship_quality": 4, "nps": 10},
                {"satisfaction": 4, "relationship_quality": 4, "nps": 9},
                {"satisfaction": 4, "relationship_quality": 5, "nps": 9},
                {"satisfaction": 3, "relationship_quality": 5, "nps": 8},
                {"satisfaction": 5, "relationship_quality": 3, "nps": 6},
                {"satisfaction": 2, "relationship_quality": 3, "nps": 2},
            ],
            "Sales": [{}] * 8,
        }
    )
    # HR-0 answers a second time, with no digital confidence and no NPS.
    again = _answer(
        "HR-0", satisfaction=3, relationship_quality=4, digital_confidence=None, nps=None
    )
    responses, _ = _frames([*responses.drop(columns="response_id").to_dict("records"), again], [])
    table = _by_department(responses, people)

    assert table.index.tolist() == ["Finance", "HR", "Legal", "Sales", ALL]
    for small in ("Finance", "Legal"):
        assert table.loc[small, "note"] == SMALL
        assert not table.loc[small, "shown"]
        assert table.loc[small, ["respondents", "responses"]].isna().all()
        assert table.loc[small, list(QUESTIONS)].isna().all()
    # Finance and Legal are hidden together (7 people), so nothing else has to go.
    hr = table.loc["HR"]
    assert hr["shown"] and hr["note"] == ""
    assert (hr["respondents"], hr["responses"]) == (6, 7)
    assert hr["satisfaction"] == pytest.approx(26 / 7)  # (5 + 4 + 4 + 3 + 5 + 2 + 3) ÷ 7
    assert hr["relationship_quality"] == pytest.approx(4.0)  # (4 + 4 + 5 + 5 + 3 + 3 + 4) ÷ 7
    assert hr["digital_confidence"] == pytest.approx(3.0)  # six 3s; the blank does not count
    assert hr["nps"] == pytest.approx(100 / 6)  # 3 promoters, 2 detractors of 6 answers
    assert table.loc["Sales", ["satisfaction", "nps"]].tolist() == [4.0, 100.0]
    everyone = table.loc[ALL]
    assert everyone["shown"] and (everyone["respondents"], everyone["responses"]) == (21, 22)
    assert everyone["satisfaction"] == pytest.approx(69 / 22)  # (3×1 + 4×2 + 26 + 8×4) ÷ 22
    assert everyone["nps"] == pytest.approx(200 / 21)  # 11 promoters, 9 detractors of 21


def test_one_small_department_takes_the_next_smallest_with_it() -> None:
    finance_ones = {"Finance": [{"satisfaction": 1}] * 3, "HR": [{"satisfaction": 5}] * 6}
    sales = {"Sales": [{"satisfaction": score} for score in (4, 4, 4, 5, 5, 5, 3)]}
    table = _by_department(*_departments({**finance_ones, **sales}))

    assert table["note"].to_dict() == {
        "Finance": SMALL,
        "HR": SUBTRACTION,
        "Sales": "",
        ALL: "",
    }
    # Subtraction gives the hidden groups' total, never Finance's: one equation, two unknowns.
    everyone, shown = table.loc[ALL], table.loc["Sales"]
    hidden_sum = (
        everyone["satisfaction"] * everyone["responses"]
        - shown["satisfaction"] * shown["responses"]
    )
    assert hidden_sum == pytest.approx(3 * 1 + 6 * 5)  # Finance + HR, 9 people together
    # A program where Finance answered 5s and HR 3s publishes exactly the same table.
    finance_fives = {"Finance": [{"satisfaction": 5}] * 3, "HR": [{"satisfaction": 3}] * 6}
    other = _by_department(*_departments({**finance_fives, **sales}))
    pd.testing.assert_frame_equal(table, other)


def test_groups_at_the_minimum_are_shown_and_a_program_below_it_shows_nothing() -> None:
    assert _by_department(*_sized({"Finance": 5, "HR": 6}))["shown"].all()
    tiny = _by_department(*_sized({"Finance": 2, "HR": 2}))
    assert not tiny["shown"].any()
    assert tiny.loc[ALL, "note"] == SMALL
    nothing = survey_breakdown(
        *_sized({"Finance": 5}), by="department", as_of=date(2026, 1, 1)
    ).set_index("group")
    assert nothing.index.tolist() == [ALL] and not nothing.loc[ALL, "shown"]


def test_a_question_few_answered_is_blank_in_a_shown_row() -> None:
    # Marketing: 8 people, only 2 of them gave an NPS. IT: 10 people, all gave one.
    marketing = [{"nps": 10}, {"nps": 0}] + [{"nps": None}] * 6
    table = _by_department(*_departments({"Marketing": marketing, "IT": [{"nps": 9}] * 10}))

    assert table.loc["Marketing", "shown"]
    assert table.loc["Marketing", "satisfaction"] == 4.0
    assert np.isnan(table.loc["Marketing", "nps"])
    assert table.loc["Marketing", "note"] == "nps hidden: fewer than 5 respondents answered"
    # All's NPS (12 answers) minus IT's would be Marketing's two answers: IT's NPS goes too.
    assert np.isnan(table.loc["IT", "nps"])
    assert table.loc["IT", "note"] == "nps hidden: would reveal a small group by subtraction"
    assert table.loc[ALL, "nps"] == pytest.approx(100 * (11 - 1) / 12)


def test_a_question_nobody_answered_is_blank_without_a_note() -> None:
    baseline = {"kind": "baseline", "satisfaction": None, "relationship_quality": None}
    table = _by_department(*_departments({"Sales": [baseline] * 6}))
    assert table.loc["Sales", "shown"] and table.loc["Sales", "note"] == ""
    assert np.isnan(table.loc["Sales", "satisfaction"])


def test_breakdowns_by_cohort_kind_month_role_and_generation() -> None:
    responses, people = _sized({"Sales": 12})
    people.loc[people.index[:6], "role"] = "mentor"
    people.loc[people.index[:3], "birth_year"] = 2001
    later = responses.assign(submitted_on=JUNE, kind="exit", cohort_id=None)
    both = pd.concat([responses, later], ignore_index=True)

    def groups(by: str) -> dict[str, int | None]:
        table = survey_breakdown(both, people, by=by, as_of=AS_OF).set_index("group")
        return {group: None if pd.isna(n) else n for group, n in table["respondents"].items()}

    assert groups("cohort") == {"C1": 12, "No cohort": 12, ALL: 12}
    assert groups("kind") == {"pulse": 12, "exit": 12, ALL: 12}  # in the order they are sent
    assert groups("month") == {"2026-05": 12, "2026-06": 12, ALL: 12}
    assert groups("role") == {"mentee": 6, "mentor": 6, ALL: 12}
    # Gen Z has 3 people: hidden, and Gen X (the only other group) with it.
    assert groups("generation") == {"Gen X": None, "Gen Z": None, ALL: 12}
    with pytest.raises(ValueError, match="unknown breakdown"):
        survey_breakdown(both, people, by="location", as_of=AS_OF)


# --- The trend -----------------------------------------------------------------------------------
def test_trend_by_role_hides_a_role_the_month_total_would_give_away() -> None:
    people = [_person(f"M{index}", "Sales", "mentor") for index in range(8)]
    people += [_person(f"E{index}", "Sales", "mentee") for index in range(8)]
    may = [_answer(f"M{index}", satisfaction=2) for index in range(3)]  # 3 mentors in May
    may += [_answer(f"E{index}", satisfaction=5) for index in range(6)]
    june = [_answer(person["participant_id"], submitted_on=JUNE) for person in people]
    responses, participants = _frames(may + june, people)

    trend = survey_trend(responses, participants, as_of=AS_OF, by_role=True)
    cells = trend.set_index(["role", "month"])["note"].to_dict()
    # May: 3 mentors (small); the May total (9) minus May's mentees would give them away, so
    # May's mentees go too. Then the mentors' total minus June's mentors would give May's
    # mentors away: June's mentors go, and June's mentees with them for the June total.
    assert cells == {
        ("mentee", "2026-05"): SUBTRACTION,
        ("mentee", "2026-06"): SUBTRACTION,
        ("mentor", "2026-05"): SMALL,
        ("mentor", "2026-06"): SUBTRACTION,
    }
    # The totals stay: each gives away only hidden cells taken together, two or more of them.
    months = survey_trend(responses, participants, as_of=AS_OF).set_index("month")
    assert months["respondents"].to_dict() == {"2026-05": 9, "2026-06": 16}
    assert months.loc["2026-05", "satisfaction"] == pytest.approx((3 * 2 + 6 * 5) / 9)
    roles = survey_breakdown(responses, participants, by="role", as_of=AS_OF)
    assert roles["shown"].all()


def test_a_role_that_answered_in_one_month_only_takes_the_totals_with_it() -> None:
    people = [_person(f"M{index}", "Sales", "mentor") for index in range(8)]
    people += [_person(f"E{index}", "Sales", "mentee") for index in range(6)]
    may = [_answer(f"M{index}") for index in range(3)] + [_answer(f"E{i}") for i in range(6)]
    june = [_answer(f"M{index}", submitted_on=JUNE) for index in range(8)]
    responses, participants = _frames(may + june, people)

    trend = survey_trend(responses, participants, as_of=AS_OF, by_role=True)
    assert not trend["shown"].any()
    # The mentees' total is their May cell and June's total is June's mentors, so May's three
    # mentors would be May's total minus the mentees' total, or the mentors' total minus June's
    # total: those totals go too, and with them the other role and the other month.
    roles = survey_breakdown(responses, participants, by="role", as_of=AS_OF)
    months = survey_breakdown(responses, participants, by="month", as_of=AS_OF)
    for table in (roles, months):
        assert table["shown"].tolist() == [False, False, True]
        assert table["group"].iloc[-1] == ALL and table["respondents"].iloc[-1] == 14


def test_trend_without_roles_is_the_month_breakdown() -> None:
    responses, people = _sized({"Sales": 7, "HR": 3})
    june = responses.assign(submitted_on=JUNE)
    both = pd.concat([responses, june.iloc[:4]], ignore_index=True)
    by_month = survey_breakdown(both, people, by="month", as_of=AS_OF)
    trend = survey_trend(both, people, as_of=AS_OF)
    expected = by_month[by_month["group"] != ALL].rename(columns={"group": "month"})
    pd.testing.assert_frame_equal(trend, expected)
    # June has 4 respondents: hidden. They all answered in May too, so All, which stood at May's
    # end, changed by 4 people since: hidden as well, and May (All minus June) can be shown.
    assert trend["note"].tolist() == ["", SMALL]
    assert by_month["note"].iloc[-1] == (
        "hidden: fewer than 5 respondents changed it since an earlier month's figure"
    )


# --- Comments ------------------------------------------------------------------------------------
def _commented(sizes: dict[str, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    return _departments(
        {
            department: [{"comment": f"{department} comment {index}"} for index in range(size)]
            for department, size in sizes.items()
        }
    )


def test_comments_only_for_groups_of_ten_or_more() -> None:
    responses, people = _commented({"Finance": 9, "Legal": 3, "Sales": 10})

    def comments(group: str) -> list[str]:
        return comments_for(responses, people, as_of=AS_OF, by="department", group=group)

    assert comments("Finance") == []
    assert comments("Legal") == []
    assert comments("Sales") == sorted(f"Sales comment {index}" for index in range(10))
    assert len(comments(ALL)) == 22
    assert comments_for(responses, people, as_of=AS_OF) == comments(ALL)
    assert comments("Marketing") == []


def test_comments_of_a_group_that_would_give_away_a_smaller_one_are_withheld() -> None:
    responses, people = _commented({"Finance": 9, "Sales": 10, "HR": 25})
    by_department = {
        group: comments_for(responses, people, as_of=AS_OF, by="department", group=group)
        for group in ("Finance", "Sales", "HR", ALL)
    }
    # All's comments minus HR's and Sales's would be Finance's nine: Sales's are withheld too.
    assert by_department["Finance"] == by_department["Sales"] == []
    assert len(by_department["HR"]) == 25 and len(by_department[ALL]) == 44


def test_comments_never_carry_a_name_an_email_or_an_id() -> None:
    mentions = [
        {"comment": "Thanks to person e-0 (e-0@example.com), and to PERSON  M-1!"},
        {"comment": "   "},
        {"comment": None},
        *[{"comment": f"Useful session {index}."} for index in range(9)],
    ]
    responses, people = _departments({"E": mentions})
    people = pd.concat([people, pd.DataFrame([_person("M-1", "IT", "mentor")])])
    comments = comments_for(responses, people, as_of=AS_OF)

    assert comments[0] == "Thanks to [redacted] ([redacted]), and to [redacted]!"
    assert comments[1:] == [f"Useful session {index}." for index in range(9)]
    identifiers = pd.concat([people["participant_id"], people["name"], people["email"]])
    text = " ".join(comments).lower()
    assert not any(identifier.lower() in text for identifier in identifiers)


def test_a_name_is_redacted_wherever_it_stands_and_only_whole() -> None:
    mentions = [
        {"comment": "person e-0"},
        {"comment": "Person E-0's idea, said person E-0’s friend"},
        {"comment": "personal e-0x, e-00 and person e-"},
        *[{"comment": f"Useful session {index}."} for index in range(9)],
    ]
    responses, people = _departments({"E": mentions})
    comments = comments_for(responses, people, as_of=AS_OF)

    assert "[redacted]" in comments
    assert "[redacted]'s idea, said [redacted]’s friend" in comments
    assert "personal e-0x, e-00 and person e-" in comments


def test_the_trend_by_month_is_the_breakdown_by_month_without_its_all_row() -> None:
    # The Surveys screen draws the trend from the breakdown by month it already decided.
    sizes = {("Sales", "A"): 12, ("Sales", "B"): 3, ("IT", "A"): 10, ("IT", "B"): 4}
    responses, people = _in_cohorts(sizes)
    for cohorts in (None, ["A"], ["B"]):
        options = {"as_of": AS_OF, "cohorts": cohorts}
        months = survey_breakdown(responses, people, by="month", **options)
        expected = months[months["group"] != ALL].rename(columns={"group": "month"})
        pd.testing.assert_frame_equal(survey_trend(responses, people, **options), expected)


def test_role_and_month_tables_are_the_three_tables_asked_one_by_one() -> None:
    sizes = {("Sales", "A"): 12, ("Sales", "B"): 3, ("IT", "A"): 10, ("IT", "B"): 4}
    responses, people = _in_cohorts(sizes)
    for cohorts in (None, ["A"], ["B"], ["A", "B"]):
        options = {"as_of": AS_OF, "cohorts": cohorts}
        tables = role_and_month_tables(responses, people, **options)
        expected = {
            "by_role": survey_breakdown(responses, people, by="role", **options),
            "by_month": survey_breakdown(responses, people, by="month", **options),
            "by_role_and_month": survey_trend(responses, people, by_role=True, **options),
        }
        for name, table in expected.items():
            pd.testing.assert_frame_equal(getattr(tables, name), table, obj=f"{name} {cohorts}")
            assert len(table)


def test_comments_by_group_lists_what_comments_for_lists_group_by_group() -> None:
    sizes = {("Sales", "A"): 12, ("Sales", "B"): 3, ("IT", "A"): 10, ("IT", "B"): 10}
    responses, people = _in_cohorts({**sizes, ("HR", "A"): 11, ("HR", "B"): 12})
    responses["comment"] = responses["response_id"]
    groups = ["Sales", "IT", "HR", "Marketing", ALL]
    for cohorts in (None, ["A"], ["B"], ["A", "B"]):
        options = {"as_of": AS_OF, "by": "department", "cohorts": cohorts}
        together = comments_by_group(responses, people, groups=groups, **options)
        one_by_one = {
            group: comments_for(responses, people, group=group, **options) for group in groups
        }
        assert together == one_by_one
        assert any(together.values())


# --- Settings, generations, the as-of date ------------------------------------------------------
@pytest.mark.parametrize("minimum", [2, 11])
def test_the_minimum_must_be_3_to_10(minimum: int) -> None:
    with pytest.raises(ValueError, match="between 3 and 10"):
        AnonymitySettings(min_respondents=minimum, min_comment_group=20)


@pytest.mark.parametrize("minimum", [3, 10])
def test_the_minimum_accepts_3_to_10(minimum: int) -> None:
    assert AnonymitySettings(min_respondents=minimum).min_respondents == minimum


def test_the_comment_threshold_cannot_be_below_the_minimum() -> None:
    with pytest.raises(ValueError, match="comment threshold"):
        AnonymitySettings(min_respondents=6, min_comment_group=5)


def test_generation_bands() -> None:
    years = pd.Series([1945, 1946, 1964, 1965, 1980, 1981, 1996, 1997, 2012, 2013, None])
    assert generation(years).tolist() == [
        "Unknown",
        "Baby Boomers",
        "Baby Boomers",
        "Gen X",
        "Gen X",
        "Millennials",
        "Millennials",
        "Gen Z",
        "Gen Z",
        "Unknown",
        "Unknown",
    ]
    assert generation(pd.Series([1990, pd.NA], dtype="Int64")).tolist() == [
        "Millennials",
        "Unknown",
    ]


def _everything(responses: pd.DataFrame, people: pd.DataFrame, **options) -> list[object]:
    """Every output of the module for one program."""
    tables = [survey_breakdown(responses, people, by=by, **options) for by in BREAKDOWNS]
    tables += [survey_trend(responses, people, **options, by_role=flag) for flag in (False, True)]
    comments = [
        comments_for(responses, people, by="department", group=group, **options)
        for group in [*people["department"].unique(), ALL]
    ]
    return [*tables, comments]


def _assert_same(before: list[object], after: list[object]) -> None:
    for left, right in zip(before[:-1], after[:-1], strict=True):
        pd.testing.assert_frame_equal(left, right)
    assert before[-1] == after[-1]


def test_responses_after_the_as_of_date_change_nothing() -> None:
    responses, people = _commented({"Finance": 6, "HR": 12})
    later = responses.assign(submitted_on=AFTER, satisfaction=1, nps=0, comment="later")
    _assert_same(
        _everything(responses, people, as_of=AS_OF),
        _everything(pd.concat([responses, later]), people, as_of=AS_OF),
    )


# --- Properties ----------------------------------------------------------------------------------
def _raw_groups(answered: pd.DataFrame, people: pd.DataFrame, by: str) -> pd.Series:
    """The group of each response, worked out here independently of the module."""
    if by == "cohort":
        return answered["cohort_id"].fillna("No cohort")
    if by == "kind":
        return answered["kind"]
    if by == "month":
        return answered["submitted_on"].dt.strftime("%Y-%m")
    indexed = people.set_index("participant_id")
    attribute = generation(indexed["birth_year"]) if by == "generation" else indexed[by]
    return answered["participant_id"].map(attribute).fillna("Unknown")


def _check_cells(
    published: dict[object, pd.Series],
    raw: dict[object, pd.DataFrame],
    lines: list[tuple[object, list[object]]],
    minimum: int,
) -> None:
    """No published figure rests on fewer than `minimum` people, and no hidden cell of fewer than
    `minimum` people can be worked out from the published totals (for the counts, each question's
    sum, and through any combination of the lines' equations)."""
    for question in (None, *QUESTIONS):
        people = {
            cell: set(
                frame["participant_id"]
                if question is None
                else frame.loc[frame[question].notna(), "participant_id"]
            )
            for cell, frame in raw.items()
        }
        shown = {
            cell: bool(row["shown"]) and (question is None or not np.isnan(row[question]))
            for cell, row in published.items()
        }
        for cell, members in people.items():
            if shown[cell] and members:
                assert len(members) >= minimum, (question, cell)
        unknowns = [cell for cell in raw if not shown[cell] and people[cell]]
        for total, parts in lines:
            if shown[total]:
                together = set().union(*(people[part] for part in parts if not shown[part]))
                assert not together or len(together) >= minimum, (question, total, together)
        equations = [
            {cell: (-1 if cell == total else 1) for cell in [total, *parts] if cell in unknowns}
            for total, parts in lines
        ]
        for cell in _determined(unknowns, [equation for equation in equations if equation]):
            assert len(people[cell]) >= minimum, (question, cell)


def _determined(unknowns: list[object], equations: list[dict[object, int]]) -> list[object]:
    """The unknowns whose value follows from the equations (each: coefficients → a known sum):
    those whose unit vector is in the equations' row space, i.e. adding it as one more equation
    would not raise the rank — the same as being orthogonal to every solution of the
    homogeneous system (a null-space basis from one SVD, for speed)."""
    if not equations:
        return []
    matrix = np.array([[equation.get(cell, 0) for cell in unknowns] for equation in equations])
    _, values, rows = np.linalg.svd(matrix.astype(float), full_matrices=True)
    rank = int((values > values.max() * max(matrix.shape) * np.finfo(float).eps).sum())
    null = rows[rank:]
    return [cell for position, cell in enumerate(unknowns) if np.allclose(null[:, position], 0)]


def _check_program(responses: pd.DataFrame, people: pd.DataFrame, minimum: int) -> None:
    options = {
        "as_of": AS_OF,
        "settings": AnonymitySettings(min_respondents=minimum, min_comment_group=max(minimum, 10)),
    }
    answered = metrics.responses_as_of(responses, as_of=AS_OF)
    for by in BREAKDOWNS:
        table = survey_breakdown(responses, people, by=by, **options).set_index("group")
        groups = _raw_groups(answered, people, by)
        raw = {group: answered[groups == group] for group in groups.unique()} | {ALL: answered}
        assert sorted(table.index) == sorted(raw)
        published = {group: table.loc[group] for group in raw}
        _check_cells(published, raw, [(ALL, [group for group in raw if group != ALL])], minimum)
    # The trend by role, with the margins published elsewhere: month totals, role totals, All.
    trend = survey_trend(responses, people, **options, by_role=True).set_index(["role", "month"])
    months = survey_trend(responses, people, **options).set_index("month")
    roles = survey_breakdown(responses, people, by="role", **options).set_index("group")
    role, month = _raw_groups(answered, people, "role"), _raw_groups(answered, people, "month")
    raw = {(r, m): frame for (r, m), frame in answered.groupby([role, month])}
    raw |= {(ALL, m): frame for m, frame in answered.groupby(month)}
    raw |= {(r, ALL): frame for r, frame in answered.groupby(role)} | {(ALL, ALL): answered}
    published = {cell: trend.loc[cell] for cell in raw if ALL not in cell}
    published |= {(ALL, m): months.loc[m] for m in month.unique()}
    published |= {(r, ALL): roles.loc[r] for r in [*role.unique(), ALL]}
    inner = [cell for cell in raw if ALL not in cell]
    lines = [
        ((ALL, ALL), [(ALL, m) for m in month.unique()]),
        ((ALL, ALL), [(r, ALL) for r in role.unique()]),
        *[((ALL, m), [cell for cell in inner if cell[1] == m]) for m in month.unique()],
        *[((r, ALL), [cell for cell in inner if cell[0] == r]) for r in role.unique()],
    ]
    assert len(trend) == len(inner)
    _check_cells(published, raw, lines, minimum)
    _check_comments(responses, people, options)


def _check_comments(responses: pd.DataFrame, people: pd.DataFrame, options: dict) -> None:
    """All's comments minus the listed groups' comments never come from a small group."""
    threshold = options["settings"].min_comment_group
    author = dict(zip(responses["comment"], responses["participant_id"], strict=True))
    everyone = comments_for(responses, people, **options)
    for by in BREAKDOWNS:
        answered = metrics.responses_as_of(responses, as_of=AS_OF)
        listed = [
            comments_for(responses, people, by=by, group=group, **options)
            for group in _raw_groups(answered, people, by).unique()
        ]
        for comments in listed:
            assert not comments or len({author[text] for text in comments}) >= threshold
        derived = set(everyone).difference(*listed)
        assert not derived or len({author[text] for text in derived}) >= threshold


@st.composite
def programs(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """A random small program: departments of 1–15 people answering 1–3 times over five months
    (some after the as-of date), blank answers here and there, and a random minimum."""
    sizes = draw(st.lists(st.integers(1, 15), min_size=1, max_size=5))
    people, answers, numbers = [], [], count()
    score = st.one_of(st.none(), st.integers(1, 5))
    for department, size in enumerate(sizes):
        for index in range(size):
            person = _person(f"P{department}-{index}", f"D{department}")
            person["role"] = draw(st.sampled_from(["mentor", "mentee"]))
            person["birth_year"] = draw(st.sampled_from([1950, 1970, 1990, 2001, None]))
            people.append(person)
            for _ in range(draw(st.integers(1, 3))):
                answers.append(
                    _answer(
                        person["participant_id"],
                        cohort_id=draw(st.sampled_from(["C1", "C2", None])),
                        submitted_on=AFTER - pd.Timedelta(days=draw(st.integers(-20, 120))),
                        kind=draw(st.sampled_from(KINDS)),
                        satisfaction=draw(score),
                        relationship_quality=draw(score),
                        digital_confidence=draw(score),
                        nps=draw(st.one_of(st.none(), st.integers(0, 10))),
                        comment=f"comment {next(numbers)}",
                    )
                )
    responses, participants = _frames(answers, people)
    return responses, participants, draw(st.integers(3, 10))


@pytest.mark.slow
@settings(max_examples=50, deadline=None)
@given(programs())
def test_no_small_group_is_shown_or_derivable(program: tuple) -> None:
    responses, people, minimum = program
    _check_program(responses, people, minimum)


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(programs(), st.data())
def test_results_never_depend_on_later_responses(program: tuple, data: st.DataObject) -> None:
    responses, people, minimum = program
    options = {"as_of": AS_OF, "settings": AnonymitySettings(min_respondents=minimum)}
    later = responses.sample(frac=0.5, random_state=data.draw(st.integers(0, 1000))).assign(
        submitted_on=AFTER, satisfaction=1, nps=0, comment="later"
    )
    _assert_same(
        _everything(responses, people, **options),
        _everything(pd.concat([responses, later]), people, **options),
    )


def test_the_sample_program_keeps_the_rule() -> None:
    program = generate_program(scale="demo", anchor=AS_OF)
    responses = metrics.as_timestamps(program["surveys"], ["submitted_on"])
    _check_program(responses.assign(comment=responses["response_id"]), program["participants"], 5)


# --- Cohort filters ------------------------------------------------------------------------------
def _subsets(cohorts: list[str]) -> list[tuple[str, ...]]:
    """Every non-empty subset of `cohorts`."""
    return [subset for size in range(1, len(cohorts) + 1) for subset in combinations(cohorts, size)]


class _Published:
    """Cells of crossed groups and what the module published of them: every cell is the sum of
    the inner cells of its support (an inner cell's support is itself; inner cells are never
    published), and may be published by several tables (shown where any of them shows it)."""

    def __init__(self, answered: pd.DataFrame, keys: list[pd.Series]) -> None:
        self.raw = {
            key if isinstance(key, tuple) else (key,): frame
            for key, frame in answered.groupby(keys, sort=False)
        }
        self.inner = list(self.raw)
        self.support = {cell: frozenset({cell}) for cell in self.raw}
        self.rows: dict[object, list[pd.Series]] = {}
        self.lines: list[tuple[object, list[object]]] = []

    def add(self, cell: object, inner: list[object], row: pd.Series) -> None:
        """`row` publishes `cell`, the sum of the inner cells `inner` that have responses."""
        members = frozenset(part for part in inner if part in self.inner)
        assert members, cell
        self.raw[cell] = pd.concat([self.raw[part] for part in sorted(members)])
        self.support[cell] = members
        self.rows.setdefault(cell, []).append(row)

    def check(self, unfiltered: set[object], minimum: int) -> None:
        """No published figure rests on fewer than `minimum` people, no published line's hidden
        cells together are fewer than `minimum`, and no hidden cell of fewer than `minimum`
        people can be solved for from all published figures together — unless the whole
        program's tables (the cells `unfiltered`) alone give it away."""
        for question in (None, *QUESTIONS):
            people = {
                cell: set(
                    frame["participant_id"]
                    if question is None
                    else frame.loc[frame[question].notna(), "participant_id"]
                )
                for cell, frame in self.raw.items()
            }
            shown = {
                cell: any(
                    bool(row["shown"]) and (question is None or not np.isnan(row[question]))
                    for row in self.rows.get(cell, [])
                )
                for cell in self.raw
            }
            for cell, members in people.items():
                if shown[cell] and members:
                    assert len(members) >= minimum, (question, cell)
            for total, parts in self.lines:
                if shown[total]:
                    together = set().union(*(people[part] for part in parts if not shown[part]))
                    assert not together or len(together) >= minimum, (question, total, together)
            everything = self._solvable({cell for cell in self.raw if shown[cell]}, people)
            already = self._solvable({cell for cell in unfiltered if shown[cell]}, people)
            for cell in set(everything) - set(already):
                assert len(people[cell]) >= minimum, (question, cell, people[cell])

    def _solvable(self, known: set[object], people: dict[object, set[str]]) -> list[object]:
        unknowns = [cell for cell in self.raw if cell not in known and people[cell]]
        equations = [
            {part: (-1 if part == cell else 1) for part in [cell, *support] if part in unknowns}
            for cell, support in self.support.items()
            if cell not in self.inner
        ]
        return _determined(unknowns, [equation for equation in equations if equation])


def _check_filtered_program(responses: pd.DataFrame, people: pd.DataFrame, minimum: int) -> None:
    """Every breakdown published for the whole program and for every set of its cohorts: the
    rule holds for all of them together (`_Published.check`)."""
    options = {"as_of": AS_OF, "settings": AnonymitySettings(minimum, max(minimum, 10))}
    answered = metrics.responses_as_of(responses, as_of=AS_OF)
    cohort = answered["cohort_id"].fillna("No cohort")
    subsets = _subsets(sorted(set(responses["cohort_id"].dropna())))

    def table(by: str, cohorts: tuple[str, ...] | None = None) -> pd.DataFrame:
        return survey_breakdown(responses, people, by=by, cohorts=cohorts, **options).set_index(
            "group"
        )

    by_cohort = table("cohort")
    for by in ("department", "generation", "kind", "cohort"):
        groups = _raw_groups(answered, people, by)
        cells = _Published(answered, [groups, cohort])
        inner, whole = list(cells.inner), table(by)
        for group in groups.unique():
            cells.add((group, ALL), [cell for cell in inner if cell[0] == group], whole.loc[group])
        for c in cohort.unique():
            cells.add((ALL, c), [cell for cell in inner if cell[1] == c], by_cohort.loc[c])
        cells.add((ALL, ALL), inner, whole.loc[ALL])
        cells.add((ALL, ALL), inner, by_cohort.loc[ALL])
        unfiltered = set(cells.rows)
        for subset in subsets:
            narrowed = table(by, subset)
            inside = [cell for cell in inner if cell[1] in subset]
            for group, row in narrowed.iterrows():
                if mine := [cell for cell in inside if group in (ALL, cell[0])]:
                    cells.add((group, subset), mine, row)
            groups_in = [(group, subset) for group in narrowed.index if group != ALL]
            cells.lines.append(((ALL, subset), groups_in))
        cells.check(unfiltered, minimum)
    _check_filtered_roles_and_months(responses, people, minimum)


def _check_filtered_roles_and_months(
    responses: pd.DataFrame, people: pd.DataFrame, minimum: int
) -> None:
    """The role, month and role × month tables of the whole program and of every set of its
    cohorts, with the cohort breakdown: the rule holds for all of them together."""
    options = {"as_of": AS_OF, "settings": AnonymitySettings(minimum, max(minimum, 10))}
    answered = metrics.responses_as_of(responses, as_of=AS_OF)
    role, month = _raw_groups(answered, people, "role"), _raw_groups(answered, people, "month")
    cohort = answered["cohort_id"].fillna("No cohort")
    cells = _Published(answered, [role, month, cohort])
    inner = list(cells.inner)

    def tables(cohorts: tuple[str, ...] | None) -> tuple[pd.DataFrame, ...]:
        def by(what: str) -> pd.DataFrame:
            return survey_breakdown(
                responses, people, by=what, cohorts=cohorts, **options
            ).set_index("group")

        trend = survey_trend(responses, people, by_role=True, cohorts=cohorts, **options)
        return by("role"), by("month"), trend.set_index(["role", "month"])

    def publish(place: object, roles: pd.DataFrame, months: pd.DataFrame, trend: pd.DataFrame):
        mine = [cell for cell in inner if place == ALL or cell[2] in place]
        for r, row in roles.drop(index=ALL).iterrows():
            cells.add((r, ALL, place), [cell for cell in mine if cell[0] == r], row)
        for m, row in months.drop(index=ALL).iterrows():
            cells.add((ALL, m, place), [cell for cell in mine if cell[1] == m], row)
        for (r, m), row in trend.iterrows():
            cells.add((r, m, place), [cell for cell in mine if cell[:2] == (r, m)], row)
        if mine:
            cells.add((ALL, ALL, place), mine, roles.loc[ALL])
            cells.add((ALL, ALL, place), mine, months.loc[ALL])
        for r in roles.index.drop(ALL):
            parts = [(r, m, place) for (r2, m) in trend.index if r2 == r]
            cells.lines.append(((r, ALL, place), parts))
        for m in months.index.drop(ALL):
            parts = [(r, m, place) for (r, m2) in trend.index if m2 == m]
            cells.lines.append(((ALL, m, place), parts))
        groups = [(r, ALL, place) for r in roles.index.drop(ALL)]
        cells.lines.append(((ALL, ALL, place), groups))
        cells.lines.append(((ALL, ALL, place), [(ALL, m, place) for m in months.index.drop(ALL)]))

    publish(ALL, *tables(None))
    by_cohort = survey_breakdown(responses, people, by="cohort", **options).set_index("group")
    for c in cohort.unique():
        cells.add((ALL, ALL, c), [cell for cell in inner if cell[2] == c], by_cohort.loc[c])
    cells.add((ALL, ALL, ALL), inner, by_cohort.loc[ALL])
    unfiltered = set(cells.rows)
    for subset in _subsets(sorted(set(responses["cohort_id"].dropna()))):
        publish(subset, *tables(subset))
    cells.check(unfiltered, minimum)


def _in_cohorts(sizes: dict[tuple[str, str], int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One person per (department, cohort) place, answering once in that cohort."""
    people, answers = [], []
    for (department, cohort), size in sizes.items():
        for index in range(size):
            person = f"{department}-{cohort}-{index}"
            people.append(_person(person, department))
            answers.append(_answer(person, cohort_id=cohort))
    return _frames(answers, people)


def test_a_department_in_one_cohort_cannot_be_subtracted_from_the_whole() -> None:
    # Finance: 5 people in C1 and 2 in C2; HR: 6 and 6. The whole program shows Finance (7).
    sizes = {("Finance", "C1"): 5, ("Finance", "C2"): 2, ("HR", "C1"): 6, ("HR", "C2"): 6}
    responses, people = _in_cohorts(sizes)
    assert _by_department(responses, people).loc["Finance", "respondents"] == 7
    # Narrowing the responses first would show Finance in C1 (5): 7 − 5 gives away C2's two.
    narrowed = responses[responses["cohort_id"] == "C1"]
    assert _by_department(narrowed, people).loc["Finance", "respondents"] == 5
    # With cohorts=, Finance in C2 is small; Finance's total is shown, so Finance in C1 goes too;
    # then each cohort's total would give away its Finance from its HR: HR goes in both. Each
    # cohort's total stays: it gives the two departments together.
    for cohort in ("C1", "C2"):
        table = _by_department(responses, people, cohorts=[cohort])
        assert table.loc["Finance", "note"] == (SUBTRACTION if cohort == "C1" else SMALL)
        assert table.loc["HR", "note"] == SUBTRACTION
        assert table.loc[ALL, "respondents"] == (11 if cohort == "C1" else 8)
    # Both cohorts are the whole program: its own table.
    everything = _by_department(responses, people, cohorts=["C1", "C2"])
    pd.testing.assert_frame_equal(everything, _by_department(responses, people))
    _check_filtered_program(responses, people, 5)


def test_a_program_of_two_cohorts_minus_one_is_not_shown_when_the_other_is_hidden() -> None:
    sizes = {("Sales", "A"): 8, ("Sales", "B"): 2, ("Sales", "C"): 9}
    responses, people = _in_cohorts(sizes)
    by_cohort = survey_breakdown(responses, people, by="cohort", as_of=AS_OF).set_index("group")
    assert by_cohort["note"].to_dict() == {"A": SUBTRACTION, "B": SMALL, "C": "", ALL: ""}
    # A + B is shown nowhere: it would be the whole program minus C... and B it with A's.
    for chosen in (["A", "B"], ["B"], ["A"]):
        table = _by_department(responses, people, cohorts=chosen)
        assert not table["shown"].any(), chosen
    table = _by_department(responses, people, cohorts=["C"])
    assert table.loc[ALL, "respondents"] == 9 and table.loc["Sales", "respondents"] == 9
    _check_filtered_program(responses, people, 5)


def test_no_cohort_chosen_is_the_whole_program() -> None:
    responses, people = _in_cohorts({("Sales", "A"): 8, ("HR", "B"): 3, ("IT", "A"): 6})
    for cohorts in (None, [], ()):
        _assert_same(
            _everything(responses, people, as_of=AS_OF),
            _everything(responses, people, as_of=AS_OF, cohorts=cohorts),
        )


def test_trend_by_role_within_cohorts_keeps_the_rule() -> None:
    # Mentors and mentees in two cohorts over two months; in cohort B only 2 mentors answered in
    # June. Narrowed responses would show June's mentors in A and in the whole program.
    people, answers = [], []
    for cohort, role, month, size in [
        ("A", "mentor", MAY, 6),
        ("A", "mentor", JUNE, 6),
        ("A", "mentee", MAY, 7),
        ("A", "mentee", JUNE, 5),
        ("B", "mentor", JUNE, 2),
        ("B", "mentee", MAY, 6),
        ("B", "mentee", JUNE, 6),
    ]:
        for index in range(size):
            person = f"{cohort}-{role}-{month:%m}-{index}"
            people.append(_person(person, "Sales", role))
            answers.append(_answer(person, cohort_id=cohort, submitted_on=month))
    responses, participants = _frames(answers, people)
    whole = survey_trend(responses, participants, as_of=AS_OF, by_role=True)
    in_a = survey_trend(responses, participants, as_of=AS_OF, by_role=True, cohorts=["A"])
    june_mentors = ("mentor", "2026-06")
    assert whole.set_index(["role", "month"]).loc[june_mentors, "respondents"] == 8
    assert not in_a.set_index(["role", "month"]).loc[june_mentors, "shown"]
    _check_filtered_roles_and_months(responses, participants, 5)


def test_comments_within_cohorts_follow_the_crossed_table() -> None:
    sizes = {("Sales", "A"): 12, ("Sales", "B"): 3, ("IT", "A"): 10, ("IT", "B"): 10}
    responses, people = _in_cohorts({**sizes, ("HR", "A"): 11, ("HR", "B"): 12})
    responses["comment"] = responses["response_id"]

    def comments(group: str, cohorts: list[str]) -> list[str]:
        return comments_for(
            responses, people, as_of=AS_OF, by="department", group=group, cohorts=cohorts
        )

    # Sales in B (3 people) is withheld, and with it Sales in A (Sales's 15 are listed); then
    # each cohort's list would give away its Sales from the others: IT (the smallest) goes in
    # both. HR is listed in each cohort, and so is each cohort's whole list.
    assert len(comments_for(responses, people, as_of=AS_OF, by="department", group="Sales")) == 15
    for cohort in ("A", "B"):
        assert comments("Sales", [cohort]) == comments("IT", [cohort]) == []
    assert len(comments("HR", ["A"])) == 11 and len(comments("HR", ["B"])) == 12
    assert len(comments(ALL, ["A"])) == 33 and len(comments(ALL, ["B"])) == 25
    assert set(comments("HR", ["A"])) < set(comments(ALL, ["A"]))
    assert comments("Marketing", ["A"]) == []


def test_a_response_without_a_cohort_counts_in_its_pairs() -> None:
    responses = pd.DataFrame(
        {
            "participant_id": ["U1", "U2", "U3", "U4"],
            "pair_id": ["P1", "P2", None, "P2"],
            "cohort_id": [None, None, None, "C9"],
        }
    )
    pairs = pd.DataFrame({"pair_id": ["P1", "P2"], "cohort_id": ["C1", "C2"]})
    filled = with_pair_cohorts(responses, pairs)
    assert filled["cohort_id"].tolist() == ["C1", "C2", None, "C9"]
    # The same cohorts as app.cohort_narrowing narrows to.
    program = ProgramFrames(
        AS_OF,
        *[pd.DataFrame()] * 1,
        pd.DataFrame({"participant_id": []}),
        pairs.assign(mentor_id="M", mentee_id="E"),
        pd.DataFrame(index=pd.Index([])),
        pd.DataFrame({"pair_id": []}),
        responses,
    )
    for cohort in ("C1", "C2", "C9"):
        narrowed = program_for_cohorts(
            replace(program, cohorts=pd.DataFrame({"cohort_id": []})), [cohort]
        )
        assert (
            narrowed.surveys["participant_id"].tolist()
            == filled.loc[filled["cohort_id"] == cohort, "participant_id"].tolist()
        )


@st.composite
def programs_in_cohorts(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """A random small program of 2–4 cohorts: departments of 1–10 people answering 1–3 times
    over four months, in a random cohort (or none), blank answers here and there, and a random
    minimum."""
    cohorts = [f"C{number}" for number in range(1, draw(st.integers(2, 4)) + 1)]
    sizes = draw(st.lists(st.integers(1, 10), min_size=1, max_size=4))
    people, answers = [], []
    score = st.one_of(st.none(), st.integers(1, 5))
    for department, size in enumerate(sizes):
        for index in range(size):
            person = _person(f"P{department}-{index}", f"D{department}")
            person["role"] = draw(st.sampled_from(["mentor", "mentee"]))
            person["birth_year"] = draw(st.sampled_from([1970, 1990, 2001, None]))
            people.append(person)
            home = draw(st.sampled_from(cohorts))
            for _ in range(draw(st.integers(1, 3))):
                answers.append(
                    _answer(
                        person["participant_id"],
                        cohort_id=draw(st.sampled_from([home, home, *cohorts, None])),
                        submitted_on=AFTER - pd.Timedelta(days=draw(st.integers(1, 110))),
                        kind=draw(st.sampled_from(KINDS[:2])),
                        satisfaction=draw(score),
                        nps=draw(st.one_of(st.none(), st.integers(0, 10))),
                    )
                )
    responses, participants = _frames(answers, people)
    return responses, participants, draw(st.integers(3, 8))


@pytest.mark.slow
@settings(max_examples=12, deadline=None)
@given(programs_in_cohorts())
def test_no_small_group_can_be_derived_across_cohort_filters(program: tuple) -> None:
    responses, people, minimum = program
    _check_filtered_program(responses, people, minimum)
