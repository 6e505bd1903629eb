"""Saksi coverage per kelurahan, kecamatan and kota (sheetsync/core/coverage.py)."""

import random
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from people_data import BEFORE, preset, sheet, tps
from sheetsync.core.check import check
from sheetsync.core.coverage import COVERAGE_COLUMNS, compute_coverage, tps_without_saksi
from sheetsync.core.phones import filled

ROWS = [
    tps("Kapuk", 1, saksi="Zulkifli", bimtek="ya", koordinator="Xaverius"),
    tps("Kapuk", 2, koordinator=" xaverius "),                                  # no saksi
    tps("Kapuk", 3, saksi="Yohana", bimtek="tidak", koordinator="Quirinus"),
    tps("Kapuk", 4, hp_saksi="0812 1111 2222", bimtek="sudah", koordinator="XAVERIUS"),  # phone only: a saksi
    tps("Semanan", 1, kec="Kalideres", saksi="Wiryawan", koordinator="Quirinus"),
    tps("Semanan", 2, kec="Kalideres", saksi="   "),                        # spaces are not a saksi
    tps("Kampung Entah", 1, saksi="Vebriyanti", bimtek="y"),                # unknown kelurahan
]


@pytest.fixture(scope="module")
def cov():
    config = preset()
    return compute_coverage(check(sheet(config, ROWS), config, now=BEFORE).rows, config)


def _kel(cov, name):
    return cov.per_kelurahan.set_index("kelurahan").loc[name]


def test_per_kelurahan(cov):
    kapuk = _kel(cov, "Kapuk")
    assert kapuk[list(COVERAGE_COLUMNS)].tolist() == [4, 3, 75.0, 1, 2, 66.7, 2, 2.0]
    semanan = _kel(cov, "Semanan")
    assert semanan[["tps", "tps_saksi", "pct_saksi", "tps_tanpa_saksi", "saksi_bimtek"]].tolist() == [2, 1, 50.0, 1, 0]
    assert semanan["pct_bimtek"] == 0.0 and semanan["n_koordinator"] == 1 and semanan["tps_per_koordinator"] == 1.0
    empty = _kel(cov, "Kamal")
    assert empty["tps"] == 0 and np.isnan(empty["pct_saksi"]) and np.isnan(empty["tps_per_koordinator"])


def test_per_kecamatan_counts_against_the_planned_tps(cov):
    kec = cov.per_kecamatan.set_index("kecamatan")
    # the unknown kelurahan is still in Cengkareng
    assert kec.loc["Cengkareng", ["tps", "tps_saksi", "tps_tanpa_saksi"]].tolist() == [525, 4, 521]
    assert kec.loc["Cengkareng", "pct_saksi"] == round(4 * 100 / 525, 1)
    # Quirinus has TPS in two kecamatan: he is counted in each
    assert kec.loc["Cengkareng", "n_koordinator"] == 2 and kec.loc["Kalideres", "n_koordinator"] == 1
    assert kec.loc["Kalideres", ["tps", "tps_saksi"]].tolist() == [380, 1]


def test_kota_counts_every_row(cov):
    assert cov.kota["kota"] == "Jakarta Barat"
    assert cov.kota["tps"] == 2648
    assert cov.kota["tps_saksi"] == 5 and cov.kota["tps_tanpa_saksi"] == 2643
    assert cov.kota["saksi_bimtek"] == 3 and cov.kota["pct_bimtek"] == 60.0
    assert cov.kota["n_koordinator"] == 2 and cov.kota["tps_per_koordinator"] == 2.5


def test_no_name_or_phone_in_the_tables(cov):
    cells = {str(v) for t in (cov.per_kelurahan, cov.per_kecamatan) for v in t.to_numpy().ravel()}
    cells |= {str(v) for v in cov.kota.values()}
    for personal in ("Zulkifli", "Xaverius", "xaverius", "XAVERIUS", "Yohana", "Quirinus", "Wiryawan",
                     "Vebriyanti", "0812", "1111 2222"):
        assert not any(personal in c for c in cells)


def test_tps_without_saksi_lists_where_to_recruit():
    config = preset()
    result = check(sheet(config, ROWS), config, now=BEFORE)
    listing = tps_without_saksi(result.rows, config)
    assert listing[["row", "kecamatan", "kelurahan", "tps"]].values.tolist() == [
        [3, "Cengkareng", "Kapuk", 2], [7, "Kalideres", "Semanan", 2]]
    # the same TPS carry the saksi_missing issue, so the Masalah tab lists them
    assert sorted(i.row for i in result.issues if i.code == "saksi_missing") == [3, 7]


def test_no_saksi_column_means_no_coverage():
    config = preset()
    config = replace(config, columns=tuple(c for c in config.columns if c.field not in ("saksi", "hp_saksi")))
    values = sheet(config, [tps("Kapuk", 1)])
    assert compute_coverage(check(values, config, now=BEFORE).rows, config) is None


def test_filled_ignores_every_kind_of_blank():
    assert filled(np.array(["a", None, "", " ", "\u00a0", float("nan"), 0, " b "], dtype=object)).tolist() == [
        True, False, False, False, False, False, True, True]
    assert filled(np.array(["a", "\n", "\u3000", " b "], dtype=object)).tolist() == [True, False, False, True]


def test_full_sheet_matches_a_plain_groupby():
    """2,648 TPS of the preset with random saksi, bimtek and coordinators: the
    vectorised counts equal a straightforward pandas groupby."""
    config = preset()
    wilayah = pd.read_csv("sheetsync/core/presets/jakarta-barat-wilayah.csv")
    rng = random.Random(8)
    rows, truth = [], []
    for n in range(2648):
        w = wilayah.iloc[n % len(wilayah)]
        saksi = rng.random() < 0.85
        bimtek = rng.choice(["ya", "tidak", ""])
        koord = f"Koordinator {rng.randrange(300)}"
        rows.append(tps(w.kelurahan, n // len(wilayah) + 1, kec=w.kecamatan, saksi="S" if saksi else "",
                        bimtek=bimtek, koordinator=rng.choice([koord, koord.upper(), f" {koord} "])))
        truth.append({"kel": w.kelurahan, "saksi": saksi, "bimtek": saksi and bimtek == "ya", "k": koord.lower()})
    result = check(sheet(config, rows), config, now=BEFORE)
    cov = compute_coverage(result.rows, config).per_kelurahan.set_index("kelurahan")
    expected = pd.DataFrame(truth).groupby("kel").agg(
        tps=("saksi", "size"), tps_saksi=("saksi", "sum"), saksi_bimtek=("bimtek", "sum"), n_koordinator=("k", "nunique"))
    got = cov.loc[expected.index, ["tps", "tps_saksi", "saksi_bimtek", "n_koordinator"]]
    assert (got.to_numpy() == expected.to_numpy()).all()
    kec = compute_coverage(result.rows, config).per_kecamatan
    assert kec["tps_saksi"].sum() == sum(t["saksi"] for t in truth)


def test_summary_tabs_carry_the_coverage_columns():
    from sheetsync.core.summaries import summary_tables

    config = preset()
    result = check(sheet(config, ROWS), config, now=BEFORE)
    tabs = summary_tables(result, config)
    kec = tabs[config.summary_tabs.kecamatan]
    header = kec[0]
    at = {h: header.index(h) for h in ("Kecamatan", "TPS Ada Saksi", "% Saksi", "TPS Tanpa Saksi",
                                       "Saksi Ikut Bimtek", "% Bimtek", "Jumlah Koordinator", "TPS per Koordinator")}
    cengkareng = next(r for r in kec[1:] if r[at["Kecamatan"]] == "Cengkareng")
    assert [cengkareng[at[h]] for h in list(at)[1:]] == [4, 0.8, 521, 3, 75, 2, 2]
    total = kec[-1]
    assert total[at["TPS Ada Saksi"]] == 5 and total[at["TPS Tanpa Saksi"]] == 2643
    kel = tabs[config.summary_tabs.kelurahan]
    kapuk = next(r for r in kel[1:] if r[kel[0].index("Kelurahan")] == "Kapuk")
    assert kapuk[kel[0].index("TPS Ada Saksi")] == 3 and kapuk[kel[0].index("% Saksi")] == 75
    masalah = tabs[config.summary_tabs.masalah]
    missing = [r for r in masalah[1:] if r[masalah[0].index("Kode Masalah")] == "saksi_missing"]
    assert [(r[0], r[2], r[3]) for r in missing] == [(3, "Kapuk", 2), (7, "Semanan", 2)]
    text = repr(tabs)
    assert not any(p in text for p in ("Zulkifli", "Yohana", "Wiryawan", "Vebriyanti", "1111 2222"))


def test_summary_tabs_in_english():
    from sheetsync.core.summaries import summary_tables

    config = preset(language="en")
    tabs = summary_tables(check(sheet(config, ROWS), config, now=BEFORE), config)
    header = tabs[config.summary_tabs.kecamatan][0]
    assert {"TPS with saksi", "% with saksi", "TPS without saksi", "Saksi briefed", "Coordinators"} <= set(header)
    masalah = tabs[config.summary_tabs.masalah]
    assert any(r[4] == "NO SAKSI YET" and r[-1] == "Row 3: TPS has no saksi yet" for r in masalah[1:])


def test_rows_without_saksi_and_results_still_count_as_not_filled():
    config = preset()
    result = check(sheet(config, ROWS), config, now=BEFORE)
    kec = result.totals.per_kecamatan.set_index("kecamatan")
    # Cengkareng: 5 rows, none with results; 1 is SALAH (unknown kelurahan), 1 BELUM ADA SAKSI
    assert kec.loc["Cengkareng", "tps_belum"] == 4
    assert result.totals.kota["tps_belum"] == 6


def test_coverage_comes_with_the_same_requests(emu, tmp_path, monkeypatch):
    """A persiapan sync (coverage columns, TPS without saksi in Masalah) makes the
    same API calls as a counting-night sync: one read, one write."""
    from sheetsync.core.config import load_preset, with_overrides
    from sheetsync.demo.seed import fill
    from sheetsync.sync.layout import init_layout
    from sheetsync.sync.run import sync

    monkeypatch.chdir(tmp_path)
    requests, tabs = {}, {}
    for phase in ("hari-h", "persiapan"):
        client = emu.client()
        config = with_overrides(load_preset("pilkada-jakbar-2024"), spreadsheet=client.create(phase).id,
                                api_url=emu.url)
        init_layout(config, with_tps=True, client=client)
        fill(config, phase=phase, seed=3, client=client)
        report = sync(config, client=client, lock_dir=str(tmp_path / "locks"))
        requests[phase] = report.requests
        book = client.open_by_key(config.spreadsheet)
        tabs[phase] = {t: book.worksheet(t).get_all_values() for t in config.summary_tabs.titles()}
    assert requests["persiapan"] == requests["hari-h"] <= 3
    kec = tabs["persiapan"]["Rekap Kecamatan"]
    header = next(r for r in kec if "TPS Ada Saksi" in r)
    total = next(r for r in kec if r and r[1].startswith("TOTAL"))
    assert 0.8 < int(total[header.index("TPS Ada Saksi")]) / 2648 < 0.9        # ~85% covered
    masalah = tabs["persiapan"]["Masalah"]
    assert sum(r.count("saksi_missing") for r in masalah) == 2648 - int(total[header.index("TPS Ada Saksi")])
