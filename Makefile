# PairPulse — `make run` serves the app, `make test` runs the whole suite. Both set up .venv first:
# `make run` with what the app needs (requirements.txt), `make test` with the tests' and tools'
# requirements too (requirements-dev.txt). Each set has its own stamp, so `make test` after
# `make run` still installs the dev requirements.
VENV := .venv
PYTHON := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
DEV_INSTALLED := $(VENV)/.installed-dev

.PHONY: run test lint bench bench-pages bench-browser screenshots clean

$(PYTHON):
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip

$(INSTALLED): requirements.txt | $(PYTHON)
	$(PYTHON) -m pip install --quiet -r requirements.txt
	touch $(INSTALLED)

$(DEV_INSTALLED): requirements-dev.txt $(INSTALLED)
	$(PYTHON) -m pip install --quiet -r requirements-dev.txt
	touch $(DEV_INSTALLED)

run: $(INSTALLED)
	$(PYTHON) -m app init
	$(PYTHON) -m app serve

test: $(DEV_INSTALLED)
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .
	$(PYTHON) -m pytest

lint: $(DEV_INSTALLED)
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

bench: $(DEV_INSTALLED)
	$(PYTHON) -m app bench $(BENCH_ARGS)

bench-pages: $(INSTALLED)
	$(PYTHON) -m scripts.page_times

# Page waits in Chromium (Playwright comes with the dev requirements); docs/architecture.md.
bench-browser: $(DEV_INSTALLED)
	$(PYTHON) -m scripts.browser_bench $(BENCH_ARGS)

screenshots: $(DEV_INSTALLED)
	$(PYTHON) -m scripts.screenshots

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
