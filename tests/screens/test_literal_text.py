"""Imported text is shown literally (docs/architecture.md): on the markup program (markup in every
free-text field, tests/screens/markup_program.py), whatever a page passes to an element that
renders Markdown (titles, headers, captions, markdown, alerts, toasts, expander and tab labels,
metric labels and help) carries the data escaped, never the markup itself; and the escapers of
components/literal.py give back exactly the text they were given."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from components.access import ROLES, screens_for
from components.literal import WORD_JOINER, md
from tests.screens.audit_program import AS_OF
from tests.screens.markup_program import MARKUP_PAIR, PAYLOADS

# A role's pages, then pair detail opened from the link, then a link with markup in it.
PAGES = [(role, screen.file, {}) for role in ROLES for screen in screens_for(role)] + [
    ("coordinator", "screens/cohort_health.py", {"pair": MARKUP_PAIR}),
    ("coordinator", "screens/follow_ups.py", {"pair": MARKUP_PAIR}),
    ("program_manager", "screens/meetings.py", {"cohort": "<b>h</b> **b**"}),
    ("program_manager", "screens/cohort_health.py", {"pair": "![i](http://127.0.0.1:9/p.png)"}),
]
# Pages that put the data into Markdown (elsewhere it is in tables and charts only).
IN_MARKDOWN = {
    "screens/executive_summary.py",
    "screens/surveys.py",
    "pair",
    "cohort",
}


def _markdown_texts(at: AppTest) -> list[str]:
    """The text of every element of the page that Streamlit renders as Markdown."""
    texts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "toast"):
        texts += [str(element.value) for element in getattr(at, kind)]
    for kind in ("info", "warning", "error", "success"):
        texts += [str(element.value) for element in getattr(at, kind)]
    texts += [str(expander.label) for expander in at.expander]
    texts += [str(tab.label) for tab in at.tabs]
    texts += [f"{metric.label} {metric.proto.help}" for metric in at.metric]
    return texts


@pytest.mark.parametrize(
    ("role", "page", "params"),
    PAGES,
    ids=[f"{role}-{page.split('/')[-1][:-3]}-{'-'.join(p)}" for role, page, p in PAGES],
)
def test_no_page_passes_markup_from_the_data_to_markdown(
    app_on, markup_url, role, page, params
) -> None:
    at = app_on(markup_url, role=role, page=page, as_of=AS_OF)
    for name, value in params.items():
        at.query_params[name] = value
    at = at.run()
    assert not at.exception, [element.value for element in at.exception]
    text = "\n".join(_markdown_texts(at))
    markup = [*PAYLOADS, *params.values()]
    # (a payload that starts with an escaped character is there only in its escaped form)
    raw = [payload for payload in markup if re.search(r"(?<!\\)" + re.escape(payload), text)]
    assert raw == []
    if page in IN_MARKDOWN or set(params) & IN_MARKDOWN:
        # the data is there, escaped: it shows as written
        assert [payload for payload in markup if md(payload) in text]


# --- The escapers ---------------------------------------------------------------------------------
_SPECIAL = r"[$*:<>\[\\\]_`~]|&(?=#?\w+;)"
_ESCAPED = re.compile(rf"\\({_SPECIAL}|[-+#.)&])")
_PUNCTUATION = re.compile(_SPECIAL)
line = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=80)


@given(line | st.sampled_from(PAYLOADS))
def test_md_escapes_every_markdown_character_and_keeps_the_text(text: str) -> None:
    escaped = md(text)
    # every character Markdown gives a meaning is backslash-escaped: it is taken literally
    assert not _PUNCTUATION.search(_ESCAPED.sub("", escaped))
    # and undoing the escapes (and the invisible word joiners) gives the text back
    assert _ESCAPED.sub(r"\1", escaped).replace(WORD_JOINER, "") == text.replace(WORD_JOINER, "")


def test_md_keeps_bare_addresses_and_the_logo_shortcode_from_being_found() -> None:
    for text in ("http://a.b/c", "https://a.b", "www.a.b", "me@a.b", ":streamlit:"):
        assert WORD_JOINER in md(text)


def test_md_puts_a_text_of_several_lines_on_one() -> None:
    assert md("# a\n- b\r\n\n> c") == r"\# a - b \> c"


@pytest.mark.parametrize("start", ["- x", "+ x", "# x", "12. x", "3) x", "  -x"])
def test_md_escapes_what_would_start_a_list_or_heading(start: str) -> None:
    escaped = md(start)
    assert re.match(r"\s*(\d*)\\", escaped), escaped  # the marker's last character escaped
