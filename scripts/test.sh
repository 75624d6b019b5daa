#!/usr/bin/env bash
# Install onewindow with its test tools into .venv and run the whole suite (what CI runs), the
# real-browser journeys included: `bash scripts/test.sh -m "not browser"` runs the fast suite alone.
set -euo pipefail
cd "$(dirname "$0")/.."
# The browser journeys drive Debian's Chromium through its own driver (no browser download);
# a Chinese font makes their screenshots readable; the printables' tests read PDFs back with
# poppler's pdftotext.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || [ ! -d /usr/share/fonts/truetype/wqy ] \
    || ! command -v pdftotext >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-wqy-zenhei \
      poppler-utils >/dev/null
  else
    echo "chromium, chromium-driver or poppler-utils are missing:" \
      "sudo apt-get install chromium chromium-driver fonts-wqy-zenhei poppler-utils" >&2
  fi
fi
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
.venv/bin/ruff check .
# In this command a missing browser is a failure, not a skipped journey.
export ONEWINDOW_REQUIRE_BROWSER=1
.venv/bin/python -m pytest "$@"
