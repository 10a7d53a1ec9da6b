"""Everything a page shows, as text: for tests that must find what is *not* on a page.

`page_text` (conftest) reads titles, markdown, captions, alerts and metrics; `page_content`
adds every element's own fields (labels, help texts, options, expander labels, chart specs),
every table's cells, every Vega-Lite dataset, toasts, and the files the page offers for
download (a PDF read back as text), captured by `DownloadCapture`.
"""

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pypdf
import pytest
from google.protobuf.json_format import MessageToDict
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from tests.screens.conftest import page_text

#: The browser tab's icon, which every run hands to the media manager: not a download.
PAGE_ICON = (Path(__file__).resolve().parents[2] / "assets" / "favicon.png").read_bytes()


class DownloadCapture:
    """Records every file a page hands to Streamlit's media manager (download buttons): the
    bytes given at once, and the function of a button that builds its file when clicked (called
    here as a click would). AppTest keeps only the button, whose URL points into a manager gone
    after the run."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.files: list[tuple[str, bytes | Callable[[], bytes]]] = []
        original, original_deferred = MediaFileManager.add, MediaFileManager.add_deferred

        def add(manager, path_or_data, mimetype, *args, **kwargs):
            if isinstance(path_or_data, bytes) and path_or_data != PAGE_ICON:
                self.files.append((mimetype, path_or_data))
            return original(manager, path_or_data, mimetype, *args, **kwargs)

        def add_deferred(manager, data_callable, mimetype, *args, **kwargs):
            self.files.append((mimetype, data_callable))
            return original_deferred(manager, data_callable, mimetype, *args, **kwargs)

        monkeypatch.setattr(MediaFileManager, "add", add)
        monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)

    def clear(self) -> None:
        self.files.clear()

    def texts(self) -> list[str]:
        """Each captured file as text: a PDF's extracted text, anything else decoded."""
        texts = []
        for mimetype, captured in self.files:
            data = captured() if callable(captured) else captured
            if mimetype == "application/pdf":
                reader = pypdf.PdfReader(io.BytesIO(data))
                texts.append("\n".join(page.extract_text() for page in reader.pages))
            else:
                texts.append(data.decode("utf-8", errors="replace"))
        return texts


def nodes(root: object) -> Iterator[object]:
    """Every element and block of the page (an AppTest) or of one block, depth first."""
    stack = [root._tree if isinstance(root, AppTest) else root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(list(getattr(node, "children", {}).values())))


def main_nodes(at: AppTest) -> list[object]:
    """The elements of the main area (not the sidebar), blocks left out."""
    return [node for node in nodes(at.main) if not getattr(node, "children", None)]


def vega_datasets(at: AppTest) -> list:
    """Every dataset of every Vega-Lite (Altair) chart, as data frames."""
    frames = []
    for chart in at.get("vega_lite_chart"):
        frames += [convert_arrow_bytes_to_pandas_df(ds.data.data) for ds in chart.proto.datasets]
        if chart.proto.data.data:
            frames.append(convert_arrow_bytes_to_pandas_df(chart.proto.data.data))
    return frames


#: The Surveys screen's comment groups are expanders whose table is made only when opened
#: (`components.survey_views.comment_lists`); their keys, by position.
COMMENT_GROUP_KEY = "comments_open_{}"


def open_comment_groups(at: AppTest) -> AppTest:
    """Open every comment group of the page, as a reader clicking each would, and run again;
    the page as it was when it has none (or all are open)."""
    keys = [COMMENT_GROUP_KEY.format(number) for number in range(len(at.expander))]
    closed = [
        key for key in keys if key not in at.session_state or at.session_state[key] is not True
    ]
    if not closed:
        return at
    for key in closed:
        at.session_state[key] = True
    return at.run()


def vega_charts(at: AppTest) -> list[tuple[dict, pd.DataFrame]]:
    """Every Vega-Lite (Altair) chart of the page: its spec, and the data it was given (its
    first dataset, as a data frame; an empty frame for a chart without data)."""
    charts = []
    for chart in at.get("vega_lite_chart"):
        frames = [convert_arrow_bytes_to_pandas_df(ds.data.data) for ds in chart.proto.datasets]
        if chart.proto.data.data:
            frames.append(convert_arrow_bytes_to_pandas_df(chart.proto.data.data))
        charts.append((json.loads(chart.proto.spec), frames[0] if frames else pd.DataFrame()))
    return charts


def y_title(spec: dict) -> str | None:
    """The title of a chart's y axis, wherever in its spec (a layer) it is given."""
    found = spec.get("encoding", {}).get("y", {}).get("title")
    for layer in spec.get("layer", []):
        found = found or y_title(layer)
    return found


def page_content(at: AppTest, downloads: DownloadCapture | None = None) -> str:
    """All the page shows or offers, as one text (see the module docstring)."""
    parts = [page_text(at)]
    for node in nodes(at):
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "DESCRIPTOR"):
            parts.append(json.dumps(MessageToDict(proto), ensure_ascii=False))
        spec = getattr(proto, "spec", None)
        if isinstance(spec, str) and spec:  # chart specs, as their own JSON reads
            parts.append(json.dumps(json.loads(spec), ensure_ascii=False))
    parts += [frame.value.to_csv() for frame in at.dataframe]
    parts += [" ".join(map(str, frame.columns)) for frame in (f.value for f in at.dataframe)]
    parts += [frame.to_csv() for frame in vega_datasets(at)]
    parts += [str(toast.value) for toast in at.toast]
    if downloads is not None:
        parts += downloads.texts()
    return "\n".join(parts)
