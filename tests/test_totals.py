"""Totals per TPS/kelurahan/kecamatan/kota/koordinator and the reconciliation with the targets."""

import random

import pandas as pd

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core_sheet import header, preset, results, row, run
from sheetsync.core.check import check
from sheetsync.core.presets import planned_tps
from sheetsync.core.totals import per_koordinator, row_masks

ARTICLE = {  # the article's table: kecamatan as the article spells it -> (TPS, target)
    "Cengkareng": (525, 105000), "Grogol Petamburan": (340, 68000), "Kalideres": (380, 76000),
    "Kebon Jeruk": (455, 91000), "Kembangan": (170, 34000), "Palmerah": (278, 55600),
    "Tamansari": (187, 37400), "Tambora": (313, 62600),
}
SPELLINGS = {
    "Taman Sari": ["Tamansari", "TAMAN SARI", " taman  sari "], "Pal Merah": ["Palmerah", "pal merah", "PALMERAH"],
    "Kalideres": ["Kali Deres", "kalideres", "KALIDERES "], "Grogol Petamburan": ["Grogol", "grogol  petamburan"],
}


def kec_row(result, name):
    table = result.totals.per_kecamatan
    return table[table["kecamatan"] == name].iloc[0]


def test_error_rows_left_out_of_votes_and_counted():
    result = run(row(tps=1, **results(p3=150)), row(tps=2, **results(p3=100, suara_sah=1)),
                 row(tps=3, **results(p3=70, target=500)))  # tps 3: warning only (target > DPT)
    cengkareng = kec_row(result, "Cengkareng")
    assert cengkareng["paslon_3"] == 220 and cengkareng["votes_supported"] == 220
    assert (cengkareng["tps_entered"], cengkareng["tps_reported"], cengkareng["tps_error"]) == (3, 2, 1)
    assert cengkareng["tps_periksa"] == 1
    assert result.totals.kota["paslon_3"] == 220 and result.totals.kota["tps_error"] == 1


def test_partly_filled_rows_are_not_reported_and_not_summed():
    result = run(row(tps=1, **results()), row(tps=2, dpt=300, paslon_3=90))
    assert result.totals.kota["tps_reported"] == 1 and result.totals.kota["paslon_3"] == 150
    assert result.totals.kota["tps_belum"] == 1


def test_target_blank_is_kecamatan_target_over_planned_tps():
    result = run(row(tps=1, **results()), row(tps=2, target=300, **results()))
    assert result.rows["target_effective"].tolist() == [200.0, 300.0]   # 105,000 / 525 = 200
    assert result.totals.per_tps["target"].tolist() == [200.0, 300.0]
    kapuk = result.totals.per_kelurahan.set_index("kelurahan").loc["Kapuk"]
    assert kapuk["target"] == 500 and kapuk["votes_supported"] == 300 and kapuk["pct_target"] == 60.0
    cengkareng = kec_row(result, "Cengkareng")
    assert cengkareng["target"] == 105000 and cengkareng["pct_target"] == round(300 * 100 / 105000, 1)


def test_per_tps_turnout():
    result = run(row(**results(dpt=400)))          # 305 voters of 400
    assert result.totals.per_tps.iloc[0]["turnout_pct"] == 76.2
    assert result.totals.per_tps.iloc[0]["tps_key"] == "31.73.01.1005/001"


def test_percent_reported_against_planned():
    result = run(*[row(tps=i, **results()) for i in range(1, 22)])   # 21 of Cengkareng's 525
    assert kec_row(result, "Cengkareng")["pct_reported"] == 4.0
    assert result.totals.kota["tps_planned"] == 2648


def all_planned_rows(rng: random.Random, blank_targets: bool = True) -> list[list]:
    config = preset()
    values = []
    for rec in planned_tps(config).itertuples():
        kec = rng.choice([rec.kecamatan, *SPELLINGS.get(rec.kecamatan, [])])
        kel = rng.choice([rec.kelurahan, rec.kelurahan.upper(), f" {rec.kelurahan.lower()} "])
        tps = rng.choice([str(rec.tps), f"{rec.tps:03d}", f"TPS {rec.tps}"])
        values.append(row(kec, kel, tps))
    rng.shuffle(values)
    return values


def test_article_table_reproduced_with_any_spelling():
    rows = all_planned_rows(random.Random(7))
    result = run(*rows)
    assert result.valid and len(result.rows) == 2648
    config = preset()
    table = result.totals.per_kecamatan
    for name, (tps, target) in ARTICLE.items():
        code = config.regions.find_kecamatan(name)
        line = table[table["kode_kecamatan"] == code].iloc[0]
        assert (line["tps_planned"], line["tps_entered"], line["target"], line["target_tps"]) == \
            (tps, tps, target, target), name
    assert (result.totals.kota["tps_entered"], result.totals.kota["target"]) == (2648, 529600)
    assert result.reconciliation["ok"].all() and len(result.reconciliation) == 8


def test_reconciliation_missing_extra_and_target_sum():
    rng = random.Random(3)
    rows = all_planned_rows(rng)
    kembangan = [r for r in rows if r[0].strip().lower() == "kembangan"]
    rows = [r for r in rows if r not in kembangan[:5]]            # 5 TPS of Kembangan missing
    rows.append(row("Tambora", "Angke", 901))                        # one TPS extra in Tambora
    rows[[i for i, r in enumerate(rows) if r[0] == "Cengkareng"][0]][7] = 260   # one explicit target
    rec = run(*rows).reconciliation.set_index("kecamatan")
    assert (rec.at["Kembangan", "tps_missing"], rec.at["Kembangan", "tps_extra"]) == (5, 0)
    assert rec.at["Kembangan", "target_sum"] == 34000 - 5 * 200 and rec.at["Kembangan", "target_diff"] == -1000
    assert (rec.at["Tambora", "tps_missing"], rec.at["Tambora", "tps_extra"]) == (0, 1)
    assert rec.at["Cengkareng", "target_diff"] == 60 and rec.at["Cengkareng", "target_cells"] == 1
    assert not rec.at["Cengkareng", "ok"] and rec.at["Kebon Jeruk", "ok"]


def test_per_koordinator():
    result = run(row(tps=1, koordinator="Budi Santoso", **results()),
                 row(tps=2, koordinator=" budi  santoso", **results(suara_sah=1)),
                 row("Tambora", "Angke", 3, koordinator="Ani", dpt=300),
                 row(tps=4, **results()))
    table = result.totals.per_koordinator.set_index("koordinator")
    assert list(table.index) == ["Ani", "Budi Santoso"]          # most problems first, ties by name
    assert table.at["Budi Santoso", "tps_entered"] == 2 and table.at["Budi Santoso", "tps_error"] == 1
    assert table.at["Budi Santoso", "problems"] == 1 and table.at["Ani", "tps_belum"] == 1
    assert table.at["Ani", "kecamatan"] == "Tambora"


def test_per_koordinator_shares_the_rules_factorisation_with_the_same_table():
    """check() hands the koordinator rule's factorisation to the totals: the table must be the
    one the totals build from the rows on their own, blank rows, odd cells and spellings included."""
    rows = [row(tps=1, koordinator="Budi Santoso", **results()), row(tps=2, koordinator=" budi  santoso\t"),
            [], row(tps=3, koordinator=7, **results(suara_sah=1)), row(tps=4, koordinator="7", **results()),
            row("Tambora", "Angke", 5, koordinator="ANI", dpt=300), row(tps=6, koordinator="  "),
            row("Tambora", "Angke", 6, koordinator="Ani", **results())]
    result = run(*rows)
    assert "koordinator" in result.totals._factorized            # shared, not hashed again
    shared = result.totals.per_koordinator
    alone = per_koordinator(result.rows, preset(), row_masks(result.rows, preset()))
    assert sorted(shared["koordinator"]) == ["7", "ANI", "Budi Santoso"]  # 7 and "7" are one, as are Ani and ANI
    pd.testing.assert_frame_equal(shared, alone, check_exact=True)


# ---- property: the totals of the valid rows do not depend on order, junk or spelling -------------

KELURAHAN = [("Cengkareng", "Kapuk"), ("Taman Sari", "Glodok"), ("Pal Merah", "Palmerah"),
             ("Kalideres", "Semanan"), ("Grogol Petamburan", "Grogol"), ("Tambora", "Kali Anyar")]


def spell(name: str, choice: int) -> str:
    variants = [name, name.upper(), f"  {name.lower()} ", *SPELLINGS.get(name, [])]
    return variants[choice % len(variants)]


# paslon <= 190 each and tidak sah <= 20: at most 590 voters, within DPT 600, so every
# generated row is a valid, reported TPS (asserted below, so the property cannot hold vacuously)
valid_rows = st.lists(
    st.tuples(st.integers(0, len(KELURAHAN) - 1), st.integers(0, 190), st.integers(0, 190),
              st.integers(1, 190), st.integers(0, 20)),
    min_size=1, max_size=25)
junk_rows = st.lists(st.sampled_from(["blank", "unknown", "badnumber", "partial", "spaces"]), max_size=8)


def vote_totals(result):
    table = result.totals.per_kecamatan.set_index("kecamatan")
    cols = ["paslon_1", "paslon_2", "paslon_3", "suara_sah", "suara_tidak_sah", "tps_reported"]
    return table[cols].to_dict(), {c: result.totals.kota[c] for c in cols}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_rows, junk_rows, st.randoms(use_true_random=False), st.integers(0, 10))
def test_totals_of_valid_rows_unchanged_by_order_junk_and_spelling(valid, junk, rnd, spelling):
    def build(spelled: bool) -> list[list]:
        rows = []
        for i, (k, p1, p2, p3, tidak) in enumerate(valid):
            kec, kel = KELURAHAN[k]
            if spelled:
                kec, kel = spell(kec, spelling + i), spell(kel, spelling * 3 + i)
            tps = f"TPS {i + 1}" if spelled and i % 2 else i + 1
            rows.append(row(kec, kel, tps, **results(p1, p2, p3, tidak, dpt=600, dptb=0)))
        return rows

    baseline = run(*build(False))
    assert baseline.valid and (baseline.rows["status"] == "OK").all()
    assert baseline.totals.kota["tps_reported"] == len(valid)
    assert baseline.totals.kota["paslon_3"] == sum(v[3] for v in valid) > 0
    rows = build(True)
    for j, kind in enumerate(junk):   # junk uses TPS numbers no valid row uses
        kec, kel = KELURAHAN[j % len(KELURAHAN)]
        rows.append({"blank": [], "spaces": ["  ", "", " "],
                     "unknown": row("Atlantis", kel, 500 + j, **results()),
                     "badnumber": row(kec, kel, 500 + j, **results(paslon_2="12a")),
                     "partial": row(kec, kel, 500 + j, dpt=300, paslon_1=5)}[kind])
    rnd.shuffle(rows)
    changed = check([header(), *rows], preset())
    assert vote_totals(changed) == vote_totals(baseline)


def test_duplicate_tps_is_not_an_entered_or_extra_tps():
    rows = all_planned_rows(random.Random(5))
    kapuk = [r for r in rows if r[1].strip().lower() == "kapuk"]
    rows.remove(kapuk[0])                     # one Cengkareng TPS missing ...
    rows.append(list(kapuk[1]))              # ... while another is typed twice
    result = run(*rows)
    rec = result.reconciliation.set_index("kecamatan")
    assert (rec.at["Cengkareng", "tps_entered"], rec.at["Cengkareng", "tps_missing"]) == (524, 1)
    assert (rec.at["Cengkareng", "tps_extra"], rec.at["Cengkareng", "rows_duplicate"]) == (0, 1)
    assert rec.at["Cengkareng", "target_sum"] == 105000 - 200 and not rec.at["Cengkareng", "ok"]
    line = kec_row(result, "Cengkareng")
    assert (line["tps_entered"], line["rows_entered"], line["tps_error"]) == (524, 525, 2)
    assert result.totals.kota["tps_entered"] == 2647 and result.totals.kota["rows_entered"] == 2648
