#!/usr/bin/env bash
# Babel, one domain: extract every marked string, update the catalogs, compile them.
#   scripts/i18n.sh            extract + update + compile
#   scripts/i18n.sh compile    compile only
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=.venv/bin/pybabel
if [ "${1:-all}" != "compile" ]; then
  "$PYBABEL" extract -F translations/babel.cfg -k _l -k lazy_gettext -k gettext -k ngettext:1,2 \
    --no-location --sort-output -o translations/messages.pot console models forms reports
  "$PYBABEL" update -i translations/messages.pot -d translations --no-fuzzy-matching
fi
"$PYBABEL" compile -d translations --statistics
