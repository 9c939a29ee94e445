"""A real OpenID Connect provider for the city sign-in tests: oidc-provider-mock (PyPI) as a subprocess on a free
local port, the [auth] secrets a test portal reads, and a provider that lies (wrong issuer, token for another
client) to show the portal refuses it."""
import base64
import json
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.support.portal import _free_port, serving

CLIENT_ID, CLIENT_SECRET = "green-egret", "green-egret-test-secret"
OTHER_CLIENT = "some-other-app"
METADATA_PATH = "/.well-known/openid-configuration"


@contextmanager
def running_provider(log_dir: Path) -> Iterator[str]:
    """Yield the issuer URL of oidc-provider-mock listening on 127.0.0.1 (any client id and secret accepted)."""
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    with serving([sys.executable, "-m", "oidc_provider_mock", "--port", str(port)], ready_url=issuer + METADATA_PATH,
                 log_path=log_dir / "oidc-provider.log", name="oidc-provider-mock"):
        yield issuer


def set_claims(issuer: str, sub: str, **claims) -> None:
    """What the provider will say about `sub` (its own API: PUT /users/{sub})."""
    request = urllib.request.Request(f"{issuer}/users/{sub}", data=json.dumps(claims).encode(), method="PUT",
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).close()


def write_secrets(path: Path, metadata_url: str) -> Path:
    """The README's [auth] section for a test portal; `{port}` is filled in by Streamlit with its own port."""
    path.write_text(f"""[auth]
redirect_uri = "http://127.0.0.1:{{port}}/oauth2callback"
cookie_secret = "test-cookie-secret-{'x' * 24}"

[auth.city]
client_id = "{CLIENT_ID}"
client_secret = "{CLIENT_SECRET}"
server_metadata_url = "{metadata_url}"
""")
    return path


class LyingProvider:
    """Stands in front of the mock at its own port. In mode "pass" it only relays; "issuer" names another issuer
    in the metadata than the one that signs the tokens; "audience" has the browser authorise another client and
    redeems the code as that client, so the ID token's aud is not the portal's client_id."""

    def __init__(self, issuer: str) -> None:
        self.issuer, self.mode = issuer, "pass"
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def metadata(self) -> dict:
        with urllib.request.urlopen(self.issuer + METADATA_PATH, timeout=10) as response:
            metadata = json.load(response)
        metadata.update(authorization_endpoint=f"{self.url}/authorize", token_endpoint=f"{self.url}/token")
        if self.mode == "issuer":
            metadata["issuer"] = f"{self.issuer}/another-issuer"
        return metadata

    def authorize_location(self, query: str) -> str:
        params = {key: values[0] for key, values in parse_qs(query).items()}
        if self.mode == "audience":
            params["client_id"] = OTHER_CLIENT
        return f"{self.issuer}/oauth2/authorize?{urlencode(params)}"

    def redeem(self, body: bytes, headers: dict) -> tuple[int, bytes]:
        if self.mode == "audience":
            form = {key: values[0] for key, values in parse_qs(body.decode()).items()}
            form.pop("client_id", None)
            body = urlencode(form).encode()
            credentials = base64.b64encode(f"{OTHER_CLIENT}:{CLIENT_SECRET}".encode()).decode()
            headers = {**headers, "Authorization": f"Basic {credentials}"}
        request = urllib.request.Request(f"{self.issuer}/oauth2/token", data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, status: int, body: bytes = b"", **headers: str) -> None:
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                parts = urlsplit(self.path)
                if parts.path == METADATA_PATH:
                    self._send(200, json.dumps(provider.metadata()).encode())
                elif parts.path == "/authorize":
                    self._send(302, Location=provider.authorize_location(parts.query))
                else:
                    self._send(404)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                kept = {name: self.headers[name] for name in ("Content-Type", "Authorization") if self.headers[name]}
                self._send(*provider.redeem(body, kept))

            def log_message(self, *args):  # quiet: the test output is about the portal
                pass

        return Handler

    def __enter__(self) -> "LyingProvider":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
