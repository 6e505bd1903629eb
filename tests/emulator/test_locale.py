"""The spreadsheet's locale and time zone, through real gspread over HTTP.

Google renders FORMATTED_VALUE and parses USER_ENTERED input by the spreadsheet's
locale, and evaluates NOW() and TODAY() in its time zone.  An Indonesian account
creates id_ID sheets: there 80.35 shows as 80,35 and a volunteer's 12.000 is twelve
thousand, where en_US stores 12.
"""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from google_emulator import GoogleEmulator
from sheetsync.emulator.routes import stream as routes_stream

from _emu_support import emu, gc  # noqa: F401  (fixtures)

EPOCH = datetime(1899, 12, 30)


def _serial(dt: datetime) -> float:
    return (dt - EPOCH).total_seconds() / 86400


@pytest.fixture()
def id_ws(gc):  # noqa: F811
    sh = gc.create("Rekap Jakarta Barat")
    sh.update_locale("id_ID")
    return sh.sheet1


@pytest.fixture()
def us_ws(gc):  # noqa: F811
    return gc.create("Rekap Jakarta Barat").sheet1


def test_raw_numbers_in_the_general_format_show_the_indonesian_decimal_comma(id_ws):
    id_ws.update([["Kapuk", 80.35, 1234, 0.5, -3.25, 1e20]], "A1", raw=True)
    assert id_ws.get("A1:F1") == [["Kapuk", "80,35", "1234", "0,5", "-3,25", "1E+20"]]
    assert id_ws.get("A1:F1", value_render_option="UNFORMATTED_VALUE") == [["Kapuk", 80.35, 1234, 0.5, -3.25, 1e20]]


def test_large_reads_sent_in_blocks_follow_the_locale_too(id_ws, monkeypatch):
    monkeypatch.setattr(routes_stream, "STREAM_MIN_CELLS", 4)  # the streamed path, without 200,000 cells
    id_ws.update([[80.35, 2.5], [7, 0.125]], "A1", raw=True)
    assert id_ws.get_values("A1:B2") == [["80,35", "2,5"], ["7", "0,125"]]
    assert id_ws.spreadsheet.values_batch_get(["A1:B2"])["valueRanges"][0]["values"] == \
        [["80,35", "2,5"], ["7", "0,125"]]


def test_number_formats_without_a_pattern_take_the_locale_defaults(id_ws, us_ws):
    for ws in (id_ws, us_ws):
        ws.update([[1234, 45000, 1234.5, -3.25, 0.5, 45000.75]], "A1", raw=True)
        ws.format("A1", {"numberFormat": {"type": "NUMBER", "pattern": "#,##0"}})
        ws.format("B1", {"numberFormat": {"type": "DATE"}})
        ws.format("C1", {"numberFormat": {"type": "CURRENCY"}})
        ws.format("D1", {"numberFormat": {"type": "NUMBER"}})
        ws.format("E1", {"numberFormat": {"type": "PERCENT"}})
        ws.format("F1", {"numberFormat": {"type": "DATE_TIME"}})
    assert id_ws.get("A1:F1") == [["1.234", "15/03/2023", "Rp1.234,50", "-3,25", "50,00%", "15/03/2023 18.00.00"]]
    assert us_ws.get("A1:F1") == [["1,234", "3/15/2023", "$1,234.50", "-3.25", "50.00%", "3/15/2023 18:00:00"]]


def test_month_and_day_names_are_indonesian_in_an_indonesian_sheet(id_ws):
    id_ws.update([["17/08/1945", "27/11/2024"]], "A1", raw=False)
    id_ws.format("A1", {"numberFormat": {"type": "DATE", "pattern": "dddd, d mmmm yyyy"}})
    id_ws.format("B1", {"numberFormat": {"type": "DATE", "pattern": "d mmm yy"}})
    assert id_ws.get("A1:B1") == [["Jumat, 17 Agustus 1945", "27 Nov 24"]]


def test_typed_numbers_and_dates_are_read_as_the_locale_reads_them(id_ws, us_ws):
    typed = [["1.234", "1,5", "12.000", "27/11/2024", "17 Agustus 2024", "Rp 1.500", "1.234.567,5"]]
    id_ws.update(typed, "A1", raw=False)
    us_ws.update(typed, "A1", raw=False)
    assert id_ws.get("A1:G1", value_render_option="UNFORMATTED_VALUE") == \
        [[1234, 1.5, 12000, 45623, 45521, 1500, 1234567.5]]
    # en_US: 12.000 silently becomes 12 and 1.234 a decimal; day-first dates stay text.
    us = us_ws.get("A1:G1", value_render_option="UNFORMATTED_VALUE")[0]
    assert [us[i] for i in (0, 2, 3, 4, 5, 6)] == \
        [1.234, 12, "27/11/2024", "17 Agustus 2024", "Rp 1.500", "1.234.567,5"]
    us_ws.update([["1,234", "Aug 17, 2024"]], "A2", raw=False)
    assert us_ws.get("A2:B2", value_render_option="UNFORMATTED_VALUE") == [[1234, 45521]]


def test_formulas_convert_numbers_and_text_in_the_locale(id_ws):
    id_ws.update([["1,5", 1234.5]], "A1", raw=False)
    id_ws.update([['="Suara "&0.5', '=VALUE("2,5")*2', '=TEXT(B1,"#,##0.00")', "=A1*2", '="1,5"+1']],
                 "A2", raw=False)
    assert id_ws.get("A2:E2") == [["Suara 0,5", "5", "1.234,50", "3", "2,5"]]


def test_locale_changed_later_changes_what_is_shown(us_ws):
    us_ws.update([[80.35]], "A1", raw=True)
    assert us_ws.acell("A1").value == "80.35"
    us_ws.spreadsheet.update_locale("id_ID")
    assert us_ws.spreadsheet.fetch_sheet_metadata()["properties"]["locale"] == "id_ID"
    assert us_ws.acell("A1").value == "80,35"


def test_now_and_today_use_the_spreadsheet_time_zone(gc):  # noqa: F811
    sh = gc.create("Jam Lapor")
    sh.update_timezone("Asia/Jakarta")
    ws = sh.sheet1
    ws.update([["=NOW()", "=TODAY()"]], "A1", raw=False)
    now, today = ws.get("A1:B1", value_render_option="UNFORMATTED_VALUE")[0]
    jakarta = datetime.now(ZoneInfo("Asia/Jakarta")).replace(tzinfo=None)
    assert abs(now - _serial(jakarta)) < 60 / 86400   # within a minute of Jakarta's clock, 7 hours past UTC
    assert today == int(_serial(jakarta)) or today == int(_serial(jakarta - timedelta(minutes=1)))
    sh.update_timezone("Pacific/Kiritimati")         # UTC+14: a time zone change recalculates NOW()
    later = ws.get("A1", value_render_option="UNFORMATTED_VALUE")[0][0]
    assert abs(later - now - 7 / 24) < 60 / 86400


def test_new_spreadsheets_take_the_emulator_default_locale_and_time_zone():
    with GoogleEmulator(locale="id_ID", time_zone="Asia/Jakarta") as emu:  # noqa: F811
        client = emu.client()
        sh = client.create("Rekap Kecamatan")        # gspread creates through Drive files.create
        props = sh.fetch_sheet_metadata()["properties"]
        assert (props["locale"], props["timeZone"]) == ("id_ID", "Asia/Jakarta")
        sh.sheet1.update([[80.35]], "A1", raw=True)
        assert sh.sheet1.acell("A1").value == "80,35"
        made = client.http_client.request("post", f"{emu.url}/v4/spreadsheets",
                                          json={"properties": {"title": "Rekap"}}).json()
        assert (made["properties"]["locale"], made["properties"]["timeZone"]) == ("id_ID", "Asia/Jakarta")
        given = client.http_client.request("post", f"{emu.url}/v4/spreadsheets",
                                           json={"properties": {"title": "Rekap", "locale": "en_US"}}).json()
        assert given["properties"]["locale"] == "en_US"


def test_emulator_command_takes_locale_and_time_zone():
    proc = subprocess.Popen([sys.executable, "-m", "sheetsync.emulator", "--port", "0", "--locale", "id_ID",
                             "--time-zone", "Asia/Jakarta"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        first = proc.stdout.readline()
        assert "listening on" in first, first + proc.stderr.read()
        url = first.split("listening on", 1)[1].strip()
        from sheetsync.sheets import client as gsheets
        sh = gsheets.emulator_client(url, "emulator").create("Rekap")
        props = sh.fetch_sheet_metadata()["properties"]
        assert (props["locale"], props["timeZone"]) == ("id_ID", "Asia/Jakarta")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_typed_times_show_in_the_locale_clock(id_ws, us_ws):
    for ws in (id_ws, us_ws):
        ws.update([["14:30", "2024-11-27 07:05"]], "A1", raw=False)
    assert id_ws.get("A1:B1") == [["14.30.00", "2024-11-27 07.05.00"]]
    assert us_ws.get("A1:B1") == [["2:30:00 PM", "2024-11-27 7:05:00"]]
    assert id_ws.get("A1:B1", value_render_option="UNFORMATTED_VALUE") == \
        us_ws.get("A1:B1", value_render_option="UNFORMATTED_VALUE")


def test_sheetsync_emulator_command_hands_locale_and_time_zone_on(monkeypatch):
    from click.testing import CliRunner

    import sheetsync.emulator.__main__ as emulator_main
    from sheetsync.cli.main import cli
    started: list[list[str]] = []
    monkeypatch.setattr(emulator_main, "main", lambda argv: started.append(argv) or 0)
    result = CliRunner().invoke(cli, ["emulator", "--port", "0", "--locale", "id_ID", "--time-zone", "Asia/Jakarta"])
    assert result.exit_code == 0, result.output
    argv = started[0]
    assert argv[argv.index("--locale") + 1] == "id_ID" and argv[argv.index("--time-zone") + 1] == "Asia/Jakarta"
