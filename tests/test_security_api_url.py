"""The API URL setting never hands a Google key's credentials to whatever listens there.

A listener (a tiny HTTP server) stands at api_url; a Google-looking key (token_uri at
oauth2.googleapis.com) must send it no signed assertion and no bearer token, through the
library and through the CLI. Plain http is accepted on loopback only.
"""

from __future__ import annotations

import http.server
import json
import threading

import google.oauth2.credentials
import pytest
from click.testing import CliRunner
from test_transport import _service_key

from sheetsync.cli.main import cli
from sheetsync.sheets.transport import ApiUrlError, RetryPolicy, check_api_url, make_session

GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
SHEET = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEF"


class Listener(http.server.BaseHTTPRequestHandler):
    """Records every request; answers 200 {} so a client would go on talking."""

    seen: list = []

    def log_message(self, *args):
        pass

    def _record(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        Listener.seen.append((self.path, self.headers.get("Authorization"), body))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = do_POST = do_PUT = _record


@pytest.fixture()
def listener():
    Listener.seen = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Listener)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _credentials_seen() -> list:
    """Anything that looks like a credential in what the listener received."""
    return [seen for seen in Listener.seen
            if seen[1] or b"assertion" in seen[2] or b"refresh_token" in seen[2]]


def _google_service_account():
    from google.oauth2 import service_account
    return service_account.Credentials.from_service_account_info(
        _service_key(GOOGLE_TOKEN_URI), scopes=["https://www.googleapis.com/auth/spreadsheets"])


def _google_user():
    return google.oauth2.credentials.Credentials(
        token="ya29.live-google-token", refresh_token="1//refresh", client_id="c", client_secret="s",
        token_uri=GOOGLE_TOKEN_URI)


@pytest.mark.parametrize("make_credentials", [_google_service_account, _google_user])
def test_a_google_key_sends_the_listener_no_credential(listener, make_credentials):
    with pytest.raises(ApiUrlError) as caught:
        session = make_session(make_credentials(), listener, RetryPolicy(deadline_s=2))
        session.get("https://sheets.googleapis.com/v4/spreadsheets/x")
    assert caught.value.code == "api_url_foreign_key"
    assert _credentials_seen() == []


def test_the_cli_refuses_a_google_key_file_for_an_api_url(listener, tmp_path):
    key = tmp_path / "key.json"
    key.write_text(json.dumps(_service_key(GOOGLE_TOKEN_URI)))
    key.chmod(0o600)
    for lang, words in (("en", "not where this key gets its tokens"), ("id", "bukan tempat kunci ini")):
        result = CliRunner().invoke(cli, ["check", "--preset", "pilkada-jakbar-2024", "--lang", lang,
                                          "--api-url", listener, "--credentials", str(key),
                                          "--spreadsheet", SHEET])
        assert result.exit_code == 2, result.output
        assert words in result.output
        assert "Traceback" not in result.output
    assert _credentials_seen() == []


@pytest.mark.parametrize("url", ["http://192.0.2.7:8555", "http://sheets.example.org", "ftp://127.0.0.1/",
                                 "http://127.0.0.1.nip.io:8555"])
def test_plain_http_off_loopback_is_refused(url):
    with pytest.raises(ApiUrlError):
        check_api_url(url)
    token = google.oauth2.credentials.Credentials(token="emulator")
    with pytest.raises(ApiUrlError):
        make_session(token, url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8555", "http://localhost:8555/", "http://[::1]:8555",
                                 "http://0.0.0.0:8555", "https://sheets.example.org"])
def test_https_anywhere_and_http_on_loopback_are_accepted(url):
    assert check_api_url(url) == url


def test_the_cli_refuses_http_off_loopback_in_both_languages():
    for lang, words in (("en", "only on this machine"), ("id", "hanya diterima di mesin ini")):
        result = CliRunner().invoke(cli, ["check", "--preset", "pilkada-jakbar-2024", "--lang", lang,
                                          "--api-url", "http://192.0.2.7:8555", "--spreadsheet", SHEET])
        assert result.exit_code == 2, result.output
        assert words in result.stderr and "Traceback" not in result.output


def test_the_cli_says_on_stderr_that_an_api_url_is_in_use(listener):
    result = CliRunner().invoke(cli, ["check", "--preset", "pilkada-jakbar-2024", "--api-url", listener,
                                      "--spreadsheet", SHEET])
    assert f"API URL in use: {listener}" in result.stderr
    assert listener not in result.stdout
