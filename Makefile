# srcad: `make demo` and `make test` work on a fresh clone with only Python >= 3.10 installed.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.srcad-installed

.PHONY: demo test lint format docs docs-check bench fuzz test-all test-others test-numpy126 clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m srcad demo

lint: $(STAMP)
	$(BIN)/ruff check srcad tests tools notebooks docs $(wildcard benchmarks)
	$(BIN)/mypy --strict srcad/api.py

format: $(STAMP)
	$(BIN)/ruff format srcad tests tools notebooks docs $(wildcard benchmarks)
	$(BIN)/ruff check --fix srcad tests tools notebooks docs $(wildcard benchmarks)

# Benchmarks install the bench extra (autograd, jax) on first use.
$(VENV)/.srcad-bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	@touch $@

bench: $(VENV)/.srcad-bench
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/transform_cost.py
	$(BIN)/python benchmarks/dispatch_cost.py
	$(BIN)/python benchmarks/dask_out_of_core.py

fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_fuzz.py

# The site, in docs/_build/html: docs/functions.md regenerated from the rule registry, then
# docs-check's build.
docs: $(STAMP)
	$(BIN)/python -m srcad.catalog > docs/functions.md
	$(MAKE) docs-check

# The notebooks run once, as tests (nbmake), into docs/notebooks/; Sphinx renders those
# outputs and executes the pages with code cells. Warnings are errors.
docs-check: $(STAMP)
	rm -rf docs/notebooks && mkdir -p docs/notebooks && cp notebooks/*.ipynb docs/notebooks/
	$(BIN)/python -m pytest -q -p no:cacheprovider --nbmake --overwrite docs/notebooks
	$(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html

# The docstring examples run in a process of their own: some register derivative rules, which
# the registry's tests (every rule has a spec, docs/functions.md lists them) must not see.
test: $(STAMP) lint
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest -q -p no:cacheprovider --doctest-modules srcad
	$(MAKE) docs-check

# The smoke subset that runs on every other interpreter (the full suite runs on the default).
SMOKE := tests/test_api.py tests/test_golden.py tests/test_errors.py tests/test_jacobians.py \
         tests/test_corpus.py tests/test_inspect.py tests/test_readme.py \
         tests/test_bad_input.py tests/test_mutation.py tests/test_printer.py tests/test_wrappers.py \
         tests/test_parse.py tests/test_classification.py


# Each supported interpreter found on the machine gets its own .venv-3.X.
test-others:
	@.ci/interpreters | while read minor exe; do \
	  if [ "$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')" = "$$minor" ]; then continue; fi; \
	  echo "== Python $$minor ($$exe): smoke tests"; \
	  test -x .venv-$$minor/bin/python || $$exe -m venv .venv-$$minor || exit 1; \
	  .venv-$$minor/bin/python -m pip install --quiet -e '.[test]' || exit 1; \
	  .venv-$$minor/bin/python -m pytest -q -p no:cacheprovider $(SMOKE) || exit 1; \
	done

# numpy 1.26, the oldest numpy srcad supports, in .venv-np126: the smoke subset and the rule
# specs (tests/test_rules.py). numpy 1.26 has wheels for Python 3.10-3.12 only.
test-numpy126:
	@if ! $(PYTHON) -c 'import sys; sys.exit(sys.version_info >= (3, 13))'; then \
	  echo "== numpy 1.26: skipped ($(PYTHON) is Python >= 3.13, numpy 1.26 has no wheels for it)"; \
	else \
	  echo "== numpy 1.26 ($(PYTHON)): smoke tests and rule specs"; \
	  test -x .venv-np126/bin/python || $(PYTHON) -m venv .venv-np126 || exit 1; \
	  .venv-np126/bin/python -m pip install --quiet -e '.[test]' 'numpy==1.26.*' || exit 1; \
	  .venv-np126/bin/python -m pytest -q -p no:cacheprovider $(SMOKE) tests/test_rules.py || exit 1; \
	fi

test-all: test
	@.ci/interpreters | while read minor exe; do \
	  echo "== Python $$minor ($$exe): full suite"; \
	  test -x .venv-$$minor/bin/python || $$exe -m venv .venv-$$minor || exit 1; \
	  .venv-$$minor/bin/python -m pip install --quiet -e '.[test]' || exit 1; \
	  .venv-$$minor/bin/python -m pytest -q -p no:cacheprovider || exit 1; \
	done

clean:
	rm -rf $(VENV) .venv-3.* .venv-np126 build dist *.egg-info .pytest_cache .hypothesis \
	  .mypy_cache docs/_build docs/notebooks
