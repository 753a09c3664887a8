#!/usr/bin/env bash
# The template's test command: bash scripts/test.sh [--shard K/N] [pytest arguments]
# Creates .venv, installs the pinned tools, makes sure PostgreSQL, MariaDB and Redis
# answer (scripts/services.sh), then runs the template tests with pytest. With --shard K/N
# only shard K of N of the collected tests runs (tests/shards.py splits them), and the
# script ends by printing how long the shard took, setup included.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

shard=""
previous=""
for argument in "$@"; do
    case $argument in
        --shard=*) shard=${argument#--shard=} ;;
        *) if [ "$previous" = --shard ]; then shard=$argument; fi ;;
    esac
    previous=$argument
done

# shellcheck source=scripts/setup.sh
source scripts/setup.sh

step "checking system tools (scripts/tools.sh)"
bash scripts/tools.sh  # nginx, systemd-analyze: the deploy artifacts' validators

step "running pytest -n 2${*:+ $*}"
if [ -z "$shard" ]; then
    exec .venv/bin/python -m pytest -n 2 "$@"
fi
status=0
.venv/bin/python -m pytest -n 2 "$@" || status=$?
step "shard $shard took $SECONDS s"
exit "$status"
