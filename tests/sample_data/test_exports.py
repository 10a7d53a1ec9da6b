"""The sample exports of sample_data/exports are what make_exports writes from the demo program."""

import io

import openpyxl

from sample_data.exports import make_exports


def _cells(content: bytes) -> list[list[list[object]]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets]


def test_the_shipped_sample_exports_are_the_generators_output() -> None:
    for name, make in make_exports.FILES.items():
        shipped = (make_exports.HERE / name).read_bytes()
        if name.endswith(".xlsx"):  # a workbook's zip stamps its parts with the time written
            assert _cells(shipped) == _cells(make()), name
        else:
            assert shipped == make(), name


def test_every_survey_respondent_has_exactly_one_pair_that_day() -> None:
    people = make_exports.respondents(8, make_exports.SURVEY_DAY)
    assert len(people) == 8
    assert len({person["email"] for person in people}) == 8
