"""MongoEngine for Flask-AppBuilder 5: data interface, filters, forms, screens and REST APIs."""

from console.datamodel.errors import RecordError, ScopeError, UniqueError
from console.datamodel.interface import MongoEngineInterface
from console.datamodel.scope import register_scope, scoped, unregister_scope

__all__ = [
    "MongoEngineInterface",
    "RecordError",
    "ScopeError",
    "UniqueError",
    "register_scope",
    "scoped",
    "unregister_scope",
]
