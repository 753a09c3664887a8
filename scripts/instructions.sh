#!/usr/bin/env bash
# Instructions a request of the default variant under gunicorn against a minimal Flask app
# doing the same work, counted by callgrind: bash scripts/instructions.sh [--requests N]
# [--warmup N]. Deterministic, slow (valgrind), not part of CI. Prepares .venv and the
# servers as scripts/test.sh does, then runs scripts/instructions.py. Needs valgrind.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/setup.sh
source scripts/setup.sh

step "counting the default variant's instructions a request against a minimal Flask app"
exec .venv/bin/python scripts/instructions.py "$@"
