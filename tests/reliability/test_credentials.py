"""Credentials and access: minimum scope, 401/403 explained, key-file permissions,
loopback binding, and no private key or bearer token in anything the suite showed.

Strict-mode emulator: it issues service-account keys, verifies the RS256 JWT at
/token, hands out expiring tokens, and answers 403 for a sheet not shared with the
caller. sheetsync runs through its own code path (load_credentials -> make_session).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import jwt

from harness import EMULATORS, PRIVATE_KEYS, TRANSCRIPT, start_emulator
from sheetsync.sheets import client as gsheets
from sheetsync.core.config import load_preset
from sheetsync.sync.run import SyncError, read_and_check
from sync_data import tps_sheet

BOT = "sheetsync-bot@pilkada-jakbar.iam.gserviceaccount.com"
OWNER = "owner@pilkada-jakbar.iam.gserviceaccount.com"
ROOT = Path(__file__).resolve().parents[2]
SPREADSHEETS_ONLY = "https://www.googleapis.com/auth/spreadsheets"


@pytest.fixture(scope="module")
def strict():
    emu = start_emulator(strict=True, token_ttl_s=2)
    yield emu
    emu.close()


def write_key(path: Path, key: dict, mode: int = 0o600) -> Path:
    path.write_text(json.dumps(key))
    path.chmod(mode)
    return path


def owned_sheet(emu, owner_key: dict, *, share_with: str | None = None) -> str:
    gc = emu.client(key=owner_key)
    sh = gc.create("TPS Jakarta Barat")
    sh.sheet1.update_title("TPS")
    sh.sheet1.update(tps_sheet(5, seed=3), "A1")
    if share_with:
        sh.share(share_with, perm_type="user", role="writer", notify=False)
    return sh.id


def config(emu, sheet_id: str, key_path: Path | None):
    return replace(load_preset("pilkada-jakbar-2024"), spreadsheet=sheet_id, api_url=emu.url,
                   credentials=str(key_path) if key_path else None, journal_path=None)


def test_scope_asked_at_the_token_endpoint_is_spreadsheets_only(strict, tmp_path):
    bot_key = strict.issue_key(BOT)
    sheet_id = owned_sheet(strict, strict.issue_key(OWNER), share_with=BOT)
    cfg = config(strict, sheet_id, write_key(tmp_path / "key.json", bot_key))
    client = gsheets.open_client(cfg)                      # sheetsync's own path from a key file
    grants = []
    client.http_client.session.token_session.hooks["response"].append(
        lambda r, *a, **k: grants.append(r.request.body))  # observe what went over the wire
    result = read_and_check(cfg, client=client)
    assert len(result.rows) == 5
    assert grants, "no request reached /token"
    for body in grants:
        form = dict(p.split("=", 1) for p in (body.decode() if isinstance(body, bytes) else body).split("&"))
        claims = jwt.decode(form["assertion"], verify=False)
        assert claims["scope"] == SPREADSHEETS_ONLY, claims["scope"]
        assert claims["iss"] == BOT
    print("scope asked at /token:", SPREADSHEETS_ONLY)


def test_unshared_sheet_gets_403_and_sheetsync_names_the_email_to_share_with(strict, tmp_path):
    owner_key = strict.issue_key(OWNER)
    sheet_id = owned_sheet(strict, owner_key)              # not shared with the bot
    cfg = config(strict, sheet_id, write_key(tmp_path / "key.json", strict.issue_key(BOT)))
    with pytest.raises(SyncError) as info:
        read_and_check(cfg)
    text = str(info.value)
    print("403:", text)
    assert info.value.exit_code == 3
    assert BOT in text and "403" in text and "Share" in text and "\n" not in text
    strict.client(key=owner_key).open_by_key(sheet_id).share(BOT, perm_type="user", role="writer",
                                                             notify=False)
    assert len(read_and_check(cfg).rows) == 5                # shared: the same key now works


def test_forged_or_expired_token_gets_401_and_sheetsync_explains(strict, tmp_path):
    sheet_id = owned_sheet(strict, strict.issue_key(OWNER), share_with=BOT)
    cfg = config(strict, sheet_id, None)
    for token in ("ya29.forged-" + "x" * 40, "", _expired_token(strict, tmp_path, sheet_id)):
        client = gsheets.emulator_client(strict.url, token=token)
        with pytest.raises(SyncError) as info:
            read_and_check(cfg, client=client)
        text = str(info.value)
        print("401:", text)
        assert "401" in text and "key file" in text and "clock" in text and "\n" not in text
        assert not token or token not in text


def _expired_token(strict, tmp_path: Path, sheet_id: str) -> str:
    """A real token from /token, used after its 2 s lifetime."""
    cfg = config(strict, sheet_id, write_key(tmp_path / "bot.json", strict.issue_key(BOT)))
    client = gsheets.open_client(cfg)
    read_and_check(cfg, client=client)
    token = client.http_client.session.credentials.token
    time.sleep(2.1)
    assert len(read_and_check(cfg, client=client).rows) == 5   # the key file simply gets a new one
    return token


def test_forged_key_file_is_refused_at_token_and_sheetsync_explains(strict, tmp_path):
    sheet_id = owned_sheet(strict, strict.issue_key(OWNER), share_with=BOT)
    forged = dict(strict.issue_key(BOT))
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged["private_key"] = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()).decode()
    PRIVATE_KEYS.append(forged["private_key"])
    cfg = config(strict, sheet_id, write_key(tmp_path / "forged.json", forged))
    with pytest.raises(SyncError) as info:
        read_and_check(cfg)
    text = str(info.value)
    print("forged key:", text)
    assert BOT in text and "new key" in text and "\n" not in text


def test_broken_key_file_error_never_quotes_the_key(tmp_path):
    key = start_emulator().issue_key(BOT)
    EMULATORS[-1].close()
    text = json.dumps(key)
    for name, content in (("cut.json", text[: len(text) // 2]),
                          ("wrongtype.json", text.replace("service_account", "robot")),
                          ("badpem.json", json.dumps({**key, "private_key": key["private_key"][:-80]}))):
        path = tmp_path / name
        path.write_text(content)
        path.chmod(0o600)
        with pytest.raises(gsheets.CredentialsError) as info:
            gsheets.load_credentials(str(path))
        print("broken key:", info.value)
        assert str(path) in str(info.value)
        assert "PRIVATE KEY" not in str(info.value) and key["private_key_id"] not in str(info.value)


def test_key_file_readable_by_others_is_warned_about(tmp_path, caplog):
    key = start_emulator().issue_key(BOT)
    EMULATORS[-1].close()
    loose = write_key(tmp_path / "loose.json", key, 0o644)
    tight = write_key(tmp_path / "tight.json", key, 0o600)
    caplog.set_level("WARNING", logger="sheetsync")
    gsheets.load_credentials(str(tight))
    assert not [r for r in caplog.records if r.levelname == "WARNING"]
    gsheets.load_credentials(str(loose))
    warned = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warned) == 1 and str(loose) in warned[0] and "chmod 600" in warned[0]


def test_the_cli_shows_the_permission_warning_and_a_clean_403(strict, tmp_path):
    """A real `sheetsync check` process: what a person sees, and nothing secret in it."""
    sheet_id = owned_sheet(strict, strict.issue_key(OWNER))
    key_path = write_key(tmp_path / "key.json", strict.issue_key(BOT), 0o640)
    env = {**os.environ, "SHEETSYNC_LANG": "en"}
    env.pop("SHEETSYNC_DEBUG", None)
    proc = subprocess.run([sys.executable, "-m", "sheetsync.cli.main", "check", "--preset", "pilkada-jakbar-2024",
                           "--spreadsheet", sheet_id, "--api-url", strict.url, "--credentials", str(key_path)],
                          capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path)
    print("cli stdout:", proc.stdout)
    print("cli stderr:", proc.stderr)
    assert proc.returncode == 3
    assert "chmod 600" in proc.stderr and BOT in proc.stderr and "Traceback" not in proc.stderr


def test_cli_sync_reports_in_text_and_json_hold_no_secret(strict, tmp_path, monkeypatch):
    """A full `sheetsync sync` from a key file (journal on), as text and as a JSON log line;
    what it prints joins the transcript the last test scans."""
    from click.testing import CliRunner
    from sheetsync.cli.main import cli
    key = strict.issue_key(BOT)
    sheet_id = owned_sheet(strict, strict.issue_key(OWNER), share_with=BOT)
    key_path = write_key(tmp_path / "key.json", key)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("SHEETSYNC_LOCK_DIR", str(tmp_path / "locks"))
    monkeypatch.delenv("SHEETSYNC_DEBUG", raising=False)
    for extra in ([], ["--log-format", "json"]):
        result = CliRunner().invoke(cli, ["sync", "--preset", "pilkada-jakbar-2024", "--spreadsheet", sheet_id,
                                          "--api-url", strict.url, "--credentials", str(key_path), *extra])
        print("cli sync:", result.exit_code, result.output)
        assert result.exit_code == 0, result.output
        assert key["private_key_id"] not in result.output
    assert json.loads(result.output.strip().splitlines()[-1])["spreadsheet"] == sheet_id


def test_emulator_binds_to_loopback_unless_told_and_says_so():
    emu = start_emulator()
    try:
        assert emu._server.server_address[0] == "127.0.0.1" and emu.url.startswith("http://127.0.0.1:")
    finally:
        emu.close()
    for args, said in (([], "bound to loopback only"),
                       # open mode refuses any other address (test_strict_boundary.py); strict mode warns
                       (["--host", "0.0.0.0", "--strict"], "WARNING: bound to 0.0.0.0, reachable from the network")):
        proc = subprocess.Popen([sys.executable, "-m", "sheetsync.emulator", "--port", "0", *args],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
        try:
            lines = [proc.stdout.readline() for _ in range(2)]
        finally:
            proc.terminate()                              # the process this test started, by its handle
            proc.wait(10)
        print("emulator says:", lines)
        assert said in lines[1]
        host = "0.0.0.0" if args else "127.0.0.1"
        assert lines[0].startswith(f"sheetsync emulator listening on http://{host}:")


def secrets_in(text: str, secrets: list[str]) -> list[str]:
    """Which secrets occur in text: whole, or the body of a PEM key (any 40 characters of it)."""
    found = []
    for secret in secrets:
        if not secret:
            continue
        if secret in text:
            found.append(secret[:12] + "...")
            continue
        body = "".join(line for line in secret.splitlines() if "PRIVATE KEY" not in line)
        if body and any(body[i:i + 40] in text for i in range(0, max(1, len(body) - 40), 40)):
            found.append("part of a private key")
    return found


def test_the_scan_finds_a_planted_secret():
    key = PRIVATE_KEYS[0] if PRIVATE_KEYS else start_emulator().issue_key(BOT)["private_key"]
    body = "".join(key.splitlines()[1:3])
    assert secrets_in(f"log line {body} end", [key]) == ["part of a private key"]
    assert secrets_in("Authorization: Bearer ya29.emu-abc", ["ya29.emu-abc"]) == ["ya29.emu-abc..."]
    assert secrets_in("nothing here", [key, "ya29.emu-abc"]) == []


def test_no_secret_in_anything_the_suite_showed():
    """Runs last (conftest orders it): every log record, printed line and failure text of the
    reliability suite, against every private key and every bearer token the emulators issued."""
    tokens = sorted({t for emu in EMULATORS for t in emu.state.auth.state()["tokens"]})
    secrets = PRIVATE_KEYS + tokens
    text = "\n".join(TRANSCRIPT)
    print(f"scanned {len(text):,} characters of output for {len(PRIVATE_KEYS)} private keys "
          f"and {len(tokens)} bearer tokens")
    assert PRIVATE_KEYS and tokens and len(TRANSCRIPT) > 20       # the scan had something to look for
    assert secrets_in(text, secrets) == []
