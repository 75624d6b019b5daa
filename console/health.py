"""Liveness for operators (``/healthz``) and a readable page when the database is unreachable."""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, current_app, jsonify, render_template, request
from flask_babel import get_locale, gettext
import mongoengine
import pymongo.errors

from console import storage

log = logging.getLogger(__name__)

blueprint = Blueprint("health", __name__)

# What a lost database looks like to the code above it.
DATABASE_DOWN_ERRORS = (pymongo.errors.ConnectionFailure, mongoengine.ConnectionFailure)


@blueprint.route("/healthz")
def healthz():
    """JSON for load balancers and monitoring: 200 when the database answers, 503 when not."""
    database_up = storage.ping()
    body = {
        "status": "ok" if database_up else "unavailable",
        "version": current_app.config["ONEWINDOW_VERSION"],
        "database": "up" if database_up else "down",
        "storage": current_app.extensions["onewindow.storage"].kind,
    }
    return jsonify(body), 200 if database_up else 503


def database_down(error: Exception):
    """A page in the user's language instead of a stack trace; pymongo reconnects by itself, so
    the next request after the database is back is served normally."""
    log.error("database unreachable while serving %s: %s", request.path, error)
    message = gettext("The database cannot be reached right now. Please try again in a moment.")
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return jsonify(message=message), 503
    lang = str(get_locale() or "zh_CN").replace("_", "-")
    return render_template("database_down.html", message=message, lang=lang), 503


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
    for error in DATABASE_DOWN_ERRORS:
        app.register_error_handler(error, database_down)
