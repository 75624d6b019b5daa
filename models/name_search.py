"""The case list's company-name search, served by an index on every store.

A case keeps the two-character pieces of its company name (``name_grams``: "龙门科技" holds 龙门,
门科 and 科技), folded to lower case. "Contains 龙门" is then one equality on a multikey index
instead of reading every name of the centre: neither SQLite nor MongoDB can seek a "contains"
(an unanchored regex reads every key), and MongoDB's text index does not split Chinese.

A two-character search is decided by its piece alone. A longer one seeks its rarest piece and
keeps the plain "contains" as the exact test; a one-character search (or one with letters whose
case folding is not one character to one) is the plain "contains" it always was.
"""

from __future__ import annotations

from collections.abc import Callable

GRAM = 2
"""Characters in a piece of the name."""


# The characters a case-blind regex takes for an ASCII letter whose lower case is not it.
_ALSO_ASCII = {"İ": "i", "ı": "i", "ſ": "s"}


def folded(text: str) -> str:
    """``text`` in lower case, character by character, as a case-blind regex compares them (a
    character whose lower case is longer is kept, so positions stay those of the name)."""
    return "".join(_ALSO_ASCII.get(char) or (char.lower() if len(char.lower()) == 1 else char)
                   for char in text)


def name_grams(name: str | None) -> list[str]:
    """The distinct two-character pieces of the folded name, sorted."""
    key = folded(name or "")
    return sorted({key[i:i + GRAM] for i in range(len(key) - GRAM + 1)})


def searchable(text: str) -> bool:
    """Whether pieces can decide a search for ``text``: two characters or more, each an ASCII
    character or one without letter case (Chinese characters, digits, punctuation), where
    "equal ignoring case" and "equal once folded" agree."""
    return len(text) >= GRAM and all(
        char.isascii() or char.lower() == char.upper() == char for char in text)


SEEK_AT_MOST = 1000
"""A longer search seeks its rarest piece when at most this many cases hold it; past that,
checking each of them costs more than reading every name (at 50,000 cases, "有限公司" was 45 ms
through its pieces and 5 ms by reading the names)."""


def name_filter(text: str, postings: Callable[[str, int], int]) -> dict:
    """MongoEngine filters for "company name contains ``text``, ignoring case".

    ``postings(piece, at_most)`` counts the cases in scope holding a piece, stopping at
    ``at_most``; a longer search seeks on the rarest of its pieces (a centre's names share their
    county and "科技", rarely a brand) unless even that one is common."""
    contains = {"company_name__icontains": text}  # escaped by MongoEngine: never a regex
    if not searchable(text):
        return contains
    pieces = name_grams(text)
    if len(text) == GRAM:
        return {"name_grams": pieces[0]}
    held = {piece: postings(piece, SEEK_AT_MOST) for piece in pieces}
    rarest = min(pieces, key=held.__getitem__)
    if held[rarest] >= SEEK_AT_MOST:
        return contains
    return {"name_grams": rarest, **contains}


def refresh_name_grams(centre: str) -> int:
    """Give the centre's cases written before ``name_grams`` existed their pieces (only that
    field is written; a missing field is keyed as null, so the index finds them). Returns the
    number of cases filled."""
    from models.case import Case

    collection = Case._get_collection()
    filled: set = set()
    while True:  # in batches: a store read whole into memory would hold every case at once
        batch = [row for row in Case.objects(centre=centre, name_grams=None)
                 .only("company_name").limit(REFRESH_BATCH).as_pymongo()
                 if row["_id"] not in filled]
        if not batch:
            return len(filled)
        for row in batch:
            collection.update_one({"_id": row["_id"]},
                                  {"$set": {"name_grams": name_grams(row.get("company_name"))}})
            filled.add(row["_id"])


REFRESH_BATCH = 500
