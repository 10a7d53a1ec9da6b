"""A small OpenID Connect provider for the browser tests of sign-in mode (a test helper, not a
product part).

It serves the four things `st.login` uses: the discovery document, the signing keys, the
authorization endpoint (which asks nothing: it sends the browser straight back to the app with a
one-time code, as a provider does for someone already signed in) and the token endpoint (which
checks the client's id and secret, the code and the redirect address, then returns an RS256 ID
token for `email`, carrying the nonce the app sent). Set `email` before each sign-in.
"""

import base64
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "pairpulse-browser-test"
CLIENT_SECRET = secrets.token_urlsafe(24)
KEY_ID = "test-key"


class FakeOidcProvider:
    """Start with `start()` (a thread on a free port of 127.0.0.1), stop with `stop()`."""

    def __init__(self) -> None:
        self.email: str | None = None
        #: The e-mail address of every ID token issued, in order.
        self.signed_in: list[str | None] = []
        #: Seconds the authorization endpoint waits before answering: a slow round trip, as on
        #: a loaded machine, for tests that must wait for the real sign-in rather than a timer.
        self.delay_s = 0.0
        self._key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID}, private=True)
        self._codes: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self.issuer = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> "FakeOidcProvider":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def secrets_toml(self, app_url: str) -> str:
        """The `[auth]` section that points the app served at `app_url` at this provider."""
        return (
            "[auth]\n"
            f'redirect_uri = "{app_url}/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
            f'client_id = "{CLIENT_ID}"\n'
            f'client_secret = "{CLIENT_SECRET}"\n'
            f'server_metadata_url = "{self.issuer}/.well-known/openid-configuration"\n'
        )

    # --- the endpoints ---------------------------------------------------------------------
    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }

    def jwks(self) -> dict:
        return {"keys": [self._key.as_dict(private=False)]}

    def authorize(self, query: dict[str, str]) -> str:
        """Where to send the browser: the app's redirect address with a new one-time code."""
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
            raise ValueError("unknown client or unsupported response type")
        code = secrets.token_urlsafe(16)
        with self._lock:
            self._codes[code] = {**query, "email": self.email or ""}
        answer = {"code": code, "state": query.get("state", "")}
        return f"{query['redirect_uri']}?{urllib.parse.urlencode(answer)}"

    def token(self, form: dict[str, str], authorization: str | None) -> dict:
        """The tokens for a code; ValueError for a bad client, code or redirect address."""
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization[6:]).decode()
            client_id, client_secret = (urllib.parse.unquote(part) for part in decoded.split(":"))
        if (client_id, client_secret) != (CLIENT_ID, CLIENT_SECRET):
            raise ValueError("invalid_client")
        with self._lock:
            request = self._codes.pop(form.get("code", ""), None)
        if request is None or form.get("redirect_uri") != request["redirect_uri"]:
            raise ValueError("invalid_grant")
        now = int(time.time())
        email = request["email"] or None
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": f"subject-{email}",
            "name": "Browser Test",
            "iat": now,
            "exp": now + 3600,
        }
        if email:
            claims["email"] = email
            claims["email_verified"] = True
        if "nonce" in request:
            claims["nonce"] = request["nonce"]
        id_token = jwt.encode({"alg": "RS256", "kid": KEY_ID}, claims, self._key)
        self.signed_in.append(email)
        return {
            "access_token": secrets.token_urlsafe(16),
            "token_type": "Bearer",
            "expires_in": 3600,
            "id_token": id_token,
        }


def _handler_for(provider: FakeOidcProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _send_json(self, body: dict, status: int = 200) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            if url.path == "/.well-known/openid-configuration":
                return self._send_json(provider.discovery())
            if url.path == "/jwks":
                return self._send_json(provider.jwks())
            if url.path == "/authorize":
                time.sleep(provider.delay_s)
                try:
                    target = provider.authorize(dict(urllib.parse.parse_qsl(url.query)))
                except (ValueError, KeyError) as error:
                    return self._send_json({"error": str(error)}, 400)
                self.send_response(302)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            return self._send_json({"error": "not_found"}, 404)

        def do_POST(self) -> None:
            if urllib.parse.urlsplit(self.path).path != "/token":
                return self._send_json({"error": "not_found"}, 404)
            length = int(self.headers.get("Content-Length", 0))
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            try:
                tokens = provider.token(form, self.headers.get("Authorization"))
            except ValueError as error:
                return self._send_json({"error": str(error)}, 400)
            return self._send_json(tokens)

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep the test output quiet

    return Handler
