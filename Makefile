# ordermoat: `make demo` and `make test` each set up .venv themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.base: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[dev]"
	touch $@ $(VENV)/.base

demo: $(VENV)/.base
	$(BIN)/ordermoat demo

test: $(VENV)/.dev
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q -p no:cacheprovider

bench: $(VENV)/.dev
	$(BIN)/python benchmarks/bench_formats.py --with-ids
	$(BIN)/python benchmarks/scale.py
	$(BIN)/python benchmarks/attribution_power.py
	$(BIN)/python benchmarks/detect_bench.py
	$(BIN)/python benchmarks/simulate_scale.py

clean:
	rm -rf $(VENV) .ordermoat build src/*.egg-info
