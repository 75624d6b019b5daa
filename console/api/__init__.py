"""The REST API for other programs (agency systems, online intake), on FAB's API base."""

from __future__ import annotations

from flask_appbuilder import AppBuilder


def register(appbuilder: AppBuilder) -> None:
    """Add the APIs and make every token refusal a 401."""
    from console.api import agency, common

    common.install_token_errors(appbuilder)
    appbuilder.add_api(agency.SubTaskApi)
