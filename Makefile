# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TENDER ?= tenders/1000-bygg

.PHONY: demo test lint bench lab dashboard clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,dashboard]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/evaluation score $(TENDER)
	$(BIN)/evaluation run $(TENDER)

lint: $(STAMP)
	$(BIN)/ruff check evaluation tests bench
	$(BIN)/mypy

# pytest runs last so its summary closes the output
test: lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run.py

lab: $(STAMP)
	$(BIN)/evaluation lab

dashboard: $(STAMP)
	$(BIN)/evaluation dashboard $(TENDER)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
