"""A sample (agencies and their service items; cases with lists of strings) for the datamodel
tests."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from mongoengine import (
    DENY,
    BooleanField,
    DateField,
    DateTimeField,
    DecimalField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentListField,
    FloatField,
    IntField,
    ListField,
    ReferenceField,
    StringField,
)

from console.cli import DEMO_PASSWORD

KINDS = [("paper", "纸质"), ("scan", "扫描件")]


class SampleAgency(Document):
    """An agency behind the windows."""

    name = StringField(required=True, unique=True, max_length=50, verbose_name=_l("Name"))
    code = StringField(regex=r"^\d{6}$", verbose_name=_l("Code"))
    centre = StringField()
    meta = {"collection": "sample_agency"}

    def __str__(self) -> str:
        return self.name


class SampleMaterial(EmbeddedDocument):
    """One row of an item's material list."""

    name = StringField(required=True, max_length=40, verbose_name=_l("Material"))
    copies = IntField(min_value=1, default=1, verbose_name=_l("Copies"))
    original = BooleanField(default=False, verbose_name=_l("Original"))
    kind = StringField(choices=KINDS, verbose_name=_l("Kind"))


class SampleItem(Document):
    """A service item owned by an agency, with its material list."""

    name = StringField(required=True, max_length=100, verbose_name=_l("Name"))
    code = StringField(unique=True, sparse=True, max_length=20)
    centre = StringField()
    agency = ReferenceField(SampleAgency, required=True, reverse_delete_rule=DENY)
    partners = ListField(ReferenceField(SampleAgency))
    days = IntField(min_value=0)
    rating = FloatField()
    fee = DecimalField(precision=2)
    active = BooleanField(default=True)
    level = StringField(choices=[("city", "市级"), ("district", "区级")])
    published = DateField()
    updated = DateTimeField()
    note = StringField(multiline=True)
    materials = EmbeddedDocumentListField(SampleMaterial)
    meta = {
        "collection": "sample_item",
        "indexes": [{"fields": ["agency", "name"], "unique": True}],
    }

    def __str__(self) -> str:
        return self.name


class SampleStep(EmbeddedDocument):
    """One step of a case, with its review points (a list of strings inside a row)."""

    name = StringField(required=True, max_length=40, verbose_name=_l("Step"))
    points = ListField(StringField(max_length=20), verbose_name=_l("Review points"))
    urgent = BooleanField(default=False)


class SampleCase(Document):
    """A case with lists of strings: required tags with rules per tag, free notes, and steps."""

    title = StringField(required=True, max_length=50)
    tags = ListField(StringField(max_length=10, regex=r"^[^#]*$"), required=True)
    notes = ListField(StringField())
    steps = EmbeddedDocumentListField(SampleStep)
    meta = {"collection": "sample_case"}

    def __str__(self) -> str:
        return self.title


# ---------------------------------------------------------------- screens and API

from console.datamodel import MongoEngineInterface  # noqa: E402
from console.datamodel.views import MongoModelView  # noqa: E402


class SampleItemView(MongoModelView):
    """Service items with references and an inline material list."""

    datamodel = MongoEngineInterface(SampleItem)
    list_columns = ["name", "agency", "level", "materials"]
    show_columns = ["name", "code", "agency", "partners", "level", "days", "materials"]
    add_columns = edit_columns = [
        "name",
        "code",
        "agency",
        "partners",
        "level",
        "days",
        "active",
        "published",
        "note",
        "materials",
    ]
    search_columns = ["name", "agency", "days", "level"]
    inline_columns = {"materials": ["name", "copies", "original", "kind"]}
    label_columns = {"materials.kind": "材料形式"}


class SampleAgencyView(MongoModelView):
    """Agencies: a flat document with a unique name, and its items below it."""

    datamodel = MongoEngineInterface(SampleAgency)
    list_columns = ["name", "code"]
    add_columns = edit_columns = show_columns = ["name", "code", "centre"]
    related_views = [SampleItemView]


from console.datamodel.api import MongoModelRestApi  # noqa: E402


class SampleItemApi(MongoModelRestApi):
    """Service items over REST."""

    resource_name = "sample-item"
    allow_browser_login = True
    datamodel = MongoEngineInterface(SampleItem)
    list_columns = ["name", "code", "agency", "days", "level", "materials"]
    show_columns = ["name", "code", "agency", "agency.name", "partners", "days", "fee", "materials"]
    add_columns = edit_columns = [
        "name",
        "code",
        "agency",
        "partners",
        "days",
        "level",
        "materials",
    ]
    search_columns = ["name", "agency", "days", "level"]
    order_columns = ["name", "days"]


class SampleCaseView(MongoModelView):
    """Cases: lists of strings as top-level columns and in inline rows."""

    datamodel = MongoEngineInterface(SampleCase)
    list_columns = ["title", "tags", "steps"]
    show_columns = ["title", "tags", "notes", "steps"]
    add_columns = edit_columns = ["title", "tags", "notes", "steps"]
    search_columns = ["title", "tags"]
    inline_columns = {"steps": ["name", "points", "urgent"]}


class SampleCaseApi(MongoModelRestApi):
    """Cases over REST."""

    resource_name = "sample-case"
    allow_browser_login = True
    datamodel = MongoEngineInterface(SampleCase)
    list_columns = show_columns = add_columns = edit_columns = ["title", "tags", "notes", "steps"]
    search_columns = ["title", "tags"]


def sample_app(views=(), apis=()):
    """An app (English messages) with sample views/APIs registered and an ``admin`` login
    (password ``DEMO_PASSWORD``)."""
    from conftest import make_app

    from console.provision import initialise

    app = make_app(BABEL_DEFAULT_LOCALE="en")
    with app.app_context():
        appbuilder = app.appbuilder
        for view, name in views:
            appbuilder.add_view(view, name)
        for api in apis:
            appbuilder.add_api(api)
        initialise(appbuilder)
        sm = appbuilder.sm
        sm.add_user("admin", "Ad", "Min", "admin@example.cn", sm.find_role("Admin"), DEMO_PASSWORD)
    return app
