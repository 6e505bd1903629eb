"""The counters keep Sheets reads and writes per spreadsheet: what a fleet spends on each sheet."""
from __future__ import annotations

import requests

from google_emulator import GoogleEmulator


def test_reads_and_writes_are_counted_per_spreadsheet() -> None:
    with GoogleEmulator(quota={"read_per_user": 2}) as emu:
        s = requests.Session()                              # no retries: the 429 stays one request
        s.headers["Authorization"] = "Bearer relawan"
        busy, idle = (s.post(emu.url + "/v4/spreadsheets", json={}, timeout=30).json()["spreadsheetId"]
                      for _ in range(2))
        emu.reset_counters()
        s.put(f"{emu.url}/v4/spreadsheets/{busy}/values/A1", params={"valueInputOption": "RAW"},
              json={"values": [["12"]]}, timeout=30).raise_for_status()
        codes = [s.get(f"{emu.url}/v4/spreadsheets/{busy}/values/A1", timeout=30).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        counts = emu.counters()["by_spreadsheet"]
        assert counts == {busy: {"read": 3, "write": 1}}    # the refused read counts; idle is absent
        assert idle not in counts
