from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """`balai demo` and `balai bench`: they drive every app (each app's `demo.py` and `bench.py`),
    so they sit above all of them. Nothing here is imported when the server starts."""

    name = "balai.devtools"
    label = "devtools"
