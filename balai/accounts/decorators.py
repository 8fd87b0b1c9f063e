from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def require(capability: str, *, village: bool = True) -> Callable[[View], View]:
    """Staff view guard: signed in, holds `capability`, and (by default) belongs to a village."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            scope = request.scope  # type: ignore[attr-defined]
            if not scope.can(capability) or (village and scope.village is None):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
