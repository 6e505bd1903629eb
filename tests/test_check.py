"""check(): headers by text, blank and short rows, row numbers, statuses, the rows frame."""

from dataclasses import replace
from datetime import datetime, timezone

from core_sheet import codes, header, issue, preset, results, row, run
from sheetsync.core.check import check


def test_columns_found_by_text_not_position():
    config = preset()
    head = header(config)
    good = row(**results())
    order = list(reversed(range(len(head))))
    shuffled_head = ["Catatan relawan"] + ["  " + head[i].upper() + " " for i in order]
    shuffled_row = ["boleh diisi apa saja"] + [good[i] for i in order]
    result = check([shuffled_head, shuffled_row], config)
    assert codes(result) == [] and result.status_of(2)[0] == "OK"
    assert result.header.unknown == ("Catatan relawan",)
    assert result.header.fields["kecamatan"] == len(head)
    assert result.rows.at[2, "paslon_3"] == 150


def test_header_aliases_and_punctuation():
    config = preset()
    head = [("No. TPS" if h == "No TPS" else "Kec." if h == "Kecamatan" else h) for h in header(config)]
    result = check([head, row(**results())], config)
    assert codes(result) == []
    assert result.header.fields["tps"] == 2 and result.header.fields["kecamatan"] == 0


def test_missing_required_header_is_named():
    config = preset()
    head = [h for h in header(config) if h != "Kelurahan"]
    values = [head, [c for h, c in zip(header(config), row()) if h != "Kelurahan"]]
    result = check(values, config)
    found = issue(result, "header_missing")
    assert found.row is None and found.field == "kelurahan"
    assert found.message("id") == "Kolom wajib 'Kelurahan' tidak ditemukan di baris judul 1"
    assert not result.valid and result.header.missing_required == ("kelurahan",)


def test_missing_optional_headers_are_fine():
    config = preset()
    keep = ["Kecamatan", "Kelurahan", "No TPS", "DPT"]
    result = check([keep, ["Cengkareng", "Kapuk", "3", "400"]], config)
    assert codes(result) == [] and result.valid
    assert "paslon_1" in result.header.missing and result.status_of(2)[0] == "BELUM DIISI"


def test_owned_columns_located():
    result = run(row())
    n = len(preset().columns)
    assert (result.header.status_col, result.header.message_col) == (n, n + 1)


def test_blank_rows_ignored_and_row_numbers_are_sheet_rows():
    result = run(row(tps=1), [], ["", "  ", None], row(tps=2), ["", "", "", "", "", "", "", "", "", "", "", "",
                                                                "", "", "", "", "", "", "SALAH", "old message"])
    assert list(result.rows.index) == [2, 5]
    assert result.status_of(3) == ("", "")


def test_header_row_below_a_title():
    config = replace(preset(), header_row=3)
    values = [["Rekap TPS Jakarta Barat"], [], header(config), row(**results(suara_sah=1))]
    result = check(values, config)
    assert list(result.rows.index) == [4]
    assert issue(result, "sum_paslon_ne_sah").row == 4


def test_short_rows_and_api_types():
    short = ["Cengkareng", "Kapuk", 5, "", 400]           # what the API sends for a row typed up to DPT
    typed = row(tps=6, **{k: float(v) for k, v in results().items()})
    result = run(short, typed)
    assert codes(result) == []
    assert result.status_of(2)[0] == "BELUM DIISI" and result.status_of(3)[0] == "OK"


def test_sheet_with_only_a_header_or_nothing():
    config = preset()
    assert len(check([header(config)], config).rows) == 0
    empty = check([], config)
    assert len(empty.rows) == 0 and not empty.valid   # every required header is missing


def test_statuses_in_english_sheet():
    config = replace(preset(), language="en")
    result = run(row(dpt=400, paslon_1=1), config=config)
    assert result.rows.at[2, "status"] == "BELUM DIISI"   # code word stays Indonesian
    assert result.status_of(2)[1].startswith("Results incomplete: Paslon 2")
    from sheetsync.core.issues import status_label
    assert [status_label(s, "en") for s in ("OK", "BELUM DIISI", "PERIKSA", "SALAH")] == \
        ["OK", "NOT FILLED", "CHECK", "ERROR"]


def test_every_problem_of_a_row_in_its_message():
    result = run(row("Cengkarang", "Kapuk", "x", dpt=700, paslon_1="12a"))
    status, message = result.status_of(2)
    assert status == "SALAH"
    for part in ("'Cengkarang'", "'x'", "'12a'", "DPT 700"):
        assert part in message
    assert "\n" not in message and "baris 2" not in message


def test_rows_frame_columns_and_dtypes():
    result = run(row(**results()), row(tps=2, dpt=300))
    rows = result.rows
    for col in ("tps_key", "kecamatan", "kelurahan", "kode_kecamatan", "kode_kelurahan", "tps", "status",
                "message", "dpt", "paslon_3", "target_effective", "results_complete"):
        assert col in rows.columns, col
    assert str(rows["tps"].dtype) == "Int64" and str(rows["paslon_1"].dtype) == "Int64"
    assert rows.at[3, "paslon_1"] is not None and rows["paslon_1"].isna().tolist() == [False, True]
    assert rows.at[2, "kode_kecamatan"] == "31.73.01" and rows.at[2, "tps_key"] == "31.73.01.1005/001"
    assert rows.index.name == "row"


def test_now_is_recorded():
    when = datetime(2024, 11, 27, 14, 0, tzinfo=timezone.utc)
    assert check([header()], preset(), now=when).checked_at == when


def test_messages_quote_the_right_cell_after_blank_rows():
    result = run([], row(tps=1, **results(paslon_1="7x")), ["  "], row("Cengkarang", "Kapuk", 2, dpt="x1"))
    assert list(result.rows.index) == [3, 5]
    assert issue(result, "not_integer", 3).params["value"] == "7x"
    assert issue(result, "not_integer", 5).params["value"] == "x1"
    assert issue(result, "unknown_kecamatan", 5).params["value"] == "Cengkarang"


def test_duplicate_header_is_a_warning_and_the_first_column_is_used():
    config = preset()
    head = header(config) + ["paslon 1"]
    result = check([head, row(**results()) + [999]], config)
    found = issue(result, "header_duplicate")
    assert found.severity == "warning" and found.row is None and found.params["column"] == "paslon 1"
    assert result.rows.at[2, "paslon_1"] == 100 and result.valid


def test_rows_kept_or_dropped_by_text_cells_alone():
    # a row that only a text cell keeps is a row; one holding nothing but spaces, tabs or NaN is not
    nan = float("nan")
    result = run(row("", "", "", alamat="Jl. Kapuk 1"), row("", "", "", alamat="   ", saksi="\t"),
                 row("", "", "", koordinator=nan, hp_saksi=" "), row(tps=1, alamat="  ", saksi=nan),
                 row("", "", "", saksi="Budi"))
    assert list(result.rows.index) == [2, 5, 6]
    assert codes(result, 2) == ["required_missing"] * 3 + ["saksi_missing"]
    assert codes(result, 6) == ["required_missing"] * 3
    assert result.status_of(5)[0] == "BELUM ADA SAKSI"
    assert result.rows.at[2, "alamat"] == "Jl. Kapuk 1"


def test_text_columns_keep_the_cells_as_typed_in_object_dtype():
    # no str-dtype conversion of the address/name/phone columns (a pass over every cell):
    # the cells stay as typed, a number stays a number, a short row's missing cell is None
    with_blank = run(row(tps=1, alamat="Jl. Kapuk 1", koordinator=7, **results()), [],
                     row(tps=2, alamat="", **results())[:5])
    without_blank = run(row(tps=1, alamat="Jl. Kapuk 1", koordinator="Ani", **results()))
    for result in (with_blank, without_blank):
        assert all(result.rows[f].dtype == object for f in ("alamat", "koordinator", "saksi", "hp_saksi"))
    assert with_blank.rows["alamat"].tolist() == ["Jl. Kapuk 1", ""]
    assert with_blank.rows["koordinator"].tolist() == [7, None]
    assert without_blank.rows["koordinator"].tolist() == ["Ani"]
    assert [s for s, _ in map(with_blank.status_of, (2, 4))] == ["OK", "BELUM DIISI"]
