#!/usr/bin/env bash
# Sourced from the repo root by the scripts here: create .venv and install the template's
# pinned tools (requirements-dev.txt) into it.

step() { printf '==> %s\n' "$*"; }

if [ ! -x .venv/bin/python ]; then
    step "creating .venv (python3 -m venv .venv)"
    python3 -m venv .venv
fi

step "installing requirements-dev.txt into .venv"
.venv/bin/pip install -q -r requirements-dev.txt
