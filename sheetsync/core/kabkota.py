"""A config for any kabupaten/kota of Indonesia, by its Kemendagri code ("31.72").

The regions come from the national list shipped in presets/ (Kepmendagri
300.2.2-2138/2025: 514 kab/kota, 7,285 kecamatan, 83,762 desa/kelurahan, xz-compressed);
everything else (columns, rules, tabs) from the Jakarta Barat preset, which is the
layout Warga Kawal TPS sheets share.  No targets and no planned TPS: % reported is
then measured against the TPS rows entered, and the summaries say so.  The Jakarta
Barat preset itself is unchanged: ``--preset pilkada-jakbar-2024`` still carries the
article's targets.
"""

from __future__ import annotations

import csv
import io
import lzma
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from sheetsync.core.config import PRESET_DIR, Config, ConfigError, Targets, load_preset
from sheetsync.core.regions import RegionError, build_regions
from sheetsync.errors import AS_SAID, Phrase, register

NATIONAL_LIST = PRESET_DIR / "wilayah-indonesia-2025.csv.xz"
TEMPLATE_PRESET = "pilkada-jakbar-2024"
_KABKOTA = re.compile(r"^\d{2}\.\d{2}$")
_PROVINSI = re.compile(r"^\d{2}$")

register({
    "region_not_provinsi": {"en": "{code} is not a provinsi code (two digits, e.g. 31)",
                            "id": "{code} bukan kode provinsi (dua angka, misalnya 31)"},
    "region_not_kabkota": {"en": "{code} is not a kab/kota code: use the Kemendagri code, e.g. 31.72",
                           "id": "{code} bukan kode kab/kota: pakai kode Kemendagri, misalnya 31.72"},
    "region_no_kabkota": {"en": "no kab/kota {code} in the Kemendagri list (DKI Jakarta: 31.01, 31.71-31.75)",
                          "id": "tidak ada kab/kota {code} di daftar Kemendagri (DKI Jakarta: 31.01, 31.71-31.75)"},
    "region_no_provinsi": {"en": "no provinsi {code} in the Kemendagri list (DKI Jakarta: 31)",
                           "id": "tidak ada provinsi {code} di daftar Kemendagri (DKI Jakarta: 31)"},
})


@dataclass(frozen=True)
class Wilayah:
    """One kab/kota of the national list: its code, official name and its kecamatan/kelurahan rows."""
    code: str                                   # "31.72"
    name: str                                   # "Kota Administrasi Jakarta Utara" (stray spaces gone)
    rows: tuple[dict[str, str], ...]            # kode_kecamatan, kecamatan, kode_kelurahan, kelurahan


@dataclass(frozen=True)
class _National:
    names: dict[str, str]                                   # provinsi and kab/kota code -> name
    below: dict[str, tuple[tuple[str, str], ...]]           # kab/kota code -> its (code, name) rows


@lru_cache(maxsize=1)
def _national() -> _National:
    """The national list, read once per process (about 0.3 s) and filed by kab/kota. Names are
    stripped: the published list has stray spaces ("Kota Administrasi Jakarta Utara ")."""
    text = lzma.decompress(NATIONAL_LIST.read_bytes()).decode("utf-8")
    reader = csv.reader(io.StringIO(text))
    next(reader)
    names: dict[str, str] = {}
    below: dict[str, list[tuple[str, str]]] = {}
    for code, name in reader:
        code, name = code.strip(), " ".join(name.split())
        if len(code) <= 5:
            names[code] = name
        else:
            below.setdefault(code[:5], []).append((code, name))
    return _National(names, {k: tuple(v) for k, v in below.items()})


def kabkota_in(provinsi: str) -> list[tuple[str, str]]:
    """(code, name) of every kab/kota of a provinsi ("31" -> the six of DKI Jakarta)."""
    if not _PROVINSI.match(provinsi.strip()):
        raise ConfigError("region", "region_not_provinsi", code=repr(provinsi))
    prefix = provinsi.strip() + "."
    found = [(c, n) for c, n in _national().names.items() if c.startswith(prefix) and _KABKOTA.match(c)]
    if not found:
        raise ConfigError("region", "region_no_provinsi", code=provinsi.strip())
    return found


def wilayah(code: str) -> Wilayah:
    """The kab/kota with this Kemendagri code; ConfigError (one line) when there is none."""
    code = code.strip()
    if not _KABKOTA.match(code):
        raise ConfigError("region", "region_not_kabkota", code=repr(code))
    national = _national()
    if code not in national.names:
        raise ConfigError("region", "region_no_kabkota", code=code)
    kecamatan = {c: n for c, n in national.below.get(code, ()) if c.count(".") == 2}
    rows = tuple({"kode_kecamatan": c[:8], "kecamatan": kecamatan.get(c[:8], ""), "kode_kelurahan": c, "kelurahan": n}
                 for c, n in national.below.get(code, ()) if c.count(".") == 3)
    return Wilayah(code, national.names[code], rows)


def region_config(code: str) -> Config:
    """The Warga Kawal TPS layout for kab/kota ``code``, without targets."""
    area = wilayah(code)
    template = load_preset(TEMPLATE_PRESET)
    try:
        regions = build_regions(area.name, list(area.rows), [])
    except RegionError as exc:
        raise ConfigError(f"region:{code}", AS_SAID, reason=Phrase.of(exc)) from None
    return replace(template, source=f"region:{code}", name=f"kawal-tps-{code}", spreadsheet="",
                   regions=regions, targets=Targets())
