"""The embedded store's query planner: ``find`` and ``count_documents`` answered from key tables.

For a filter, a sort and a page, the planner picks the declared index whose key table serves the
query best: equality and ``$in`` on its leading paths, then a range, a regex or the sort. SQLite
then selects the matching document ids in order, with LIMIT/OFFSET when the key table decides the
whole filter exactly, and only those documents are decoded. Every decoded document is re-checked
against the whole filter, with mongomock's answer (:mod:`.matcher`); when the key table only
narrows the candidates, ids stream from SQLite in order and paging is counted after the
re-check. A filter no index can narrow goes the old way (decode and match every document), logged
once per query shape; in strict mode (:func:`strict`, or ``ONEWINDOW_STORAGE_STRICT``) it raises
:class:`ScanError` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
import contextlib
import contextvars
from dataclasses import dataclass, field
import functools
import logging
import re
import threading
from typing import Any

import bson
from litemongo._vendor.mongomock import filtering

from . import keys as k
from .keytables import KeyTable
from .matcher import compile_filter

log = logging.getLogger(__name__)

# How many ids a re-checking plan decodes at a time.
CHUNK = 200

STRICT_DEFAULT = False
_strict: contextvars.ContextVar[bool | None] = contextvars.ContextVar("strict", default=None)
_allowed: contextvars.ContextVar[Callable[[str], bool] | None] = contextvars.ContextVar(
    "allowed", default=None)
_watchers: contextvars.ContextVar[tuple[list, ...]] = contextvars.ContextVar(
    "watchers", default=())
_logged: set[str] = set()
_logged_lock = threading.Lock()

_REGEX_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}


class ScanError(RuntimeError):
    """A query no declared index can serve, refused in strict mode."""


@contextlib.contextmanager
def strict(enabled: bool = True, allow: Callable[[str], bool] | None = None) -> Iterator[None]:
    """Within this block, a query that would scan the collection raises :class:`ScanError`,
    unless ``allow(shape)`` accepts that query's shape."""
    token, allowed = _strict.set(enabled), _allowed.set(allow)
    try:
        yield
    finally:
        _strict.reset(token)
        _allowed.reset(allowed)


@contextlib.contextmanager
def watch() -> Iterator[list[str]]:
    """Collect the shapes of the queries that fell back to a scan within this block."""
    found: list[str] = []
    token = _watchers.set((*_watchers.get(), found))
    try:
        yield found
    finally:
        _watchers.reset(token)


def is_strict() -> bool:
    value = _strict.get()
    return STRICT_DEFAULT if value is None else value


@dataclass
class Predicate:
    sql: str
    params: list
    exact: bool
    point: bool = False  # equality or $in: a leading index column can seek on it
    single: bool = False  # equality with one key: one row at most per document


@dataclass
class Plan:
    kind: str  # "ids", "exact", "recheck", "keyscan", "scan" or "all"
    shape: str
    table: KeyTable | None = None
    sorter: KeyTable | None = None  # another key table the sort is read from
    where: list[str] = field(default_factory=list)
    params: list = field(default_factory=list)
    order: list[str] | None = None  # SQL ORDER BY terms before the natural tie-break
    distinct: bool = False
    exact: bool = False
    ids: list[str] = field(default_factory=list)

    @property
    def sorted_in_sql(self) -> bool:
        return self.order is not None


# region Filter analysis


def _clauses(spec: dict) -> tuple[list[tuple[str, Any]], bool]:
    """The filter's top-level AND-ed ``(path, condition)`` pairs, and whether anything else
    (``$or``, ``$nor``, ``$expr``…) remains for the re-check."""
    found: list[tuple[str, Any]] = []
    residual = False
    for key, value in spec.items():
        if key == "$and" and isinstance(value, list) and value:
            for part in value:
                if isinstance(part, dict):
                    more, rest = _clauses(part)
                    found.extend(more)
                    residual |= rest
                else:
                    residual = True
        elif key == "$comment":
            continue
        elif key.startswith("$"):
            residual = True
        else:
            found.append((key, value))
    return found, residual


def _is_operator_dict(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and all(
        isinstance(key, str) and key.startswith("$") for key in value)


def _points(t: str, v: str, values: list[Any]) -> Predicate | None:
    """Equality with any of ``values``: exact when each has one unambiguous key."""
    by_rank: dict[int, list] = {}
    exact = True
    null = False
    for value in values:
        if isinstance(value, (re.Pattern, bson.Regex, dict, list, tuple)):
            return None
        if value is None:
            null = exact = False  # also matches missing fields and paths through scalars
            continue
        key = k.encode(value)
        if key[1] is None:
            return None
        by_rank.setdefault(key[0], []).append(key[1])
        if key[0] in (k.BOOLEAN, k.NUMBER) and key[1] in (0, 1):
            # Python (and so mongomock) holds True == 1: look in both ranks, re-check decides.
            other = k.NUMBER if key[0] == k.BOOLEAN else k.BOOLEAN
            by_rank.setdefault(other, []).append(int(key[1]))
            exact = False
    parts = []
    params: list = []
    for rank, items in by_rank.items():
        items = list(dict.fromkeys(items))
        parts.append(f"({t} = ? AND {v} IN ({', '.join('?' * len(items))}))")
        params += [rank, *items]
    if null or None in values:
        parts.append(f"{t} = ?")
        params.append(k.NULL)
    if not parts:
        return Predicate("0", [], True, point=True)  # $in: [] matches nothing
    return Predicate("(" + " OR ".join(parts) + ")", params, exact, point=True,
                     single=len(params) == 2)


_RANGE_SQL = {"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}


def _range(t: str, v: str, operator: str, value: Any) -> Predicate | None:
    key = k.encode(value)
    if key[0] == k.NULL or key[1] is None:
        return None
    return Predicate(f"({t} = ? AND {v} {_RANGE_SQL[operator]} ?)",
                     [key[0], key[1]], True)


def _regex(t: str, v: str, pattern: Any, options: Any = None) -> Predicate | None:
    if isinstance(pattern, re.Pattern):
        text, flags = pattern.pattern, pattern.flags
    elif isinstance(pattern, bson.Regex):
        text, flags = pattern.pattern, pattern.flags
        if isinstance(flags, str):
            flags = functools.reduce(lambda a, c: a | _REGEX_FLAGS.get(c, 0), flags, 0)
    elif isinstance(pattern, str):
        text, flags = pattern, 0
    else:
        return None
    if not isinstance(text, str):
        return None
    if options is not None:
        if not isinstance(options, str):
            return None
        for letter in options:
            flags |= _REGEX_FLAGS.get(letter, 0)
    flags &= ~re.UNICODE
    try:
        re.compile(text, flags)
    except re.error:
        return None
    literal = _literal(text)
    if literal and not flags & re.VERBOSE and (
            not flags & re.IGNORECASE or literal.lower() == literal.upper() == literal):
        # "Contains" a plain text (a Chinese company name: no letter case to fold) is SQLite's
        # own instr(), not a call into Python for every row of the centre.
        return Predicate(f"({t} = {k.STRING} AND instr({v}, ?) > 0)", [literal], True)
    return Predicate(f"({t} = {k.STRING} AND ow_regex(?, ?, {v}))",
                     [text, flags], True)


_SPECIAL = set(".^$*+?{}[]|()\\")


def _literal(pattern: str) -> str | None:
    """The text a regex matches literally anywhere (as ``re.escape`` writes it), or None."""
    out, escaped = [], False
    for char in pattern:
        if escaped:
            if char.isalnum() or char == "_":
                return None  # \d, \b, \1…: not a literal character
            out.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in _SPECIAL:
            return None
        else:
            out.append(char)
    return None if escaped or not out else "".join(out)


def _translate(t: str, v: str, condition: Any, multikey: bool) -> Predicate | None:
    """SQL for one path's condition on key column ``column``; None when SQL can't help."""
    if isinstance(condition, (re.Pattern, bson.Regex)):
        return _regex(t, v, condition)
    if not _is_operator_dict(condition):
        if isinstance(condition, (dict, list, tuple)):
            return None
        return _points(t, v, [condition])
    operators = dict(condition)
    options = operators.pop("$options", None)
    parts: list[Predicate] = []
    exact = True
    for operator, argument in operators.items():
        part: Predicate | None = None
        if operator == "$eq":
            part = None if isinstance(argument, (dict, list)) else _points(t, v, [argument])
        elif operator == "$in" and isinstance(argument, (list, tuple)):
            part = _points(t, v, list(argument))
        elif operator in _RANGE_SQL:
            part = _range(t, v, operator, argument)
        elif operator == "$regex":
            part = _regex(t, v, argument, options)
        if part is None:
            exact = False
        else:
            parts.append(part)
    if not parts:
        return None
    if multikey and len(parts) > 1:
        # Each operator may be met by a different element; one row can't say that.
        parts, exact = parts[:1], False
    return Predicate(
        " AND ".join(part.sql for part in parts),
        [param for part in parts for param in part.params],
        exact and all(part.exact for part in parts),
        point=len(parts) == 1 and parts[0].point,
        single=len(parts) == 1 and parts[0].single,
    )


def sort_paths(sort: Any) -> list[str]:
    """The paths a sort reads."""
    return [path for path, _ in _sort_list(sort)]


def _sort_list(sort: Any) -> list[tuple[str, int]]:
    if not sort:
        return []
    if isinstance(sort, dict):
        sort = list(sort.items())
    return [(key, int(direction)) for key, direction in sort]


def _shape(collection: str, clauses: list[tuple[str, Any]], residual: bool,
           sort: list[tuple[str, int]]) -> str:
    parts = []
    for path, condition in clauses:
        if _is_operator_dict(condition):
            parts.append(f"{path}:{'/'.join(sorted(condition))}")
        elif isinstance(condition, (re.Pattern, bson.Regex)):
            parts.append(f"{path}:regex")
        else:
            parts.append(f"{path}:eq")
    if residual:
        parts.append("$other")
    order = ",".join(f"{'-' if direction < 0 else ''}{path}" for path, direction in sort)
    return f"{collection} find {{{', '.join(parts)}}} sort [{order}]"


# endregion

# region Planning


def plan(store, spec: dict, sort: Any = None) -> Plan:
    """The best way to answer ``spec`` (and ``sort``) on this collection store."""
    clauses, residual = _clauses(spec or {})
    order = _sort_list(sort)
    shape = _shape(store.name, clauses, residual, order)
    id_plan = _id_plan(store, clauses, residual, shape)
    if id_plan is not None:
        return id_plan
    if not clauses and not residual:
        if not order:
            return Plan("all", shape, exact=True, order=[])
        if [path for path, _ in order] == ["_id"] and store.ids_are_object_ids():
            return Plan("all", shape, exact=True,
                        order=["_id DESC" if order[0][1] < 0 else "_id ASC"])
    known = _Known(store)
    choices = _choices(store, known.tables)
    signature = (_signature(clauses), residual, tuple(order))
    chosen = choices.get(signature)
    if chosen is not None:
        candidate = _table_plan(store, known, chosen, clauses, residual, order, shape)
        if candidate is not None:
            return candidate[0]
    best: tuple | None = None
    for table in known.tables:
        candidate = _table_plan(store, known, table, clauses, residual, order, shape)
        if candidate is None:
            continue
        plan_, score = candidate
        if best is None or score > best[0]:
            best = (score, plan_)
    if best is not None:
        if len(choices) >= MAX_CHOICES:
            choices.clear()
        choices[signature] = best[1].table
        return best[1]
    return Plan("scan", shape)


# How many query signatures a collection remembers the chosen key table of.
MAX_CHOICES = 1024


def _choices(store, tables: list[KeyTable]) -> dict:
    """The key table chosen for each query signature on ``store``, forgotten whenever its
    declared indexes change. Any key table's plan is correct; remembering which one scored best
    for a signature spares trying all of them (a dozen for cases) on every query."""
    held = getattr(store, "_plan_choices", None)
    if held is None or held[0] is not tables:
        held = (tables, {})
        store._plan_choices = held
    return held[1]


def _signature(clauses: list[tuple[str, Any]]) -> tuple:
    """What decides which key table serves the clauses best: the paths, the operators and the
    kinds of the values (not the values themselves)."""
    return tuple((path, _kind(condition)) for path, condition in clauses)


def _kind(value: Any) -> Any:
    if _is_operator_dict(value):
        return tuple(sorted((operator, _kind(argument)) for operator, argument in value.items()))
    if isinstance(value, (list, tuple)):
        return ("list", tuple(sorted({repr(_kind(item)) for item in value})))
    if isinstance(value, (re.Pattern, bson.Regex)):
        return ("regex", value.flags)
    if isinstance(value, dict):
        return ("document", tuple(sorted(value)))
    return type(value).__name__


def _id_plan(store, clauses, residual, shape) -> Plan | None:
    """A filter on ``_id`` equality or ``$in``: the documents table answers by key."""
    for path, condition in clauses:
        if path != "_id":
            continue
        values: list | None = None
        if _is_operator_dict(condition):
            if set(condition) == {"$in"} and isinstance(condition["$in"], (list, tuple)):
                values = list(condition["$in"])
            elif set(condition) == {"$eq"}:
                values = [condition["$eq"]]
        elif not isinstance(condition, (re.Pattern, bson.Regex, list)):
            values = [condition]
        if values is None or any(isinstance(v, (dict, list, re.Pattern)) for v in values):
            continue
        ids = list(dict.fromkeys(store.encode_key(value) for value in values))
        exact = len(clauses) == 1 and not residual
        return Plan("ids", shape, ids=ids, exact=exact)
    return None


class _Known:
    """The key tables and their flags, read once for one plan."""

    def __init__(self, store) -> None:
        self.tables = store.key_tables()
        self._store = store
        self._flags: dict[str, Any] = {}

    def flags(self, table: KeyTable):
        if table.table not in self._flags:
            self._flags[table.table] = self._store.key_flags(table)
        return self._flags[table.table]


def _table_plan(store, known: _Known, table: KeyTable, clauses, residual, order,
                shape) -> tuple | None:
    flags = known.flags(table)
    positions = {path: i for i, path in enumerate(table.paths)}
    by_column: dict[int, Predicate] = {}
    id_predicates: list[Predicate] = []
    elsewhere: list[Predicate] = []  # clauses checked on another key table of the same id
    exact = not residual
    for path, condition in clauses:
        if path == "_id":
            predicate = _id_predicate(store, condition)
            if predicate is None:
                exact = False
            else:
                id_predicates.append(predicate)
                exact &= predicate.exact
            continue
        column = positions.get(path)
        predicate = None
        if column is not None:
            predicate = _translate(f"a.t{column}", f"a.v{column}", condition,
                                   column in flags.multikey)
        elif not residual:
            predicate = _elsewhere(known, table, path, condition, len(elsewhere))
            if predicate is not None:
                elsewhere.append(predicate)
                exact &= predicate.exact
                continue
        if predicate is None:
            exact = False
            continue
        if column in by_column:
            # The same path twice ($and): both must hold; for a multikey path, on any rows.
            if column in flags.multikey:
                exact = False
                continue
            previous = by_column[column]
            predicate = Predicate(f"{previous.sql} AND {predicate.sql}",
                                  previous.params + predicate.params,
                                  previous.exact and predicate.exact)
        by_column[column] = predicate
        exact &= predicate.exact
    prefix = 0
    while prefix in by_column and by_column[prefix].point:
        prefix += 1
    narrowing = prefix + (1 if prefix in by_column else 0)
    sql_order = _order_terms(store, table, "a", order, flags)
    sorter: KeyTable | None = None
    # A document has one row per combination of its (distinct) keys: one key asked of every
    # multikey column leaves one row at most, so the ids need no grouping and keep the index's
    # order (an approver's queue walks its index instead of sorting).
    distinct = any(column not in by_column or not by_column[column].single
                   for column in flags.multikey)
    if sql_order is None and order and by_column:
        # Sort on another index's key table holding the sort paths, joined on the id.
        for other in known.tables:
            other_flags = known.flags(other)
            terms = _order_terms(store, other, "b", order, other_flags)
            if other != table and terms is not None:
                sorter, sql_order = other, terms
                distinct |= bool(other_flags.multikey)
                break
    if not by_column and (clauses or residual or sql_order is None or not order):
        return None
    served_sort = sql_order is not None and sorter is None and (
        not order or _leads(table, order, by_column, prefix))
    kind = "exact" if exact else "recheck"
    if narrowing == 0 and not (order and served_sort):
        kind = "keyscan"
    built = Plan(
        kind, shape, table=table, sorter=sorter,
        where=[by_column[column].sql for column in sorted(by_column)]
        + [predicate.sql for predicate in id_predicates + elsewhere],
        params=[p for column in sorted(by_column) for p in by_column[column].params]
        + [p for predicate in id_predicates + elsewhere for p in predicate.params],
        order=sql_order, distinct=distinct, exact=exact,
    )
    score = (exact and sql_order is not None, exact, narrowing, served_sort,
             sql_order is not None, -len(table.paths))
    return built, score


def _elsewhere(known: _Known, table: KeyTable, path: str, condition: Any,
               n: int) -> Predicate | None:
    """A clause on a path this key table lacks, decided by a row of another key table holding
    it for the same document (an approver's scope, "a sub-task of my agency", beside the
    queue's open agencies): exact counts and pages instead of decoding every candidate."""
    for other in known.tables:
        if other == table or path not in other.paths:
            continue
        column = other.paths.index(path)
        alias = f"o{n}"
        predicate = _translate(f"{alias}.t{column}", f"{alias}.v{column}", condition,
                               column in known.flags(other).multikey)
        if predicate is not None and predicate.exact:
            return Predicate(
                f'EXISTS (SELECT 1 FROM "{other.table}" AS {alias} WHERE {alias}.id = a.id '
                f"AND {predicate.sql})", predicate.params, True)
    return None


def _id_predicate(store, condition: Any) -> Predicate | None:
    """``_id`` beside other clauses (a case's risk prompt: "other cases than this one"), on the
    key table's encoded id column: encoded ids are equal exactly when the ids are."""
    def encoded(values: Any) -> list[str] | None:
        if not isinstance(values, (list, tuple)) or any(
                isinstance(v, (dict, list, re.Pattern, bson.Regex)) for v in values):
            return None
        return [store.encode_key(v) for v in values]

    if not _is_operator_dict(condition):
        keys = encoded([condition])
        return None if keys is None else Predicate("a.id = ?", keys, True)
    parts, params = [], []
    for operator, argument in condition.items():
        keys = encoded([argument] if operator in ("$eq", "$ne") else argument)
        if keys is None or operator not in ("$eq", "$ne", "$in", "$nin"):
            return None
        negate = "NOT " if operator in ("$ne", "$nin") else ""
        parts.append(f"a.id {negate}IN ({', '.join('?' * len(keys))})" if keys else
                     ("1" if negate else "0"))
        params += keys
    return Predicate(" AND ".join(parts), params, True)


def _order_terms(store, table: KeyTable, alias: str, order, flags) -> list[str] | None:
    """ORDER BY terms for the sort on this key table; None when it can't sort exactly."""
    positions = {path: i for i, path in enumerate(table.paths)}
    terms = []
    for path, direction in order:
        if path == "$natural":
            if direction < 0:
                return None
            continue
        word = "DESC" if direction < 0 else "ASC"
        if path == "_id":
            if not store.ids_are_object_ids():
                return None
            terms.append(f"a.id {word}")
            continue
        column = positions.get(path)
        if column is None or column in flags.multikey or column in flags.opaque:
            return None
        terms += [f"{alias}.t{column} {word}", f"{alias}.v{column} {word}"]
    return terms


def _leads(table: KeyTable, order, by_column, prefix) -> bool:
    """True when the sort follows the index right after its equality prefix (an index walk)."""
    columns = [table.paths.index(path) for path, _ in order if path in table.paths]
    return columns == list(range(prefix, prefix + len(columns))) or all(
        column in by_column and by_column[column].point for column in columns)


# endregion

# region Execution


def _note_fallback(chosen: Plan) -> None:
    allow = _allowed.get()
    excused = allow is not None and allow(chosen.shape)
    for found in () if excused else _watchers.get():
        found.append(chosen.shape)
    if is_strict() and not excused:
        raise ScanError(f"no declared index serves this query: {chosen.shape}")
    with _logged_lock:
        if chosen.shape in _logged:
            return
        _logged.add(chosen.shape)
    log.warning("embedded store: no declared index serves %s; scanning", chosen.shape)


def _select(chosen: Plan, *, ordered: bool | None, limit: int | None = None,
            offset: int = 0, with_total: bool = False, key_rows: bool = False) -> tuple[str, list]:
    """SQL for the plan's ids: in the sort's order, in natural order, or (None) unordered; with
    ``with_total``, each row also holds how many ids the query selects before its LIMIT; with
    ``key_rows``, the key table's row ids instead of the document ids (see _page_ids)."""
    total = ", COUNT(*) OVER ()" if with_total else ""
    selected = "a.rowid" if key_rows else "a.id"
    sql = f'SELECT {selected}{total} FROM "{chosen.table.table}" AS a'
    if chosen.sorter is not None and ordered:
        sql += f' JOIN "{chosen.sorter.table}" AS b ON b.id = a.id'
    if chosen.where:
        sql += " WHERE " + " AND ".join(chosen.where)
    if chosen.distinct:
        sql += " GROUP BY a.id"
    if ordered is not None:
        terms = (chosen.order or []) if ordered else []
        sql += " ORDER BY " + ", ".join([*terms, "a.r"])
    params = list(chosen.params)
    if limit is not None or offset:
        sql += " LIMIT ? OFFSET ?"
        params += [-1 if limit is None else limit, offset]
    return sql, params


def _natural_ids(store, chosen: Plan) -> list[str]:
    """The ids a plan selects, in natural order."""
    if chosen.kind == "ids":
        return store.ids_in_natural_order(chosen.ids)
    if chosen.kind == "all":
        return [row[0] for row in store.execute("SELECT _id FROM documents ORDER BY rowid")]
    sql, params = _select(chosen, ordered=False)
    return [row[0] for row in store.execute(sql, params)]


def _matching(store, spec: dict, ids: list[str],
              fields: frozenset[bytes] | None = None) -> Iterator[dict]:
    applies = compile_filter(spec)
    for start in range(0, len(ids), CHUNK):
        for document in store.get_many_encoded(ids[start:start + CHUNK], fields):
            if applies(document):
                yield document


def python_sort(documents: list[dict], sort: Any) -> list[dict]:
    """mongomock's sort (stable, BSON order, one key at a time from the last)."""
    for path, direction in reversed(_sort_list(sort)):
        if path == "$natural":
            if direction < 0:
                documents = list(reversed(documents))
            continue
        documents = sorted(documents, key=lambda d, p=path: filtering.resolve_sort_key(p, d),
                           reverse=direction < 0)
    return documents


def _page(items: list, skip: int, limit: int | None) -> list:
    items = items[skip:]
    return items if not limit else items[:limit]


def find(store, spec: dict, sort: Any = None, skip: int = 0, limit: int | None = None,
         fields: frozenset[bytes] | None = None) -> list[dict]:
    """The documents of one page of ``find(spec).sort(sort).skip(skip).limit(limit)``; with
    ``fields``, only those top-level fields of each (they hold every path the filter and the
    sort read)."""
    spec = spec or {}
    limit = abs(limit) if limit else None
    chosen = plan(store, spec, sort)
    if chosen.kind == "scan":
        _note_fallback(chosen)
        with store.snapshot():
            applies = compile_filter(spec)
            documents = [d for d in store.documents if applies(d)]
        return _page(python_sort(documents, sort), skip, limit)
    with store.snapshot():
        if chosen.kind in ("ids", "all") or not chosen.sorted_in_sql:
            # (an "all" plan is always sorted in SQL; ids plans hold a few documents)
            if chosen.kind == "all":
                sql = "SELECT _id FROM documents ORDER BY " + ", ".join(chosen.order or ["rowid"])
                params: list = []
                if limit or skip:
                    sql += " LIMIT ? OFFSET ?"
                    params = [limit or -1, skip]
                ids = [row[0] for row in store.execute(sql, params)]
                return store.get_many_encoded(ids, fields)
            documents = list(_matching(store, spec, _natural_ids(store, chosen), fields))
            return _page(python_sort(documents, sort), skip, limit)
        if chosen.exact:
            # A search that reads every key of the range (a "contains") counts its matches in
            # the same pass, for the list's count that follows (see count()).
            scanning = any(term in clause for clause in chosen.where
                           for term in SCANNING_SQL)
            token = store.change_token() if scanning else None
            rows, ids = _page_ids(store, chosen, skip, limit, scanning)
            documents = list(_matching(store, spec, ids, fields))
            if len(documents) == len(ids):
                if scanning and rows:
                    store.counted = (_count_key(spec), token, rows[0][1])
                return documents
        return _stream_page(store, chosen, spec, skip, limit, fields)


def _page_ids(store, chosen: Plan, skip: int, limit: int | None,
              scanning: bool) -> tuple[list, list[str]]:
    """The rows and document ids of an exact plan's page, in order.

    A scanning page reads every key of its range to count them (``COUNT(*) OVER ()``); selecting
    the key rows' own row ids keeps that pass inside the index, where the document id is not (at
    50,000 cases a company-name search read 2,498 table rows for ids it then dropped). The page's
    few ids are then read by row id."""
    by_key_row = scanning and not chosen.distinct
    sql, params = _select(chosen, ordered=True, limit=limit, offset=skip, with_total=scanning,
                          key_rows=by_key_row)
    rows = store.execute(sql, params).fetchall()
    if not by_key_row:
        return rows, [row[0] for row in rows]
    return rows, store.key_row_ids(chosen.table.table, [row[0] for row in rows])


# SQL predicates that test every key of the range they are given, not seek in the index.
SCANNING_SQL = ("instr(", "ow_regex(")


def _count_key(spec: dict) -> str:
    """The filter as a key: count() is asked the very filter find() was (MongoEngine builds one
    query dict for a list's page and its count)."""
    return repr(spec)


def _remembered_count(store, spec: dict) -> int | None:
    """The total the last scanning page of ``spec`` counted, if nothing was written since."""
    counted = getattr(store, "counted", None)
    if counted is None or counted[0] != _count_key(spec):
        return None
    return counted[2] if counted[1] == store.change_token() else None


def _stream_page(store, chosen: Plan, spec: dict, skip: int, limit: int | None,
                 fields: frozenset[bytes] | None = None) -> list[dict]:
    """Ids in order from SQL, re-checked chunk by chunk, paged after the re-check."""
    sql, params = _select(chosen, ordered=True)
    cursor = store.execute(sql, params)
    page: list[dict] = []
    to_skip = skip
    while True:
        rows = cursor.fetchmany(CHUNK)
        if not rows:
            return page
        for document in _matching(store, spec, [row[0] for row in rows], fields):
            if to_skip:
                to_skip -= 1
                continue
            page.append(document)
            if limit and len(page) >= limit:
                return page


def count(store, spec: dict, skip: int = 0, limit: int | None = None) -> int:
    """``count_documents(spec, skip=skip, limit=limit)``, from the key tables when they decide."""
    spec = spec or {}
    chosen = plan(store, spec)
    with store.snapshot():
        if chosen.kind == "all":
            total = store.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        elif chosen.kind == "scan":
            _note_fallback(chosen)
            applies = compile_filter(spec)
            total = sum(1 for d in store.documents if applies(d))
        elif chosen.exact and chosen.kind != "ids":
            total = _remembered_count(store, spec)
            if total is None:
                # Counted inside the key index (its row ids: the document id is not in it, and
                # reading it cost 8× the count), no further than asked ("more than 1,000?").
                sql, params = _select(chosen, ordered=None,
                                      limit=limit + (skip or 0) if limit else None,
                                      key_rows=not chosen.distinct)
                total = store.execute(f"SELECT COUNT(*) FROM ({sql})", params).fetchone()[0]
        else:
            total = sum(1 for _ in _matching(store, spec, _natural_ids(store, chosen)))
    total = max(total - (skip or 0), 0)
    return min(total, limit) if limit else total


def candidates(store, spec: dict) -> list[dict]:
    """Documents, in natural order, that may match ``spec`` (the caller re-checks each)."""
    chosen = plan(store, spec or {})
    if chosen.kind == "scan":
        _note_fallback(chosen)
        with store.snapshot():
            return list(store.documents)
    with store.snapshot():
        return list(store.get_many_encoded(_natural_ids(store, chosen)))


# endregion
