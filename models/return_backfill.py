"""Return records (一次性告知) restored from the timeline for cases returned before they were kept.

Until returns were kept as records, a return left only its ``return`` timeline event, so the
effectiveness review (which counts ``returns.at``) missed it. ``onewindow init`` adds one record per
such event: its time and clerk from the event, the clerk's note as its note; the materials it
named were not kept, so it names none. Only ``returns`` is written, never the state or version."""

from __future__ import annotations

from typing import Any

# Cases read per query: a store of 50,000 cases is never held in memory at once.
BATCH = 500


def missing_returns(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The return records a case (as stored) lacks: one per ``return`` event whose time no record
    carries (the lifecycle writes both at the same moment)."""
    kept = {record.get("at") for record in row.get("returns") or ()}
    missing = []
    for event in row.get("timeline") or ():
        if event.get("action") != "return" or not event.get("at") or event["at"] in kept:
            continue
        record = {"at": event["at"], "clerk": event.get("actor") or "?", "materials": []}
        if (event.get("note") or "").strip():
            record["note"] = event["note"].strip()[:2000]
        missing.append(record)
        kept.add(event["at"])
    return missing


def backfill_returns(centre: str, batch: int = BATCH) -> int:
    """Give the centre's cases a return record for every return their timeline shows without one,
    ``batch`` cases at a time in case-number order (on the ``(centre, number)`` index, so each
    batch starts where the last one stopped instead of reading the centre's cases again); a
    second run writes nothing. Returns the number of records added."""
    from models.case import Case

    collection = Case._get_collection()
    added = 0
    after: str | None = None
    while True:
        query: dict[str, Any] = {"centre": centre, "timeline.action": "return"}
        if after is not None:
            query["number"] = {"$gt": after}
        rows = list(collection.find(query, {"number": 1, "version": 1, "returns": 1,
                                            "timeline.action": 1, "timeline.at": 1,
                                            "timeline.actor": 1, "timeline.note": 1})
                    .sort("number", 1).limit(batch))
        if not rows:
            return added
        for row in rows:
            missing = missing_returns(row)
            if not missing:
                continue
            returns = sorted([*(row.get("returns") or ()), *missing], key=lambda r: r["at"])
            # Guarded by the version read: a case changed meanwhile is left for the next run.
            written = collection.update_one(
                {"_id": row["_id"], "version": row.get("version")},
                {"$set": {"returns": returns}})
            added += len(missing) if written.modified_count else 0
        after = rows[-1]["number"]
