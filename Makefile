# The two commands of the README: `make build` (every document and the language card) and `make test`.
# Both set everything up themselves: the system packages they need (checked by
# capability; installed with apt-get as root on Debian/Ubuntu), a virtual
# environment in .venv/ with exactly the versions of uv.lock, and guidegen in it.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(VENV)/tools/bin/uv
# uv: use the interpreter of .venv, never download one, never write outside the lock.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Compile the installed packages once at install: with no .pyc files every run
# recompiles its imports (0.25 s instead of 0.06 s for `guidegen --help`).
export UV_COMPILE_BYTECODE := 1
SYNC := $(UV) sync --locked --quiet --python $(BIN)/python
# pdf.js (npm's pdfjs-dist) for the text-extraction tests, exactly as locked in its package-lock.json;
# npm ci writes node_modules/.package-lock.json, so it runs again only when the lock or package.json changes.
PDFJS := tests/pdfjs
PDFJS_INSTALLED := $(PDFJS)/node_modules/.package-lock.json

.PHONY: build test test-fast bench lock python-version clean

build: python-version $(UV)
	@$(PYTHON) scripts/system_deps.py build
	@# --inexact: keep test packages a developer's `make test` added to the same .venv
	$(SYNC) --inexact
	$(BIN)/guidegen build --output build
	$(BIN)/guidegen card --output build

test: python-version $(UV)
	@$(PYTHON) scripts/system_deps.py test
	$(SYNC) --extra test
	@$(MAKE) --no-print-directory $(PDFJS_INSTALLED)
	@# Lint and types first: a regression fails in seconds, before the long part.
	$(BIN)/ruff check generator tests bench
	$(BIN)/mypy
	@# -n auto: a test process per core (pytest-xdist); each test file stays on one process, so a
	@# file's module fixtures are built once. PYTEST_ARGS="-n 0 ..." runs in this process alone.
	$(BIN)/python -m pytest -n auto --dist loadfile $(PYTEST_ARGS)

# The edit loop: lint, types, and the tests that render little (well under a minute on 2 cores).
test-fast: python-version $(UV)
	@$(PYTHON) scripts/system_deps.py test
	$(SYNC) --extra test
	@$(MAKE) --no-print-directory $(PDFJS_INSTALLED)
	$(BIN)/ruff check generator tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -n auto --dist loadfile -m "not slow" -q $(PYTEST_ARGS)

bench: python-version $(UV)
	@$(PYTHON) scripts/system_deps.py build
	$(SYNC) --extra test --extra bench
	$(BIN)/python bench/bench.py

# Refresh uv.lock on purpose (new dependency, a range changed in pyproject.toml, or
# to take newer releases); review `git diff uv.lock`, run `make test`, commit both.
lock: python-version $(UV)
	$(UV) lock --upgrade

# After system_deps.py test (which makes sure node and npm are there): a plain `make` of this file would run first.
$(PDFJS_INSTALLED): $(PDFJS)/package-lock.json $(PDFJS)/package.json
	cd $(PDFJS) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

python-version:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
	  echo "guidegen needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1 || echo missing)." >&2; \
	  echo "Run with another interpreter, e.g.: make PYTHON=python3.12 build" >&2; exit 1; }

# uv itself, pinned by hash, in a folder of the virtual environment that `uv sync` leaves alone.
$(UV): scripts/uv-requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps --target $(VENV)/tools -r scripts/uv-requirements.txt
	@touch $(UV)

clean:
	rm -rf build $(VENV) $(PDFJS)/node_modules
