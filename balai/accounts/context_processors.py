from typing import Any

from django.http import HttpRequest


def scope(request: HttpRequest) -> dict[str, Any]:
    return {"scope": getattr(request, "scope", None)}
