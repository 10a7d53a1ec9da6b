"""The documented deployment, started by the browser benchmark: several `streamlit run`
processes on one PostgreSQL store behind Debian's haproxy with sticky sessions (a cookie names
the process a browser stays with; a WebSocket stays on the process it opened on).
docs/deployment.md has the same configuration for production.
"""

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"

CONFIG = """\
global
    maxconn 2000

defaults
    mode http
    timeout connect 5s
    timeout client 600s
    timeout server 600s
    timeout tunnel 1h

frontend pairpulse
    bind 127.0.0.1:{port}
    default_backend streamlit

backend streamlit
    balance roundrobin
    cookie pairpulse-process insert indirect nocache httponly
    option httpchk GET /_stcore/health
{servers}
"""


def haproxy_config(port: int, backends: list[str]) -> str:
    """haproxy's configuration: `port` in front of `backends` ("127.0.0.1:8501", …)."""
    servers = "\n".join(
        f"    server app{n} {address} cookie app{n} check"
        for n, address in enumerate(backends, start=1)
    )
    return CONFIG.format(port=port, servers=servers)


def _wait_for_port(port: int, process: subprocess.Popen, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"haproxy exited with status {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"haproxy did not listen on {port} in {timeout_s:.0f} s")


@contextmanager
def behind_haproxy(store_url: str, processes: int, env: dict[str, str]) -> Iterator[tuple]:
    """(url, pids): `processes` app processes on `store_url` behind haproxy on a free port."""
    from scripts.served_app import _free_port, serve_app

    if not Path(HAPROXY).exists():
        raise FileNotFoundError("haproxy is not installed (apt-get install haproxy)")
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="pairpulse-lb-")))
        servers = []
        for n in range(processes):
            url, process = serve_app(
                folder / "unused.db",
                folder / f"streamlit-{n}.log",
                demo_data=False,
                database_url=store_url,
                env=env,
            )
            stack.callback(process.wait, timeout=30)
            stack.callback(process.terminate)
            servers.append((url, process))
        port = _free_port()
        config = folder / "haproxy.cfg"
        backends = [url.removeprefix("http://") for url, _process in servers]
        config.write_text(haproxy_config(port, backends))
        proxy = subprocess.Popen(  # noqa: S603 — our own config, Debian's haproxy
            [HAPROXY, "-f", str(config), "-db"],
            stdout=subprocess.DEVNULL,
            stderr=(folder / "haproxy.log").open("w"),
        )
        stack.callback(proxy.wait, timeout=30)
        stack.callback(proxy.terminate)
        _wait_for_port(port, proxy)
        yield f"http://127.0.0.1:{port}", [process.pid for _url, process in servers]
