# The two commands of the README: `make build` and `make test`.
# Both set everything up themselves: Debian packages (as root), a virtual
# environment in .venv/ and the package installed into it.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: build test setup system-deps bench clean

build: setup
	$(BIN)/guidegen build --output build

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: system-deps $(STAMP)

system-deps:
	@sh scripts/system-deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

bench: setup
	$(BIN)/python -m pip install --quiet -e '.[test,bench]' || echo "typst not installed: the bench runs without its Typst columns"
	$(BIN)/python bench/bench.py

clean:
	rm -rf build $(VENV)
