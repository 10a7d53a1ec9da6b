"""The audit program (tests/screens/audit_program.py) with markup in every free-text field:
names, departments, locations, skills, cohort names and focus areas, goal titles and categories,
meeting topics and survey comments, plus a pair whose id is markup (for links to it).

Each value keeps its own text first (so groups and counts are those of the audit program) and
then carries one or more of `PAYLOADS`: Markdown bold, links and images, raw HTML, Streamlit's
colour directives, LaTeX, emoji shortcodes, bare web and e-mail addresses. Links and images
point at 127.0.0.1:9 (nothing listens there), so a browser that fetches one is caught trying.
"""

from pathlib import Path

import pandas as pd

from tests.screens.audit_program import write_audit_program

LEAK = "http://127.0.0.1:9"
PAYLOADS = (
    "**b**",
    f"[a]({LEAK}/link)",
    f"![i]({LEAK}/img.png)",
    "<b>h</b>",
    f"<img src={LEAK}/tag.png>",
    ":red[r]",
    "$m$",
    '<span style="color:red">s</span>',
    ":smile:",
    f"{LEAK}/bare",
    "_e_ `c` ~~d~~",
    "&amp;",
)
#: Every payload at once: for the few values (cohort names) shown in every heading and chart.
ALL = " ".join(PAYLOADS)
#: The pair id that is itself markup; it belongs to the first pair of the program.
MARKUP_PAIR = "AP00**p**"
# Columns holding free text, per file (ids, dates, numbers and enumerations are left alone).
TEXT_COLUMNS = {
    "cohorts.csv": ("name", "focus_area"),
    "participants.csv": ("name", "department", "location", "skills_offered", "skills_wanted"),
    "pairs.csv": ("focus_area",),
    "meetings.csv": ("topics",),
    "goals.csv": ("title", "category"),
    "surveys.csv": ("comment",),
}


def marked(text: str, number: int, *, every: bool = False) -> str:
    """`text` followed by the payload `number` (modulo), or by all of them."""
    return f"{text} {ALL if every else PAYLOADS[number % len(PAYLOADS)]}"


def write_markup_program(directory: Path) -> Path:
    """Write the markup program's CSV files into `directory`; returns it."""
    write_audit_program(directory)
    for name, columns in TEXT_COLUMNS.items():
        path = directory / name
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in columns:
            # the same text always gets the same markup: groups stay the groups they were
            texts = {text: n for n, text in enumerate(dict.fromkeys(frame[column]))}
            frame[column] = [
                marked(text, texts[text], every=name == "cohorts.csv") if text else text
                for text in frame[column]
            ]
        for column in ("pair_id",):
            if column in frame:
                frame[column] = frame[column].replace("AP00", MARKUP_PAIR)
        frame.to_csv(path, index=False)
    return directory
