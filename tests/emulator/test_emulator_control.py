"""Quotas, fault injection, counters, persistence, admin paths and the CLI entry point."""
from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest
import requests

from _emu_support import Raw, assert_error
from google_emulator import GoogleEmulator


def new_sheet(r: Raw) -> str:
    return r("POST", "/v4/spreadsheets", json={"properties": {"title": "kontrol"}}).json()["spreadsheetId"]


def test_quota_per_user_and_kind():
    with GoogleEmulator(quota={"read_per_user": 3, "write_per_user": 2, "read_per_project": 5}) as e:
        a, b = Raw(e.url, "user-a"), Raw(e.url, "user-b")
        sid = new_sheet(a)  # one write
        for _ in range(3):
            assert a("GET", f"/v4/spreadsheets/{sid}").status_code == 200
        err = assert_error(a("GET", f"/v4/spreadsheets/{sid}"), 429, "RESOURCE_EXHAUSTED")
        assert re.fullmatch(r"Quota exceeded for quota metric 'Read requests' and limit 'Read requests "
                            r"per minute per user' of service 'sheets.googleapis.com' for consumer "
                            r"'project_number:\d{12}'.", err["message"]), err["message"]
        info = a("GET", f"/v4/spreadsheets/{sid}").json()["error"]["details"][0]
        assert info["reason"] == "RATE_LIMIT_EXCEEDED"
        assert info["metadata"]["quota_limit"] == "ReadRequestsPerMinutePerUser"
        assert info["metadata"]["quota_limit_value"] == "3"
        assert a("PUT", f"/v4/spreadsheets/{sid}/values/A1", params={"valueInputOption": "RAW"},
                 json={"values": [[1]]}).status_code == 200  # writes have their own bucket
        assert a("GET", f"/drive/v3/files/{sid}").status_code == 200  # Drive is not a Sheets quota
        assert b("GET", f"/v4/spreadsheets/{sid}").status_code == 200
        assert b("GET", f"/v4/spreadsheets/{sid}").status_code == 200
        err = assert_error(b("GET", f"/v4/spreadsheets/{sid}"), 429, "RESOURCE_EXHAUSTED")
        assert "'Read requests per minute'" in err["message"]  # project-wide 5 reached


def test_quota_google_figures():
    with GoogleEmulator(quota="google") as e:
        r = Raw(e.url, "satu")
        sid = new_sheet(r)
        codes = [r("GET", f"/v4/spreadsheets/{sid}/values/A1").status_code for _ in range(61)]
        assert codes[:60] == [200] * 60 and codes[60] == 429


def test_quota_off_by_default():
    with GoogleEmulator() as e:
        r = Raw(e.url)
        sid = new_sheet(r)
        assert all(r("GET", f"/v4/spreadsheets/{sid}/values/A1").status_code == 200 for _ in range(70))


@pytest.fixture(scope="module")
def emu():
    with GoogleEmulator(fault_seed=7) as e:
        yield e


def test_fail_next_n_matching(emu):
    r = Raw(emu.url)
    sid = new_sheet(r)
    emu.inject_fault(status=503, method="GET", path=r"/values/", times=2)
    path = f"/v4/spreadsheets/{sid}/values/A1"
    assert_error(r("GET", path), 503, "UNAVAILABLE")
    assert r("GET", f"/v4/spreadsheets/{sid}").status_code == 200  # path does not match
    assert r("PUT", path, params={"valueInputOption": "RAW"}, json={"values": [[1]]}).status_code == 200
    assert_error(r("GET", path), 503, "UNAVAILABLE")
    assert r("GET", path).status_code == 200


def test_429_with_and_without_retry_after(emu):
    r = Raw(emu.url)
    emu.inject_fault(status=429, path="/drive/", retry_after=3)
    resp = r("GET", "/drive/v3/files")
    assert_error(resp, 429, "RESOURCE_EXHAUSTED")
    assert resp.headers["Retry-After"] == "3"
    emu.inject_fault(status=429, path="/drive/")
    resp = r("GET", "/drive/v3/files")
    assert resp.status_code == 429 and "Retry-After" not in resp.headers
    emu.inject_fault(status=500, path="/drive/")
    assert_error(r("GET", "/drive/v3/files"), 500, "INTERNAL")


def test_delay_and_reset(emu):
    r = Raw(emu.url)
    emu.inject_fault(kind="delay", delay_s=0.4, path="/drive/")
    t0 = time.perf_counter()
    assert r("GET", "/drive/v3/files").status_code == 200
    assert time.perf_counter() - t0 >= 0.4
    emu.inject_fault(kind="reset", path="/drive/")
    with pytest.raises(requests.exceptions.RequestException):
        requests.get(emu.url + "/drive/v3/files", timeout=5)
    assert r("GET", "/drive/v3/files").status_code == 200


def test_fraction_and_token_endpoint(emu):
    r = Raw(emu.url)
    emu.inject_fault(status=503, path="^/_never_$")  # matches nothing, stays listed
    emu.inject_fault(status=500, path="/drive/", times=None, fraction=0.5)
    codes = [r("GET", "/drive/v3/files").status_code for _ in range(40)]
    emu.clear_faults()
    assert 5 <= codes.count(500) <= 35 and codes.count(200) + codes.count(500) == 40
    emu.inject_fault(status=503, path="^/token$")
    resp = requests.post(emu.url + "/token", data={"grant_type": "x", "assertion": "y"})
    assert resp.status_code == 503


def test_faults_over_admin_http(emu):
    r = Raw(emu.url)
    added = r("POST", "/_emulator/faults", json={"status": 503, "path": "/drive/", "times": 1}).json()
    assert added["status"] == 503 and added["times"] == 1
    assert r("GET", "/_emulator/faults").json()["faults"][0]["id"] == added["id"]
    assert r("GET", "/drive/v3/files").status_code == 503
    assert r("GET", "/_emulator/faults").json()["faults"] == []
    bad = r("POST", "/_emulator/faults", json={"kind": "explode"})
    assert_error(bad, 400, "INVALID_ARGUMENT")


def test_counters(emu):
    r = Raw(emu.url)
    emu.reset_counters()
    sid = new_sheet(r)
    r("PUT", f"/v4/spreadsheets/{sid}/values/A1", params={"valueInputOption": "RAW"}, json={"values": [[1, 2, 3]]})
    r("GET", f"/v4/spreadsheets/{sid}/values/Nope!A1")
    c = r("GET", "/_emulator/counters").json()
    assert c["requests"] == 3 and c["cells_written"] == 3
    assert c["by_status"] == {"200": 2, "400": 1}
    assert c["by_path"]["/v4/spreadsheets/{id}/values/{range}"] == 2
    assert c["by_method"] == {"POST": 1, "PUT": 1, "GET": 1}
    assert c["bytes_in"] > 0 and c["bytes_out"] > 0
    assert emu.counters()["requests"] == 3  # admin paths are not counted
    r("POST", f"/v4/spreadsheets/{sid}:batchUpdate", json={"requests": [{"repeatCell": {
        "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 2},
        "cell": {"userEnteredValue": {"numberValue": 1}}, "fields": "userEnteredValue"}}]})
    assert emu.counters()["cells_written"] == 3 + 4
    r("POST", "/_emulator/counters/reset")
    assert emu.counters()["cells_written"] == 0


def test_admin_listing_and_reset():
    with GoogleEmulator() as e:
        r = Raw(e.url)
        sid = new_sheet(r)
        listing = r("GET", "/_emulator/spreadsheets").json()["spreadsheets"]
        assert listing[0]["id"] == sid and listing[0]["sheets"][0]["rowCount"] == 1000
        assert r("POST", "/_emulator/reset").json() == {"ok": True}
        assert r("GET", "/_emulator/spreadsheets").json() == {"spreadsheets": []}


def test_persistence_survives_restart(tmp_path):
    with GoogleEmulator(state_dir=str(tmp_path), strict=True) as e:
        key = e.issue_key("bot@demo.iam.gserviceaccount.com")
        gc = e.client(key=key)
        sh = gc.create("Tahan Restart")
        sh.sheet1.update([["TPS 001", 512]], "A1")
        gone = gc.create("dihapus")
        gc.del_spreadsheet(gone.id)
    port = int(e.url.rsplit(":", 1)[1])  # the key file's token_uri names this port
    with GoogleEmulator(state_dir=str(tmp_path), strict=True, port=port) as e2:
        assert e2.loaded == 1
        gc2 = e2.client(key=key)  # the key issued before the restart still verifies
        assert gc2.open_by_key(sh.id).sheet1.get_all_values() == [["TPS 001", "512"]]


def test_cli_prints_url_and_loopback_and_saves_on_sigterm(tmp_path):
    cmd = [sys.executable, "-m", "sheetsync.emulator", "--port", "0", "--state", str(tmp_path)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        first, second = proc.stdout.readline(), proc.stdout.readline()
        url = first.strip().rsplit(" ", 1)[-1]
        assert url.startswith("http://127.0.0.1:")
        assert "loopback" in second
        assert requests.get(url + "/_emulator/health", timeout=5).json()["ok"] is True
        sid = new_sheet(Raw(url))
    finally:
        proc.terminate()  # SIGTERM: the CLI saves its state before it exits
        assert proc.wait(timeout=10) == 0
    assert (tmp_path / f"{sid}.sheet.pickle").exists()


def test_web_view_hook(emu):
    resp = requests.get(emu.url + "/view", timeout=10)
    try:
        import sheetsync.emulator.webview  # noqa: F401
    except ImportError:
        assert resp.status_code == 404
    else:
        assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("exc, shown", [(BrokenPipeError(32, "Broken pipe"), False),
                                        (ConnectionResetError(104, "reset"), False),
                                        (ValueError("a real bug"), True)])
def test_a_client_hanging_up_is_no_traceback_but_a_bug_still_is(capsys, exc, shown):
    from sheetsync.emulator.server import make_server
    from sheetsync.emulator.state import EmulatorState
    server = make_server(EmulatorState())
    try:
        try:
            raise exc
        except Exception:                       # noqa: BLE001 - as socketserver calls it
            server.handle_error(None, ("127.0.0.1", 5555))
    finally:
        server.server_close()
    assert ("Traceback" in capsys.readouterr().err) is shown
