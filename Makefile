# Two commands on a fresh machine: `make run` (set up, demo data, serve) and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export REGISTRY_DATA_DIR ?= ./var

.PHONY: run test install lint typecheck clean bench

$(BIN)/registry: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/registry

install: $(BIN)/registry

run: install
	$(BIN)/registry init
	@if [ ! -f "$(REGISTRY_DATA_DIR)/.demo-seeded" ]; then \
	  REGISTRY_PASSWORD=$${REGISTRY_PASSWORD:-demo-passwort-2026} $(BIN)/registry seed demo && \
	  touch "$(REGISTRY_DATA_DIR)/.demo-seeded"; \
	else echo "Demodaten schon vorhanden ($(REGISTRY_DATA_DIR)); neu: make clean run"; fi
	$(BIN)/registry serve

tests/browser/node_modules/axe-core/axe.min.js: tests/browser/package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --silent --prefix tests/browser; \
	else echo "npm missing: browser accessibility checks will be skipped"; fi

CYPHER_LINT := tools/cypher-lint/node_modules/@neo4j-cypher/language-support/package.json

# Neo4j's Cypher linter for tests/contract/test_cypher_lint.py (python -m registry.graph.lint).
$(CYPHER_LINT): tools/cypher-lint/package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --silent --prefix tools/cypher-lint; \
	else echo "npm missing: the Cypher lint will be skipped"; fi

test: install tests/browser/node_modules/axe-core/axe.min.js $(CYPHER_LINT)
	$(BIN)/pytest

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy registry portal seed

bench: install
	$(BIN)/python -m bench.search $(BENCH_ARGS)

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
