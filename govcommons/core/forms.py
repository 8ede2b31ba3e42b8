"""Helpers shared by every app's forms."""

from django.core.exceptions import ValidationError

from .errors import DomainError


def add_service_error(form, error: DomainError | ValidationError) -> None:
    """Show a service's refusal beside the field it is about, or above the form."""
    if isinstance(error, DomainError):
        form.add_error(error.field if error.field in form.fields else None, error.message)
    elif hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
