"""WSGI entry point for servers started by hand: ``gunicorn 'console.wsgi:app'``."""

from console import create_app

app = create_app()
