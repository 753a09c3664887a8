#!/usr/bin/env bash
# Lint the template's own code: bash scripts/lint.sh
# black, isort and ruff with the settings of pyproject.toml over tests/, scripts/ and
# local_extensions.py (hooks/ and the generated project are Jinja templates: the tests
# lint what they render), and shellcheck over the shell scripts.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/venv.sh
source scripts/venv.sh

PYTHON=(tests scripts local_extensions.py)
step "black, isort, ruff: ${PYTHON[*]}"
.venv/bin/black --check --quiet "${PYTHON[@]}"
.venv/bin/isort --check-only --quiet "${PYTHON[@]}"
# Paths, not ".": ruff would read the generated project's pyproject.toml, a Jinja template.
.venv/bin/ruff check --quiet "${PYTHON[@]}"
step "shellcheck: scripts/*.sh .ci/run"
.venv/bin/shellcheck scripts/*.sh .ci/run
