"""Security headers and an error id that a user can quote to support."""

import logging
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpResponseBadRequest, JsonResponse

logger = logging.getLogger("govcommons.errors")


class RejectNulInPathMiddleware:
    """A NUL character in the address can only be an attack or a mistake, and PostgreSQL refuses
    it in a query: answer 400 at once (a problem document under /api/) instead of a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            detail = "The address contains a NUL character."
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "type": "about:blank",
                        "title": "Bad request",
                        "status": 400,
                        "detail": detail,
                    },
                    status=400,
                    content_type="application/problem+json",
                )
            return HttpResponseBadRequest(detail, content_type="text/plain")
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """A strict Content Security Policy and related headers on every response.

    Scripts and styles only from our own origin: no inline code, no third-party hosts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        form_action = "'self'"
        for app in settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", []):
            # allauth redirects a sign-in form post to the organisation's provider.
            form_action += " " + app["settings"]["server_url"].rstrip("/")
        # Avatars on S3-compatible storage come from the bucket's origin (settings.MEDIA_ORIGIN).
        images = "'self' data:" + (f" {settings.MEDIA_ORIGIN}" if settings.MEDIA_ORIGIN else "")
        response.headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'self'; script-src 'self'; style-src 'self'; img-src {images}; "
            "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
            f"form-action {form_action}; frame-ancestors 'none'",
        )
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        return response


class ErrorIdMiddleware:
    """Gives an unhandled error an id, logs it with the traceback, and lets the 500 page show it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        # Not found, refused and suspicious requests have their own pages; they are not errors.
        if isinstance(exception, Http404 | PermissionDenied | SuspiciousOperation):
            return
        request.error_id = uuid.uuid4().hex[:12]
        logger.error(
            "Unhandled error %s on %s %s",
            request.error_id,
            request.method,
            request.path,
            exc_info=exception,
            extra={"error_id": request.error_id},
        )
