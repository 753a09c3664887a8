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

export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
export TEST_MYSQL_URL="${TEST_MYSQL_URL:-mysql+pymysql://root@127.0.0.1:3306/test}"
export TEST_REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379/0}"
export TEST_AMQP_URL="${TEST_AMQP_URL:-amqp://guest:guest@127.0.0.1:5672//}"

step "running pytest -n 2${*:+ $*}"
exec .venv/bin/python -m pytest -n 2 "$@"
