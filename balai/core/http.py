"""What every view does the same way: show a service's refusal, and page a list.

```python
form = SchoolForm(request.POST)
if form.is_valid():
    with ServiceCall(form) as call:
        school = services.school_create(actor=request.user, village=request.village, ...)
    if call.ok:
        return redirect("education:school", school.public_id)
return render(request, "education/school_form.html", {"form": form}, status=400)

page = paginate(request, selectors.recipient_list(...), 50)  # a Django Page
```
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Any

from django.contrib import messages as django_messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpRequest

from balai.core.errors import ApplicationError, NotAllowed

PAGE_PARAM = "hal"


class ServiceCall:
    """Runs the service call in its `with` block and turns a refusal into what the page shows.

    A `ValidationError` puts each message on the field it names when `form` has that field,
    the rest on top (`NON_FIELD_ERRORS`); an `ApplicationError` is one message, on top or on
    `field`. Exception types in `also` are refusals too (their `messages`, or their text).
    Refusals in `warn` are ones the user may confirm and send again (a NIK that disagrees with
    the birth date): their messages go to `warnings`, not to the form. With `request`, the
    refusal is also flashed as one message, for views that redirect. `NotAllowed` (the role may
    not take this step) is no refusal to show but a 403: it leaves as `PermissionDenied`. Any
    other exception is a bug and propagates.

    After the block: `ok`, `refusal` (the exception), `errors` (field -> messages, as the
    service named them), `messages` (all of them), `text()` (in one line), `warnings`.
    """

    def __init__(
        self,
        form: BaseForm | None = None,
        *,
        request: HttpRequest | None = None,
        field: str | None = None,
        warn: tuple[type[Exception], ...] = (),
        also: tuple[type[Exception], ...] = (),
    ) -> None:
        self.form = form
        self.request = request
        self.field = field
        self.warn = warn
        self.also = also
        self.refusal: Exception | None = None
        self.errors: dict[str, list[str]] = {}
        self.warnings: list[str] = []

    def __enter__(self) -> ServiceCall:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool:
        if not isinstance(exc, Exception):
            return False
        if isinstance(exc, NotAllowed):
            raise PermissionDenied(exc.message) from exc
        if isinstance(exc, self.warn):
            self.refusal = exc
            self.warnings = _messages_of(exc)
            return True
        if isinstance(exc, ValidationError):
            errors = _validation_errors(exc)
        elif isinstance(exc, ApplicationError):
            errors = {self.field or NON_FIELD_ERRORS: [exc.message]}
        elif isinstance(exc, self.also):
            errors = {NON_FIELD_ERRORS: _messages_of(exc)}
        else:
            return False
        self.refusal = exc
        self.errors = errors
        if self.form is not None:
            self.show_on(self.form)
        if self.request is not None:
            django_messages.error(self.request, self.text())
        return True

    @property
    def ok(self) -> bool:
        return self.refusal is None

    @property
    def messages(self) -> list[str]:
        """Every message of the refusal, fields' and the rest."""
        return [m for found in self.errors.values() for m in found]

    def text(self, sep: str = " ") -> str:
        """Every message of the refusal, in one line."""
        return sep.join(self.messages)

    def show_on(self, form: BaseForm) -> None:
        """Put the errors on `form`: next to the fields it has, the rest on top."""
        for name, found in self.errors.items():
            form.add_error(name if name in form.fields else None, found)


def _validation_errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {name: [str(m) for m in found] for name, found in exc.message_dict.items()}
    return {NON_FIELD_ERRORS: [str(m) for m in exc.messages]}


def _messages_of(exc: Exception) -> list[str]:
    found = getattr(exc, "messages", None)
    return [str(m) for m in found] if found else [str(exc)]


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request for part of a page; restoring history after a cache miss wants the
    whole page."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


def page_number(value: str | None, last: int) -> int:
    """`?hal=` as a page from 1 to `last`: anything not a whole number is the first page, a
    number past the end (however large) the last."""
    try:
        number = int((value or "").strip())
    except ValueError:  # also a number too long to parse
        return 1
    return min(max(number, 1), max(last, 1))


def paginate(
    request: HttpRequest, items: QuerySet[Any] | Sequence[Any], per_page: int, *, param: str = PAGE_PARAM
) -> Page[Any]:
    """The page of `items` that `?hal=` asks for. `items` may be anything with `count()` or
    `len()` and slicing (a queryset reads one page and counts)."""
    paginator = Paginator(items, per_page)
    return paginator.page(page_number(request.GET.get(param), paginator.num_pages))
