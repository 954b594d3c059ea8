# Two commands for a newcomer: `make run` and `make test`. Both bootstrap through `make setup`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.setup-stamp
PROMPT ?= Create a decorated Christmas tree
OUT ?= out

.PHONY: setup run test lint typecheck unit bench eval serve clean screenshots images

# Re-run only when the project's dependency list changes: a no-op otherwise.
$(STAMP): pyproject.toml scripts/setup.sh $(wildcard scripts/setup.d/*.sh) $(wildcard web/package*.json)
	PY=$(PY) bash scripts/setup.sh
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/prompt2mesh make "$(PROMPT)" --out $(OUT)

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: setup
	$(BIN)/mypy

unit: setup
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

test: lint typecheck unit

bench: setup
	$(BIN)/python bench/run_all.py

eval: setup
	$(BIN)/prompt2mesh eval ../shared/eval/dev.jsonl --out $(OUT)/eval

serve: setup
	$(BIN)/prompt2mesh serve

clean:
	rm -rf $(VENV) out data .pytest_cache .mypy_cache .ruff_cache

# Refresh the README's UI screenshots (taken by the browser tests).
screenshots: setup
	P2M_UPDATE_DOCS_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/e2e

# Container images (Docker's builder; the base from Debian with mmdebstrap when no registry
# answers): prompt2mesh:latest, prompt2mesh-base:bookworm, prompt2mesh-postgres:15.
# VOICE=1 adds spoken commands (the Whisper model).
images:
	P2M_IMAGE_VOICE=$(or $(VOICE),0) bash scripts/images.sh all
