"""Saksi, phone and koordinator rules (sheetsync/core/rules/people.py) through check()."""

import copy
import tomllib
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest

from people_data import BEFORE, RESULTS, preset, sheet, tps
from sheetsync.core.check import check
from sheetsync.core.config import PRESET_DIR, ConfigError, parse_config
from sheetsync.core.issues import status_label
from sheetsync.core.rules.people import BELUM_ADA_SAKSI, koordinator_groups, people_fields

import numpy as np


def codes(result, row=None):
    return [i.code for i in result.issues if row is None or i.row == row]


def issue(result, code, row):
    return next(i for i in result.issues if i.code == code and i.row == row)


# ------------------------------------------------------------------ phones

def test_bad_phone_names_the_cell_not_the_number_and_the_sheet_keeps_it():
    config = preset()
    values = sheet(config, [tps("Kapuk", 1, saksi="Budi", hp_saksi="0812-345-67"),
                            tps("Kapuk", 2, saksi="Sari", hp_saksi="021 5550 1234"),
                            tps("Kapuk", 3, saksi="Eko", hp_saksi="+62 812 3456 7890")])
    typed = copy.deepcopy(values)
    result = check(values, config, now=BEFORE)
    assert values == typed                       # check() never rewrites what was typed
    assert codes(result, 2) == ["bad_phone"] and codes(result, 3) == ["bad_phone"]
    assert "bad_phone" not in codes(result, 4)
    i = issue(result, "bad_phone", 2)
    assert i.severity == "error" and i.field == "hp_saksi"
    assert i.message("id") .startswith("HP/WA Saksi baris 2: bukan nomor HP Indonesia")
    assert i.message("en").startswith("HP/WA Saksi row 2: not an Indonesian mobile number")
    for text in (i.message("id"), result.rows.at[2, "message"]):
        assert "0812" not in text and "345" not in text
    assert result.rows.at[2, "status"] == "SALAH"


def test_same_phone_on_two_rows_flags_both_each_pointing_to_the_other():
    config = preset()
    values = sheet(config, [tps("Kapuk", 1, saksi="Budi", hp_saksi="0812-3456-7890"),
                            tps("Kapuk", 2, saksi="Sari", hp_saksi="0813 1111 2222"),
                            tps("Semanan", 4, kec="Kalideres", saksi="Budi S", hp_saksi="+62 812 3456 7890")])
    result = check(values, config, now=BEFORE)
    a, b = issue(result, "duplicate_phone", 2), issue(result, "duplicate_phone", 4)
    assert a.severity == b.severity == "error"
    assert a.params["other_rows"] == "4" and a.params["other_tps"] == "TPS 4 Semanan"
    assert b.params["other_rows"] == "2" and b.params["other_tps"] == "TPS 1 Kapuk"
    assert a.message("id") == ("HP/WA Saksi baris 2: nomor sama dengan baris 4 (TPS 4 Semanan); "
                               "satu saksi hanya untuk satu TPS")
    assert "duplicate_phone" not in codes(result, 3)
    assert result.rows.loc[[2, 4], "status"].tolist() == ["SALAH", "SALAH"]
    assert result.rows.at[3, "status"] != "SALAH"


def test_a_phone_error_makes_the_row_salah_but_its_c_hasil_still_counts():
    """A typo in a saksi's number weeks before the vote must not drop a TPS's votes on the night."""
    config = preset()
    on_the_night = datetime(2024, 11, 27, 12, 0, tzinfo=timezone.utc)
    rows = [tps("Kapuk", 1, saksi="Budi", hp_saksi="0812-345-67", **RESULTS),          # bad number
            tps("Kapuk", 2, saksi="Sari", hp_saksi="0813 1111 2222", **RESULTS),       # same number twice
            tps("Kapuk", 3, saksi="Eko", hp_saksi="+62 813 1111 2222", **RESULTS),
            tps("Kapuk", 4, saksi="Ani", hp_saksi="0812 9999 8888", **{**RESULTS, "suara_sah": "201"})]
    result = check(sheet(config, rows), config, now=on_the_night)
    assert result.rows["status"].tolist() == ["SALAH"] * 4
    assert codes(result, 2) == ["bad_phone"] and codes(result, 3) == codes(result, 4) == ["duplicate_phone"]
    kota = result.totals.kota
    assert kota["paslon_3"] == 3 * 90                     # rows 2-4 count; row 5's counts do not add up
    assert kota["tps_error"] == 4 and kota["tps_reported"] == 3


def test_three_rows_with_one_number_each_name_the_two_others():
    config = preset()
    values = sheet(config, [tps("Kapuk", n, saksi="Budi", hp_saksi=typed)
                            for n, typed in enumerate(["081234567890", "6281234567890", "81234567890"], 1)])
    result = check(values, config, now=BEFORE)
    assert [issue(result, "duplicate_phone", r).params["other_rows"] for r in (2, 3, 4)] == [
        "3, 4", "2, 4", "2, 3"]


def test_invalid_and_blank_phones_are_never_duplicates():
    config = preset()
    values = sheet(config, [tps("Kapuk", 1, saksi="A", hp_saksi="0812"), tps("Kapuk", 2, saksi="B", hp_saksi="0812"),
                            tps("Kapuk", 3, saksi="C"), tps("Kapuk", 4, saksi="D")])
    result = check(values, config, now=BEFORE)
    assert "duplicate_phone" not in codes(result)
    assert codes(result).count("bad_phone") == 2


def test_every_phone_column_is_validated_but_only_the_saksi_phone_must_be_unique():
    base = preset()
    extra = replace(base.column("hp_saksi"), field="hp_koordinator", header="HP Koordinator", aliases=())
    config = replace(base, columns=base.columns + (extra,))
    assert people_fields(config).phone == "hp_saksi"
    values = sheet(config, [tps("Kapuk", 1, saksi="A", hp_saksi="0812 1111 1111", hp_koordinator="0819 9999 9999"),
                            tps("Kapuk", 2, saksi="B", hp_saksi="0812 2222 2222", hp_koordinator="0819 9999 9999"),
                            tps("Kapuk", 3, saksi="C", hp_saksi="0812 3333 3333", hp_koordinator="12345")])
    result = check(values, config, now=BEFORE)
    assert codes(result) == ["bad_phone"] and issue(result, "bad_phone", 4).field == "hp_koordinator"


# ------------------------------------------------------------- koordinator

def _coordinated(n_rows, names):
    return [tps("Kapuk", i + 1, saksi=f"S{i}", koordinator=names[i % len(names)]) for i in range(n_rows)]


def test_koordinator_over_the_limit_is_a_warning_on_each_of_its_rows():
    config = preset(max_tps=3)
    # "Ani" typed three ways is one koordinator with 4 TPS; "Budi" has 2
    rows = _coordinated(6, ["Ani", "Budi", " ani ", "BUDI", "Ani  ", ""]) + [tps("Kapuk", 7, saksi="S7", koordinator="ani")]
    result = check(sheet(config, rows), config, now=BEFORE)
    hit = sorted(i.row for i in result.issues if i.code == "koordinator_overloaded")
    assert hit == [2, 4, 6, 8]
    i = issue(result, "koordinator_overloaded", 2)
    assert i.severity == "warning" and i.params["count"] == 4 and i.params["max"] == 3
    assert i.message("id") == "Koordinator baris 2: koordinator ini memegang 4 TPS, lebih dari batas 3"
    assert "Ani" not in i.message("id")            # a name is personal: the row already shows it


def test_koordinator_at_the_limit_or_without_a_limit_is_fine():
    rows = _coordinated(6, ["Ani", "Budi"])
    for config in (preset(max_tps=3), preset(max_tps=None)):
        assert "koordinator_overloaded" not in codes(check(sheet(config, rows), config, now=BEFORE))


def test_koordinator_groups_ignore_case_and_spaces_and_skip_blanks():
    group, shown = koordinator_groups(np.array(["Ani", None, " ani", "", "Budi  Santoso", "budi santoso", "  "],
                                               dtype=object))
    assert group[1] == group[3] == group[6] == -1
    assert group[0] == group[2] and group[4] == group[5] and group[0] != group[4]
    assert shown[group[0]] == "Ani" and shown[group[4]] == "Budi Santoso"


# ---------------------------------------------------------- TPS without saksi

def _coverage_sheet(config, **extra):
    return sheet(config, [tps("Kapuk", 1, saksi="Budi", hp_saksi="0812 1111 2222"),
                          tps("Kapuk", 2, **extra),
                          tps("Kapuk", 3, saksi="Sari")])


def test_no_saksi_before_the_deadline_is_belum_ada_saksi():
    config = preset(deadline=date(2024, 11, 20))
    result = check(_coverage_sheet(config), config, now=BEFORE)
    assert result.rows.at[3, "status"] == BELUM_ADA_SAKSI
    assert result.rows.at[3, "message"] == "TPS belum ada saksi"
    assert issue(result, "saksi_missing", 3).severity == "warning"
    assert result.rows.loc[[2, 4], "status"].tolist() == ["BELUM DIISI", "BELUM DIISI"]  # no results yet
    assert result.valid


def test_no_deadline_configured_means_not_yet_covered():
    config = preset(deadline=None)
    result = check(_coverage_sheet(config), config, now=datetime(2030, 1, 1, tzinfo=timezone.utc))
    assert result.rows.at[3, "status"] == BELUM_ADA_SAKSI


def test_from_the_deadline_it_is_a_warning():
    config = preset(deadline=date(2024, 11, 20))
    # 19 Nov 17:00 UTC is already 20 Nov 00:00 in Jakarta (WIB)
    result = check(_coverage_sheet(config, **RESULTS), config, now=datetime(2024, 11, 19, 17, 0, tzinfo=timezone.utc))
    i = issue(result, "saksi_overdue", 3)
    assert i.severity == "warning" and i.message("id") == "Baris 3: TPS belum ada saksi, batas 20-11-2024 sudah lewat"
    assert result.rows.at[3, "status"] == "PERIKSA"          # results complete, warning only
    earlier = check(_coverage_sheet(config, **RESULTS), config, now=datetime(2024, 11, 19, 16, 59, tzinfo=timezone.utc))
    assert "saksi_overdue" not in codes(earlier)


def test_once_results_are_typed_a_missing_saksi_is_a_warning_even_before_the_deadline():
    config = preset(deadline=date(2024, 11, 20))
    result = check(_coverage_sheet(config, **RESULTS), config, now=BEFORE)
    assert issue(result, "saksi_missing", 3).severity == "warning"
    assert result.rows.at[3, "status"] == "PERIKSA"


def test_a_sheet_without_any_saksi_is_not_flooded():
    """Counting night with the preset but no saksi typed anywhere: no saksi rules."""
    config = preset(deadline=date(2024, 11, 20))
    values = sheet(config, [tps("Kapuk", n, **RESULTS) for n in (1, 2, 3)])
    result = check(values, config, now=BEFORE)
    assert result.issues == [] and set(result.rows["status"]) == {"OK"}


def test_status_label_in_english():
    assert status_label(BELUM_ADA_SAKSI, "en") == "NO SAKSI YET"
    assert status_label(BELUM_ADA_SAKSI, "id") == "BELUM ADA SAKSI"


def test_errors_still_win_over_belum_ada_saksi():
    config = preset()
    values = sheet(config, [tps("Kapuk", 1, saksi="Budi"), tps("Kapuk", 2, dpt="700")])
    result = check(values, config, now=BEFORE)
    assert result.rows.at[3, "status"] == "SALAH"
    assert codes(result, 3) == ["dpt_over_max", "saksi_missing"]


# --------------------------------------------------------- planning phase

def test_a_planning_row_is_never_salah_for_empty_result_cells():
    config = preset()
    planning = [tps("Kapuk", 1, saksi="Budi", hp_saksi="0812 1111 2222", koordinator="Ani", bimtek="ya",
                    dpt="300", dpph="2", dptb="1", target="120", alamat="Jl. Kapuk 1"),
                tps("Kapuk", 2, saksi="Sari", hp_saksi="0812 3333 4444", koordinator="Ani", bimtek="belum",
                    dpt="250"),
                tps("Kapuk", 3, koordinator="Ani")]
    result = check(sheet(config, planning), config, now=BEFORE)
    assert result.valid and result.issues == [issue(result, "saksi_missing", 4)]
    assert "SALAH" not in set(result.rows["status"])
    assert result.rows["status"].tolist() == ["BELUM DIISI", "BELUM DIISI", BELUM_ADA_SAKSI]


def test_results_rules_apply_once_a_result_cell_is_filled():
    config = preset()
    rows = [tps("Kapuk", 1, saksi="Budi", dpt="300", paslon_1="400")]
    result = check(sheet(config, rows), config, now=BEFORE)
    assert {"results_incomplete", "paslon_over_dpt"} <= set(codes(result, 2))
    assert result.rows.at[2, "status"] == "SALAH"


# ------------------------------------------------------------------ bimtek

@pytest.mark.parametrize("typed", ["ya", "Ya", "YA", "y", "yes", "sudah", "Sudah", "iya", "v", "TRUE", True])
def test_bimtek_yes_spellings(typed):
    config = preset()
    result = check(sheet(config, [tps("Kapuk", 1, saksi="Budi", bimtek=typed)]), config, now=BEFORE)
    assert codes(result) == [] and bool(result.rows.at[2, "bimtek"]) is True


@pytest.mark.parametrize("typed", ["tidak", "Tidak", "tdk", "t", "no", "belum", "Belum", "FALSE", False])
def test_bimtek_no_spellings(typed):
    config = preset()
    result = check(sheet(config, [tps("Kapuk", 1, saksi="Budi", bimtek=typed)]), config, now=BEFORE)
    assert codes(result) == [] and bool(result.rows.at[2, "bimtek"]) is False


@pytest.mark.parametrize("typed, expected", [("\u2713", True), ("\u2714", True), ("x", False), ("X", False)])
def test_bimtek_check_marks(typed, expected):
    config = preset()
    result = check(sheet(config, [tps("Kapuk", 1, saksi="Budi", bimtek=typed)]), config, now=BEFORE)
    assert codes(result) == [] and bool(result.rows.at[2, "bimtek"]) is expected


def test_bimtek_typo_names_the_cell():
    config = preset()
    result = check(sheet(config, [tps("Kapuk", 1, saksi="Budi", bimtek="mungkin")]), config, now=BEFORE)
    assert issue(result, "bad_yesno", 2).message("id") == "Bimtek baris 2: 'mungkin' bukan ya/tidak"


# ------------------------------------------------------------------ config

def _preset_data():
    return tomllib.loads((PRESET_DIR / "pilkada-jakbar-2024.toml").read_text("utf-8"))


def test_config_reads_the_saksi_settings():
    data = _preset_data()
    data["rules"]["saksi"] = {"saksi_deadline": date(2024, 11, 20), "max_tps_per_koordinator": 12}
    config = parse_config(data, "sheetsync.toml", PRESET_DIR)
    assert config.rules.saksi.saksi_deadline == date(2024, 11, 20)
    assert config.rules.saksi.max_tps_per_koordinator == 12


@pytest.mark.parametrize("saksi, where", [
    ({"saksi_deadline": "2024-11-20"}, "rules.saksi.saksi_deadline"),
    ({"max_tps_per_koordinator": 0}, "rules.saksi.max_tps_per_koordinator"),
    ({"deadline": date(2024, 11, 20)}, "rules.saksi.deadline"),
])
def test_bad_saksi_settings_fail_with_one_line(saksi, where):
    data = _preset_data()
    data["rules"]["saksi"] = saksi
    with pytest.raises(ConfigError) as e:
        parse_config(data, "sheetsync.toml", PRESET_DIR)
    assert str(e.value).startswith(f"sheetsync.toml: {where}: ") and "\n" not in str(e.value)


def test_init_colours_belum_ada_saksi_even_when_no_check_ran_first():
    """`sheetsync init` builds the conditional colours without running check():
    the status must be registered by then (fresh interpreter, nothing imported)."""
    import subprocess
    import sys

    code = ("from sheetsync.core.config import load_preset; from sheetsync.sync.layout import LayoutPlan; "
            "p = LayoutPlan.__new__(LayoutPlan); p.config = load_preset('pilkada-jakbar-2024'); "
            "print(dict(p.status_labels()))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "'BELUM ADA SAKSI': 'BELUM ADA SAKSI'" in out


def test_header_only_and_sheets_without_people_columns():
    config = preset(deadline=date(2024, 11, 20))
    assert check(sheet(config, []), config, now=BEFORE).issues == []
    header = ["Kecamatan", "Kelurahan", "No TPS", "DPT"]             # a counting-night sheet
    result = check([header, ["Cengkareng", "Kapuk", "1", "300"]], config, now=BEFORE)
    assert not {"saksi_missing", "saksi_overdue", "bad_phone", "koordinator_overloaded"} & set(codes(result))


# ------------------------------------------------------- the persiapan demo

def _demo_persiapan():
    from sheetsync.core import a1
    from sheetsync.demo.seed import fill_updates
    from sheetsync.core.presets import template_values

    config = preset()
    values = [list(r) for r in template_values(config)]
    updates, info = fill_updates(values, config, phase="persiapan", seed=2024)
    for rng, block in updates:
        _, row, col = a1.parse_tab_cell(rng.split(":")[0])
        for i, (value,) in enumerate(block):
            cells = values[row - 1 + i]
            cells.extend([""] * (col - len(cells)))
            cells[col - 1] = value
    return info, check(values, config, now=BEFORE)


def test_every_planted_persiapan_problem_is_flagged():
    info, result = _demo_persiapan()
    flagged = {code: {i.row for i in result.issues if i.code == code}
               for code in ("duplicate_phone", "bad_phone", "koordinator_overloaded", "saksi_missing")}
    assert set(info.mistakes["duplicate_phone"]) == flagged["duplicate_phone"]
    assert set(info.mistakes["bad_phone"]) == flagged["bad_phone"]
    assert set(info.mistakes["overloaded_koordinator"]) <= flagged["koordinator_overloaded"]
    assert len(flagged["saksi_missing"]) == info.rows - info.reported
    assert {result.rows.at[r, "status"] for r in flagged["saksi_missing"]} == {BELUM_ADA_SAKSI}


def test_the_demo_has_one_overloaded_koordinator():
    info, result = _demo_persiapan()
    flagged = {i.row for i in result.issues if i.code == "koordinator_overloaded"}
    assert flagged == set(info.mistakes["overloaded_koordinator"])


def test_a_number_pasted_on_many_rows_keeps_messages_short():
    config = preset(max_tps=None)
    rows = [tps("Kapuk", n, saksi=f"S{n}", hp_saksi="0812 3456 7890") for n in range(1, 301)]
    result = check(sheet(config, rows), config, now=BEFORE)
    hits = [i for i in result.issues if i.code == "duplicate_phone"]
    assert len(hits) == 300
    first = hits[0]
    assert first.params["other_rows"] == "3, 4, 5, 6, 7, +294"
    assert first.params["other_tps"] == "TPS 2 Kapuk, TPS 3 Kapuk, TPS 4 Kapuk, TPS 5 Kapuk, TPS 6 Kapuk, +294"
    assert max(len(m) for m in result.rows["message"]) < 200
