#!/usr/bin/env bash
# A list's first page with 100 rows and with 100,000, on PostgreSQL and MariaDB/MySQL, in
# process: bash scripts/pagination.sh [--requests N]. Not part of CI (about a minute a
# database). Prepares .venv and the servers as scripts/test.sh does, then runs
# scripts/pagination.py.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/setup.sh
source scripts/setup.sh

step "timing the first page of a list at 100 and at 100,000 rows"
exec .venv/bin/python scripts/pagination.py "$@"
