"""Row-level query scopes: the one place where "who may see which records" is declared.

A *scope* is a callable ``scope(document_class)`` evaluated on every query of a
:class:`~console.datamodel.interface.MongoEngineInterface` (lists, ``get(pk)``, related select
boxes, relation filters, uniqueness look-ups made for a user). It returns one of:

* ``None``: no restriction (for example outside a request, or for an administrator);
* a mapping of MongoEngine filter keyword arguments, e.g. ``{"centre": g.user.centre}``;
  plain keys (no ``__`` operator) also *confine writes*: an added or edited record gets the
  value when the field is empty and is refused when it holds another one;
* a :class:`mongoengine.Q`, which restricts reads only;
* ``False``: the user may see nothing at all.

Scopes registered for a document class (or one of its bases) apply to every interface over that
class, including the ones FAB builds itself through ``get_related_interface``; a scope given to one
interface adds to them. Scopes only ever narrow: they are combined with AND.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
import contextlib
from typing import Any

from mongoengine import Q

ScopeResult = Mapping[str, Any] | Q | bool | None
Scope = Callable[[type], ScopeResult]

_registry: dict[type, list[Scope]] = {}


def register_scope(document: type, scope: Scope) -> Scope:
    """Restrict every query over ``document`` (and its subclasses) with ``scope``."""
    _registry.setdefault(document, []).append(scope)
    return scope


def unregister_scope(document: type, scope: Scope | None = None) -> None:
    """Remove ``scope`` (or every scope when None) registered for ``document``."""
    if scope is None:
        _registry.pop(document, None)
        return
    scopes = _registry.get(document, [])
    if scope in scopes:
        scopes.remove(scope)
    if not scopes:
        _registry.pop(document, None)


@contextlib.contextmanager
def scoped(document: type, scope: Scope) -> Iterator[Scope]:
    """Register ``scope`` for the duration of a ``with`` block (tests, scripts)."""
    register_scope(document, scope)
    try:
        yield scope
    finally:
        unregister_scope(document, scope)


def registered_scopes(document: type) -> list[Scope]:
    """The scopes registered for ``document`` and for each of its base classes."""
    found: list[Scope] = []
    for klass in getattr(document, "__mro__", (document,)):
        found.extend(_registry.get(klass, ()))
    return found


def evaluate(document: type, scopes: list[Scope]) -> list[ScopeResult]:
    """Call each scope for ``document`` and keep the results that restrict something."""
    results = []
    for scope in scopes:
        result = scope(document)
        if result is None or result is True:
            continue
        results.append(result)
    return results


def write_constraints(results: list[ScopeResult]) -> dict[str, Any]:
    """The plain ``field=value`` pairs of mapping scopes: values every written record must hold."""
    constraints: dict[str, Any] = {}
    for result in results:
        if isinstance(result, Mapping):
            constraints.update({k: v for k, v in result.items() if "__" not in k})
    return constraints
