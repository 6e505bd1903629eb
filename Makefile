# The two commands a fresh clone needs: `make demo` and `make test`.
# Each creates .venv and installs what it needs on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/sheetsync demo

test: $(STAMP)
	./scripts/ensure-chromium
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done
