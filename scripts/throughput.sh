#!/usr/bin/env bash
# Requests per second of the default variant under gunicorn against a minimal Flask app
# doing the same work: bash scripts/throughput.sh [--rounds N] [--duration SECONDS]
# Prepares .venv and the servers as scripts/test.sh does, then runs scripts/throughput.py,
# which prints each A B round and the ratios. Needs wrk (Debian: apt-get install wrk).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/setup.sh
source scripts/setup.sh

step "measuring the default variant's throughput against a minimal Flask app"
exec .venv/bin/python scripts/throughput.py "$@"
