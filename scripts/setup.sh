#!/usr/bin/env bash
# Shared first steps of scripts/test.sh and scripts/demo.sh (sourced, from the repo root):
# create .venv, install the template's pinned tools, make sure the servers answer.

step() { printf '==> %s\n' "$*"; }

if [ ! -x .venv/bin/python ]; then
    step "creating .venv (python3 -m venv .venv)"
    python3 -m venv .venv
fi

step "installing requirements-dev.txt into .venv"
.venv/bin/pip install -q -r requirements-dev.txt

step "checking services (scripts/services.sh)"
bash scripts/services.sh
