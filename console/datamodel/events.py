"""Signals the MongoEngine interface sends after a write it made for a screen or an API has
been stored, so the audit log follows every create, update and delete in one place."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent by MongoEngineInterface after a successful add, edit or delete, with ``operation``
# ("add", "edit", "delete"), ``item`` (the document as written) and ``before`` (the stored
# document as a dict before an edit or delete; None for an add). The sender is the document
# class.
record_written = _signals.signal("record-written")
