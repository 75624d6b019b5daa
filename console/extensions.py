"""Extension singletons, created unbound here and bound to an app in :func:`console.create_app`."""

from flask_appbuilder import AppBuilder

appbuilder = AppBuilder(update_perms=False)
