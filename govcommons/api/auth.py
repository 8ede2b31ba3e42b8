"""API authentication: personal tokens as Bearer, or the browser session (with CSRF)."""

from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer

from govcommons.accounts.services import authenticate_api_token


class TokenAuth(HttpBearer):
    openapi_description = "A personal API token from Settings › API tokens."

    def authenticate(self, request, token: str):
        member = authenticate_api_token(token)
        if member is not None:
            request.user = member
        return member


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; Ninja checks the CSRF token for unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


token_or_session = [TokenAuth(), SessionAuth()]


def caller(request):
    """Who calls a public operation: the token's member, else the session's, else anonymous.

    A token that is sent but not valid is refused (401), never read as an anonymous call.
    """
    header = request.headers.get("Authorization", "")
    if not header:
        return request.user
    scheme, _space, token = header.partition(" ")
    member = authenticate_api_token(token.strip()) if scheme.lower() == "bearer" else None
    if member is None:
        raise AuthenticationError
    request.user = member
    return member
