class ApplicationError(Exception):
    """An operation the domain refuses (not a malformed input: that is ValidationError)."""

    def __init__(self, message: str, *, extra: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class NotAllowed(ApplicationError):
    """The actor's role may not take this step: the API answers 403, a page 403 too."""
