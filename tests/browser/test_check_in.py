"""Check-in links in Chromium: a link taken from a sent e-mail opens the form alone, a meeting
logged through it takes the pair off the stalled count on Follow-ups, the same link again writes
nothing, altered and expired links get a plain message, and no other screen opens from it — in
demo mode and in sign-in mode."""

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from app.checkin import tokens
from app.send_reminders import run_reminders
from data_access.db import make_engine
from data_access.models import Meeting, Pair
from scripts.served_app import serve_app, wait_for_app
from tests.browser.fake_oidc import FakeOidcProvider
from tests.reminder_program import AS_OF, email, import_program, mentor

pytestmark = pytest.mark.browser

NAV_LINKS = "[data-testid='stSidebarNav'] a"
SCREEN_PATHS = ["executive_summary", "cohort_health", "follow_ups", "data", "what_if"]


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, object]]:
    """The hand-made reminder program (tests/reminder_program.py) served in demo mode."""
    monkeypatch.delenv(tokens.SECRET_KEY_ENV, raising=False)
    store = tmp_path / "pairpulse.db"
    url, process = serve_app(store, tmp_path / "streamlit.log", demo_data=False)
    engine = make_engine(f"sqlite:///{store}")
    import_program(engine, tmp_path / "program")
    yield url, engine
    engine.dispose()
    process.terminate()
    process.wait(timeout=15)


def _meetings(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(Meeting)).scalar_one()


def _stalled_count(page: Page, url: str) -> int:
    page.goto(f"{url}/follow_ups?role=coordinator")
    wait_for_app(page)
    caption = page.get_by_text(re.compile(r"^\d+ stalled, ")).inner_text()
    return int(caption.split()[0])


def _link_in_mail(inbox, to: str, url: str) -> str:
    message = next(m for m in inbox.messages if m["To"] == to and "gone quiet" in m["Subject"])
    body = message.get_payload(decode=True).decode()
    return re.search(rf"{re.escape(url)}/\?checkin=\S+", body).group(0)


def _expect_only_the_check_in(page: Page) -> None:
    expect(page.get_by_role("heading", name="Check in")).to_be_visible()
    expect(page.locator(NAV_LINKS)).to_have_count(0)
    expect(page.get_by_text("View as")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign in")).to_have_count(0)


def test_a_link_from_a_sent_email_logs_a_meeting_once(
    served,
    page: Page,
    inbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, engine = served
    monkeypatch.setenv("PAIRPULSE_PUBLIC_URL", url)
    assert run_reminders(engine, as_of=AS_OF).sent > 0
    link = _link_in_mail(inbox, email(mentor("PD")), url)
    stalled_before = _stalled_count(page, url)
    meetings_before = _meetings(engine)

    started = time.perf_counter()
    page.goto(link)
    wait_for_app(page)
    _expect_only_the_check_in(page)
    expect(page.get_by_text("MiaD, with EliD")).to_be_visible()
    page.get_by_label("Topics (optional)").fill("<script>alert(1)</script> **bold**")
    page.get_by_test_id("stRadio").nth(0).get_by_text("4", exact=True).click()
    page.get_by_test_id("stRadio").nth(1).get_by_text("5", exact=True).click()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Thank you — your check-in has been received.")).to_be_visible()
    wait_for_app(page)
    print(f"check-in round trip: {time.perf_counter() - started:.2f} s")  # noqa: T201
    assert _meetings(engine) == meetings_before + 1
    with engine.connect() as connection:
        topics = connection.execute(
            select(Meeting.topics).where(Meeting.source == "checkin")
        ).scalar_one()
    assert topics == "<script>alert(1)</script> **bold**"
    assert _stalled_count(page, url) == stalled_before - 1

    page.goto(link)  # the same link again: the thank-you, no form, nothing written
    wait_for_app(page)
    expect(page.get_by_text("Thank you — your check-in has been received.")).to_be_visible()
    expect(page.get_by_role("button", name="Send")).to_have_count(0)
    assert _meetings(engine) == meetings_before + 1


def test_altered_and_expired_links_get_a_message_and_write_nothing(
    served, page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, engine = served
    token = tokens.make_token(engine, mentor("PD"), "PD")
    with monkeypatch.context() as past:
        month_ago = time.time() - (tokens.LINK_MAX_AGE_DAYS + 1) * 86_400
        past.setattr("itsdangerous.timed.time.time", lambda: month_ago)
        expired = tokens.make_token(engine, mentor("PD"), "PD")
    before = _meetings(engine)
    for bad, message in (
        (token[:-4] + "abcd", "This link is not valid."),
        (expired, "This link has expired."),
    ):
        page.goto(tokens.link_url(url, bad))
        wait_for_app(page)
        expect(page.get_by_text(message)).to_be_visible()
        expect(page.get_by_role("button", name="Send")).to_have_count(0)
        expect(page.locator(NAV_LINKS)).to_have_count(0)
    assert _meetings(engine) == before


def _no_other_screen_opens(page: Page, url: str, token: str) -> None:
    page.goto(tokens.link_url(url, token))
    wait_for_app(page)
    _expect_only_the_check_in(page)
    for path in SCREEN_PATHS:
        page.goto(f"{url}/{path}?checkin={token}&role=program_manager")
        wait_for_app(page)
        _expect_only_the_check_in(page)
        expect(page.get_by_test_id("stDataFrame")).to_have_count(0)
        expect(page.get_by_test_id("stMetric")).to_have_count(0)


def test_no_other_screen_opens_from_a_check_in_page_in_demo_mode(served, page: Page) -> None:
    url, engine = served
    _no_other_screen_opens(page, url, tokens.make_token(engine, mentor("PD"), "PD"))


def test_no_other_screen_opens_from_a_check_in_page_in_sign_in_mode(
    tmp_path: Path, page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(tokens.SECRET_KEY_ENV, raising=False)
    provider = FakeOidcProvider().start()
    store = tmp_path / "pairpulse.db"
    url, process = serve_app(store, tmp_path / "streamlit.log", secrets=provider.secrets_toml)
    try:
        page.goto(url)  # the first visit fills the store with the demo program
        wait_for_app(page)
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        engine = make_engine(f"sqlite:///{store}")
        with engine.connect() as connection:
            pair = connection.execute(
                select(Pair.pair_id, Pair.mentor_id).where(Pair.status == "active").limit(1)
            ).one()
        token = tokens.make_token(engine, pair.mentor_id, pair.pair_id)
        _no_other_screen_opens(page, url, token)
        expect(page.get_by_role("button", name="Send")).to_be_visible()  # no sign-in needed
        engine.dispose()
    finally:
        process.terminate()
        process.wait(timeout=15)
        provider.stop()
