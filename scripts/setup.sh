#!/usr/bin/env bash
# Shared first steps of the scripts here (test, demo, benchmark, throughput), sourced from
# the repo root: create .venv, install the template's pinned tools (scripts/venv.sh), make
# sure the servers answer, then export their URLs (TEST_*_URL) with their defaults. After
# services.sh, which leaves a server whose URL is already set to whoever set it.

# shellcheck source=scripts/venv.sh
source scripts/venv.sh

# Python's compiled modules, written once and read by every process the tests start (the
# variants' suites, gunicorn, Celery, the flask CLI, pre-commit), kept in .cache instead of
# __pycache__ folders: where PYTHONDONTWRITEBYTECODE is set, each would compile every
# module it imports again (a generated suite took 2.5 times as long).
unset PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX="$PWD/.cache/pycache"

step "checking services (scripts/services.sh)"
bash scripts/services.sh

export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
export TEST_MYSQL_URL="${TEST_MYSQL_URL:-mysql+pymysql://root@127.0.0.1:3306/test}"
export TEST_REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379/0}"
export TEST_AMQP_URL="${TEST_AMQP_URL:-amqp://guest:guest@127.0.0.1:5672//}"
