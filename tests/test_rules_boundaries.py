"""The edges of the rules the family tests leave open: exact limits, both directions of an
inequality, sheets without some columns, and the parts of a message a volunteer reads (which
rows, which TPS, which numbers)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from core_sheet import codes, issue, preset, results, row, run

from sheetsync.core.config import Column, Config, JanggalSettings
from sheetsync.core.rules import RULES, register
from sheetsync.core.rules.cells import MAX_QUOTED, clipped


def without(*fields: str) -> Config:
    """The preset without some of its columns (a sheet that never had them)."""
    config = preset()
    return replace(config, columns=tuple(c for c in config.columns if c.field not in fields))


# ---------------------------------------------------------------- C.Hasil

@pytest.mark.parametrize("pengguna", [304, 306])
def test_sah_plus_tidak_sah_below_or_above_pengguna_is_an_error(pengguna: int) -> None:
    result = run(row(**results(pengguna_hak_pilih=pengguna)))      # sah 300 + tidak sah 5 = 305
    assert codes(result) == ["sah_tidak_sah_ne_pengguna"]


def test_paslon_over_dpt_message_names_the_sum_and_the_whole_limit() -> None:
    # DPT 100: the limit is 100 x 1.02 = 102 votes; DPTb 5 keeps pengguna within the list
    found = issue(run(row(**results(p1=43, p2=30, p3=30, tidak_sah=0, dpt=100, dptb=5))), "paslon_over_dpt")
    assert found.message("id") == "Baris 2: jumlah suara paslon 103 melebihi DPT x 1.02 (102)"


def test_target_exactly_dpt_is_no_warning() -> None:
    result = run(row(**results(dpt=400, target=400)), row(tps=2, **results(dpt=400, target=401)))
    assert codes(result, 2) == [] and codes(result, 3) == ["target_over_dpt"]


def test_without_tidak_sah_and_pengguna_columns_the_paslon_sum_is_still_checked() -> None:
    config = without("suara_tidak_sah", "pengguna_hak_pilih")
    cells = {k: v for k, v in results(suara_sah=299).items() if k not in ("suara_tidak_sah", "pengguna_hak_pilih")}
    assert codes(run(row(config=config, **cells), config=config)) == ["sum_paslon_ne_sah"]


def test_without_a_dpt_column_no_dpt_rule_runs() -> None:
    config = without("dpt")
    cells = {k: v for k, v in results(p1=700).items() if k != "dpt"}
    result = run(row(config=config, **cells), config=config)
    assert codes(result) == [] and result.status_of(2) == ("OK", "")


# ---------------------------------------------------------------- cells and duplicates

def test_clipped_keeps_one_line_and_cuts_only_past_the_limit() -> None:
    assert clipped("a\rb") == "a b" and clipped("a\r\nb") == "a b"
    assert clipped("x" * MAX_QUOTED) == "x" * MAX_QUOTED
    assert clipped("x" * (MAX_QUOTED + 1)) == "x" * (MAX_QUOTED - 1) + "…"


def test_duplicate_tps_names_each_number_that_differs_and_a_blank_as_a_dash() -> None:
    result = run(row(**results(dpt=400)), row(**results(dpt="", p1=90, suara_sah=290, pengguna_hak_pilih=295)))
    conflict = issue(result, "duplicate_tps", 2).params["conflict"]
    assert conflict == "; DPT: 400 ≠ -, Paslon 1: 100 ≠ 90, Suara Sah: 300 ≠ 290, Pengguna Hak Pilih: 305 ≠ 295"


# ---------------------------------------------------------------- saksi, phones, koordinator

def test_two_shared_phones_each_row_points_to_its_own_partner() -> None:
    a, b = "081234567001", "081234567002"
    result = run(row(tps=1, hp_saksi=a), row(tps=2, hp_saksi=b), row(tps=3, hp_saksi=a), row(tps=4, hp_saksi=b))
    others = {i.row: i.params["other_rows"] for i in result.issues if i.code == "duplicate_phone"}
    assert others == {2: "4", 3: "5", 4: "2", 5: "3"}
    assert {i.field for i in result.issues if i.code == "duplicate_phone"} == {"hp_saksi"}


def test_a_phone_on_six_rows_names_the_five_others_without_a_count() -> None:
    result = run(*(row(tps=n, hp_saksi="081234567001") for n in range(1, 7)))
    assert issue(result, "duplicate_phone", 2).params["other_rows"] == "3, 4, 5, 6, 7"
    seven = run(*(row(tps=n, hp_saksi="081234567001") for n in range(1, 8)))
    assert issue(seven, "duplicate_phone", 2).params["other_rows"] == "3, 4, 5, 6, 7, +1"


def test_a_shared_phone_on_a_row_without_tps_number_names_it_with_a_question_mark() -> None:
    result = run(row(tps=1, hp_saksi="081234567001"), row(tps="", hp_saksi="081234567001"))
    assert issue(result, "duplicate_phone", 2).params["other_tps"] == "TPS ? Kapuk"
    assert issue(result, "duplicate_phone", 3).params["other_tps"] == "TPS 1 Kapuk"


def test_the_only_phone_column_is_the_saksi_phone_whatever_its_field() -> None:
    config = preset()
    columns = tuple(replace(c, field="hp") if c.field == "hp_saksi" else c for c in config.columns)
    config = replace(config, columns=columns)
    result = run(row(tps=1, config=config, hp="081234567001"), row(tps=2, config=config, hp="081234567001"),
                 config=config)
    assert codes(result) == ["duplicate_phone", "duplicate_phone"]


def test_two_phone_columns_neither_hp_saksi_are_not_checked_for_duplicates() -> None:
    config = preset()
    columns = tuple(replace(c, field="hp") if c.field == "hp_saksi" else c for c in config.columns)
    config = replace(config, columns=columns + (Column("hp_koordinator", "HP Koordinator", "phone"),))
    same = {"hp": "081234567001", "hp_koordinator": "081234567009"}
    result = run(row(tps=1, config=config, **same), row(tps=2, config=config, **same), config=config)
    assert codes(result) == []


def test_a_phone_without_a_name_is_a_saksi() -> None:
    result = run(row(tps=1, saksi="Andi"), row(tps=2, hp_saksi="081234567001"), row(tps=3))
    assert [r for r in (2, 3, 4) if "saksi_missing" in codes(result, r)] == [4]


def test_without_a_phone_column_a_name_is_a_saksi() -> None:
    config = without("hp_saksi")
    result = run(row(tps=1, config=config, saksi="Andi"), row(tps=2, config=config), config=config)
    assert codes(result, 2) == [] and codes(result, 3) == ["saksi_missing"]


def test_blank_koordinator_cells_are_nobody() -> None:
    # eleven rows without a koordinator are not one koordinator over the limit of 10
    result = run(*(row(tps=n) for n in range(1, 12)))
    assert "koordinator_overloaded" not in codes(result)


# ---------------------------------------------------------------- registry

def test_a_rule_registered_again_replaces_itself_in_place() -> None:
    before = list(RULES)
    name, rule = RULES[1]
    try:
        register(name)(rule)        # the module imported a second time
        assert RULES == before
    finally:
        RULES[:] = before


def test_a_shared_phone_on_a_row_of_unknown_kelurahan_names_it_with_a_question_mark() -> None:
    result = run(row(tps=1, hp_saksi="081234567001"), row(kelurahan="Sukabumi Ilir", hp_saksi="081234567001"))
    assert issue(result, "duplicate_phone", 2).params["other_tps"] == "TPS 1 ?"


# ---------------------------------------------------------------- janggal

def janggal_on() -> Config:
    config = preset()
    return replace(config, rules=replace(config.rules, janggal=JanggalSettings(enabled=True)))


@pytest.mark.parametrize(("tps", "others_of_the_first"), [
    (6, "TPS 2, TPS 3, TPS 4, TPS 5, TPS 6"), (8, "TPS 2, TPS 3, TPS 4, TPS 5, TPS 6 +2")])
def test_identical_votes_name_five_other_tps_then_count_the_rest(tps: int, others_of_the_first: str) -> None:
    config = janggal_on()
    result = run(*(row(tps=n, config=config, **results()) for n in range(1, tps + 1)), config=config)
    assert issue(result, "janggal_identical", 2).params["others"] == others_of_the_first


def test_suara_sah_equal_to_dpt_is_flagged_but_not_an_empty_tps() -> None:
    config = janggal_on()
    empty = results(p1=0, p2=0, p3=0, tidak_sah=0, dpt=0)
    everyone = results(p1=100, p2=50, p3=150, tidak_sah=0, dpt=300)
    result = run(row(tps=1, config=config, **empty), row(tps=2, config=config, **everyone), config=config)
    assert [i.row for i in result.issues if i.code == "janggal_sah_dpt"] == [3]
