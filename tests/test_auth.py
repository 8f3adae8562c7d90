"""Bot Framework authentication, offline: tokens signed with a key the test publishes on loopback.

The SDK's own validation runs (OpenID metadata -> JWKS -> signature, issuer, audience, expiry,
endorsements, serviceurl); the test only points it at a metadata document it serves itself.
"""
import base64
import json
import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.conftest import FIXTURES
from tests.e2e import BotClient, activity, config_for

APP_ID = "6f1c2d3e-4a5b-4c6d-8e7f-123456789abc"
ISSUER = "https://api.botframework.test"
pytestmark = pytest.mark.slow


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def keys():
    trusted = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    untrusted = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    numbers = trusted.public_key().public_numbers()
    jwks = {"keys": [{"kty": "RSA", "use": "sig", "kid": "trusted", "n": _b64(numbers.n), "e": _b64(numbers.e),
                      "endorsements": ["msteams"]}]}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            port = self.server.server_address[1]
            body = {"issuer": ISSUER, "jwks_uri": f"http://127.0.0.1:{port}/keys",
                    "id_token_signing_alg_values_supported": ["RS256"]} if self.path.startswith("/openid") else jwks
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"trusted": trusted, "untrusted": untrusted,
           "metadata": f"http://127.0.0.1:{server.server_address[1]}/openid"}
    server.shutdown()


@pytest.fixture
async def secured(tmp_path, keys):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "knowledge", knowledge)
    config = config_for(tmp_path / "data", knowledge, MicrosoftAppId=APP_ID, MicrosoftAppPassword="secret",
                        SPARRING_OPENID_METADATA_URL=keys["metadata"], SPARRING_TOKEN_ISSUER=ISSUER)
    client = await BotClient(config).start()
    yield client
    await client.close()


def token(key, kid="trusted", **overrides) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": APP_ID, "nbf": now - 60, "iat": now - 60, "exp": now + 3600,
              "serviceurl": "http://127.0.0.1:9/connector"}
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


async def send(client, bearer: str | None):
    headers = {"Content-Type": "application/json"}
    if bearer is not None:
        headers["Authorization"] = bearer
    return await client.post(None, raw=json.dumps(activity("hjælp")).encode(), headers=headers)


async def test_valid_token_is_accepted(secured, keys):
    status, payload = await send(secured, f"Bearer {token(keys['trusted'])}")
    assert status == 200 and payload["activities"]


@pytest.mark.parametrize("case", ["missing", "garbage", "not-bearer", "expired", "other-audience", "other-issuer",
                                  "untrusted-key", "unknown-kid", "wrong-serviceurl", "no-audience"])
async def test_bad_tokens_get_401(secured, keys, case):
    bearer = {
        "missing": None,
        "garbage": "Bearer not.a.token",
        "not-bearer": "Basic dXNlcjpwYXNz",
        "expired": f"Bearer {token(keys['trusted'], exp=int(time.time()) - 3600, nbf=int(time.time()) - 7200)}",
        "other-audience": f"Bearer {token(keys['trusted'], aud='00000000-1111-2222-3333-444444444444')}",
        "other-issuer": f"Bearer {token(keys['trusted'], iss='https://evil.example')}",
        "untrusted-key": f"Bearer {token(keys['untrusted'])}",
        "unknown-kid": f"Bearer {token(keys['untrusted'], kid='nobody')}",
        "wrong-serviceurl": f"Bearer {token(keys['trusted'], serviceurl='https://evil.example/')}",
        "no-audience": f"Bearer {token(keys['trusted'], aud=None)}",
    }[case]
    status, payload = await send(secured, bearer)
    assert status == 401 and payload == {"error": "unauthorized"}


async def test_no_bot_code_runs_for_unauthorised_requests(secured, keys):
    status, _ = await send(secured, "Bearer x")
    assert status == 401
    # The dialogue store stays empty: no turn ran.
    status, payload = await secured.post(activity("status"), headers={"Content-Type": "application/json",
                                         "Authorization": f"Bearer {token(keys['trusted'])}"})
    assert "ingen dialog" in payload["activities"][0]["text"]
