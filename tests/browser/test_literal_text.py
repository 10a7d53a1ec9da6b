"""Imported text is shown literally in a real browser (docs/architecture.md): with markup in every
free-text field (tests/screens/markup_program.py), no page of any role, nor pair detail, nor a
link with markup in its parameters, turns it into bold, links, images, colours or formulas, and
the browser requests nothing from any host but the app's own."""

from datetime import date
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Browser, Route

from components.access import ROLES, screens_for
from data_access.db import make_engine, upgrade_store
from data_access.importer import read_directory, run_import
from scripts.served_app import serve_app, wait_for_app
from tests.screens.audit_program import AS_OF
from tests.screens.markup_program import LEAK, MARKUP_PAIR, PAYLOADS, write_markup_program

pytestmark = pytest.mark.browser

# Elements the payloads would become if rendered, found by their text or address: Markdown's
# strong/em/code/del/links/images/formulas, raw HTML, colour directives.
RENDERED = f"""() => {{
  const hits = [];
  const leak = {LEAK!r};
  const texts = {{STRONG: 'b', B: 'h', EM: 'e', CODE: 'c', DEL: 'd', A: 'a'}};
  for (const el of document.querySelectorAll('strong, b, em, code, del, a, img, .katex')) {{
    const text = (el.textContent || '').trim();
    const address = el.getAttribute('src') || el.getAttribute('href') || '';
    if (address.startsWith(leak) || texts[el.tagName] === text || el.classList.contains('katex')
        || (el.tagName === 'IMG' && ['i', ''].includes(el.getAttribute('alt')) && !address))
      hits.push(el.outerHTML.slice(0, 160));
  }}
  for (const el of document.querySelectorAll('[data-testid=stMarkdownContainer] span, tspan')) {{
    const text = (el.textContent || '').trim();
    const style = (el.getAttribute('style') || '') + ' ' + (el.className.baseVal ?? el.className);
    if (['r', 's', 'h'].includes(text) && /color|fill|font-weight|bold/.test(style))
      hits.push(el.outerHTML.slice(0, 160));
  }}
  return hits;
}}"""


SHOWS_DATA = "(payloads) => payloads.some((p) => document.body.textContent.includes(p))"
LINK_PAGE = "link parameters with markup"
# Pages that show the data in words (elsewhere it is in tables, drawn on a canvas).
IN_WORDS = (
    "executive: Executive summary",
    "executive: Surveys",
    "program_manager: Executive summary",
    "program_manager: Meetings",
    "program_manager: Surveys",
    "pair detail",
    "follow-up of the pair",
    LINK_PAGE,
)


def _pages(as_of: date) -> list[tuple[str, str]]:
    """(what, path and query) of every screen as every role, pair detail and marked-up links."""
    query = f"as_of={as_of.isoformat()}"
    pages = [
        (f"{role}: {screen.title}", f"/{screen.key}?role={role}&{query}")
        for role in ROLES
        for screen in screens_for(role)
    ]
    pair = quote(MARKUP_PAIR)
    pages += [
        ("pair detail", f"/cohort_health?role=coordinator&{query}&pair={pair}"),
        ("follow-up of the pair", f"/follow_ups?role=coordinator&{query}&pair={pair}"),
        (
            LINK_PAGE,
            f"/cohort_health?role={quote('**r** [a](' + LEAK + ')')}&{query}"
            f"&cohort={quote('<b>h</b>')}&pair={quote('![i](' + LEAK + '/p.png)')}",
        ),
    ]
    return pages


def test_markup_in_the_data_is_shown_literally_and_fetches_nothing(
    tmp_path: Path, browser: Browser
) -> None:
    store = tmp_path / "pairpulse.db"
    engine = make_engine(f"sqlite:///{store}")
    upgrade_store(engine)
    assert run_import(read_directory(write_markup_program(tmp_path / "program")), engine=engine)
    engine.dispose()
    url, server = serve_app(store, tmp_path / "streamlit.log", demo_data=False)
    own = urlsplit(url).netloc
    outside: list[str] = []

    def only_the_app(route: Route) -> None:
        address = urlsplit(route.request.url)
        if address.scheme in ("data", "blob") or address.netloc == own:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route("**/*", only_the_app)
    page = context.new_page()
    page.set_default_timeout(30_000)
    rendered: dict[str, list[str]] = {}
    literal: dict[str, list[str]] = {}
    try:
        for what, path in _pages(AS_OF):
            page.goto(url + path)
            wait_for_app(page)
            page.wait_for_timeout(400)  # charts draw after the run has finished
            if what in IN_WORDS:  # wait until the data is on the page (charts, toasts)
                page.wait_for_function(SHOWS_DATA, arg=list(PAYLOADS), timeout=20_000)
            if hits := page.evaluate(RENDERED):
                rendered[what] = hits
            # what the page says in words (charts included; tables are drawn on a canvas)
            text = page.evaluate("document.body.textContent").replace("\u2060", "")
            literal[what] = [payload for payload in PAYLOADS if payload in text]
    finally:
        context.close()
        server.terminate()
        server.wait(timeout=15)
    assert rendered == {}
    assert outside == []
    # the pages that show the data in words show it as written
    assert [what for what in IN_WORDS if not literal[what]] == []
