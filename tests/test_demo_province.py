"""The demo's small province: a synthetic sheet per kab/kota of DKI Jakarta, one fleet cycle
and the rollup, on the demo's emulator, checked through a second gspread client (the
coordinator's) and the web view, and `sheetsync demo --province` as a reader runs it."""

from __future__ import annotations

import urllib.request
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sheetsync.core import a1
from sheetsync.core.check import check
from sheetsync.cli.main import cli
from sheetsync.core.config import with_overrides
from sheetsync.demo.province import ROLLUP_TAB, run_province_demo
from sheetsync.core.kabkota import kabkota_in, region_config, wilayah
from sheetsync.fleet.rollup import label


@pytest.fixture(scope="module")
def province(emu: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    result = run_province_demo(emu.url, Path(tmp_path_factory.mktemp("province")), provinsi="31")
    return emu, result, emu.client()


def _values(client: Any, key: str, tab: str) -> list[list[Any]]:
    return client.open_by_key(key).values_batch_get([a1.quote_tab(tab)],
                                                    params={"valueRenderOption": "UNFORMATTED_VALUE"}
                                                    )["valueRanges"][0].get("values", [])


def test_a_sheet_per_kabkota_sized_from_the_kemendagri_list(province: Any) -> None:
    _, result, _ = province
    assert [(k.code, k.name) for k in result.kabkota] == kabkota_in("31")
    for k in result.kabkota:
        assert k.rows == len(wilayah(k.code).rows)              # a TPS per kelurahan: a few dozen at most
        assert 0 < k.reported < k.rows and k.mistake_rows > 0
    assert all(o.ok and not o.deferred for o in result.cycle.outcomes) and len(result.cycle.outcomes) == 6
    assert result.cycle.rollup_error is None and result.cycle.rollup_cells


def test_rollup_holds_what_the_core_computes_from_each_sheet(province: Any) -> None:
    _, result, coordinator = province
    rollup = _values(coordinator, result.rollup_spreadsheet, ROLLUP_TAB)
    header = rollup[2]
    col = {k: header.index(label(k, result.language)) for k in ("kode", "tps_entered", "tps_reported", "tps_error")}
    by_code = {row[col["kode"]]: row for row in rollup[3:] if row[col["kode"]]}
    assert sorted(by_code) == [k.code for k in result.kabkota]
    reported = 0
    for k in result.kabkota:
        config = with_overrides(region_config(k.code), spreadsheet=k.spreadsheet)
        kota = check(_values(coordinator, k.spreadsheet, config.input_tab), config).totals.kota
        row = by_code[k.code]
        assert row[col["tps_entered"]] == kota["tps_entered"] == k.rows
        assert row[col["tps_reported"]] == kota["tps_reported"]
        assert row[col["tps_error"]] == kota["tps_error"] > 0        # the planted mistakes are found
        reported += kota["tps_reported"]
    assert rollup[-1][col["tps_reported"]] == reported


def _rows_by_code(rollup: list[list[Any]]) -> dict[Any, list[Any]]:
    width = len(rollup[2])
    return {row[0]: (list(row) + [""] * width)[:width] for row in rollup[3:] if row and row[0]}


def test_rollup_double_checked_figures_are_each_sheets_own_and_blank_for_the_sheet_entered_once(
        province: Any) -> None:
    _, result, coordinator = province
    lang = result.language
    rollup = _values(coordinator, result.rollup_spreadsheet, ROLLUP_TAB)
    header = rollup[2]
    by_code = _rows_by_code(rollup)
    assert [k.code for k in result.kabkota if not k.second_team] == ["31.01"]   # the fewest TPS
    for k in result.kabkota:
        config = region_config(k.code)
        paslon = [config.column(f).header for f in config.rules.paslon_fields]  # type: ignore[union-attr]
        wanted = [label("tps_verified", lang)] + [label("votes_verified", lang, paslon=p) for p in paslon]
        in_rollup = [by_code[k.code][header.index(h)] for h in wanted]
        summary = _values(coordinator, k.spreadsheet, config.summary_tabs.kecamatan)
        own = next(r for r in summary if label("tps_reported", lang) in r)      # the summary's header
        total = next(r for r in summary if len(r) > 1 and str(r[1]).startswith(label("total", lang)))
        if not k.second_team:
            assert in_rollup == [""] * len(wanted)             # blank, not 0: nothing was double-checked
            assert not set(wanted) & set(own)
            continue
        assert in_rollup == [total[own.index(h)] for h in wanted]
        assert in_rollup[0] == k.double_checked > 0
        complete = [by_code[k.code][header.index(label("votes_complete", lang, paslon=p))] for p in paslon]
        assert all(0 < v <= c for v, c in zip(in_rollup[1:], complete))
    checked = header.index(label("tps_verified", lang))
    assert rollup[-1][checked] == sum(k.double_checked for k in result.kabkota)


def test_the_web_view_lists_every_sheet_and_the_rollup(province: Any) -> None:
    emu, result, _ = province
    with urllib.request.urlopen(result.view_url, timeout=30) as resp:
        index = resp.read().decode()
    for key in [k.spreadsheet for k in result.kabkota] + [result.rollup_spreadsheet]:
        assert key in index
    with urllib.request.urlopen(f"{emu.url}/view/{result.kabkota[3].spreadsheet}", timeout=30) as resp:
        assert "SALAH" in resp.read().decode()                  # the fleet's sync wrote the statuses


def test_cli_prints_the_rollup_and_refuses_bad_input() -> None:
    runner = CliRunner()
    done = runner.invoke(cli, ["demo", "--province", "31", "--no-serve", "--lang", "en"])
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    assert sum(line.startswith(code) for line in lines for code, _ in kabkota_in("31")) == 6
    assert any("TOTAL" in line and "Semua tersinkron" in line for line in lines)   # the sheets' language
    assert any("TPS Terverifikasi Ganda" in line and "Kab/Kota" in line for line in lines)
    assert sum("second team:" in line for line in lines) == 5
    assert "sheetsync demo --province 31 --serve" in done.output
    for args, words in ((["--province", "99"], "bukan kode provinsi"),
                        (["--province", "31", "--phase", "persiapan"], "persiapan")):
        bad = runner.invoke(cli, ["demo", *args, "--no-serve", "--lang", "id"])
        assert bad.exit_code == 2 and words in bad.output and "Traceback" not in bad.output
        assert len(bad.output.strip().splitlines()) <= 2
