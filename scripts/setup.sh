#!/usr/bin/env bash
# Creates ./.venv with prompt2mesh installed (editable) and everything its tests need.
# Idempotent: pip skips what is already satisfied.
set -euo pipefail
PY=${PY:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[all,dev]"
# Each room's extra build steps (web bundle, voice model, ...), in name order.
for step in scripts/setup.d/*.sh; do
  [ -f "$step" ] && bash "$step"
done
