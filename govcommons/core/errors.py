"""Domain errors raised by services; views show them beside the form, the API as problem JSON."""


class DomainError(Exception):
    """A request the rules refuse (an impossible transition, a duplicate). Safe to show users."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ConflictError(DomainError):
    status_code = 409
