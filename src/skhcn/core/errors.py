"""The base of the refusals the screens show as they are."""


class UserFacingError(Exception):
    """A refusal whose ``message`` (also ``str(exc)``) is a Vietnamese sentence for the user, as is; ``code`` is a
    short, stable machine-readable reason (the subclasses list theirs)."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message
