"""transport.py: redirect, timeouts, bounded retries, against a scripted local HTTP server."""

from __future__ import annotations

import http.server
import json
import random
import socket
import threading
import time
from collections import deque

import google.oauth2.credentials
import pytest
import requests

from sheetsync.sheets.transport import (RetryPolicy, backoff_sleep, make_session, retry_after_seconds,
                                 rewrite_url)


class Script(http.server.BaseHTTPRequestHandler):
    """Answers from a queue of (status, headers, body, action); records paths and auth headers."""

    queue: deque = deque()
    seen: list = []

    def log_message(self, *args):  # keep test output clean
        pass

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body_in = self.rfile.read(length) if length else b""
        Script.seen.append((self.command, self.path, self.headers.get("Authorization"), body_in))
        status, headers, body, action = Script.queue.popleft() if Script.queue else (200, {}, b"{}", None)
        if action == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.connection.close()
            return
        if action == "slow":
            time.sleep(1.5)
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer


@pytest.fixture()
def server():
    Script.queue = deque()
    Script.seen = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Script)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def session(url, **policy):
    creds = google.oauth2.credentials.Credentials(token="tok-123")
    defaults = dict(deadline_s=5.0, base_s=0.01, max_sleep_s=0.05, timeout_s=(1.0, 1.0))
    defaults.update(policy)
    return make_session(creds, url, RetryPolicy(**defaults))


def test_rewrite_url_maps_the_api_hosts_and_the_token_host_only_when_asked():
    base = "http://127.0.0.1:9/"
    assert rewrite_url("https://sheets.googleapis.com/v4/spreadsheets/x", base) == \
        "http://127.0.0.1:9/v4/spreadsheets/x"
    assert rewrite_url("https://www.googleapis.com/drive/v3/files", base) == "http://127.0.0.1:9/drive/v3/files"
    assert rewrite_url("https://oauth2.googleapis.com/token", base) == "https://oauth2.googleapis.com/token"
    assert rewrite_url("https://oauth2.googleapis.com/token", base, token_host=True) == "http://127.0.0.1:9/token"
    assert rewrite_url("https://example.com/a", base) == "https://example.com/a"
    assert rewrite_url("https://sheets.googleapis.com.evil.com/x", base) == "https://sheets.googleapis.com.evil.com/x"
    assert rewrite_url("https://sheets.googleapis.com/v4/x", None) == "https://sheets.googleapis.com/v4/x"


def test_retry_after_parses_seconds_and_dates():
    r = requests.Response()
    r.headers["Retry-After"] = "3"
    assert retry_after_seconds(r) == 3.0
    r.headers["Retry-After"] = "Wed, 21 Oct 2015 07:28:00 GMT"
    assert retry_after_seconds(r) == 0.0          # in the past
    r.headers["Retry-After"] = "soon"
    assert retry_after_seconds(r) is None


def test_full_jitter_stays_under_the_exponential_ceiling():
    rng = random.Random(1)
    policy = RetryPolicy(base_s=0.5, max_sleep_s=16)
    for attempt in range(10):
        ceiling = min(16, 0.5 * 2 ** attempt)
        draws = [backoff_sleep(attempt, policy, rng) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in draws)
        assert max(draws) > ceiling * 0.5          # really spread, not a constant


def test_google_url_goes_to_the_emulator_with_the_bearer_token(server):
    s = session(server)
    r = s.get("https://sheets.googleapis.com/v4/spreadsheets/abc/values:batchGet?ranges=A1")
    assert r.status_code == 200
    method, path, auth, _ = Script.seen[0]
    assert (method, path, auth) == ("GET", "/v4/spreadsheets/abc/values:batchGet?ranges=A1", "Bearer tok-123")
    assert s.stats.snapshot()["requests"] == 1


def test_429_and_5xx_are_retried_and_retry_after_is_honoured(server):
    Script.queue.extend([(429, {"Retry-After": "0.3"}, b"{}", None), (503, {}, b"{}", None),
                         (500, {}, b"{}", None), (200, {}, b'{"ok": true}', None)])
    s = session(server)
    start = time.monotonic()
    r = s.post("https://sheets.googleapis.com/v4/spreadsheets/abc/values:batchUpdate", json={"a": 1})
    assert r.json() == {"ok": True}
    assert time.monotonic() - start >= 0.3
    assert len(Script.seen) == 4
    assert s.stats.snapshot()["retries"] == 3
    assert all(seen[3] == b'{"a": 1}' for seen in Script.seen)   # same body every time


def test_400_is_not_retried(server):
    Script.queue.append((400, {}, b'{"error": {"code": 400}}', None))
    s = session(server)
    assert s.get("https://sheets.googleapis.com/v4/x").status_code == 400
    assert len(Script.seen) == 1


def test_connection_reset_and_timeout_are_retried(server):
    Script.queue.extend([(200, {}, b"{}", "reset"), (200, {}, b"{}", "slow"), (200, {}, b'{"n": 3}', None)])
    s = session(server)
    r = s.get("https://sheets.googleapis.com/v4/x")
    assert r.json() == {"n": 3}
    assert len(Script.seen) == 3


def test_the_deadline_bounds_a_storm_of_503(server):
    Script.queue.extend([(503, {}, b"{}", None)] * 500)
    s = session(server, deadline_s=0.6, base_s=0.05, max_sleep_s=0.1)
    start = time.monotonic()
    r = s.get("https://sheets.googleapis.com/v4/x")
    assert r.status_code == 503                  # handed to gspread, which raises APIError
    assert time.monotonic() - start < 1.5
    assert 2 <= len(Script.seen) < 100


def test_retry_after_beyond_the_deadline_gives_up_at_once(server):
    Script.queue.append((429, {"Retry-After": "120"}, b"{}", None))
    s = session(server, deadline_s=2.0)
    start = time.monotonic()
    assert s.get("https://sheets.googleapis.com/v4/x").status_code == 429
    assert time.monotonic() - start < 1.0
    assert len(Script.seen) == 1


def test_unreachable_host_raises_after_the_deadline():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]             # closed again: nobody listens there
    s = session(f"http://127.0.0.1:{port}", deadline_s=0.5, base_s=0.05, max_sleep_s=0.1)
    with pytest.raises(requests.ConnectionError):
        s.get("https://sheets.googleapis.com/v4/x")


def test_every_request_gets_a_timeout(server):
    Script.queue.extend([(200, {}, b"{}", "slow")] * 3)
    s = session(server, deadline_s=1.2, timeout_s=(0.5, 0.5), base_s=0.01, max_sleep_s=0.01)
    start = time.monotonic()
    with pytest.raises(requests.Timeout):
        s.get("https://sheets.googleapis.com/v4/x", timeout=None)   # gspread's default
    assert time.monotonic() - start < 4.0


def _service_key(token_uri: str) -> dict:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    return {"type": "service_account", "client_email": "bot@x.iam.gserviceaccount.com",
            "private_key": pem, "private_key_id": "k1", "token_uri": token_uri}


def _service_credentials(token_uri: str):
    from google.oauth2 import service_account
    return service_account.Credentials.from_service_account_info(
        _service_key(token_uri), scopes=["https://www.googleapis.com/auth/spreadsheets"])


def test_a_key_whose_token_uri_is_the_api_url_gets_its_token_there(server):
    creds = _service_credentials(server + "/token")          # what the emulator's keys hold
    Script.queue.extend([(503, {}, b"{}", None),
                         (200, {}, json.dumps({"access_token": "issued-1", "expires_in": 3600}).encode(), None),
                         (200, {}, b"{}", None)])
    s = make_session(creds, server, RetryPolicy(deadline_s=5, base_s=0.01, max_sleep_s=0.02))
    assert s.get("https://sheets.googleapis.com/v4/x").status_code == 200
    paths = [p for _, p, _, _ in Script.seen]
    assert paths[:2] == ["/token", "/token"] and paths[2] == "/v4/x"
    assert Script.seen[2][2] == "Bearer issued-1"
