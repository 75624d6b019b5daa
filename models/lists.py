"""MongoEngine list fields that skip the reference look-up when their items can hold no reference.

MongoEngine's list fields look for references to load on the first read of a list and run a
chain of checks on every read after it. A case holds some forty lists (its materials, sub-tasks
and timeline, and the lists inside each of them) and none of them can hold a reference, so on a
case page those look-ups cost more than reading the case. These fields wrap the stored list as
MongoEngine does and mark it loaded; a list whose items may hold references (or whose item type
is not declared) is left to MongoEngine.
"""

from __future__ import annotations

from typing import Any

import mongoengine
from mongoengine.base import BaseList, ComplexBaseField, EmbeddedDocumentList
from mongoengine.fields import (
    CachedReferenceField,
    DynamicField,
    EmbeddedDocumentField,
    GenericEmbeddedDocumentField,
    GenericLazyReferenceField,
    GenericReferenceField,
    LazyReferenceField,
    ReferenceField,
)

_MAY_REFER = (CachedReferenceField, DynamicField, GenericEmbeddedDocumentField,
              GenericLazyReferenceField, GenericReferenceField, LazyReferenceField,
              ReferenceField)


def holds_no_references(field: Any, _seen: frozenset = frozenset()) -> bool:
    """Whether no value of ``field`` can contain a reference to another document."""
    if isinstance(field, _MAY_REFER):
        return False
    if isinstance(field, EmbeddedDocumentField):
        document = field.document_type
        if document in _seen:
            return False
        return all(holds_no_references(inner, _seen | {document})
                   for inner in document._fields.values())
    if isinstance(field, ComplexBaseField):
        return field.field is not None and holds_no_references(field.field, _seen)
    return True


class _PlainList:
    """The list read without a reference look-up when its items cannot refer to documents."""

    _wrapper: type[BaseList] = BaseList

    def __get__(self, instance, owner):
        if instance is None:
            return self
        value = instance._data.get(self.name)
        if type(value) is self._wrapper and value._dereferenced:
            return value  # already wrapped and loaded: nothing changes on a read
        if (type(value) is list and instance._initialised and self._plain
                and self._auto_dereference):
            value = self._wrapper(value, instance, self.name)
            value._dereferenced = True
            instance._data[self.name] = value
            return value
        return super().__get__(instance, owner)

    @property
    def _plain(self) -> bool:
        plain = self.__dict__.get("_holds_no_references")
        if plain is None:
            plain = self.__dict__["_holds_no_references"] = holds_no_references(self)
        return plain


class ListField(_PlainList, mongoengine.ListField):
    """A ``ListField`` read without reference look-ups when its items cannot refer."""


class EmbeddedDocumentListField(_PlainList, mongoengine.EmbeddedDocumentListField):
    """An ``EmbeddedDocumentListField`` read without reference look-ups when its documents
    cannot refer to others."""

    _wrapper = EmbeddedDocumentList
