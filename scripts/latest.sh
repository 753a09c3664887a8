#!/usr/bin/env bash
# Run the suites of four variants on the newest releases: bash scripts/latest.sh
# Prepares .venv and the servers as scripts/test.sh does, then runs scripts/latest.py,
# which upgrades each variant's lock (this needs PyPI), prints the packages that moved and
# a table of the suites' results.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/setup.sh
source scripts/setup.sh

step "upgrading the locks of four variants and running their suites"
exec .venv/bin/python scripts/latest.py "$@"
