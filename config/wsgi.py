import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


def _refuse_unsafe_production() -> None:
    """gunicorn runs no management command, so no system check: run Balai's production checks
    here and refuse to serve (the worker exits with the message) when one fails."""
    from django.core import checks
    from django.core.exceptions import ImproperlyConfigured

    from balai.core.checks import TAG

    errors = [e for e in checks.run_checks(tags=[TAG]) if e.is_serious()]
    if errors:
        lines = "\n".join(f"  {e.id}: {e.msg}\n    HINT: {e.hint}" for e in errors)
        raise ImproperlyConfigured(f"Balai refuses to start in production (DEBUG off):\n{lines}")


_refuse_unsafe_production()
