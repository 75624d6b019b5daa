"""The benchmark's peer: a stock Flask-AppBuilder 5 app on SQLAlchemy + SQLite holding the same
cases as one flat table (and the windows), with FAB's own SQLAInterface and ModelViews."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask_appbuilder import AppBuilder, ModelView
from flask_appbuilder.models.sqla import Model
from flask_appbuilder.models.sqla.base import SQLA
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import Column, DateTime, Index, Integer, String

PASSWORD = "peer1234"


class CaseRow(Model):
    __tablename__ = "case_row"
    id = Column(Integer, primary_key=True)
    number = Column(String(40), nullable=False)
    centre = Column(String(10), nullable=False)
    state = Column(String(20), nullable=False)
    mode = Column(String(20))
    window = Column(String(10))
    company_name = Column(String(200))
    legal_rep_name = Column(String(50))
    phone = Column(String(20))
    address = Column(String(300))
    items = Column(String(300))
    open_agencies = Column(String(200))
    created_at = Column(DateTime, nullable=False)
    due_at = Column(DateTime)
    __table_args__ = (
        Index("ix_case_centre_number", "centre", "number", unique=True),
        Index("ix_case_centre_state_created", "centre", "state", "created_at"),
        Index("ix_case_centre_created", "centre", "created_at"),
    )


class WindowRow(Model):
    __tablename__ = "window_row"
    id = Column(Integer, primary_key=True)
    centre = Column(String(10), nullable=False, index=True)
    code = Column(String(10))
    counter = Column(String(10))
    name = Column(String(100))
    kind = Column(String(40))
    is_open = Column(Integer)


class CaseRowView(ModelView):
    datamodel = SQLAInterface(CaseRow)
    list_columns = ["number", "company_name", "state", "mode", "window", "created_at", "due_at"]
    search_columns = ["state", "created_at", "company_name", "centre"]
    base_order = ("created_at", "desc")


class WindowRowView(ModelView):
    datamodel = SQLAInterface(WindowRow)
    list_columns = ["code", "counter", "name", "kind", "is_open"]


def create_peer(database: str) -> Flask:
    app = Flask("peer")
    app.config.update(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}", SECRET_KEY="peer", TESTING=True,
        WTF_CSRF_ENABLED=False, FAB_UPDATE_PERMS=True, SQLALCHEMY_TRACK_MODIFICATIONS=False)
    db = SQLA(app)
    with app.app_context():
        appbuilder = AppBuilder(app, db.session)
        appbuilder.add_view(CaseRowView, "Cases")
        appbuilder.add_view(WindowRowView, "Windows")
        db.create_all()
        security = appbuilder.sm
        if not security.find_user(username="admin"):
            security.add_user("admin", "A", "Dmin", "admin@peer.local",
                              security.find_role(security.auth_role_admin), PASSWORD)
    app.peer_db = db
    return app


def row_of(document: dict, window_codes: dict) -> dict:
    """A case document flattened to the peer's columns."""
    return {
        "number": document["number"], "centre": document["centre"], "state": document["state"],
        "mode": document["mode"], "window": window_codes.get(document.get("window"), ""),
        "company_name": document["company_name"], "legal_rep_name": document["legal_rep_name"],
        "phone": document["phone"], "address": document["address"],
        "items": ",".join(document.get("items", [])),
        "open_agencies": ",".join(document.get("open_agencies", [])),
        "created_at": document["created_at"], "due_at": document.get("due_at"),
    }


def fill(app: Flask, rows: list[dict], windows: list[dict]) -> None:
    db = app.peer_db
    with app.app_context():
        if windows:
            db.session.bulk_insert_mappings(WindowRow, windows)
        for start in range(0, len(rows), 2000):
            db.session.bulk_insert_mappings(CaseRow, rows[start:start + 2000])
        db.session.commit()


def when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)
