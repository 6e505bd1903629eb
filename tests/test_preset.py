"""The shipped Jakarta Barat 2024 preset and its planned TPS rows."""

import csv
import hashlib
from pathlib import Path

from sheetsync.core.config import load_preset
from sheetsync.core.presets import planned_tps, template_values

KEPT = Path(__file__).resolve().parent / "reference"
PUBLISHED_SHA256 = {
    "jakarta-barat-wilayah.csv": "93ac8a78c4b47d5cf16ec9506b7d97b617e05932a1cb3c7fd1d6009f27ba8380",
    "jakarta-barat-targets-2024.csv": "223cbe87e7cb41b36f45f93a518433e799db2c855862d023b660f0be5109429d",
}
PRESET = "pilkada-jakbar-2024"


def test_preset_master_data_is_the_reference():
    config = load_preset(PRESET)
    assert len(config.regions.kecamatan) == 8 and len(config.regions.kelurahan) == 56
    assert config.regions.kelurahan_of("31.73.01.1005").name == "Kapuk"
    total_tps = sum(t.planned_tps for t in config.targets.by_kecamatan)
    total_target = sum(t.target for t in config.targets.by_kecamatan)
    assert (total_tps, total_target) == (2648, 529600)
    # the article spells Tamansari and Palmerah; they resolve to the official kecamatan
    names = {config.regions.kecamatan_name(t.kecamatan_code): t.planned_tps for t in config.targets.by_kecamatan}
    assert names["Taman Sari"] == 187 and names["Pal Merah"] == 278


def test_preset_columns_and_tabs():
    config = load_preset(PRESET)
    headers = [c.header for c in config.columns]
    assert headers == ["Kecamatan", "Kelurahan", "No TPS", "Alamat", "DPT", "DPPh", "DPTb", "Target Suara",
                       "Paslon 1", "Paslon 2", "Paslon 3", "Suara Sah", "Suara Tidak Sah",
                       "Pengguna Hak Pilih", "Koordinator", "Nama Saksi", "HP/WA Saksi", "Bimtek"]
    assert config.personal_fields == {"koordinator", "saksi", "hp_saksi"}
    assert config.column("hp_saksi").type == "phone" and config.column("bimtek").type == "yesno"
    assert (config.status_header, config.message_header) == ("Status", "Keterangan")
    assert config.summary_tabs.titles() == ("Rekap Kecamatan", "Rekap Kelurahan", "Masalah", "Rekap Koordinator")
    assert config.last_synced_cell == "'Rekap Kecamatan'!A1"
    assert config.rules.supported_paslon == "paslon_3" and config.rules.coordinator_field == "koordinator"


def test_preset_csvs_are_copies_of_the_reference():
    # tests/reference holds the reference files as published, so this holds on any clone
    ours = Path(__file__).resolve().parents[1] / "sheetsync" / "core" / "presets"
    for name in PUBLISHED_SHA256:
        assert (ours / name).read_text() == (KEPT / name).read_text()


def test_kept_reference_is_the_published_one():
    # sha256 of the files as published in the team's shared reference folder: a kept copy
    # edited by hand (or re-saved by a spreadsheet program) no longer matches
    for name, digest in PUBLISHED_SHA256.items():
        assert hashlib.sha256((KEPT / name).read_bytes()).hexdigest() == digest, name


def test_kept_reference_holds_the_published_figures():
    # the article's table: 8 kecamatan, 2,648 TPS, 529,600 votes, 200 votes per TPS everywhere
    with (KEPT / "jakarta-barat-targets-2024.csv").open(newline="") as fh:
        targets = list(csv.DictReader(fh))
    assert len(targets) == 8
    assert sum(int(t["jumlah_tps"]) for t in targets) == 2648
    assert sum(int(t["target_suara"]) for t in targets) == 529600
    assert {int(t["target_suara"]) // int(t["jumlah_tps"]) for t in targets} == {200}
    # Kepmendagri: 8 kecamatan and 56 kelurahan of 31.73, each kelurahan under its kecamatan's code
    with (KEPT / "jakarta-barat-wilayah.csv").open(newline="") as fh:
        wilayah = list(csv.DictReader(fh))
    assert len(wilayah) == 56 and len({w["kode_kecamatan"] for w in wilayah}) == 8
    assert all(w["kode_kelurahan"].startswith(w["kode_kecamatan"] + ".") for w in wilayah)
    assert {w["kode_kecamatan"][:5] for w in wilayah} == {"31.73"}


def test_planned_tps_distribution_is_deterministic_and_complete():
    config = load_preset(PRESET)
    plan = planned_tps(config)
    assert len(plan) == 2648
    per_kec = plan.groupby("kecamatan").size().to_dict()
    assert per_kec["Cengkareng"] == 525 and per_kec["Tambora"] == 313
    # no TPS twice, numbers 1..n per kelurahan, every kelurahan used, counts differ by at most 1
    assert not plan.duplicated(["kode_kelurahan", "tps"]).any()
    sizes = plan.groupby(["kode_kecamatan", "kode_kelurahan"]).size()
    assert sizes.groupby(level=0).agg(lambda s: s.max() - s.min()).max() <= 1
    assert plan["kode_kelurahan"].nunique() == 56
    assert plan.equals(planned_tps(config))


def test_template_values_has_header_and_rows():
    config = load_preset(PRESET)
    values = template_values(config)
    assert values[0][-2:] == ["Status", "Keterangan"] and len(values) == 2649
    assert values[1][:3] == ["Cengkareng", "Cengkareng Barat", 1]
    assert template_values(config, with_tps=False) == [values[0]]
