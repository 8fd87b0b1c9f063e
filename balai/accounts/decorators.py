from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from balai.accounts.http import VillageRequest, scope_of

View = Callable[..., HttpResponseBase]


def require(capability: str, *, village: bool = True) -> Callable[[View], View]:
    """Staff view guard: signed in, holds `capability`, and (by default) belongs to a village.

    What it checked is what the view's request type promises (`balai.accounts.http`): a
    `VillageRequest` with `village` set, or with `village=False` a `RegionalRequest`.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            scope = scope_of(request)
            if not scope.can(capability) or (village and scope.village is None):
                raise PermissionDenied
            if scope.village is not None:
                cast(VillageRequest, request).village = scope.village
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
