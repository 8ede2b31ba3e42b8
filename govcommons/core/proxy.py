"""The visitor's own address behind our proxies (nginx, a load balancer), for rate limits and logs.

Each proxy appends the address it received the request from to X-Forwarded-For, so with
settings.TRUSTED_PROXY_COUNT proxies in front of the app, the client is that many entries from the
right. Entries further left were written by the client and prove nothing.
"""

from ipaddress import ip_address

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed


def client_address(forwarded_for: str, trusted_proxies: int) -> str | None:
    """The address our outermost proxy saw, or None when the header cannot have come through all
    of them (too few entries, or not an IP address)."""
    hops = [hop.strip() for hop in forwarded_for.split(",")]
    if trusted_proxies < 1 or len(hops) < trusted_proxies:
        return None
    candidate = hops[-trusted_proxies]
    try:
        return str(ip_address(candidate))
    except ValueError:
        return None


class ClientAddressMiddleware:
    """Set REMOTE_ADDR to the client's address when the app runs behind trusted proxies."""

    def __init__(self, get_response):
        if not settings.TRUSTED_PROXY_COUNT:
            raise MiddlewareNotUsed  # no proxy: REMOTE_ADDR is the client already
        self.get_response = get_response
        self.trusted_proxies = settings.TRUSTED_PROXY_COUNT

    def __call__(self, request):
        forwarded_for = request.META.get("HTTP_X_FORWARDED_FOR", "")
        address = client_address(forwarded_for, self.trusted_proxies)
        if address:
            request.META["REMOTE_ADDR"] = address
        return self.get_response(request)
