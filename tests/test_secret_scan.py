"""The session-wide secret scan (tests/secret_scan.py) fails a session that shows a secret.

A small test file runs in a pytest subprocess with the plugin: each of its tests passes but
shows one secret a different way (printed, logged at DEBUG, a CliRunner output never printed,
a subprocess output never printed, a token from an emulator subprocess without its prefix,
a forged key as PKCS#1). The session must fail and name exactly those tests; the one test
that only talks about its token must not be named, and alone it must pass.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent

LEAKY = '''
import logging, subprocess, sys
import click, pytest, requests
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization as s
from cryptography.hazmat.primitives.asymmetric import rsa
from sheetsync.emulator import Emulator

def token(url):
    return requests.post(url + "/token", timeout=10, data={
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "x"}).json()["access_token"]

@pytest.fixture(scope="module")
def emu():
    with Emulator() as e:
        yield e

def test_prints_a_token(emu):
    print("Authorization: Bearer", token(emu.url))

def test_logs_a_line_of_a_key_at_debug(emu):
    pem = emu.issue_key("bot@x.iam.gserviceaccount.com")["private_key"]
    logging.getLogger("sheetsync.test").debug("key line %s", pem.splitlines()[5])

def test_cli_output_never_printed(emu):
    CliRunner().invoke(click.command()(lambda: click.echo(token(emu.url))))

def test_subprocess_output_never_printed(emu):
    subprocess.run([sys.executable, "-c", f"print({token(emu.url)!r})"], capture_output=True, check=True)

def test_token_of_an_emulator_subprocess_without_its_prefix():
    proc = subprocess.Popen([sys.executable, "-m", "sheetsync.emulator", "--port", "0"],
                            stdout=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().split()[-1]
        print(token(url).split("-", 1)[1])
    finally:
        proc.terminate()
        proc.wait(10)

def test_forged_key_as_pkcs1():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    sys.stderr.write(key.private_bytes(s.Encoding.PEM, s.PrivateFormat.TraditionalOpenSSL,
                                       s.NoEncryption()).decode())

def test_quiet(emu):
    print("got a token of", len(token(emu.url)), "characters")
'''
NAMED = ["test_prints_a_token", "test_logs_a_line_of_a_key_at_debug", "test_cli_output_never_printed",
         "test_subprocess_output_never_printed", "test_token_of_an_emulator_subprocess_without_its_prefix",
         "test_forged_key_as_pkcs1"]
SUMMARY = re.compile(r"secret scan: (\d+) tests' output, (\d+) keys, (\d+) tokens issued, (\d+) found")


def run_session(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, re.Match]:
    (tmp_path / "test_leaky.py").write_text(LEAKY)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(ROOT)])}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "secret_scan", "-p", "no:cacheprovider",
                           "test_leaky.py", *args], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    found = SUMMARY.search(proc.stdout)
    assert found, proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc, found


def test_a_session_that_shows_secrets_fails_and_names_the_tests(tmp_path):
    proc, summary = run_session(tmp_path)
    tests, keys, tokens, found = map(int, summary.groups())
    assert "7 passed" in proc.stdout                   # the tests pass: the scan alone fails the session
    assert proc.returncode == 1, proc.stdout[-2000:]
    assert (tests, found) == (7, 6) and keys >= 2 and tokens >= 5, summary.group(0)
    lines = [line for line in proc.stdout.splitlines() if " shown in: " in line]
    assert len(lines) == 6
    for name in NAMED:
        assert sum(f"::{name} " in line for line in lines) == 1, (name, lines)
    assert not any("test_quiet" in line for line in lines)
    assert "ya29." not in proc.stdout and "PRIVATE KEY" not in proc.stdout   # named, never shown


def test_a_session_that_only_uses_secrets_passes(tmp_path):
    proc, summary = run_session(tmp_path, "-k", "quiet")
    assert proc.returncode == 0, proc.stdout[-2000:]
    tests, _, tokens, found = map(int, summary.groups())
    assert (tests, found) == (1, 0) and tokens == 1, summary.group(0)
