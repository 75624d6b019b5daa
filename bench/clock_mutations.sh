#!/usr/bin/env bash
# The deadline-arithmetic mutations of issue 8, one at a time: each must be killed by the clock
# tests. Run from anywhere: bash bench/clock_mutations.sh (restores every file it touches).
cd "$(dirname "$0")/.."
if ! git diff --quiet -- models/lifecycle.py models/workdays.py models/deadlines.py; then
  echo "commit or stash your changes to the mutated files first" >&2; exit 1
fi
run() {
  local name="$1" file="$2" from="$3" to="$4"
  python3 - "$file" "$from" "$to" <<'PY'
import sys
p, a, b = sys.argv[1:]
s = open(p).read()
assert s.count(a) == 1, (p, a)
open(p, 'w').write(s.replace(a, b))
PY
  if .venv/bin/python -m pytest -q -x -p no:cacheprovider tests/test_case_clock.py tests/test_lifecycle.py >/dev/null 2>&1; then
    echo "SURVIVED  $name"
  else
    echo "killed    $name"
  fi
  git checkout -q -- "$file"
}
run "pause shift by half" models/lifecycle.py "task.deadline = calendar.add(task.deadline, paused, MINUTES)" "task.deadline = calendar.add(task.deadline, paused / 2, MINUTES)"
run "case pause shift by half" models/lifecycle.py 'changes["due_at"] = calendar.add(case.due_at, stopped, MINUTES)' 'changes["due_at"] = calendar.add(case.due_at, stopped / 2, MINUTES)'
run "clipping to closing time" models/workdays.py "return _at(day, min(time_of_day, closes))" "return _at(day, time_of_day)"
run "closing-minute boundary (add)" models/workdays.py "if lo + remaining <= hi:" "if lo + remaining < hi:"
run "closing-minute boundary (state)" models/deadlines.py "if moment > due:" "if moment >= due:"
run "overdue shown as normal" models/deadlines.py "        return c.OVERDUE" "        return c.NORMAL"
run "warning never raised" models/deadlines.py "if total and used * 100 >= total * warning_percent:" "if False:"
run "case paused measured at now" models/deadlines.py "        moment = case.clock_pauses[-1].started_at" "        moment = now"
run "seal counts from acceptance" models/lifecycle.py "task.status, task.ready_at = c.PENDING, now" "task.status, task.ready_at = c.PENDING, task.created_at"
