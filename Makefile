# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TENDER ?= tenders/1000-bygg

.PHONY: demo test lint bench mutate mutate-all lab dashboard clean bytecode

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,dashboard]'
	@touch $(STAMP)

# An editable install leaves the package's bytecode uncompiled (and PYTHONDONTWRITEBYTECODE
# may be set): every notebook kernel would compile ~50 modules again. compileall only
# rewrites what changed.
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q evaluation

demo: bytecode
	$(BIN)/evaluation select $(TENDER)
	$(BIN)/evaluation run $(TENDER) --stage selection --quiet
	$(BIN)/evaluation rounds $(TENDER)
	$(BIN)/evaluation score $(TENDER)
	$(BIN)/evaluation run $(TENDER)
	$(BIN)/evaluation gate $(TENDER) --phase 2 --quiet
	$(BIN)/evaluation purchase $(TENDER) --quiet

lint: $(STAMP)
	$(BIN)/ruff check evaluation tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# pytest runs last so its summary closes the output
test: lint bytecode
	$(BIN)/python -m pytest

bench: bytecode
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run.py

# Mutation testing of the formula modules with their fast in-process tests (README,
# "Development"); not part of `make test`. mutmut is pinned in the dev extra. A fresh run each
# time (mutants/ is removed), then the per-module summary, the survivors and the canary.
mutate: $(STAMP)
	rm -rf mutants
	EVALUATION_MUTATE=1 OPENBLAS_NUM_THREADS=1 $(BIN)/python bench/mutation.py run $(MUTATE_ALL) > mutants.log 2>&1 || (tail -20 mutants.log; exit 1)
	$(BIN)/python bench/mutation.py

# the same, with the mutants judged equivalent and pinned to their code run too
mutate-all: MUTATE_ALL := --all
mutate-all: mutate

lab: bytecode
	$(BIN)/evaluation lab

dashboard: bytecode
	$(BIN)/evaluation dashboard $(TENDER)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache mutants mutants.log
