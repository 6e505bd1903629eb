"""Change detection through Drive, end to end: real gspread against the emulator in strict mode,
the fleet's service account, and a coordinator's client that edits the sheets meanwhile.
Requests are counted with the emulator's counters."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from sheetsync.fleet.changes import (EDITED, FIRST, FOUND_WORK, NO_DRIVE, RETRY, SAFETY, AccountChanges,
                                     listing_since, read_reason)
from sheetsync.fleet.config import load_fleet
from sheetsync.fleet.run import CycleReport, FleetRunner
from sheetsync.fleet.state import SheetRecord
from sheetsync.sheets.client import FLEET_SCOPES, SCOPES, client_credentials, open_client
from sheetsync.sheets.drive import DriveFile, changed_since
from google_emulator import Emulators, GoogleEmulator
from test_fleet import Province, province, statuses  # noqa: F401  province: the fixture

READS = "/v4/spreadsheets/{id}/values:batchGetByDataFilter"
DRIVE_LIST = "/drive/v3/files"
NOW = 1_800_000_000.0


class Clock:
    """The fleet's clock, which a test moves past a safety read without waiting for it."""

    def __init__(self) -> None:
        self.ahead = 0.0

    def __call__(self) -> float:
        return time.time() + self.ahead


def fleet_of(province: Province, names: dict[str, str]) -> Path:
    for i, (name, code) in enumerate(names.items()):
        province.sheet(name, code, (10 * (i + 1), 20, 30))
    path = province.write(rollup=province.coordinator.create("Rekap DKI"))
    path.write_text('safety_read_every = "10m"\n' + path.read_text())
    return path


def settled(province: Province) -> dict[str, int]:
    """The emulator's requests by path once the last answer's count is in: it counts a request
    after sending the answer, so a client may hold the answer before it is counted."""
    last: dict[str, int] = {}
    while True:
        now = dict(province.emu.counters()["by_path"])
        if now == last:
            return now
        last = now
        time.sleep(0.05)


def counted(province: Province, runner: FleetRunner) -> tuple[CycleReport, dict[str, int]]:
    settled(province)
    province.emu.reset_counters()
    report = runner.cycle(budget_s=60)
    return report, settled(province)


def reasons(report: CycleReport) -> dict[str, str | None]:
    return {o.name: ("unchanged" if o.unchanged else o.reason) for o in report.outcomes}


def test_an_idle_sheet_is_read_only_at_its_safety_read_and_an_edit_is_read_next_cycle(province: Province) -> None:
    fleet = load_fleet(fleet_of(province, {"Jakarta Pusat": "31.71", "Jakarta Utara": "31.72"}))
    clock = Clock()
    runner = FleetRunner(fleet, lock_dir=str(province.tmp), clock=clock)
    first = runner.cycle(budget_s=60)
    assert reasons(first) == {"Jakarta Pusat": FIRST, "Jakarta Utara": FIRST}
    assert all(o.ok and o.changed for o in first.outcomes)
    # the first sync wrote the statuses: the next cycle looks again, and finds nothing to write
    second = runner.cycle(budget_s=60)
    assert reasons(second) == {"Jakarta Pusat": FOUND_WORK, "Jakarta Utara": FOUND_WORK}
    assert not any(o.changed for o in second.outcomes)

    # nobody edits: sheetsync's own writes do not make the sheets look edited, so no sheet is read
    idle, paths = counted(province, runner)
    assert reasons(idle) == {"Jakarta Pusat": "unchanged", "Jakarta Utara": "unchanged"}
    assert paths.get(DRIVE_LIST) == 1                 # one listing for the fleet's one account
    assert paths.get(READS) == 1                      # the rollup's own read, no sheet's
    assert idle.drive_errors == {}

    # a coordinator types a result into Jakarta Utara: the next cycle reads that sheet alone
    utara = province.sheets["Jakarta Utara"][0]
    utara.worksheet("TPS").update([["4", "4", "4", "12", "0", "12"]], "E4")
    edited, paths = counted(province, runner)
    assert reasons(edited) == {"Jakarta Utara": EDITED, "Jakarta Pusat": "unchanged"}
    assert statuses(utara) == ["OK", "SALAH", "OK"]
    assert paths.get(READS) == 2 + 1                  # the sync's read and its verify, then the rollup's

    # its own write is not an edit either: read once more (it found work), then left alone
    assert reasons(runner.cycle(budget_s=60))["Jakarta Utara"] == FOUND_WORK
    assert reasons(runner.cycle(budget_s=60))["Jakarta Utara"] == "unchanged"

    # ten minutes on, both sheets have their safety read, and then rest again
    clock.ahead = 600.0
    safety, paths = counted(province, runner)
    assert reasons(safety) == {"Jakarta Pusat": SAFETY, "Jakarta Utara": SAFETY}
    assert paths.get(READS) == 2 + 1
    clock.ahead = 660.0
    assert set(reasons(runner.cycle(budget_s=60)).values()) == {"unchanged"}
    runner.close()


def test_when_drive_does_not_answer_every_sheet_is_read(province: Province) -> None:
    fleet = load_fleet(fleet_of(province, {"Jakarta Pusat": "31.71"}))
    runner = FleetRunner(fleet, lock_dir=str(province.tmp))
    runner.cycle(budget_s=60)
    runner.cycle(budget_s=60)
    province.emu.inject_fault(status=403, method="GET", path="^/drive/v3/files$", times=1)
    report = runner.cycle(budget_s=60)
    assert reasons(report) == {"Jakarta Pusat": NO_DRIVE}
    assert report.outcomes[0].ok
    (account, message), = report.drive_errors.items()
    assert account.startswith("fleet@") and "403" in message
    assert reasons(runner.cycle(budget_s=60)) == {"Jakarta Pusat": "unchanged"}     # Drive is back
    runner.close()


def test_the_fleet_asks_for_drive_metadata_and_a_single_sync_does_not(province: Province,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    fleet = load_fleet(fleet_of(province, {"Jakarta Pusat": "31.71"}))
    sheet = fleet.sheets[0]
    assert list(client_credentials(open_client(sheet.config)).scopes) == list(SCOPES)
    assert list(client_credentials(open_client(sheet.config, scopes=FLEET_SCOPES)).scopes) == [
        "https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive.metadata.readonly"]
    asked: list[tuple[str, ...]] = []

    def recording(config: Any, **kwargs: Any) -> Any:
        asked.append(tuple(kwargs["scopes"]))
        return open_client(config, **kwargs)

    monkeypatch.setattr("sheetsync.fleet.run.open_client", recording)
    runner = FleetRunner(fleet, lock_dir=str(province.tmp))
    assert runner.cycle(budget_s=60).outcomes[0].ok
    runner.close()
    assert asked and set(asked) == {FLEET_SCOPES}


# ---------------------------------------------------------------- the decision, case by case

def record(**fields: Any) -> SheetRecord:
    base: dict[str, Any] = {"last_attempt": NOW - 60, "last_good": NOW - 60, "seen_through": NOW - 55}
    return SheetRecord("Jakarta Utara", "1" + "k" * 40, **{**base, **fields})


def listed(modified: float) -> AccountChanges:
    return AccountChanges({"1" + "k" * 40: DriveFile("1" + "k" * 40, modified, 7)})


@pytest.mark.parametrize("fields, changes, reason", [
    ({"last_good": None}, AccountChanges(), FIRST),
    ({"failure_code": "quota", "failures": 1}, AccountChanges(), RETRY),
    ({"last_changed": NOW - 60}, AccountChanges(), FOUND_WORK),
    ({}, AccountChanges(error="403"), NO_DRIVE),
    ({}, None, NO_DRIVE),
    ({}, listed(NOW - 50), EDITED),                    # modified after what sheetsync last saw
    ({}, listed(NOW - 56), None),                      # before it: that read saw it (or it was ours)
    ({}, AccountChanges(), None),
    ({"last_attempt": NOW - 571}, AccountChanges(), SAFETY),     # due half a cycle early
    ({"last_attempt": NOW - 569}, AccountChanges(), None),
])
def test_read_reason(fields: dict[str, Any], changes: AccountChanges | None, reason: str | None) -> None:
    assert read_reason(record(**fields), changes, NOW, 600.0, 60.0) == reason


def test_the_listing_goes_back_to_the_oldest_sheet_seen_but_never_past_a_safety_read() -> None:
    recent, older = record(seen_through=NOW - 30), record(seen_through=NOW - 200)
    assert listing_since([recent, older], NOW, 600.0) == NOW - 200 - 60
    assert listing_since([record(seen_through=NOW - 5000)], NOW, 600.0) == NOW - 600 - 60
    assert listing_since([record(seen_through=None)], NOW, 600.0) == NOW - 600 - 60


def test_drive_lists_the_changed_spreadsheets_page_by_page(emu: GoogleEmulator) -> None:
    client = emu.client()
    before = time.time() - 1.0
    made = [client.create(f"Kawal TPS {i}") for i in range(5)]
    listed = changed_since(client, before, page_size=2)
    mine = {f.key: f for f in listed if f.key in {sh.id for sh in made}}
    assert set(mine) == {sh.id for sh in made} and len(listed) == len({f.key for f in listed})
    assert all(before < f.modified <= time.time() and f.version >= 1 for f in mine.values())
    made[0].sheet1.update([["12"]], "A1")
    later = changed_since(client, max(f.modified for f in mine.values()), page_size=2)
    assert [f.key for f in later if f.key in mine] == [made[0].id]
    assert next(f for f in later if f.key == made[0].id).version > mine[made[0].id].version


def test_an_edit_drive_shows_late_is_still_read_when_it_shows(emulators: Emulators, tmp_path: Path) -> None:
    with emulators.own(strict=True, quota="google", drive_lag_s=2.0) as emu:
        lagging = Province(emu, tmp_path)
        fleet = load_fleet(fleet_of(lagging, {"Jakarta Utara": "31.72"}))
        runner = FleetRunner(fleet, lock_dir=str(tmp_path))
        runner.cycle(budget_s=60)
        runner.cycle(budget_s=60)
        time.sleep(2.1)                               # Drive shows sheetsync's own writes by now
        assert reasons(runner.cycle(budget_s=60)) == {"Jakarta Utara": "unchanged"}
        utara = lagging.sheets["Jakarta Utara"][0]
        utara.worksheet("TPS").update([["4", "4", "4", "12", "0", "12"]], "E4")
        # Drive still shows the time before the edit: the cycle cannot know of it
        assert reasons(runner.cycle(budget_s=60)) == {"Jakarta Utara": "unchanged"}
        time.sleep(2.1)
        # now it shows, with the edit's own time, older than the last listing: still listed and read
        assert reasons(runner.cycle(budget_s=60)) == {"Jakarta Utara": EDITED}
        assert statuses(utara) == ["OK", "SALAH", "OK"]
        runner.close()
