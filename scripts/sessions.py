"""N people at once, as the server meets them: Streamlit sessions opened over the app's own
WebSocket protocol, no browser drawing anything (part of `make bench-browser`).

In Chromium, twenty people at once on this 2-core machine measure mostly the twenty renderers
sharing the cores with the server: twenty *blank* pages at once already wait ~28 × one blank
page. A person's browser runs on their own computer, so the server's share is measured here on
its own: each session connects to `/_stcore/stream` as the browser does, asks for a screen (the
`rerun_script` message the frontend sends on load, same page and query string) and waits for the
run's `script_finished`. Time runs from connecting to that message; bytes are the frames received.
"""

import asyncio
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

TIMEOUT_S = 600.0
R = TypeVar("R")


@dataclass(frozen=True)
class SessionRun:
    """One session's wait for a screen's script run, and what it received."""

    seconds: float
    bytes: int
    exception: bool  # the run showed an exception (st.exception element)


def _stream_url(base: str) -> str:
    return base.replace("http://", "ws://", 1).replace("https://", "wss://", 1) + "/_stcore/stream"


def _has_exception(message: ForwardMsg) -> bool:
    if message.WhichOneof("type") != "delta":
        return False
    delta = message.delta
    return delta.WhichOneof("type") == "new_element" and (
        delta.new_element.WhichOneof("type") == "exception"
    )


async def open_screen(base: str, page: str, query: str = "role=program_manager") -> SessionRun:
    """Open `page` of the app at `base` in a new session; wait for its run to finish."""
    import websockets

    started = time.perf_counter()
    received = 0
    exception = False
    async with websockets.connect(
        _stream_url(base), subprotocols=["streamlit"], max_size=None, open_timeout=TIMEOUT_S
    ) as socket:
        request = BackMsg()
        request.rerun_script.query_string = query
        request.rerun_script.page_name = page
        await socket.send(request.SerializeToString())
        async for frame in socket:
            received += len(frame)
            message = ForwardMsg()
            message.ParseFromString(frame)
            exception = exception or _has_exception(message)
            if message.WhichOneof("type") == "script_finished" and (
                message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
            ):
                return SessionRun(time.perf_counter() - started, received, exception)
    raise RuntimeError(f"the server closed the session before {page!r} finished")


async def _at_once(base: str, page: str, size: int) -> list[SessionRun]:
    return list(
        await asyncio.wait_for(
            asyncio.gather(*(open_screen(base, page) for _ in range(size))), TIMEOUT_S
        )
    )


def in_own_thread(function: Callable[..., R], *args: object, **kwargs: object) -> R:
    """`function(*args, **kwargs)` in a thread of its own, its result or its error here: an
    event loop (`asyncio.run`, Playwright's sync API) cannot start in a thread whose loop is
    running, as it is in a caller driving Playwright's sync API (the tests' browser)."""
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(function, *args, **kwargs).result()


def sessions_at_once(base: str, page: str, size: int) -> list[SessionRun]:
    """`size` sessions opening `page` at the same moment (one event loop, `in_own_thread`)."""
    runs = in_own_thread(asyncio.run, _at_once(base, page, size))
    if any(run.exception for run in runs):
        raise RuntimeError(f"{page!r} showed an exception to a session")
    return runs


def one_after_another(base: str, page: str, runs: int) -> Sequence[SessionRun]:
    """`runs` sessions opening `page` one at a time: what one person waits for, server side."""
    return [sessions_at_once(base, page, 1)[0] for _ in range(runs)]
