"""Region rules and spellings: case/space-insensitive names, aliases, kelurahan within kecamatan."""

import pytest

from core_sheet import codes, issue, results, row, run
from sheetsync.core.regions import parse_tps_ref


@pytest.mark.parametrize("typed, official", [
    ("Tamansari", "Taman Sari"), ("taman  sari", "Taman Sari"), ("Palmerah", "Pal Merah"),
    ("PAL MERAH", "Pal Merah"), ("Kali Deres", "Kalideres"), ("kalideres ", "Kalideres"),
    ("Grogol", "Grogol Petamburan"), (" grogol petamburan", "Grogol Petamburan"), ("Kec. Cengkareng", "Cengkareng"),
    ("31.73.01", "Cengkareng"),
])
def test_kecamatan_spellings(typed, official):
    kelurahan = {"Taman Sari": "Glodok", "Pal Merah": "Slipi", "Kalideres": "Semanan",
                 "Grogol Petamburan": "Tomang", "Cengkareng": "Kapuk"}[official]
    result = run(row(typed, kelurahan, 1))
    assert codes(result) == []
    assert result.rows.at[2, "kecamatan"] == official


def test_palmerah_kelurahan_resolved_within_its_kecamatan():
    result = run(row("Palmerah", "Palmerah", 1), row("Pal Merah", "pal merah", 2))
    assert codes(result) == []
    assert result.rows["kode_kelurahan"].tolist() == ["31.73.07.1001"] * 2
    assert result.rows["tps_key"].tolist() == ["31.73.07.1001/001", "31.73.07.1001/002"]


def test_kelurahan_spellings_and_typed_text_kept():
    result = run(row("Tambora", "Kali Anyer", 1), row("Grogol", "Tj. Duren Utara", 1))
    assert codes(result) == []
    assert result.rows["kelurahan"].tolist() == ["Kali Anyar", "Tanjung Duren Utara"]


def test_unknown_kecamatan():
    result = run(row("Cengkarang", "Kapuk", 1))
    assert issue(result, "unknown_kecamatan", 2).message("id") == \
        "Kecamatan baris 2: kecamatan 'Cengkarang' tidak dikenal"
    assert result.status_of(2)[0] == "SALAH"


def test_unknown_kelurahan():
    result = run(row("Cengkareng", "Kapukk", 1))
    assert codes(result) == ["unknown_kelurahan"]
    assert result.rows.at[2, "tps_key"] is None


def test_kelurahan_not_in_kecamatan_names_where_it_is():
    result = run(row("Cengkareng", "Slipi", 1, **results()))
    found = issue(result, "kelurahan_not_in_kecamatan", 2)
    assert found.message("id") == "Kelurahan baris 2: kelurahan 'Slipi' bukan di kecamatan Cengkareng (ada di Pal Merah)"
    assert found.message("en").endswith("is not in kecamatan Cengkareng (it is in Pal Merah)")


def test_unknown_kecamatan_with_a_known_kelurahan_still_gets_a_tps_key():
    # the kecamatan is wrong, but the kelurahan name is unique: duplicates and history still work
    result = run(row("Cengkarang", "Kapuk", 7))
    assert codes(result) == ["unknown_kecamatan"]
    assert result.rows.at[2, "tps_key"] == "31.73.01.1005/007"


@pytest.mark.parametrize("text", ["Kapuk 12", "kapuk tps 012", "31.73.01.1005/12", "KAPUK TPS 12",
                                  "Cengkareng/Kapuk/12", "Kapuk, Cengkareng 12", "31.73.01.1005/012"])
def test_parse_tps_ref(text):
    from core_sheet import preset
    assert parse_tps_ref(text, preset().regions) == "31.73.01.1005/012"


def test_parse_tps_ref_rejects():
    from core_sheet import preset
    regions = preset().regions
    assert parse_tps_ref("Atlantis 3", regions) is None
    assert parse_tps_ref("Kapuk", regions) is None
    assert parse_tps_ref("99.99.99.9999/1", regions) is None
    assert parse_tps_ref("", regions) is None
    assert parse_tps_ref("Palmerah 901", regions) == "31.73.07.1001/901"
