"""The REST API for other programs (agency systems, online intake), on FAB's API base."""

from __future__ import annotations

from flask import current_app
from flask_appbuilder import AppBuilder


def register(appbuilder: AppBuilder) -> None:
    """Add the APIs and make every token refusal a 401."""
    from console.api import agency, common, intake, public

    common.install_token_errors(appbuilder)
    public.init_limiter(current_app._get_current_object())  # inside create_app
    for api in (agency.SubTaskApi, intake.IntakeApi, public.StatusApi, public.GuideApi):
        appbuilder.add_api(api)
