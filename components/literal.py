"""Data shown literally: imported text (names, cohorts, goals, comments, link parameters…) never
renders as Markdown in Streamlit. (Charts are Altair: Vega-Lite draws text as text.)

Streamlit renders Markdown in st.markdown/caption/header/subheader/title, alert bodies, toasts,
expander, tab and widget labels, metric labels and help: GitHub-flavoured Markdown (bold, links,
images the browser fetches, tables), plus `:red[…]` colour and `:material/…:` directives, emoji
shortcodes (`:smile:`), `$…$` LaTeX and HTML entities.
"""

import re

# The characters Markdown (GFM and Streamlit's extras) gives a meaning anywhere in a line,
# escaped with a backslash (CommonMark 2.4); "&" only where it starts an entity such as "&amp;".
_MARKDOWN_SPECIAL = re.compile(r"([$*:<>\[\\\]_`~]|&(?=#?\w+;))")
# Those that mean something only at the start of a line: a list item, a heading, an ordered list.
_LINE_START = re.compile(r"^(\s*)([-+#]|\d+[.)])")
# What Streamlit finds in the text after parsing, where backslashes no longer count: bare web
# addresses and e-mail addresses (GFM autolinks) and the `:streamlit:` logo. A word joiner
# (U+2060, invisible) inside each keeps the characters as they are, without the link or logo.
WORD_JOINER = "\u2060"
_FOUND_IN_TEXT = re.compile(
    r"(?i)(?<=https)(?=:)|(?<=http)(?=:)|(?<=www)(?=\.)|(?=@)|(?<=:)(?=streamlit:)"
)


def _escape_last(marker: str) -> str:
    return marker[:-1] + "\\" + marker[-1]


def md(text: object) -> str:
    """`text` escaped for anything Streamlit renders as Markdown: it shows exactly as written."""
    joined = _FOUND_IN_TEXT.sub(WORD_JOINER, str(text))
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", joined)
    escaped = _LINE_START.sub(lambda start: start[1] + _escape_last(start[2]), escaped)
    # Line breaks would start new blocks (headings, lists); show them as spaces.
    return re.sub(r"\s*[\r\n]+\s*", " ", escaped)
