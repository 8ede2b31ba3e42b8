"""A small but faithful OpenID Connect provider on 127.0.0.1, for sign-in tests.

It speaks the authorisation code flow as a real provider does: discovery document, /authorize
(checks the client, redirect URI, scope and PKCE challenge, redirects back with code and state),
/token (checks the client secret, the code, the redirect URI and the PKCE verifier; answers with
an access token and an RS256-signed ID token whose key is published at /jwks) and /userinfo
(checks the Bearer access token). Refusals are OAuth 2.0 error responses, as in RFC 6749.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None


@dataclass
class FakeOpenIDProvider:
    client_id: str
    client_secret: str
    userinfo: dict
    key_id: str = "fake-oidc-key-1"
    codes: dict[str, _Grant] = field(default_factory=dict)
    access_tokens: dict[str, dict] = field(default_factory=dict)
    token_requests: list[dict] = field(default_factory=list)
    authorize_requests: list[dict] = field(default_factory=list)

    def __post_init__(self):
        self._lock = threading.Lock()
        self._private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- Life cycle ----------------------------------------------------------------------------

    def start(self) -> "FakeOpenIDProvider":
        provider = self

        class Handler(_Handler):
            oidc = provider

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=10)

    @property
    def issuer(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # --- Documents -----------------------------------------------------------------------------

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile", "email"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "email", "email_verified", "name"],
        }

    def jwks(self) -> dict:
        jwk = json.loads(RSAAlgorithm.to_jwk(self._private_key.public_key()))
        jwk.update(kid=self.key_id, use="sig", alg="RS256")
        return {"keys": [jwk]}

    def id_token(self, grant: _Grant) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": self.userinfo["sub"],
            "aud": grant.client_id,
            "iat": now,
            "exp": now + 300,
            "jti": secrets.token_hex(8),
            **{k: v for k, v in self.userinfo.items() if k in {"email", "email_verified", "name"}},
        }
        if grant.nonce:
            claims["nonce"] = grant.nonce
        return jwt.encode(
            claims, self._private_key, algorithm="RS256", headers={"kid": self.key_id}
        )

    # --- Endpoints -----------------------------------------------------------------------------

    def authorize(self, params: dict[str, str]) -> tuple[int, dict, dict | None]:
        """Returns (status, headers, JSON body). Errors the client cannot be trusted with (bad
        client or redirect URI) are shown here, the others are sent back to the redirect URI."""
        with self._lock:
            self.authorize_requests.append(params)
        if params.get("client_id") != self.client_id:
            return 400, {}, {"error": "invalid_client"}
        redirect_uri = params.get("redirect_uri", "")
        if not redirect_uri.startswith(("http://", "https://")):
            return 400, {}, {"error": "invalid_request", "error_description": "redirect_uri"}
        state = params.get("state")

        def back(**query) -> tuple[int, dict, None]:
            if state is not None:
                query["state"] = state
            separator = "&" if "?" in redirect_uri else "?"
            return 302, {"Location": f"{redirect_uri}{separator}{urlencode(query)}"}, None

        if params.get("response_type") != "code":
            return back(error="unsupported_response_type")
        if "openid" not in params.get("scope", "").split():
            return back(error="invalid_scope")
        method = params.get("code_challenge_method")
        if params.get("code_challenge") and method != "S256":
            return back(error="invalid_request", error_description="only S256 PKCE")
        code = secrets.token_urlsafe(24)
        with self._lock:
            self.codes[code] = _Grant(
                client_id=params["client_id"],
                redirect_uri=redirect_uri,
                scope=params["scope"],
                nonce=params.get("nonce"),
                code_challenge=params.get("code_challenge"),
                code_challenge_method=method,
            )
        return back(code=code)

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict]:
        with self._lock:
            self.token_requests.append(form)
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization[6:]).decode()
            client_id, _, secret = decoded.partition(":")
        if client_id != self.client_id or secret != self.client_secret:
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        with self._lock:
            grant = self.codes.pop(form.get("code", ""), None)  # a code is used once
        if grant is None or grant.client_id != client_id:
            return 400, {"error": "invalid_grant"}
        if form.get("redirect_uri") != grant.redirect_uri:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
        if grant.code_challenge:
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode("ascii")).digest()
            challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if challenge != grant.code_challenge:
                return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        access_token = secrets.token_urlsafe(24)
        with self._lock:
            self.access_tokens[access_token] = dict(self.userinfo)
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": grant.scope,
            "id_token": self.id_token(grant),
        }

    def user_info(self, authorization: str) -> tuple[int, dict]:
        token = authorization[7:] if authorization.startswith("Bearer ") else ""
        with self._lock:
            claims = self.access_tokens.get(token)
        if claims is None:
            return 401, {"error": "invalid_token"}
        return 200, claims


class _Handler(BaseHTTPRequestHandler):
    oidc: FakeOpenIDProvider

    def log_message(self, format, *args):
        """Quiet: the tests assert on what the provider recorded instead."""

    def _send(self, status: int, body: dict | None, headers: dict | None = None) -> None:
        payload = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if body is not None:
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        url = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/.well-known/openid-configuration":
            self._send(200, self.oidc.discovery())
        elif url.path == "/jwks":
            self._send(200, self.oidc.jwks())
        elif url.path == "/authorize":
            status, headers, body = self.oidc.authorize(params)
            self._send(status, body, headers)
        elif url.path == "/userinfo":
            status, body = self.oidc.user_info(self.headers.get("Authorization", ""))
            headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if status == 401 else {}
            self._send(status, body, headers)
        else:
            self._send(404, {"error": "not_found"})

    def do_POST(self):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode()
        if url.path != "/token":
            self._send(404, {"error": "not_found"})
            return
        if not self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            self._send(400, {"error": "invalid_request"})
            return
        form = {k: v[0] for k, v in parse_qs(raw).items()}
        status, body = self.oidc.token(form, self.headers.get("Authorization", ""))
        self._send(status, body)
