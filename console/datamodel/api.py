"""MongoModelRestApi: FAB's ModelRestApi for documents (ObjectId keys, generated schemas).

An API is a class of attributes, registered with ``appbuilder.add_api``::

    class ServiceItemApi(MongoModelRestApi):
        resource_name = "service-item"
        datamodel = MongoEngineInterface(ServiceItem)
        list_columns = ["name", "agency", "materials"]
        search_columns = ["name", "agency"]

What it adds to FAB: ``GET /<pk>`` takes ObjectId strings (FAB's route only matches integers;
a malformed or unknown id is a 404), schemas come from :mod:`console.datamodel.schema` (so
``POST``/``PUT`` validation errors are 422 with field messages, and a partial ``PUT`` keeps the
other fields), and ``/_info`` lists the choices of reference fields within the user's scope.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_appbuilder.api import (
    ModelRestApi,
    expose,
    get_item_schema,
    merge_response_func,
    rison,
    safe,
)
from flask_appbuilder.const import (
    API_DESCRIPTION_COLUMNS_RIS_KEY,
    API_LABEL_COLUMNS_RIS_KEY,
    API_SHOW_COLUMNS_RIS_KEY,
    API_SHOW_TITLE_RIS_KEY,
)
from flask_appbuilder.security.decorators import permission_name, protect
from marshmallow.fields import Field

from console.datamodel.schema import MongoModel2SchemaConverter, Reference, ReferenceList


class MongoModelRestApi(ModelRestApi):
    """FAB's ModelRestApi over a :class:`~console.datamodel.interface.MongoEngineInterface`."""

    model2schemaconverter = MongoModel2SchemaConverter

    @expose("/<pk>", methods=["GET"])
    @protect()
    @safe
    @permission_name("get")
    @rison(get_item_schema)
    @merge_response_func(ModelRestApi.merge_show_label_columns, API_LABEL_COLUMNS_RIS_KEY)
    @merge_response_func(ModelRestApi.merge_show_columns, API_SHOW_COLUMNS_RIS_KEY)
    @merge_response_func(ModelRestApi.merge_description_columns, API_DESCRIPTION_COLUMNS_RIS_KEY)
    @merge_response_func(ModelRestApi.merge_show_title, API_SHOW_TITLE_RIS_KEY)
    def get(self, pk: str, **kwargs: Any) -> Response:
        """Get one item by its id
        ---
        get:
          description: >-
            Get one item by its id (an ObjectId string)
          parameters:
          - in: path
            schema:
              type: string
            name: pk
          responses:
            200:
              description: The item
            404:
              $ref: '#/components/responses/404'
        """
        return self.get_headless(pk, **kwargs)

    def _get_field_info(
        self,
        field: Field,
        filter_rel_field: Any,
        page: int | None = None,
        page_size: int | None = None,
    ) -> dict[str, Any]:
        info = super()._get_field_info(field, filter_rel_field, page=page, page_size=page_size)
        if isinstance(field, (Reference, ReferenceList)):
            info["count"], info["values"] = self._related_choices(
                field.name, filter_rel_field, page, page_size
            )
        return info

    def _related_choices(
        self, column: str, filter_rel_field: Any, page: int | None, page_size: int | None
    ) -> tuple[int, list[dict[str, Any]]]:
        """``(count, [{"id", "value"}, …])`` of the records a reference column may point to."""
        datamodel = self.datamodel.get_related_interface(column)
        filters = datamodel.get_filters(datamodel.get_search_columns_list())
        if filter_rel_field:
            filters = filters.add_filter_list(filter_rel_field)
        page, page_size = self._sanitize_page_args(page, page_size)
        order_column, order_direction = self.order_rel_fields.get(column, ("", ""))
        count, values = datamodel.query(
            filters, order_column, order_direction, page=page, page_size=page_size
        )
        return count, [{"id": datamodel.get_pk_value(v), "value": str(v)} for v in values]
