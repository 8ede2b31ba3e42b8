"""Errors as RFC 9457 problem details (application/problem+json), never an HTML page."""

import logging
import uuid

from django.conf import settings
from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    ValidationError,
)
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from govcommons.core.errors import DomainError

logger = logging.getLogger("govcommons.api")

TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Content too large",
    422: "Invalid input",
    429: "Too many requests",
    500: "Internal server error",
}


def problem(api: NinjaAPI, request: HttpRequest, status: int, detail: str, **extra):
    body = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    body.update(extra)
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


def install(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def invalid(request, exc):
        return problem(api, request, 422, "Some fields are missing or invalid.", errors=exc.errors)

    @api.exception_handler(ValidationError)
    def model_invalid(request, exc):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return problem(api, request, 422, "Some fields are invalid.", errors=errors)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        response = problem(api, request, 401, "Send a valid token: Authorization: Bearer <token>.")
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return problem(api, request, 403, str(exc) or "You are not allowed to do this.")

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return problem(api, request, 404, "Nothing is here.")

    @api.exception_handler(ObjectDoesNotExist)
    def row_not_found(request, exc):
        return problem(api, request, 404, "Nothing is here.")

    @api.exception_handler(DomainError)
    def refused(request, exc):
        extra = {"field": exc.field} if exc.field else {}
        # An adapter may add machine-readable members (e.g. current_revision on a conflict).
        extra.update(getattr(exc, "problem_members", {}))
        return problem(api, request, exc.status_code, exc.message, **extra)

    @api.exception_handler(RequestDataTooBig)
    def too_large(request, exc):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        return problem(api, request, 413, f"The request body is too large ({limit} MB at most).")

    @api.exception_handler(Throttled)
    def throttled(request, exc):
        return problem(api, request, 429, "Slow down and try again shortly.")

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        return problem(api, request, exc.status_code, str(exc))

    @api.exception_handler(Exception)
    def crashed(request, exc):
        error_id = uuid.uuid4().hex[:12]
        logger.error("Unhandled API error %s on %s", error_id, request.path, exc_info=exc)
        return problem(api, request, 500, "Something went wrong on our side.", error_id=error_id)
