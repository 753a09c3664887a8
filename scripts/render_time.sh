#!/usr/bin/env bash
# Time the default render against a bare one-file template, in fresh cookiecutter
# processes: bash scripts/render_time.sh [--runs N] [--floor] [--instructions].
# Prepares .venv and the servers as scripts/test.sh does, then runs
# scripts/render_time.py, which prints both medians and their ratio and exits 1 when it
# is over the goal of 1.6.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/setup.sh
source scripts/setup.sh

step "rendering this template and a bare one in turn, each in a fresh cookiecutter process"
exec .venv/bin/python scripts/render_time.py "$@"
