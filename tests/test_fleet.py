"""The province fleet end to end: real gspread and google-auth against the emulator in strict
mode with Google's quotas, keys per account, and a second client as the coordinator who
makes, shares, edits and deletes the sheets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import service_account

from google_emulator import Emulators, GoogleEmulator
from sheetsync.fleet.run import FleetRunner
from sheetsync.fleet.config import load_fleet
from sheetsync.core.kabkota import wilayah
from sync_data import seed

PROJECT = "kawal-tps-dki"
FLEET = f"fleet@{PROJECT}.iam.gserviceaccount.com"
COORDINATOR = f"koordinator@{PROJECT}.iam.gserviceaccount.com"
HEADER = ["Kecamatan", "Kelurahan", "No TPS", "DPT", "Paslon 1", "Paslon 2", "Paslon 3",
          "Suara Sah", "Suara Tidak Sah", "Pengguna Hak Pilih"]
SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]
REGIONS = {"Jakarta Pusat": "31.71", "Jakarta Utara": "31.72", "Jakarta Barat": "31.73"}


def tps_rows(code: str, votes: tuple[int, int, int], n: int = 3) -> list[list[Any]]:
    """n TPS of the region's first kelurahan: the first reported, one in error (sah too high), the rest blank."""
    first = wilayah(code).rows[0]
    p1, p2, p3 = votes
    sah = p1 + p2 + p3
    rows = [HEADER, [first["kecamatan"], first["kelurahan"], "1", "400", p1, p2, p3, sah, 2, sah + 2],
            [first["kecamatan"], first["kelurahan"], "2", "400", 1, 1, 1, 9, 0, 9]]
    rows += [[first["kecamatan"], first["kelurahan"], str(i), "400", "", "", "", "", "", ""] for i in range(3, n + 1)]
    return [[str(v) for v in r] for r in rows]


class Province:
    """An emulator with Google's quotas, the coordinator's client, and a fleet file on disk."""

    def __init__(self, emu: GoogleEmulator, tmp: Path) -> None:
        self.emu, self.tmp = emu, tmp
        self.coordinator = emu.client(key=emu.issue_key(COORDINATOR, project_id=PROJECT))
        self.keys: dict[str, dict[str, str]] = {}
        self.sheets: dict[str, Any] = {}

    def key_file(self, email: str) -> str:
        if email not in self.keys:
            self.keys[email] = self.emu.issue_key(email, project_id=PROJECT)
            path = self.tmp / f"{email.split('@')[0]}.json"
            path.write_text(json.dumps(self.keys[email]))
            path.chmod(0o600)
        return str(self.tmp / f"{email.split('@')[0]}.json")

    def sheet(self, name: str, code: str, votes: tuple[int, int, int], account: str = FLEET) -> Any:
        sh = seed(self.coordinator, tps_rows(code, votes), title=f"Kawal TPS {name}")
        sh.share(account, perm_type="user", role="writer", notify=False)
        self.sheets[name] = (sh, code, account)
        return sh

    def write(self, *, rollup: Any) -> Path:
        rollup.share(FLEET, perm_type="user", role="writer", notify=False)
        lines = ['name = "DKI Jakarta"', f'api_url = "{self.emu.url}"', 'state = "state.sqlite"',
                 "[rollup]", f'spreadsheet = "{rollup.id}"', f'credentials = "{self.key_file(FLEET)}"']
        for name, (sh, code, account) in self.sheets.items():
            lines += ["[[sheet]]", f'name = "{name}"', f'region = "{code}"', f'spreadsheet = "{sh.id}"',
                      f'credentials = "{self.key_file(account)}"']
        path = self.tmp / "fleet.toml"
        path.write_text("\n".join(lines) + "\n")
        return path


@pytest.fixture()
def province(emulators: Emulators, tmp_path: Path) -> Any:
    with emulators.own(strict=True, quota="google") as emu:        # its quota windows and keys are spent
        yield Province(emu, tmp_path)


def rollup_rows(sh: Any) -> dict[str, dict[str, str]]:
    values = sh.worksheet("Rekap Provinsi").get_all_values()
    header = values[2]
    return {row[1]: dict(zip(header, row)) for row in values[3:] if row and row[1]}


def statuses(sh: Any) -> list[str]:
    values = sh.worksheet("TPS").get_all_values()
    return [row[values[0].index("Status")] for row in values[1:]]


def test_one_cycle_syncs_every_sheet_and_writes_the_rollup_diff_only(province: Province) -> None:
    for i, (name, code) in enumerate(REGIONS.items()):
        province.sheet(name, code, (10 * (i + 1), 20, 30))
    rollup = province.coordinator.create("Rekap DKI")
    fleet = load_fleet(province.write(rollup=rollup))
    runner = FleetRunner(fleet, lock_dir=str(province.tmp))
    first = runner.cycle(budget_s=60)
    assert [o.ok for o in first.outcomes] == [True, True, True], first.outcomes
    for sh, _, _ in province.sheets.values():
        assert statuses(sh) == ["OK", "SALAH", "BELUM DIISI"]
    rows = rollup_rows(rollup)
    utara = rows["Jakarta Utara"]
    assert (utara["Kode"], utara["TPS Masuk"], utara["TPS Lapor"], utara["% Lapor"]) == ("31.72", "3", "1", "33.3")
    assert utara["% Lapor Dari"] == "TPS masuk (tanpa rencana)"
    assert (utara["Paslon 1 (lengkap)"], utara["Paslon 3 (lengkap)"], utara["% Paslon 3 (lengkap)"]) == \
        ("20", "30", "42.9")
    # the row in error counts in neither total: the votes all in are the complete row's
    assert (utara["TPS Suara Paslon Masuk"], utara["Paslon 1 (semua masuk)"]) == ("1", "20")
    assert utara["Baris Salah"] == "1" and utara["Keadaan"] == "OK"
    total = rows["TOTAL"]
    assert (total["TPS Masuk"], total["Paslon 1 (lengkap)"], total["Keadaan"]) == ("9", "60", "Semua tersinkron")
    assert first.rollup_cells and first.rollup_error is None
    # nothing changed: the second cycle reads each sheet once and rewrites at most the sync times
    province.emu.reset_counters()
    second = runner.cycle(budget_s=60)
    assert all(o.ok and o.requests == 1 for o in second.outcomes), second.outcomes
    assert (second.rollup_cells or 0) <= 4
    runner.close()


def test_a_revoked_key_a_deleted_sheet_and_a_spent_quota_stop_only_their_sheet(province: Province) -> None:
    province.sheet("Jakarta Pusat", "31.71", (10, 20, 30))
    province.sheet("Jakarta Utara", "31.72", (5, 5, 5), account=f"jakut@{PROJECT}.iam.gserviceaccount.com")
    deleted = province.sheet("Jakarta Barat", "31.73", (7, 7, 7))
    spent = province.sheet("Jakarta Selatan", "31.74", (1, 2, 3), account=f"jaksel@{PROJECT}.iam.gserviceaccount.com")
    rollup = province.coordinator.create("Rekap DKI")
    fleet = load_fleet(province.write(rollup=rollup))
    runner = FleetRunner(fleet, lock_dir=str(province.tmp))
    assert all(o.ok for o in runner.cycle(budget_s=60).outcomes)

    # the key of Jakarta Utara is deleted in the Cloud console
    jakut = province.keys[f"jakut@{PROJECT}.iam.gserviceaccount.com"]
    province.emu.state.auth.keys.pop(jakut["private_key_id"])
    runner._clients.clear()                  # a fresh process: no token left from before
    # the coordinator deletes Jakarta Barat's spreadsheet
    province.coordinator.del_spreadsheet(deleted.id)
    # another script spends Jakarta Selatan's account's read quota for this minute
    script = AuthorizedSession(service_account.Credentials.from_service_account_info(
        province.keys[f"jaksel@{PROJECT}.iam.gserviceaccount.com"], scopes=SCOPES))     # no retries
    url = f"{province.emu.url}/v4/spreadsheets/{spent.id}/values/A1"
    assert [script.get(url).status_code for _ in range(61)][-1] == 429
    # the coordinator types a result into Jakarta Pusat meanwhile: it is synced all the same
    pusat = province.sheets["Jakarta Pusat"][0]
    pusat.worksheet("TPS").update([["4", "4", "4", "12", "0", "12"]], "E4")

    report = runner.cycle(budget_s=60)
    by_name = {o.name: o for o in report.outcomes}
    assert by_name["Jakarta Pusat"].ok and statuses(pusat) == ["OK", "SALAH", "OK"]
    assert by_name["Jakarta Utara"].failure_code == "auth", by_name["Jakarta Utara"]
    assert by_name["Jakarta Barat"].failure_code == "not_found", by_name["Jakarta Barat"]
    assert by_name["Jakarta Selatan"].failure_code == "quota", by_name["Jakarta Selatan"]
    rows = rollup_rows(rollup)
    assert rows["Jakarta Pusat"]["Keadaan"] == "OK" and rows["Jakarta Pusat"]["TPS Lapor"] == "2"
    assert rows["Jakarta Utara"]["Keadaan"].startswith("GAGAL: kunci ditolak")
    assert rows["Jakarta Barat"]["Keadaan"].startswith("GAGAL: spreadsheet tidak ditemukan")
    assert rows["Jakarta Selatan"]["Keadaan"].startswith("GAGAL: kuota Google")
    assert rows["TOTAL"]["Keadaan"] == "Bermasalah: Jakarta Utara, Jakarta Barat, Jakarta Selatan"
    # the figures of a failing sheet stay those of its last good sync
    assert rows["Jakarta Utara"]["Paslon 1 (lengkap)"] == "5"
    runner.close()
