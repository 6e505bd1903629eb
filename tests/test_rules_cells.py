"""Cell rules through check(): required fields, bad numbers, TPS numbers, yes/no, bounds."""

from dataclasses import replace

from core_sheet import codes, issue, preset, results, row, run


def test_required_fields_missing_each_named():
    result = run(row("", "", "", dpt=400), row("Cengkareng", "Kapuk", 2))
    assert codes(result, 2) == ["required_missing"] * 3
    fields = [i.field for i in result.issues if i.row == 2]
    assert fields == ["kecamatan", "kelurahan", "tps"]
    assert result.issues[0].message("id") == "Kecamatan baris 2: wajib diisi"
    assert result.status_of(2)[0] == "SALAH"


def test_not_integer_message_names_the_cell():
    result = run(*[row(tps=i, **results()) for i in range(1, 13)], row(tps=13, **results(paslon_3="12a")))
    found = issue(result, "not_integer", 14)
    assert found.message("id") == "Paslon 3 baris 14: '12a' bukan bilangan bulat"
    assert found.message("en") == "Paslon 3 row 14: '12a' is not a whole number"
    assert found.field == "paslon_3" and found.severity == "error"


def test_each_kind_of_bad_number():
    rows = [row(tps=1, **results(paslon_1="1,5")), row(tps=2, **results(paslon_1="½")),
            row(tps=3, **results(paslon_1="-3")), row(tps=4, **results(paslon_1=12.5))]
    result = run(*rows)
    assert issue(result, "not_integer", 2).params["value"] == "1,5"
    assert issue(result, "not_integer", 3).params["value"] == "½"
    assert issue(result, "negative_number", 4).message("id") == "Paslon 1 baris 4: '-3' tidak boleh negatif"
    assert issue(result, "not_integer", 5).params["value"] == "12.5"
    assert all(result.status_of(r)[0] == "SALAH" for r in (2, 3, 4, 5))


def test_thousands_separator_spaces_and_api_numbers_are_fine():
    result = run(row(tps=1, **results(p1=100, dpt=" 400 ")), row(tps=2, **results(dpt=400.0, paslon_1=100.0)))
    assert codes(result) == []
    assert result.rows["dpt"].tolist() == [400, 400]
    big = run(row(tps=1, target="1.234"))
    assert big.rows.at[2, "target"] == 1234


def test_blank_is_not_zero():
    result = run(row(tps=1, dpt=400))
    assert result.rows["paslon_1"].isna().all()
    assert result.status_of(2) == ("BELUM DIISI", "Hasil belum diisi")


def test_bad_tps_number():
    result = run(row(tps="TPS"), row(tps="0", **results()))
    assert issue(result, "bad_tps_number", 2).message("id") == "No TPS baris 2: 'TPS' bukan nomor TPS"
    assert codes(result, 3) == ["bad_tps_number"]
    assert result.rows["tps_key"].isna().all()


def test_bad_yesno():
    result = run(row(bimtek="mungkin"))
    assert issue(result, "bad_yesno", 2).field == "bimtek"


def test_bounds_from_config():
    config = preset()
    columns = tuple(replace(c, min=10, max=300) if c.field == "paslon_2" else c for c in config.columns)
    config = replace(config, columns=columns)
    result = run(row(tps=1, config=config, **results(p2=5)), row(tps=2, config=config, **results(p2=301)),
                 config=config)
    assert issue(result, "below_min", 2).message("id") == "Paslon 2 baris 2: 5 di bawah batas 10"
    assert issue(result, "above_max", 3).params["max"] == 300


def test_quoted_values_stay_on_one_line_and_short():
    result = run(row(tps=1, **results(paslon_1="12\na")), row(tps=2, **results(paslon_2="9" * 70 + "x")))
    assert issue(result, "not_integer", 2).params["value"] == "12 a"
    assert len(issue(result, "not_integer", 3).params["value"]) == 60
    assert "\n" not in result.status_of(2)[1]


def test_rules_share_read_only_integer_columns():
    # ctx.ints is worked out once per column and shared by the rules: no rule may change it in place
    import numpy as np
    import pytest
    from sheetsync.core import rules
    seen = {}

    def spy(ctx):
        seen["first"], seen["again"] = ctx.ints("dpt"), ctx.ints("dpt")
        return []

    rules.RULES.append(("test_spy", spy))
    try:
        run(row(dpt=400), row(tps=2, dpt="x"), row(tps=3))
    finally:
        rules.RULES.remove(("test_spy", spy))
    values, filled = seen["first"]
    assert seen["again"] is seen["first"]
    assert values.tolist() == [400, 0, 0] and filled.tolist() == [True, False, False]
    with pytest.raises(ValueError):
        values[0] = 1
    assert isinstance(values, np.ndarray)
