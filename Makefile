# The two commands a fresh clone needs: `make demo` and `make test`.
# Each creates .venv and installs what it needs on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench browser constraints

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/sheetsync demo

# The web-view test uses a Chromium the machine already has, else it skips and says why:
# `make test` installs nothing outside .venv.
# ruff (pyflakes rules) and mypy (strict flags on the core and the sync path) run before the tests;
# the import directions are a test (tests/test_architecture.py).
test: $(STAMP)
	$(BIN)/ruff check sheetsync tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

# A step you choose: installs Debian's chromium with apt (root only) for the web-view test.
browser:
	./scripts/ensure-chromium

# The exact versions the suite passed with, for pinned installs (`pip install -c constraints.txt .`).
constraints: $(STAMP)
	{ echo "# Exact versions the test suite last passed with (pip freeze of .venv)."; \
	  echo "# Install with: pip install -c constraints.txt .   (regenerate: make constraints)"; \
	  $(BIN)/pip freeze --exclude-editable | grep -v '^#'; } > constraints.txt

bench: $(STAMP)
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done
