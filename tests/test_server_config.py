"""The server configuration `make run` serves with (.streamlit/config.toml)."""

import tomllib
from pathlib import Path

from streamlit import config as streamlit_config

CONFIG = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"


def test_make_run_does_not_watch_files() -> None:
    """Streamlit's file watcher flooded the `make run` terminal with 12,528 "Inotify queue
    overflowed" lines: the served app watches nothing."""
    settings = tomllib.loads(CONFIG.read_text())
    assert settings["server"]["fileWatcherType"] == "none"
    # and the value is one Streamlit knows (a typo would be ignored with a warning)
    option = streamlit_config._config_options_template["server.fileWatcherType"]
    assert "none" in option.description
