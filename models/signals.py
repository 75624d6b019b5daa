"""Signals the domain sends after a write has been committed, so other parts of the console (the
audit log, statistics) can follow changes without the models knowing about them."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent by models.lifecycle after every committed case change (opening included), with
# ``actor`` (lifecycle.Actor), ``action`` (the timeline action name), ``event`` (the
# TimelineEvent written) and ``now``. The sender is the Case as written.
case_changed = _signals.signal("case-changed")
