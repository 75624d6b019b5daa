"""Production serving with gunicorn's threaded workers, started from ``onewindow serve``."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication


class ConsoleServer(BaseApplication):
    """gunicorn configured in code, each worker building its own app (and store handles)."""

    def __init__(self, options: dict) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from console import create_app

        return create_app()


def serve(bind: str, workers: int, threads: int, timeout: int) -> None:
    """Run gunicorn in the foreground until interrupted."""
    ConsoleServer(
        {
            "bind": bind,
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "timeout": timeout,
            "accesslog": "-",
            # The app is built after the fork, so no worker inherits another's SQLite handles.
            "preload_app": False,
        }
    ).run()
