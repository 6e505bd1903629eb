"""C.Hasil photo links: the column type, the link's shape, "Foto C.Hasil belum ada", and
"TPS dengan foto" in the totals and summaries."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from core_sheet import codes, issue, preset, results, row, run
from test_config import MINIMAL
from test_config import write as write_config

from sheetsync.core.config import Column, Config, ConfigError, load_config
from sheetsync.core.rules.photo import photo_links
from sheetsync.core.summaries import kecamatan_table, kelurahan_table, masalah_table

DRIVE = "https://drive.google.com/file/d/1AbCdEfGhIjKlMnOpQrStUvWxYz/view?usp=sharing"
PHOTOS = "https://photos.app.goo.gl/Xy12AbCdEf"


def is_photo_link(cell: object, hosts: tuple[str, ...]) -> bool:
    return bool(photo_links(np.array([cell], dtype=object), hosts)[0])


def with_photo(required: bool = True, hosts: tuple[str, ...] = (), language: str = "id") -> Config:
    base = preset()
    columns = (*base.columns, Column("foto", "Foto C.Hasil", "photo", aliases=("Link Foto",)))
    rules = replace(base.rules, photo_required=required, photo_hosts=hosts)
    return replace(base, columns=columns, rules=rules, language=language)


@pytest.mark.parametrize("link", [
    DRIVE, PHOTOS, "https://drive.google.com/open?id=1AbC", "https://photos.google.com/share/AF1Qip",
    "https://docs.google.com/uc?id=1AbC", "  https://DRIVE.google.com/file/d/x/view  "])
def test_google_links_are_photo_links(link):
    assert is_photo_link(link, ("drive.google.com", "docs.google.com", "photos.google.com", "photos.app.goo.gl"))


@pytest.mark.parametrize("link", [
    "http://drive.google.com/file/d/x", "https://drive.google.com/", "https://drive.google.com",
    "drive.google.com/file/d/x", "https://evil.example/file", "https://drive.google.com.evil.example/x",
    "https://user@drive.google.com/file/d/x", "https://drive.google.com/file/d/x y", "foto di WA", 12345,
    "https://drive.google.com:99999/x", "https://drive.google.com:443/x", None, 12.5,
    "https://drive.google.com/?#", "https://drive.google.com\u00a0/file/d/x", "https://drive.google.com/" + "a" * 3000, "=HYPERLINK(\"x\")"])
def test_not_photo_links(link):
    assert not is_photo_link(link, ("drive.google.com",))


def test_allowed_host_and_its_subdomains():
    hosts = ("drive.google.com", "foto.kawaltps.id")
    assert is_photo_link("https://foto.kawaltps.id/c1/31730110051", hosts)
    assert is_photo_link("https://cdn.foto.kawaltps.id/c1.jpg", hosts)
    assert not is_photo_link("https://kawaltps.id/c1.jpg", hosts)


def test_counts_without_photo_are_periksa_and_still_counted():
    config = with_photo()
    result = run(row(**results(), foto="", config=config), row(tps=2, **results(), foto=DRIVE, config=config),
                 config=config)
    found = issue(result, "photo_missing", 2)
    assert found.severity == "warning" and found.message("id") == "Baris 2: foto C.Hasil belum ada"
    assert found.message("en") == "Row 2: no C.Hasil photo yet"
    assert result.status_of(2) == ("PERIKSA", "Foto C.Hasil belum ada")
    assert result.status_of(3) == ("OK", "")
    assert result.totals.kota["tps_reported"] == 2 and result.totals.kota["paslon_1"] == 200


def test_photo_not_required_when_the_config_says_so():
    config = with_photo(required=False)
    result = run(row(**results(), config=config), config=config)
    assert codes(result) == [] and result.status_of(2)[0] == "OK"


def test_row_without_results_is_not_asked_for_a_photo():
    config = with_photo()
    result = run(row(dpt=300, config=config), config=config)
    assert "photo_missing" not in codes(result) and result.status_of(2)[0] == "BELUM DIISI"


def test_malformed_link_is_named_and_stays_text():
    config = with_photo()
    bad = "=HYPERLINK(\"https://evil.example\",\"foto\")"
    result = run(row(**results(), foto="drive.google.com/file/d/1", config=config),
                 row(tps=2, **results(), foto=bad, config=config), config=config)
    found = issue(result, "photo_link_invalid", 2)
    assert found.message("id").startswith("Foto C.Hasil baris 2: 'drive.google.com/file/d/1' bukan tautan foto")
    assert "drive.google.com, docs.google.com, photos.google.com, photos.app.goo.gl" in found.message("en")
    assert "photo_missing" not in codes(result)      # one message: the link is there, but wrong
    assert result.status_of(2)[0] == "PERIKSA" and result.totals.kota["tps_reported"] == 2
    # Masalah text starts with the column header: a pasted formula is quoted inside, never a formula
    texts = [line[-1] for line in masalah_table(result, config)[1:]]
    assert all(not t.startswith(("=", "+", "-", "@")) for t in texts) and any(bad in t for t in texts)


def test_host_from_config_is_accepted():
    config = with_photo(hosts=("foto.kawaltps.id",))
    result = run(row(**results(), foto="https://foto.kawaltps.id/c1/1.jpg", config=config), config=config)
    assert codes(result) == []


def test_tps_with_photo_per_kelurahan_kecamatan_and_kota():
    config = with_photo()
    result = run(row(**results(), foto=DRIVE, config=config),
                 row(tps=2, **results(), foto="bukan tautan", config=config),
                 row(tps=3, **results(), config=config),
                 row("Kebon Jeruk", "Sukabumi Utara", 1, dpt=300, foto=PHOTOS, config=config),
                 row(tps=1, **results(), foto=DRIVE, config=config),   # TPS 1 twice: one TPS
                 config=config)
    assert result.totals.kota["tps_photo"] == 2
    kec = kecamatan_table(result, config)
    column = kec[0].index("TPS dengan foto")
    by_name = {r[1]: r[column] for r in kec[1:]}
    assert by_name["Cengkareng"] == 1 and by_name["Kebon Jeruk"] == 1 and kec[-1][column] == 2
    kel = kelurahan_table(result, config)
    column = kel[0].index("TPS dengan foto")
    assert {r[2]: r[column] for r in kel[1:]}["Kapuk"] == 1
    assert "TPS with photo" in kecamatan_table(result, with_photo(language="en"))[0]


def test_no_photo_column_no_photo_figures():
    result = run(row(**results()))
    assert "tps_photo" not in result.totals.kota
    assert "TPS dengan foto" not in kecamatan_table(result, preset())[0]


def write(tmp_path, extra: str):
    """test_config's minimal config with a photo column and ``extra`` under [rules]."""
    return write_config(tmp_path, MINIMAL + f"[rules]\n{extra}\n" + PHOTO_COLUMN)


PHOTO_COLUMN = '[[columns]]\nfield = "foto"\nheader = "Foto C.Hasil"\ntype = "photo"\n'


def test_config_photo_settings(tmp_path):
    config = load_config(write(tmp_path, 'photo_required = false\nphoto_hosts = ["Foto.KawalTPS.id"]'))
    assert config.column("foto").type == "photo"
    assert config.rules.photo_required is False and config.rules.photo_hosts == ("foto.kawaltps.id",)
    defaults = load_config(write(tmp_path, ""))
    assert defaults.rules.photo_required is True and defaults.rules.photo_hosts == ()


def test_config_photo_host_with_scheme_is_refused(tmp_path):
    with pytest.raises(ConfigError) as e:
        load_config(write(tmp_path, 'photo_hosts = ["https://foto.kawaltps.id"]'))
    assert str(e.value).endswith("rules.photo_hosts: 'https://foto.kawaltps.id' is not a host name "
                                 "(like foto.example.org, without https://)")


def test_the_link_pattern_is_linear_and_sees_a_bounded_text():
    from test_security_regex import problems

    from sheetsync.core.rules import photo
    assert problems(photo._LINK) == []
    long = "https://drive.google.com/" + "a" * photo.MAX_LINK
    assert not is_photo_link(long, ("drive.google.com",))


def test_config_one_photo_column_only(tmp_path):
    path = write(tmp_path, "")
    path.write_text(path.read_text(encoding="utf-8") + '[[columns]]\nfield = "foto_2"\nheader = "Foto 2"\n'
                    'type = "photo"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert str(e.value).endswith("columns: has more than one column of type 'photo'")
