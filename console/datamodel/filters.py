"""Search filters over MongoEngine querysets, one class per operator, chosen by column kind.

Every filter turns the user's value into the column's type first (:data:`VALUE_CONVERTERS`):
text is matched literally (regular-expression characters are escaped), and a mapping or a list
never reaches a query as an operator. A blank value leaves the query unchanged; a value that
cannot be the column's type (``"abc"`` for a number) matches nothing.

Each class has its own ``arg_name``: FAB keeps a process-wide ``arg_name → class`` map for REST
filters, so one operator must be one class. :class:`MongoFilters` resolves REST operators
through the column's own filters, so this map cannot hand a Mongo column an SQLA filter.
"""

from __future__ import annotations

from collections.abc import Callable
import datetime
import decimal
import math
import re
from typing import TYPE_CHECKING, Any

from bson import ObjectId
from bson.errors import InvalidId
from flask_appbuilder.exceptions import (
    InvalidColumnFilterFABException,
    InvalidOperationFilterFABException,
)
from flask_appbuilder.models.filters import (
    BaseFilter,
    BaseFilterConverter,
    FilterRelation,
    Filters,
)
from flask_babel import lazy_gettext as _l
from mongoengine.queryset import QuerySet

if TYPE_CHECKING:
    from console.datamodel.interface import MongoEngineInterface

__all__ = [
    "MongoFilterConverter",
    "FilterEqual",
    "FilterNotEqual",
    "FilterContains",
    "FilterNotContains",
    "FilterStartsWith",
    "FilterEndsWith",
    "FilterGreater",
    "FilterSmaller",
    "FilterIn",
    "FilterHasElement",
    "FilterHasNotElement",
    "FilterEqualFunction",
    "FilterInFunction",
    "FilterRelationOneToManyEqual",
    "FilterRelationOneToManyNotEqual",
    "FilterRelationManyToManyEqual",
]

_TRUE = {"y", "yes", "true", "1", "on", "是"}
_FALSE = {"n", "no", "false", "0", "off", "否"}


# ---------------------------------------------------------------- value converters


def to_text(datamodel: MongoEngineInterface, col: str, value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"not a text value: {type(value).__name__}")


def to_int(datamodel: MongoEngineInterface, col: str, value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(value, int):
        return value
    return int(to_text(datamodel, col, value).strip())


def to_float(datamodel: MongoEngineInterface, col: str, value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    number = float(to_text(datamodel, col, value).strip())
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    return number


def to_decimal(datamodel: MongoEngineInterface, col: str, value: Any) -> decimal.Decimal:
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    try:
        number = decimal.Decimal(to_text(datamodel, col, value).strip())
    except decimal.InvalidOperation as exc:
        raise ValueError(str(exc)) from exc
    if not number.is_finite():
        raise ValueError("not a finite number")
    return number


def to_bool(datamodel: MongoEngineInterface, col: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = to_text(datamodel, col, value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"not a boolean: {text!r}")


def to_datetime(datamodel: MongoEngineInterface, col: str, value: Any) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time())
    else:
        text = to_text(datamodel, col, value).strip().replace("/", "-")
        moment = datetime.datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return moment


def to_date(datamodel: MongoEngineInterface, col: str, value: Any) -> datetime.date:
    return to_datetime(datamodel, col, value).date()


def to_object_id(datamodel: MongoEngineInterface, col: str, value: Any) -> ObjectId:
    if isinstance(value, ObjectId):
        return value
    try:
        return ObjectId(to_text(datamodel, col, value).strip())
    except InvalidId as exc:
        raise ValueError(str(exc)) from exc


VALUE_CONVERTERS: dict[str | None, Callable[[MongoEngineInterface, str, Any], Any]] = {
    "string": to_text,
    "integer": to_int,
    "float": to_float,
    "numeric": to_decimal,
    "boolean": to_bool,
    "date": to_date,
    "datetime": to_datetime,
    "object_id": to_object_id,
    # One element of a list of strings (stored stripped, so searched stripped).
    "string_list": lambda datamodel, col, value: to_text(datamodel, col, value).strip(),
}
"""Column kind → function turning a search value into that kind (``ValueError`` if it can't)."""


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _literal(text: str, template: str = "{}") -> re.Pattern:
    """A case-insensitive pattern matching ``text`` literally."""
    return re.compile(template.format(re.escape(text)), re.IGNORECASE)


# ---------------------------------------------------------------- filters


class MongoFilter(BaseFilter):
    """Base class: blank → no filter; unconvertible → nothing; else :meth:`apply_value`."""

    def convert(self, value: Any) -> Any:
        return self.datamodel.convert_filter_value(self.column_name, value)

    def apply(self, query: QuerySet, value: Any) -> QuerySet:
        if _is_blank(value):
            return query
        try:
            converted = self.convert(value)
        except (ValueError, TypeError, OverflowError):
            return query.none()
        return self.apply_value(query, converted, value)

    def apply_value(self, query: QuerySet, value: Any, raw: Any) -> QuerySet:
        raise NotImplementedError

    def _on(self, query: QuerySet, operator: str | None, value: Any) -> QuerySet:
        key = f"{self.column_name}__{operator}" if operator else self.column_name
        return query.filter(**{key: value})


class FilterEqual(MongoFilter):
    name = _l("Equal to")
    arg_name = "eq"

    def apply_value(self, query: QuerySet, value: Any, raw: Any) -> QuerySet:
        if self.datamodel.is_datetime(self.column_name) and self.datamodel.is_date_only(raw):
            # A day given for a moment: the whole day.
            return self._on(self._on(query, "gte", value), "lt", value + datetime.timedelta(days=1))
        return self._on(query, None, value)


class FilterNotEqual(MongoFilter):
    name = _l("Not Equal to")
    arg_name = "neq"

    def apply_value(self, query: QuerySet, value: Any, raw: Any) -> QuerySet:
        return self._on(query, "ne", value)


class FilterGreater(MongoFilter):
    name = _l("Greater than")
    arg_name = "gt"

    def apply_value(self, query: QuerySet, value: Any, raw: Any) -> QuerySet:
        return self._on(query, "gt", value)


class FilterSmaller(MongoFilter):
    name = _l("Smaller than")
    arg_name = "lt"

    def apply_value(self, query: QuerySet, value: Any, raw: Any) -> QuerySet:
        return self._on(query, "lt", value)


class TextFilter(MongoFilter):
    """Text filters match ``template`` (``{}`` = the escaped text), case-insensitively."""

    template = "{}"
    negate = False

    def convert(self, value: Any) -> str:
        return to_text(self.datamodel, self.column_name, value)

    def apply_value(self, query: QuerySet, value: str, raw: Any) -> QuerySet:
        return self._on(query, "not" if self.negate else None, _literal(value, self.template))


class FilterContains(TextFilter):
    name = _l("Contains")
    arg_name = "ct"


class FilterNotContains(TextFilter):
    name = _l("Not Contains")
    arg_name = "nct"
    negate = True


class FilterStartsWith(TextFilter):
    name = _l("Starts with")
    arg_name = "sw"
    template = "^{}"


class FilterEndsWith(TextFilter):
    name = _l("Ends with")
    arg_name = "ew"
    template = "{}$"


class FilterIn(MongoFilter):
    """One of several values: a list (REST) or one value."""

    name = _l("In")
    arg_name = "in"

    def apply(self, query: QuerySet, value: Any) -> QuerySet:
        values = value if isinstance(value, (list, tuple)) else [value]
        converted = []
        for item in values:
            if _is_blank(item):
                continue
            try:
                converted.append(self.convert(item))
            except (ValueError, TypeError, OverflowError):
                continue
        if not converted:
            return query.none()
        return self._on(query, "in", converted)


class FilterHasElement(MongoFilter):
    """A list holding an element equal to the value (MongoDB's equality on an array)."""

    name = _l("Contains element")
    arg_name = "has"

    def apply_value(self, query: QuerySet, value: Any, raw: Any) -> QuerySet:
        return self._on(query, None, value)


class FilterHasNotElement(MongoFilter):
    """A list without any element equal to the value (or no list at all)."""

    name = _l("Not contains element")
    arg_name = "nhas"

    def apply_value(self, query: QuerySet, value: Any, raw: Any) -> QuerySet:
        return self._on(query, "ne", value)


class FilterEqualFunction(BaseFilter):
    """For ``base_filters``: equal to what a function returns when the query runs."""

    name = "Filter view with a function"
    arg_name = "eqf"

    def apply(self, query: QuerySet, func: Callable[[], Any]) -> QuerySet:
        return query.filter(**{self.column_name: func()})


class FilterInFunction(BaseFilter):
    """For ``base_filters``: in the list a function returns when the query runs."""

    name = "Filter view where field is in a list returned by a function"
    arg_name = "inf"

    def apply(self, query: QuerySet, func: Callable[[], Any]) -> QuerySet:
        return query.filter(**{f"{self.column_name}__in": list(func())})


class _RelationFilter(FilterRelation):
    """Relation filters take primary keys and see only what the related scope allows."""

    def related(self, value: Any) -> Any | None:
        if _is_blank(value) or isinstance(value, (dict, list, tuple)):
            return None
        return self.datamodel.get_related_obj(self.column_name, value)


class FilterRelationOneToManyEqual(_RelationFilter):
    name = _l("Relation")
    arg_name = "rel_o_m"

    def apply(self, query: QuerySet, value: Any) -> QuerySet:
        if _is_blank(value):
            return query
        related = self.related(value)
        if related is None:
            return query.none()
        return query.filter(**{self.column_name: related})


class FilterRelationOneToManyNotEqual(_RelationFilter):
    name = _l("No Relation")
    arg_name = "nrel_o_m"

    def apply(self, query: QuerySet, value: Any) -> QuerySet:
        related = self.related(value)
        if related is None:
            return query
        return query.filter(**{f"{self.column_name}__ne": related})


class FilterRelationManyToManyEqual(_RelationFilter):
    """The list holds the referenced record (every one of them, for a list of keys)."""

    name = _l("Relation as Many")
    arg_name = "rel_m_m"

    def apply(self, query: QuerySet, value: Any) -> QuerySet:
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if _is_blank(item):
                continue
            related = self.related(item)
            if related is None:
                return query.none()
            query = query.filter(**{self.column_name: related})
        return query


_NUMBER_FILTERS = [FilterEqual, FilterGreater, FilterSmaller, FilterNotEqual, FilterIn]


class MongoFilterConverter(BaseFilterConverter):
    """Column kind predicate → the filters offered for it; the first matching row wins."""

    conversion_table = (
        (
            "is_relation_many_to_one",
            [FilterRelationOneToManyEqual, FilterRelationOneToManyNotEqual],
        ),
        ("is_relation_many_to_many", [FilterRelationManyToManyEqual]),
        ("is_object_id", [FilterEqual, FilterNotEqual]),
        ("is_string_list", [FilterHasElement, FilterHasNotElement]),
        ("is_choice", [FilterEqual, FilterNotEqual, FilterIn]),
        (
            "is_string",
            [
                FilterContains,
                FilterEqual,
                FilterStartsWith,
                FilterEndsWith,
                FilterNotContains,
                FilterNotEqual,
                FilterIn,
            ],
        ),
        ("is_boolean", [FilterEqual]),
        ("is_integer", _NUMBER_FILTERS),
        ("is_float", _NUMBER_FILTERS),
        ("is_numeric", _NUMBER_FILTERS),
        ("is_date", [FilterEqual, FilterGreater, FilterSmaller, FilterNotEqual]),
        ("is_datetime", [FilterEqual, FilterGreater, FilterSmaller, FilterNotEqual]),
    )

    def filters_for(self, col_name: str) -> list[type[BaseFilter]]:
        """The filter classes offered for a column ([] when it cannot be searched)."""
        for predicate, filter_classes in self.conversion_table:
            if getattr(self.datamodel, predicate)(col_name):
                return filter_classes
        return []

    def convert(self, col_name: str) -> list[BaseFilter]:
        # FAB's version logs a warning for every column without filters, on every request.
        return [klass(col_name, self.datamodel) for klass in self.filters_for(col_name)]


class MongoFilters(Filters):
    """FAB's ``Filters`` with REST operators resolved per column, not through the global map."""

    def rest_add_filters(self, data: list[dict[str, Any]]) -> None:
        for item in data:
            try:
                opr, col, value = item["opr"], item["col"], item["value"]
            except (KeyError, TypeError) as exc:
                raise InvalidOperationFilterFABException("Invalid filter") from exc
            if col not in self.search_columns:
                raise InvalidColumnFilterFABException(f"Filter column: {col} not allowed to filter")
            for flt in self._search_filters.get(col, []):
                if flt.arg_name == opr:
                    self.add_filter(col, flt.__class__, value)
                    break
            else:
                raise InvalidOperationFilterFABException(
                    f"Filter operation: {opr} not allowed on column: {col}"
                )

    def get_joined_filters(self, filters: Filters) -> MongoFilters:
        joined = MongoFilters(self.filter_converter, self.datamodel)
        joined.filters = self.filters + filters.filters
        joined.values = self.values + filters.values
        return joined

    def copy(self) -> MongoFilters:
        copied = MongoFilters(self.filter_converter, self.datamodel)
        copied.filters = list(self.filters)
        copied.values = list(self.values)
        return copied

    def __repr__(self) -> str:
        # FAB's version reads ``model.__table__``, which documents do not have.
        pairs = ", ".join(
            f"{f.column_name} {f.arg_name} {v!r}"
            for f, v in zip(self.filters, self.values, strict=True)
        )
        return f"<MongoFilters {pairs}>"
