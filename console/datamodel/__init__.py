"""MongoEngine for Flask-AppBuilder 5: data interface, filters, forms, screens and REST APIs."""

from console.datamodel.api import MongoModelRestApi
from console.datamodel.errors import RecordError, ScopeError, UniqueError
from console.datamodel.inline import InlineList
from console.datamodel.interface import MongoEngineInterface
from console.datamodel.scope import register_scope, scoped, unregister_scope
from console.datamodel.views import MongoModelView, init_assets

__all__ = [
    "InlineList",
    "MongoEngineInterface",
    "MongoModelRestApi",
    "MongoModelView",
    "RecordError",
    "ScopeError",
    "UniqueError",
    "init_assets",
    "register_scope",
    "scoped",
    "unregister_scope",
]
