# srcad: `make demo` and `make test` work on a fresh clone with only Python >= 3.10 installed.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.srcad-installed

.PHONY: demo test lint format bench fuzz test-all clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m srcad demo

lint: $(STAMP)
	$(BIN)/ruff check srcad tests $(wildcard benchmarks)

format: $(STAMP)
	$(BIN)/ruff format srcad tests $(wildcard benchmarks)
	$(BIN)/ruff check --fix srcad tests $(wildcard benchmarks)

test: $(STAMP) lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis
