"""An embedded document read from the database without MongoEngine's general-purpose constructor.

Reading a case builds some forty embedded documents (materials, sub-tasks, timeline events…).
MongoEngine builds each through ``__init__``, which assigns every field twice through its
attribute hooks; that was most of the time a case page spent reading its case. For a stored
document whose keys are all declared fields, :meth:`PlainEmbedded._from_son` fills the same
state directly: each stored value converted by its field, each missing one given its default as
assignment would, embedded values told their owner, ``get_<field>_display`` helpers bound.
Anything else (an undeclared key, a field with its own assignment hook, init signals) takes
MongoEngine's way. ``tests/test_embedded.py`` checks both ways build identical documents.
"""

from __future__ import annotations

from typing import Any
import weakref

from bson import SON
from mongoengine import EmbeddedDocument, signals
from mongoengine.base import BaseField, ComplexBaseField
from mongoengine.fields import EnumField

_PLAIN_SETTERS = (BaseField.__set__, ComplexBaseField.__set__)


class PlainEmbedded(EmbeddedDocument):
    """Base of the console's embedded documents (see the module's docstring)."""

    meta = {"abstract": True}

    @classmethod
    def _from_son(cls, son, _auto_dereference=True, created=False):
        fields = cls.__dict__.get("_plain_fields")
        if fields is None:
            fields = _plain_fields(cls)
            type.__setattr__(cls, "_plain_fields", fields)
        if (not fields or created or not _auto_dereference or type(son) is not dict
                or not son.keys() <= fields[1]
                or signals.pre_init.has_receivers_for(cls)
                or signals.post_init.has_receivers_for(cls)):
            return super()._from_son(son, _auto_dereference=_auto_dereference,
                                     created=created)
        document = cls.__new__(cls)
        setattr_ = object.__setattr__
        setattr_(document, "_initialised", False)
        setattr_(document, "_created", False)
        data: dict[str, Any] = {}
        setattr_(document, "_data", data)
        setattr_(document, "_dynamic_fields", SON())
        for name, db_field, field in fields[0]:
            value = son.get(db_field)
            if value is None:
                if not field.null and field.default is not None:
                    value = field.default() if callable(field.default) else field.default
            else:
                value = field.to_python(value)
                if isinstance(value, EmbeddedDocument):
                    value._instance = weakref.proxy(document)
                elif isinstance(value, (list, tuple)):
                    for item in value:
                        if isinstance(item, EmbeddedDocument):
                            item._instance = weakref.proxy(document)
            data[name] = value
        document._cls = cls._class_name
        document._BaseDocument__set_field_display()
        setattr_(document, "_initialised", True)
        setattr_(document, "_instance", None)
        setattr_(document, "_changed_fields", [])
        return document


def _plain_fields(cls: type) -> tuple[list[tuple[str, str, BaseField]], frozenset[str]] | tuple:
    """The fields to fill and the stored keys allowed, or () when this class needs MongoEngine's
    constructor (a field with its own assignment hook, a dynamic or strict-dict document)."""
    if cls._dynamic or cls.STRICT or cls._meta.get("allow_inheritance"):
        return ()
    fields = [(name, field.db_field, field) for name, field in cls._fields.items()]
    if not all(_plain_setter(field) for _, _, field in fields):
        return ()
    return fields, frozenset(db_field for _, db_field, _ in fields)


def _plain_setter(field: BaseField) -> bool:
    """Whether assigning to ``field`` only stores the value (and links embedded documents):
    a list of enums converts its items on assignment, a normalising field rewrites the value."""
    if type(field).__set__ not in _PLAIN_SETTERS:
        return False
    return not isinstance(getattr(field, "field", None), EnumField)
