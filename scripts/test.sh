#!/usr/bin/env bash
# Install onewindow with its test tools into .venv and run the whole suite (what CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
# The printables' tests read PDFs back with poppler's pdftotext (Debian poppler-utils).
if ! command -v pdftotext >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null
fi
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
