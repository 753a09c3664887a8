#!/usr/bin/env bash
# The template's test command: bash scripts/test.sh [pytest arguments]
# Creates .venv, installs the pinned tools, makes sure PostgreSQL, MariaDB and Redis
# answer (scripts/services.sh), then runs the template tests with pytest.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/setup.sh
source scripts/setup.sh

step "checking system tools (scripts/tools.sh)"
bash scripts/tools.sh  # nginx, systemd-analyze: the deploy artifacts' validators

step "running pytest -n 2${*:+ $*}"
exec .venv/bin/python -m pytest -n 2 "$@"
