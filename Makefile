# HexaHype: the two commands of the README.
#   make        set up what is missing, then show the learner's dashboard
#   make test   set up what is missing (with the maintainer tools), then run the kit's own tests
# Set-up is a local virtualenv in .venv, re-installed only when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: dashboard test setup setup-dev lint verify bench clean

dashboard: $(VENV)/.installed
	@$(BIN)/hexahype

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/pytest grader/tests -p no:cacheprovider -n auto

setup: $(VENV)/.installed
setup-dev: $(VENV)/.installed-dev

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $(VENV)/.installed $@

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

verify: $(VENV)/.installed-dev
	$(BIN)/hexahype verify

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/learner_loop.py

clean:
	rm -rf $(VENV) .hexahype
