# The two commands of the README: `make demo` runs the product, `make test` runs every check.
# Each builds its own environment from uv.lock; uv itself is bootstrapped from PyPI if missing.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test env lint types pytest serve clean

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

env: $(UV)
	$(UV) sync --locked --quiet

demo: env
	$(UV) run --locked progleton demo --host $(HOST) --port $(PORT)

test: env lint types pytest

lint:
	$(UV) run --locked ruff check
	$(UV) run --locked ruff format --check

types:
	$(UV) run --locked mypy

pytest:
	$(UV) run --locked pytest -n 2 --dist loadfile

clean:
	rm -rf .venv .tools .pytest_cache .mypy_cache .ruff_cache
