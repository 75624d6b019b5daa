#!/usr/bin/env bash
# Install onewindow into .venv, prepare the embedded store with demo data, and serve the console.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet .
.venv/bin/onewindow init
# The demo with a year of history (5,000 cases, about a minute the first time; skipped when the
# demo centres already hold cases).
.venv/bin/onewindow load-demo --history
exec .venv/bin/onewindow serve --bind "${ONEWINDOW_BIND:-127.0.0.1:5000}" --workers 2 --threads 4
