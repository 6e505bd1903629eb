"""values.* and spreadsheets.get over raw HTTP, checked against Google's documented shapes."""
from __future__ import annotations

import threading
from urllib.parse import quote

import pytest

from _emu_support import assert_error, emu, raw  # noqa: F401  (fixtures)

V4 = "/v4/spreadsheets"


@pytest.fixture()
def sid(raw):
    body = {"properties": {"title": "Rekap"},
            "sheets": [{"properties": {"title": "Sheet1"}},
                       {"properties": {"title": "Rekap Kecamatan", "gridProperties": {"rowCount": 10, "columnCount": 4}}},
                       {"properties": {"title": "CRM26"}}]}
    r = raw("POST", V4, json=body)
    assert r.status_code == 200, r.text
    return r.json()["spreadsheetId"]


def put(raw, sid, rng, values, option="RAW", **params):
    return raw("PUT", f"{V4}/{sid}/values/{quote(rng, safe='')}",
               params={"valueInputOption": option, **params}, json={"values": values})


def get(raw, sid, rng, **params):
    return raw("GET", f"{V4}/{sid}/values/{quote(rng, safe='')}", params=params)


def test_create_response_shape(raw, sid):
    body = raw("GET", f"{V4}/{sid}").json()
    assert body["spreadsheetId"] == sid
    assert body["properties"]["title"] == "Rekap" and body["properties"]["locale"] == "en_US"
    assert body["spreadsheetUrl"] == f"https://docs.google.com/spreadsheets/d/{sid}/edit"
    props = [s["properties"] for s in body["sheets"]]
    assert [p["title"] for p in props] == ["Sheet1", "Rekap Kecamatan", "CRM26"]
    assert [p["index"] for p in props] == [0, 1, 2]
    assert props[0]["sheetId"] == 0 and props[0]["sheetType"] == "GRID"
    assert props[1]["gridProperties"] == {"rowCount": 10, "columnCount": 4}
    assert "data" not in body["sheets"][0]


def test_empty_range_has_no_values_key(raw, sid):
    r = get(raw, sid, "Sheet1")
    assert r.json() == {"range": "Sheet1!A1:Z1000", "majorDimension": "ROWS"}


def test_trailing_empties_trimmed_and_columns(raw, sid):
    put(raw, sid, "Sheet1!A1", [["a"], [], ["", None, "c"]])
    r = get(raw, sid, "Sheet1!A1:E5")
    assert r.json() == {"range": "Sheet1!A1:E5", "majorDimension": "ROWS",
                        "values": [["a"], [], ["", "", "c"]]}
    cols = get(raw, sid, "A1:E5", majorDimension="COLUMNS").json()
    assert cols["values"] == [["a"], [], ["", "", "c"]]
    assert cols["majorDimension"] == "COLUMNS"


@pytest.mark.parametrize("rng,expected", [
    ("'Rekap Kecamatan'!A1:C9", "'Rekap Kecamatan'!A1:C9"),
    ("Rekap Kecamatan!B2", "'Rekap Kecamatan'!B2"),
    ("'Rekap Kecamatan'", "'Rekap Kecamatan'!A1:D10"),
    ("'CRM26'", "'CRM26'!A1:Z1000"),
    ("CRM26!A1", "'CRM26'!A1"),
    ("A:C", "Sheet1!A1:C1000"),
    ("Sheet1!2:5", "Sheet1!A2:Z5"),
    ("Sheet1!A2:C", "Sheet1!A2:C1000"),
    ("Sheet1!B5:5", "Sheet1!B5:Z5"),
    ("sheet1!c3:a1", "Sheet1!A1:C3"),
])
def test_a1_forms(raw, sid, rng, expected):
    r = get(raw, sid, rng)
    assert r.status_code == 200, r.text
    assert r.json()["range"] == expected


@pytest.mark.parametrize("rng", ["Nope!A1", "A1:B2:C3", "Sheet1!A0", "'Unclosed!A1", "A:5"])
def test_unparsable_range(raw, sid, rng):
    assert_error(get(raw, sid, rng), 400, "INVALID_ARGUMENT", f"Unable to parse range: {rng}")


def test_unquoted_cell_like_name_is_a_cell(raw, sid):
    # CRM26 unquoted is column CRM, row 26 of the first sheet: past its 26 columns
    assert_error(get(raw, sid, "CRM26"), 400, "INVALID_ARGUMENT",
                 "Range (Sheet1!CRM26) exceeds grid limits. Max rows: 1000, max columns: 26")


@pytest.mark.parametrize("rng,shown", [
    ("Sheet1!A1001", "Sheet1!A1001"),
    ("'Rekap Kecamatan'!E1:F2", "'Rekap Kecamatan'!E1:F2"),
    ("'Rekap Kecamatan'!A11:B", "'Rekap Kecamatan'!A11:B"),
])
def test_a_read_starting_past_the_grid(raw, sid, rng, shown):
    sheet = "Rekap Kecamatan" in rng
    rows, cols = (10, 4) if sheet else (1000, 26)
    assert_error(get(raw, sid, rng), 400, "INVALID_ARGUMENT",
                 f"Range ({shown}) exceeds grid limits. Max rows: {rows}, max columns: {cols}")


@pytest.mark.parametrize("rng,answered", [
    ("'Rekap Kecamatan'!A1:E2", "'Rekap Kecamatan'!A1:D2"),
    ("'Rekap Kecamatan'!B9:C12", "'Rekap Kecamatan'!B9:C10"),
    ("Sheet1!A1:B1001", "Sheet1!A1:B1000"),
    ("Sheet1!Z1:AA5", "Sheet1!Z1:Z5"),
])
def test_a_read_ending_past_the_grid_is_cut_to_it(raw, sid, rng, answered):
    """As Google answers a read (measured on values.get, and what googlesheets4 relies on when
    it reads 'B2:ZZZ'): the end is cut to the grid, only a start past it is refused."""
    resp = get(raw, sid, rng)
    assert resp.status_code == 200, resp.text
    assert resp.json()["range"] == answered


def test_update_needs_value_input_option(raw, sid):
    r = raw("PUT", f"{V4}/{sid}/values/A1", json={"values": [[1]]})
    assert_error(r, 400, "INVALID_ARGUMENT", "'valueInputOption' is required but not specified")
    r = put(raw, sid, "A1", [[1]], option="TYPED")
    assert_error(r, 400, "INVALID_ARGUMENT")


def test_update_beyond_range_or_grid(raw, sid):
    r = put(raw, sid, "Sheet1!A1:B2", [[1, 2], [3, 4], [5, 6]])
    assert_error(r, 400, "INVALID_ARGUMENT",
                 "Requested writing within range [Sheet1!A1:B2], but tried writing to row [3]")
    r = put(raw, sid, "Sheet1!A1:B2", [[1, 2, 3]])
    assert_error(r, 400, "INVALID_ARGUMENT",
                 "Requested writing within range [Sheet1!A1:B2], but tried writing to column [C]")
    r = put(raw, sid, "'Rekap Kecamatan'!A9", [[1], [2], [3]])
    assert_error(r, 400, "INVALID_ARGUMENT",
                 "Requested writing within range ['Rekap Kecamatan'!A9], but tried writing to row [11]")
    assert "values" not in get(raw, sid, "'Rekap Kecamatan'").json()


def test_raw_vs_user_entered(raw, sid):
    vals = [["12", "=1+2", "TRUE", "2024-11-27", "'007", "1,234.5"]]
    put(raw, sid, "A1", vals, "RAW")
    put(raw, sid, "A2", vals, "USER_ENTERED")
    unf = get(raw, sid, "A1:F2", valueRenderOption="UNFORMATTED_VALUE").json()["values"]
    assert unf[0] == ["12", "=1+2", "TRUE", "2024-11-27", "'007", "1,234.5"]
    assert unf[1] == [12, 3, True, 45623, "007", 1234.5]
    fml = get(raw, sid, "A2:F2", valueRenderOption="FORMULA").json()["values"]
    assert fml == [[12, "=1+2", True, 45623, "007", 1234.5]]
    fmt = get(raw, sid, "A2:F2").json()["values"]
    assert fmt[0][:3] == ["12", "3", "TRUE"] and fmt[0][3] == "2024-11-27"
    dt = get(raw, sid, "D2", valueRenderOption="UNFORMATTED_VALUE",
             dateTimeRenderOption="FORMATTED_STRING").json()["values"]
    assert dt == [["2024-11-27"]]


def test_null_skips_and_empty_string_clears(raw, sid):
    put(raw, sid, "A1", [["a", "b", "c"]])
    r = put(raw, sid, "A1", [[None, "", "z"]])
    assert r.json()["updatedCells"] == 2  # Google counts the cleared cell, not the one left alone
    assert get(raw, sid, "A1:C1").json()["values"] == [["a", "", "z"]]


def test_update_response_and_included_values(raw, sid):
    r = put(raw, sid, "'Rekap Kecamatan'!B2", [[1, 2], [3]], "USER_ENTERED",
            includeValuesInResponse="true", responseValueRenderOption="UNFORMATTED_VALUE")
    assert r.json() == {"spreadsheetId": sid, "updatedRange": "'Rekap Kecamatan'!B2:C3",
                        "updatedRows": 2, "updatedColumns": 2, "updatedCells": 3,
                        "updatedData": {"range": "'Rekap Kecamatan'!B2:C3", "majorDimension": "ROWS",
                                        "values": [[1, 2], [3]]}}


def test_batch_update_is_all_or_nothing(raw, sid):
    body = {"valueInputOption": "RAW", "data": [
        {"range": "A1", "values": [["tidak boleh tertulis"]]},
        {"range": "Sheet1!A1001", "values": [["x"]]}]}
    r = raw("POST", f"{V4}/{sid}/values:batchUpdate", json=body)
    assert_error(r, 400, "INVALID_ARGUMENT",
                 "Invalid data[1]: Range (Sheet1!A1001) exceeds grid limits. Max rows: 1000, max columns: 26")
    assert "values" not in get(raw, sid, "A1").json()


def test_batch_update_totals(raw, sid):
    body = {"valueInputOption": "USER_ENTERED", "data": [
        {"range": "A1", "values": [[1, 2], [3, 4]]},
        {"range": "'Rekap Kecamatan'!A1", "majorDimension": "COLUMNS", "values": [[1, 2, 3]]}]}
    out = raw("POST", f"{V4}/{sid}/values:batchUpdate", json=body).json()
    assert (out["totalUpdatedRows"], out["totalUpdatedColumns"], out["totalUpdatedCells"],
            out["totalUpdatedSheets"]) == (5, 3, 7, 2)
    assert out["responses"][1]["updatedRange"] == "'Rekap Kecamatan'!A1:A3"
    got = raw("GET", f"{V4}/{sid}/values:batchGet",
              params={"ranges": ["A1:B2", "'Rekap Kecamatan'!A:A"], "valueRenderOption": "UNFORMATTED_VALUE"})
    assert got.json() == {"spreadsheetId": sid, "valueRanges": [
        {"range": "Sheet1!A1:B2", "majorDimension": "ROWS", "values": [[1, 2], [3, 4]]},
        {"range": "'Rekap Kecamatan'!A1:A10", "majorDimension": "ROWS", "values": [[1], [2], [3]]}]}


def test_clear_and_batch_clear(raw, sid):
    put(raw, sid, "A1", [[1, 2, 3], [4, 5, 6]])
    r = raw("POST", f"{V4}/{sid}/values/{quote('Sheet1!B1:B2', safe='')}:clear", json={})
    assert r.json() == {"spreadsheetId": sid, "clearedRange": "Sheet1!B1:B2"}
    r = raw("POST", f"{V4}/{sid}/values:batchClear", json={"ranges": ["A2", "Nope!A1"]})
    assert_error(r, 400, "INVALID_ARGUMENT", "Invalid range[1]: Unable to parse range: Nope!A1")
    assert get(raw, sid, "A1:C2").json()["values"] == [["1", "", "3"], ["4", "", "6"]]
    r = raw("POST", f"{V4}/{sid}/values:batchClear", json={"ranges": ["A2", "C:C"]})
    assert r.json()["clearedRanges"] == ["Sheet1!A2", "Sheet1!C1:C1000"]
    assert get(raw, sid, "A1:C2").json()["values"] == [["1"]]


def append(raw, sid, rng, values, **params):
    return raw("POST", f"{V4}/{sid}/values/{quote(rng, safe='')}:append",
               params={"valueInputOption": "RAW", **params}, json={"values": values})


def test_append_shapes_and_insert_rows(raw, sid):
    r = append(raw, sid, "'Rekap Kecamatan'", [["Kecamatan", "TPS"]])
    assert "tableRange" not in r.json()
    assert r.json()["updates"]["updatedRange"] == "'Rekap Kecamatan'!A1:B1"
    put(raw, sid, "'Rekap Kecamatan'!A5", [["catatan di bawah"]])
    r = append(raw, sid, "'Rekap Kecamatan'!A1:B1", [["Tambora", 7]], insertDataOption="INSERT_ROWS")
    assert r.json()["tableRange"] == "'Rekap Kecamatan'!A1:B1"
    assert r.json()["updates"]["updatedRange"] == "'Rekap Kecamatan'!A2:B2"
    got = get(raw, sid, "'Rekap Kecamatan'!A1:B6").json()["values"]
    assert got == [["Kecamatan", "TPS"], ["Tambora", "7"], [], [], [], ["catatan di bawah"]]
    meta = raw("GET", f"{V4}/{sid}", params={"fields": "sheets.properties.gridProperties"}).json()
    assert meta["sheets"][1]["properties"]["gridProperties"]["rowCount"] == 11


def test_cell_limit(raw):
    body = {"sheets": [{"properties": {"title": "Besar", "gridProperties": {"rowCount": 5_000_000, "columnCount": 2}}}]}
    sid = raw("POST", V4, json=body).json()["spreadsheetId"]
    msg = "This action would increase the number of cells in the workbook above the limit of 10000000 cells."
    r = append(raw, sid, "Besar!A1", [["x", "y", "z"]])
    assert_error(r, 400, "INVALID_ARGUMENT", msg)
    r = raw("POST", V4, json={"sheets": [{"properties": {"gridProperties": {"rowCount": 10_000_001, "columnCount": 1}}}]})
    assert_error(r, 400, "INVALID_ARGUMENT", msg)
    raw("DELETE", f"/drive/v3/files/{sid}")


def test_fields_masks(raw, sid):
    put(raw, sid, "A1", [["=1+1", "teks"]], "USER_ENTERED")
    r = raw("GET", f"{V4}/{sid}", params={"fields": "sheets.properties"}).json()
    assert set(r) == {"sheets"} and set(r["sheets"][0]) == {"properties"}
    r = raw("GET", f"{V4}/{sid}", params={"fields": "spreadsheetId,properties.title,sheets(properties(title,sheetId))"}).json()
    assert r == {"spreadsheetId": sid, "properties": {"title": "Rekap"},
                 "sheets": [{"properties": {"title": t, "sheetId": s["properties"]["sheetId"]}}
                            for t, s in zip(["Sheet1", "Rekap Kecamatan", "CRM26"], r["sheets"])]}
    r = raw("GET", f"{V4}/{sid}", params={"ranges": "Sheet1!A1:B1",
                                         "fields": "sheets.data.rowData.values.userEnteredValue"}).json()
    assert r == {"sheets": [{"data": [{"rowData": [{"values": [
        {"userEnteredValue": {"formulaValue": "=1+1"}}, {"userEnteredValue": {"stringValue": "teks"}}]}]}]}]}
    r = raw("GET", f"{V4}/{sid}", params={"ranges": "Sheet1!A1", "includeGridData": "true"}).json()
    cell = r["sheets"][0]["data"][0]["rowData"][0]["values"][0]
    assert cell["effectiveValue"] == {"numberValue": 2} and cell["formattedValue"] == "2"


def test_not_found_and_bad_json(raw, sid):
    assert_error(raw("GET", f"{V4}/{'n' * 44}"), 404, "NOT_FOUND", "Requested entity was not found.")
    r = raw("POST", f"{V4}/{sid}/values:batchUpdate", data=b"{not json",
            headers={"Content-Type": "application/json"})
    err = assert_error(r, 400, "INVALID_ARGUMENT")
    assert err["message"].startswith("Invalid JSON payload received.")


def test_concurrent_writers_and_readers(raw, sid, emu):
    from _emu_support import Raw
    errors = []

    def writer(col: str) -> None:
        me = Raw(emu.url, token=f"writer-{col}")
        for i in range(15):
            r = put(me, sid, f"{col}{i + 1}", [[f"{col}{i}"]])
            if r.status_code != 200:
                errors.append(r.text)

    def reader() -> None:
        me = Raw(emu.url, token="reader")
        for _ in range(15):
            r = get(me, sid, "A1:F20")
            if r.status_code != 200:
                errors.append(r.text)

    threads = [threading.Thread(target=writer, args=(c,)) for c in "ABCDE"] + [threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    got = get(raw, sid, "A1:E15").json()["values"]
    assert got[14] == ["A14", "B14", "C14", "D14", "E14"] and len(got) == 15


def test_streamed_large_reads_equal_plain_ones(raw, sid, monkeypatch):
    from sheetsync.emulator.routes import stream as routes_stream
    vals = [[i, f"t{i}", None, 1.5 * i, True] if i % 7 else [] for i in range(300)]
    vals[10] = ["=1+1", "5%", "2024-01-02"]
    put(raw, sid, "A1", vals, "USER_ENTERED")
    asks = [("GET", f"{V4}/{sid}/values:batchGet", {"ranges": ["Sheet1", "B2:C5", "Sheet1!A1000"]}),
            ("GET", f"{V4}/{sid}/values/Sheet1", {"valueRenderOption": "UNFORMATTED_VALUE"})]
    plain = [raw(m, p, params=q) for m, p, q in asks]
    monkeypatch.setattr(routes_stream, "STREAM_MIN_CELLS", 1)
    monkeypatch.setattr(routes_stream, "BLOCK_ROWS", 7)
    streamed = [raw(m, p, params=q) for m, p, q in asks]
    for a, b in zip(plain, streamed):
        assert b.headers.get("Transfer-Encoding") == "chunked" and "Transfer-Encoding" not in a.headers
        assert a.json() == b.json() and a.content == b.content
    assert len(b.json()["values"]) == 300


def test_empty_batches_and_cell_text_limit(raw, sid):
    assert raw("GET", f"{V4}/{sid}/values:batchGet").json() == {"spreadsheetId": sid}
    assert raw("POST", f"{V4}/{sid}/values:batchClear", json={}).json() == {"spreadsheetId": sid}
    assert raw("POST", f"{V4}/{sid}/values:batchUpdate",
               json={"valueInputOption": "RAW", "data": []}).json() == {"spreadsheetId": sid}
    assert_error(put(raw, sid, "A1", [["x" * 50_001]]), 400, "INVALID_ARGUMENT",
                 "Your input contains more than the maximum of 50000 characters in a single cell.")
    assert put(raw, sid, "A1", [["x" * 50_000]]).status_code == 200


def test_values_must_be_a_list_of_lists(raw, sid):
    r = raw("PUT", f"{V4}/{sid}/values/A1", params={"valueInputOption": "RAW"}, json={"values": ["x"]})
    assert_error(r, 400, "INVALID_ARGUMENT",
                 "Invalid value at 'data.values[0]' (type.googleapis.com/google.protobuf.ListValue), \"x\"")
    r = raw("POST", f"{V4}/{sid}/values:batchUpdate",
            json={"valueInputOption": "RAW", "data": [{"range": "A1", "values": [[1]]}, {"range": "B1", "values": [2]}]})
    assert_error(r, 400, "INVALID_ARGUMENT",
                 "Invalid value at 'data[1].values[0]' (type.googleapis.com/google.protobuf.ListValue), 2")
    assert "values" not in get(raw, sid, "A1").json()


def test_body_range_must_repeat_the_url_range(raw, sid):
    url = f"{V4}/{sid}/values/{quote('Rekap Kecamatan!A1', safe='')}"
    r = raw("PUT", url, params={"valueInputOption": "RAW"},
            json={"range": "'Rekap Kecamatan'!A1", "values": [[1]]})
    assert_error(r, 400, "INVALID_ARGUMENT",
                 "Request range[Rekap Kecamatan!A1] does not match value's range['Rekap Kecamatan'!A1]")
    r = raw("PUT", url, params={"valueInputOption": "RAW"}, json={"range": "Rekap Kecamatan!A1", "values": [[1]]})
    assert r.status_code == 200
    r = raw("POST", url + ":append", params={"valueInputOption": "RAW"}, json={"range": "A1", "values": [[1]]})
    assert_error(r, 400, "INVALID_ARGUMENT", "Request range[Rekap Kecamatan!A1] does not match value's range[A1]")


def test_fields_mask_on_values_methods(raw, sid):
    r = put(raw, sid, "A1", [[1, 2]], fields="updatedCells,updatedRange")
    assert r.json() == {"updatedCells": 2, "updatedRange": "Sheet1!A1:B1"}
    r = raw("GET", f"{V4}/{sid}/values:batchGet", params={"ranges": "A1:B1", "fields": "valueRanges.values"})
    assert r.json() == {"valueRanges": [{"values": [["1", "2"]]}]}


def test_by_data_filter_methods(raw, sid):
    grid = {"gridRange": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 2}}
    r = raw("POST", f"{V4}/{sid}/values:batchUpdateByDataFilter", json={
        "valueInputOption": "USER_ENTERED",
        "data": [{"dataFilter": grid, "values": [[1, 2], [3, "=A1+B1"]]},
                 {"dataFilter": {"a1Range": "'Rekap Kecamatan'!A1"}, "values": [["x"]]}]})
    body = r.json()
    assert body["totalUpdatedCells"] == 5 and body["responses"][0]["dataFilter"] == grid
    assert body["responses"][0]["updatedRange"] == "Sheet1!A1:B2"
    r = raw("POST", f"{V4}/{sid}/values:batchGetByDataFilter",
            json={"dataFilters": [grid], "valueRenderOption": "UNFORMATTED_VALUE"})
    assert r.json()["valueRanges"][0]["valueRange"]["values"] == [[1, 2], [3, 3]]
    bad = raw("POST", f"{V4}/{sid}/values:batchUpdateByDataFilter", json={
        "valueInputOption": "RAW", "data": [{"dataFilter": {"a1Range": "A1"}, "values": [["no"]]},
                                            {"dataFilter": {"a1Range": "Nope!A1"}, "values": [["no"]]}]})
    assert_error(bad, 400, "INVALID_ARGUMENT", "Invalid data[1]: Unable to parse range: Nope!A1")
    r = raw("POST", f"{V4}/{sid}/values:batchClearByDataFilter", json={"dataFilters": [grid]})
    assert r.json() == {"spreadsheetId": sid, "clearedRanges": ["Sheet1!A1:B2"]}
    assert "values" not in get(raw, sid, "A1:B2").json()


def test_unknown_json_names_are_rejected(raw, sid):
    r = raw("POST", f"{V4}/{sid}/values:batchUpdate",
            json={"valueInputOption": "RAW", "data": [{"range": "A1", "value": [[1]]}]})
    assert_error(r, 400, "INVALID_ARGUMENT",
                 "Invalid JSON payload received. Unknown name \"value\" at 'data[0]': Cannot find field.")
    r = raw("PUT", f"{V4}/{sid}/values/A1", params={"valueInputOption": "RAW"}, json={"rows": [[1]]})
    assert_error(r, 400, "INVALID_ARGUMENT", "Invalid JSON payload received. Unknown name \"rows\": Cannot find field.")
    r = raw("POST", V4, json={"sheets": [{"properties": {"sheetId": 5}}, {"properties": {"sheetId": 5, "title": "B"}}]})
    assert_error(r, 400, "INVALID_ARGUMENT")


def test_create_with_initial_grid_data(raw):
    body = {"sheets": [{"properties": {"title": "Awal", "gridProperties": {"rowCount": 3, "columnCount": 3}},
                        "data": [{"startRow": 1, "rowData": [{"values": [
                            {"userEnteredValue": {"stringValue": "TPS 1"}}, {"userEnteredValue": {"numberValue": 7}},
                            {"userEnteredValue": {"formulaValue": "=B2*2"}}]}]}]}]}
    sid = raw("POST", V4, json=body).json()["spreadsheetId"]
    got = raw("GET", f"{V4}/{sid}/values/Awal", params={"valueRenderOption": "UNFORMATTED_VALUE"}).json()
    assert got["values"] == [[], ["TPS 1", 7, 14]]
    body["sheets"][0]["data"][0]["startRow"] = 3
    assert_error(raw("POST", V4, json=body), 400, "INVALID_ARGUMENT")
