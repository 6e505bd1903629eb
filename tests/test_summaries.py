"""summary_tables(): tabs, numbers as numbers, text as typed (written RAW), no personal data."""

import json
from dataclasses import replace

from core_sheet import preset, results, row, run
from sheetsync.core.summaries import summary_tables

PHONE, SAKSI, KOORD = "081234567890", "Siti Aminah", "Budi Santoso"


def sample(config=None):
    config = config or preset()
    rows = [row(tps=1, config=config, koordinator=KOORD, saksi=SAKSI, hp_saksi=PHONE, bimtek="ya", **results()),
            row(tps=2, config=config, koordinator="=HYPERLINK(\"x\")", saksi="@siti", hp_saksi="0812-x",
                **results(suara_sah=1)),
            row("Atlantis", "Kapuk", 3, config=config, dpt="=1+1"),
            row("Tambora", "Angke", 1, config=config, dpt=300, paslon_1=5)]
    return run(*rows, config=config), config


def cells(tables):
    return [c for values in tables.values() for r in values for c in r]


def test_tabs_and_headers():
    result, config = sample()
    tables = summary_tables(result, config)
    assert list(tables) == ["Rekap Kecamatan", "Rekap Kelurahan", "Masalah", "Rekap Koordinator"]
    kec = tables["Rekap Kecamatan"]
    assert kec[0][:4] == ["Kode", "Kecamatan", "TPS Rencana", "TPS Masuk"]
    assert "Suara Paslon 3 (lengkap)" in kec[0] and "Target Suara" in kec[0]
    assert len(kec) == 1 + 8 + 1 and kec[-1][1] == "TOTAL Jakarta Barat"
    assert len(tables["Rekap Kelurahan"]) == 1 + 56
    assert tables["Masalah"][0] == ["Baris", "Kecamatan", "Kelurahan", "No TPS", "Status", "Tingkat",
                                    "Kode Masalah", "Keterangan"]


def test_numbers_are_numbers():
    result, config = sample()
    kec = summary_tables(result, config)["Rekap Kecamatan"]
    head = kec[0]
    cengkareng = dict(zip(head, kec[1]))
    assert cengkareng["TPS Rencana"] == 525 and isinstance(cengkareng["TPS Rencana"], int)
    assert cengkareng["Target Suara"] == 105000 and isinstance(cengkareng["Target Suara"], int)
    assert cengkareng["Paslon 3 (lengkap)"] == 150 and cengkareng["Baris Salah"] == 1
    assert isinstance(cengkareng["% Lapor"], float)
    json.dumps(summary_tables(result, config))   # plain Python values only
    assert not any(type(c).__module__ == "numpy" for c in cells(summary_tables(result, config)))


def test_masalah_lists_every_issue_with_its_place():
    result, config = sample()
    masalah = summary_tables(result, config)["Masalah"]
    assert len(masalah) == 1 + len(result.issues)
    first = masalah[1]
    assert first[:5] == [3, "Cengkareng", "Kapuk", 2, "SALAH"] and first[5] == "salah"


def test_formula_looking_text_is_kept_as_typed_without_an_apostrophe():
    # The sync writes RAW: Sheets stores "=1+1" as text, so a ' would show as a literal apostrophe.
    result, config = sample()
    tables = summary_tables(result, replace(config))
    assert not [c for c in cells(tables) if isinstance(c, str) and c.startswith("'")]


def test_no_personal_data_in_default_tabs():
    result, config = sample()
    tables = summary_tables(result, config)
    named = json.dumps(tables.pop("Rekap Koordinator"), ensure_ascii=False)
    text = json.dumps(tables, ensure_ascii=False)
    for secret in (PHONE, SAKSI, KOORD, "0812-x", "@siti", "HYPERLINK"):
        assert secret not in text
    # the coordinator tab names coordinators on purpose, and nothing else personal
    assert KOORD in named
    for secret in (PHONE, SAKSI, "0812-x", "@siti"):
        assert secret not in named


def test_koordinator_tab_when_configured():
    config = preset()
    config = replace(config, summary_tabs=replace(config.summary_tabs, koordinator="Rekap Koordinator"))
    result, config = sample(config)
    table = summary_tables(result, config)["Rekap Koordinator"]
    assert table[0][0] == "Koordinator"
    names = [r[0] for r in table[1:]]
    assert KOORD in names and '=HYPERLINK("x")' in names   # named on purpose; RAW keeps it text


def test_english_headers():
    result, config = sample(replace(preset(), language="en"))
    tables = summary_tables(result, config)
    assert tables["Rekap Kecamatan"][0][2:4] == ["TPS planned", "TPS entered"]
    assert tables["Masalah"][1][5] == "error" and tables["Masalah"][1][4] == "ERROR"


def test_empty_sheet_still_has_headers():
    result = run()
    tables = summary_tables(result, preset())
    assert tables["Masalah"] == [tables["Masalah"][0]]
    assert len(tables["Rekap Kecamatan"]) == 10
