# PairPulse — `make run` serves the app, `make test` runs the whole suite. Both set up .venv first.
VENV := .venv
PYTHON := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: run test lint bench bench-pages screenshots clean

$(INSTALLED): requirements.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -r requirements.txt
	touch $(INSTALLED)

run: $(INSTALLED)
	$(PYTHON) -m app init
	$(PYTHON) -m streamlit run streamlit_app.py

test: $(INSTALLED)
	$(PYTHON) -m ruff check .
	$(PYTHON) -m pytest

lint: $(INSTALLED)
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

bench: $(INSTALLED)
	$(PYTHON) -m app bench $(BENCH_ARGS)

bench-pages: $(INSTALLED)
	$(PYTHON) -m scripts.page_times

screenshots: $(INSTALLED)
	$(PYTHON) -m scripts.screenshots

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
