"""The same TPS (kelurahan + number) on two or more rows."""

from core_sheet import codes, issue, results, row, run


def test_duplicate_rows_point_at_each_other():
    result = run(row("Cengkareng", "Kapuk", 7, **results()), row("Cengkareng", "Kapuk", 8),
                 row("cengkareng", " kapuk", "TPS 007", **results()))
    first, second = issue(result, "duplicate_tps", 2), issue(result, "duplicate_tps", 4)
    assert first.params["other_rows"] == "4" and second.params["other_rows"] == "2"
    assert first.message("id") == "TPS 7 Kapuk baris 2 sama dengan baris 4"
    assert second.message("en") == "TPS 7 Kapuk row 4 duplicates row 2"
    assert codes(result, 3) == []
    assert result.status_of(2)[0] == result.status_of(4)[0] == "SALAH"


def test_conflicting_numbers_are_named():
    result = run(row(tps=3, **results(p3=120)), row(tps="03", **results(p3=112)))
    text = issue(result, "duplicate_tps", 2).message("id")
    assert "Paslon 3: 120 ≠ 112" in text and "Suara Sah" in text
    assert "Paslon 1" not in text  # equal numbers are not a conflict
    assert "Paslon 3: 112 ≠ 120" in issue(result, "duplicate_tps", 3).message("id")


def test_three_rows_of_one_tps():
    result = run(row(tps=5), row(tps=5), row(tps=5))
    assert [issue(result, "duplicate_tps", r).params["other_rows"] for r in (2, 3, 4)] == ["3, 4", "2, 4", "2, 3"]


def test_same_number_in_other_kelurahan_is_not_a_duplicate():
    result = run(row("Cengkareng", "Kapuk", 1), row("Cengkareng", "Rawa Buaya", 1), row("Pal Merah", "Palmerah", 1))
    assert "duplicate_tps" not in codes(result)


def test_special_tps_number():
    result = run(row(tps="901", **results()), row(tps="TPS 901"))
    assert result.rows["tps_key"].tolist() == ["31.73.01.1005/901"] * 2
    assert codes(result, 2) == ["duplicate_tps"]
