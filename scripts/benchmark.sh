#!/usr/bin/env bash
# Time the default variant's own suite against a lean hand-written one (scripts/lean) on the
# real PostgreSQL: bash scripts/benchmark.sh [RUNS]
# Prepares .venv and the servers as scripts/test.sh does, then runs scripts/benchmark.py,
# which prints each run and the median milliseconds per test.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/setup.sh
source scripts/setup.sh

step "running the default variant's suite and the lean suite ${1:-3} times each on PostgreSQL"
exec .venv/bin/python scripts/benchmark.py "$@"
