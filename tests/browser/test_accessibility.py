"""Every screen in Chromium at 1440 × 900: axe-core finds no text below a contrast of 4.5:1 and
no heading that skips a level, and the columns people act on are in view without scrolling.

axe-core is vendored (tests/browser/vendor/axe.min.js, MPL-2.0, its licence beside it): no
download at test time.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from components.access import screens_for
from scripts.served_app import select_first_row, wait_for_app

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
VIEWPORT = {"width": 1440, "height": 900}
RULES = ["color-contrast", "heading-order"]


@pytest.fixture
def wide_page(browser: Browser) -> Page:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def _open(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.wait_for_timeout(1_000)  # charts and tables draw after the run ends
    wait_for_app(page)


def _violations(page: Page) -> list[str]:
    """axe-core's contrast and heading-order findings on the page, one line each."""
    page.evaluate(AXE)
    found = page.evaluate(
        """async (rules) => {
            const result = await axe.run(document, {runOnly: rules});
            return result.violations.flatMap((rule) => rule.nodes.map((node) =>
                `${rule.id}: ${node.target.join(" ")}: ${node.failureSummary}`));
        }""",
        RULES,
    )
    return list(found)


@pytest.mark.parametrize(
    ("role", "screen"),
    [
        *(("program_manager", screen.key) for screen in screens_for("program_manager")),
        ("executive", "executive_summary"),
    ],
)
def test_no_screen_has_low_contrast_text_or_a_skipped_heading_level(
    app_url: str, wide_page: Page, role: str, screen: str
) -> None:
    _open(wide_page, f"{app_url}/{screen}?role={role}")
    assert _violations(wide_page) == []


def test_an_open_pair_keeps_the_heading_order(app_url: str, wide_page: Page) -> None:
    _open(wide_page, f"{app_url}/cohort_health?role=coordinator")
    select_first_row(wide_page)
    wide_page.get_by_text("(mentee)").first.wait_for()
    assert _violations(wide_page) == []


#: Per table: the screen, which of its tables (in page order) and the columns that must be in
#: view at 1440 px without scrolling sideways.
NEEDED = [
    ("cohort_health", 0, ["Mentor", "Mentee", "Band", "Health score", "Reasons"]),
    ("goals", 0, ["Goal", "Due", "Days overdue", "Mentor", "Mentee"]),
    (
        "executive_summary",
        1,
        [
            "Cohort",
            "Stage",
            "Active",
            "Stalled",
            "Healthy",
            "Cadence",
            "Goals done",
            "Satisfaction",
            "NPS",
            "Respondents",
            "Survey note",
        ],
    ),
]

# The grid draws on a canvas and keeps, for screen readers, one header element per column
# that is (at least partly) in its visible box: `aria-colindex` says which column it is.
HEADERS = """(table) => {
    const scroller = table.querySelector(".dvn-scroller");
    return {
        overflow: scroller.scrollWidth - scroller.clientWidth,
        headers: [...table.querySelectorAll("[role=columnheader]")].map((header) => [
            Number(header.getAttribute("aria-colindex")), header.textContent.trim(),
        ]),
    };
}"""


@pytest.mark.parametrize(("screen", "index", "columns"), NEEDED)
def test_the_columns_people_need_are_in_view_at_1440_px(
    app_url: str, wide_page: Page, screen: str, index: int, columns: list[str]
) -> None:
    _open(wide_page, f"{app_url}/{screen}?role=program_manager")
    table = wide_page.get_by_test_id("stDataFrame").nth(index)
    table.scroll_into_view_if_needed()
    table.locator("[role=columnheader]").first.wait_for(state="attached")
    shown = table.evaluate(HEADERS)
    in_view = {title: position for position, title in shown["headers"]}
    last_in_view = max(in_view.values())
    for column in columns:
        assert column in in_view, f"{column} is off-screen; in view: {list(in_view)}"
        # A column is wholly in view when the one after it is drawn too, or when it is the
        # last and the table does not scroll sideways.
        assert in_view[column] < last_in_view or shown["overflow"] <= 1, column
