"""Shared fixtures of the emulator's HTTP tests (EMULATOR-A): one open-mode emulator per module."""
from __future__ import annotations

from typing import Any

import pytest
import requests

from google_emulator import GoogleEmulator


@pytest.fixture(scope="module")
def emu():
    with GoogleEmulator() as e:
        yield e


@pytest.fixture(scope="module")
def gc(emu):
    return emu.client()


@pytest.fixture()
def sh(gc):
    """A fresh spreadsheet per test (the emulator is shared by the module)."""
    return gc.create("Rekap Pilkada")


class Raw:
    """Raw HTTP against the emulator with an open-mode bearer token."""

    def __init__(self, url: str, token: str = "raw-test") -> None:
        self.url = url
        self.s = requests.Session()
        self.s.headers["Authorization"] = f"Bearer {token}"

    def __call__(self, method: str, path: str, **kw: Any) -> requests.Response:
        return self.s.request(method, self.url + path, timeout=30, **kw)


@pytest.fixture(scope="module")
def raw(emu):
    return Raw(emu.url)


def error_of(resp: requests.Response) -> dict[str, Any]:
    body = resp.json()
    assert set(body) == {"error"}, body
    return body["error"]


def assert_error(resp: requests.Response, code: int, status: str, message: str | None = None) -> dict:
    assert resp.status_code == code, resp.text
    err = error_of(resp)
    assert err["code"] == code and err["status"] == status, err
    assert set(err) <= {"code", "message", "status", "errors", "details"}, err
    if message is not None:
        assert err["message"] == message, err["message"]
    return err
