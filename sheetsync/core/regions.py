"""Region master list (kecamatan, kelurahan, Kemendagri codes) and name matching.

Volunteers type region names in any case, with stray spaces, dots and old or
informal spellings.  Matching works on a *key*: lower case, with everything that
is not a letter or digit removed, so "Taman Sari", "tamansari" and " TAMAN  sari"
share one key.  Aliases from the master data cover what the key cannot
("Grogol" is the kecamatan Grogol Petamburan).  Kelurahan are resolved within
their kecamatan, because one name can be both ("Palmerah" is a kelurahan of the
kecamatan Pal Merah, and also how the article spells that kecamatan).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import numpy as np
import pandas as pd

from sheetsync.core.cells import MATCH_LIMIT
from sheetsync.errors import EXIT_USAGE, SheetsyncError, register

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
# "Kec. Cengkareng", "Kecamatan Cengkareng", "Kel Kapuk", "Kelurahan Kapuk", "Desa X".
_PREFIX = re.compile(r"^\s*(kecamatan|kec\.|kec\s|kelurahan|kel\.|kel\s|desa\s)\s*", re.I)
_DROP = str.maketrans("", "", " \t\n\r\u00a0.,'-/()_&")
_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}(\.\d{4})?$")


register({
    "region_columns": {"en": "line {line}: needs kode_kecamatan, kecamatan, kode_kelurahan, kelurahan",
                       "id": "baris {line}: perlu kode_kecamatan, kecamatan, kode_kelurahan, kelurahan"},
    "region_empty_value": {"en": "line {line}: empty value", "id": "baris {line}: ada nilai kosong"},
    "region_no_kelurahan": {"en": "no kelurahan", "id": "tidak ada kelurahan"},
    "region_alias_unknown": {"en": "alias line {line}: unknown {level} {name}",
                             "id": "alias baris {line}: {level} {name} tidak dikenal"},
    "region_alias_level": {"en": "alias line {line}: level must be kecamatan or kelurahan",
                           "id": "alias baris {line}: level harus kecamatan atau kelurahan"},
})


class RegionError(SheetsyncError, ValueError):
    """Master data that cannot be used (raised as ConfigError by config.py)."""

    exit_code = EXIT_USAGE


def name_key(text: object) -> str:
    """Matching key of a region name: case, spaces and punctuation do not count."""
    if type(text) is str:
        s = text.strip()
    elif text is None or (isinstance(text, float) and text != text):
        return ""
    else:
        s = str(text).strip()
    first = s[:1]
    if first.isdigit() and _CODE.match(s):
        return s
    if first in "kKdD" and s[:3].lower() in ("kec", "kel", "des"):
        s = _PREFIX.sub("", s)
    s = s.lower()
    # most spellings differ only by case and spaces: str.replace is far cheaper than translate
    plain = s.replace(" ", "")
    if plain.isascii() and plain.isalnum():
        return plain
    s = s.translate(_DROP)
    return s if s.isascii() and s.isalnum() else _NOT_ALNUM.sub("", s)


@dataclass(frozen=True)
class Kecamatan:
    code: str   # "31.73.01"
    name: str   # official name, "Cengkareng"


@dataclass(frozen=True)
class Kelurahan:
    code: str            # "31.73.01.1005"
    name: str            # "Kapuk"
    kecamatan_code: str  # "31.73.01"


@dataclass(frozen=True)
class Regions:
    kota: str
    kecamatan: tuple[Kecamatan, ...]
    kelurahan: tuple[Kelurahan, ...]
    # key -> kecamatan code; key -> kelurahan codes (a name may exist in two kecamatan)
    kecamatan_index: Mapping[str, str] = field(default_factory=dict)
    kelurahan_index: Mapping[tuple[str, str], str] = field(default_factory=dict)
    kelurahan_by_name: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    kecamatan_by_code: Mapping[str, Kecamatan] = field(default_factory=dict)
    kelurahan_by_code: Mapping[str, Kelurahan] = field(default_factory=dict)

    def kecamatan_name(self, code: str) -> str:
        return self.kecamatan_by_code[code].name

    def kelurahan_of(self, code: str) -> Kelurahan:
        return self.kelurahan_by_code[code]

    def find_kecamatan(self, text: object) -> str | None:
        """Kecamatan code for a typed name or code, or None."""
        return self.kecamatan_index.get(name_key(text))

    def find_kelurahan(self, text: object, kecamatan_code: str | None = None) -> str | None:
        """Kelurahan code for a typed name within a kecamatan (or anywhere if unique)."""
        key = name_key(text)
        if kecamatan_code is not None:
            return self.kelurahan_index.get((kecamatan_code, key))
        codes = self.kelurahan_by_name.get(key, ())
        return codes[0] if len(codes) == 1 else None


def build_regions(kota: str, rows: list[dict[str, str]], aliases: list[dict[str, str]]) -> Regions:
    """Regions from wilayah rows (kode_kecamatan, kecamatan, kode_kelurahan, kelurahan)
    and alias rows (level, alias, official)."""
    kecs: dict[str, Kecamatan] = {}
    kels: list[Kelurahan] = []
    for i, r in enumerate(rows, start=2):
        try:
            kc, kn = r["kode_kecamatan"].strip(), r["kecamatan"].strip()
            lc, ln = r["kode_kelurahan"].strip(), r["kelurahan"].strip()
        except (KeyError, AttributeError):
            raise RegionError("region_columns", line=i) from None
        if not (kc and kn and lc and ln):
            raise RegionError("region_empty_value", line=i)
        kecs.setdefault(kc, Kecamatan(kc, kn))
        kels.append(Kelurahan(lc, ln, kc))
    if not kels:
        raise RegionError("region_no_kelurahan")
    kec_index: dict[str, str] = {}
    for k in kecs.values():
        kec_index[name_key(k.name)] = k.code
        kec_index[k.code] = k.code
    kel_index: dict[tuple[str, str], str] = {}
    by_name: dict[str, list[str]] = {}
    for kel in kels:
        kel_index[(kel.kecamatan_code, name_key(kel.name))] = kel.code
        kel_index[(kel.kecamatan_code, kel.code)] = kel.code
        by_name.setdefault(name_key(kel.name), []).append(kel.code)
        by_name.setdefault(kel.code, []).append(kel.code)
    kel_by_code = {k.code: k for k in kels}
    for i, a in enumerate(aliases, start=2):
        level = (a.get("level") or "").strip()
        alias, official = a.get("alias") or "", a.get("official") or ""
        if level == "kecamatan":
            code = kec_index.get(name_key(official))
            if code is None:
                raise RegionError("region_alias_unknown", line=i, level=level, name=repr(official))
            kec_index.setdefault(name_key(alias), code)
        elif level == "kelurahan":
            codes = by_name.get(name_key(official), [])
            if not codes:
                raise RegionError("region_alias_unknown", line=i, level=level, name=repr(official))
            for code in codes:
                kel_index.setdefault((kel_by_code[code].kecamatan_code, name_key(alias)), code)
                if code not in by_name.setdefault(name_key(alias), []):
                    by_name[name_key(alias)].append(code)
        else:
            raise RegionError("region_alias_level", line=i)
    return Regions(
        kota=kota,
        kecamatan=tuple(kecs.values()),
        kelurahan=tuple(kels),
        kecamatan_index=MappingProxyType(kec_index),
        kelurahan_index=MappingProxyType(kel_index),
        kelurahan_by_name=MappingProxyType({k: tuple(v) for k, v in by_name.items()}),
        kecamatan_by_code=MappingProxyType(dict(kecs)),
        kelurahan_by_code=MappingProxyType(kel_by_code),
    )


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def load_regions(kota: str, wilayah: Path, aliases: Path | None) -> Regions:
    return build_regions(kota, read_csv_rows(wilayah), read_csv_rows(aliases) if aliases else [])


# ---- vectorised resolution -------------------------------------------------

@dataclass
class NameCodes:
    """A region column factorised once: per row a code into the distinct
    spellings, and per spelling its matching key and whether it is blank."""
    codes: np.ndarray      # int64 per row, -1 = None/NaN
    keys: np.ndarray       # object, name_key of each distinct spelling
    blank: np.ndarray      # bool per distinct spelling (whitespace only)

    @property
    def blank_rows(self) -> np.ndarray:
        return np.asarray(np.append(self.blank, True)[self.codes])


def name_codes(values: np.ndarray, size_hint: int | None = None) -> NameCodes:
    """size_hint: about how many distinct spellings to expect.  pandas sizes its hash
    table for one per cell by default: for a kecamatan column (a few spellings per
    kecamatan) a table that fits the cache hashes 820,000 cells about a third faster."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True, size_hint=size_hint)
    return NameCodes(codes.astype(np.int64), *_keys_of(np.asarray(uniques, dtype=object)))


def _keys_of(uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """name_key and blankness of each distinct spelling (a plain loop over the
    distinct values measured faster than a chain of numpy string ufuncs)."""
    keys = np.empty(len(uniques), dtype=object)
    keys[:] = [name_key(u) for u in uniques]
    blank = np.zeros(len(uniques), dtype=bool)
    for i in np.flatnonzero(keys == ""):  # "" keys: blank cells, or only punctuation ("-")
        u = uniques[i]
        blank[i] = not isinstance(u, str) or not u.strip()
    return keys, blank


def resolve_kecamatan(names: NameCodes, regions: Regions) -> np.ndarray:
    """Position in regions.kecamatan per row (int64, -1 where unknown or blank).

    Names are looked up once per distinct spelling, not once per row."""
    position = {k.code: i for i, k in enumerate(regions.kecamatan)}
    index = regions.kecamatan_index
    found = np.array([position.get(index.get(k, ""), -1) for k in names.keys] + [-1], dtype=np.int64)
    return np.asarray(found[names.codes])  # code -1 picks the trailing -1


def resolve_kelurahan(names: NameCodes, kecamatan_pos: np.ndarray,
                      regions: Regions) -> tuple[np.ndarray, np.ndarray]:
    """(position in regions.kelurahan, -1 if not found within the given kecamatan;
        position in regions.kecamatan where the name exists instead, else -1).

    With no kecamatan known, a kelurahan name that is unique in the kota still
    resolves.  Each distinct (key, kecamatan) pair is looked up once."""
    # spellings that share a key ("Kapuk", " KAPUK ") become one lookup
    key_codes, keys = pd.factorize(np.append(names.keys, ""))
    vkey = key_codes[names.codes]  # -1 (blank cell) picks the trailing ""
    n_kec = len(regions.kecamatan) + 1
    pair = vkey.astype(np.int64) * n_kec + (kecamatan_pos + 1)
    pcodes, puniq = pd.factorize(pair)
    kel_pos = {k.code: i for i, k in enumerate(regions.kelurahan)}
    kec_pos = {k.code: i for i, k in enumerate(regions.kecamatan)}
    found = np.full(len(puniq), -1, dtype=np.int64)
    elsewhere = np.full(len(puniq), -1, dtype=np.int64)
    for i, p in enumerate(puniq.tolist()):
        v, k = divmod(p, n_kec)
        key = keys[v]
        if not key:
            continue
        kec = regions.kecamatan[k - 1].code if k > 0 else None
        code = regions.kelurahan_index.get((kec, key)) if kec is not None else regions.find_kelurahan(key)
        if code is not None:
            found[i] = kel_pos[code]
            continue
        other = regions.kelurahan_by_name.get(key, ())
        if other:
            elsewhere[i] = kec_pos[regions.kelurahan_of(other[0]).kecamatan_code]
    return found[pcodes], elsewhere[pcodes]


# ---- TPS references ----------------------------------------------------------

# Applied to stripped text of at most MATCH_LIMIT characters; linear (one unbounded
# quantifier per run of characters it can match; see tests/test_security_regex.py).
_REF_CODE = re.compile(r"^(\d{2}\.\d{2}\.\d{2}\.\d{4})(?:\s+|\s*[/-]\s*)(?:tps\s*)?0*(\d{1,4})$", re.I)
_REF_SEPARATORS = " \t\n\r\u00a0/,:#-"


def tps_key(kelurahan_code: str, tps: int) -> str:
    """Stable TPS key: kelurahan code + TPS number, zero-padded to 3 digits."""
    return f"{kelurahan_code}/{int(tps):03d}"


def tps_codes(rows: pd.DataFrame) -> np.ndarray:
    """One number per TPS (kelurahan and TPS number) per row of checked rows (their
    kode_kelurahan and tps columns); -1 where either is unknown.  It stands for tps_key:
    hashing ints is far cheaper than key strings."""
    kel = rows["kode_kelurahan"].cat.codes.to_numpy(np.int64)
    tps = rows["tps"].array
    known = (kel >= 0) & ~np.asarray(tps.isna())
    return np.where(known, kel * 100_000 + tps.to_numpy(dtype=np.int64, na_value=0), -1)


def parse_tps_ref(text: str, regions: Regions) -> str | None:
    """"Kapuk 12", "kapuk tps 012", "Cengkareng/Kapuk/12", "31.73.01.1005/12" -> "31.73.01.1005/012"."""
    text = str(text or "").strip()
    if not text or len(text) > MATCH_LIMIT:
        return None
    m = _REF_CODE.match(text)
    if m:
        code = m.group(1)
        known = {k.code for k in regions.kelurahan}
        return tps_key(code, int(m.group(2))) if code in known else None
    split = _place_and_number(text)
    if split is None:
        return None
    place, number = split
    code = regions.find_kelurahan(place)
    if code is None:
        code = _kelurahan_with_kecamatan(place, regions)
    return tps_key(code, number) if code else None


def _place_and_number(text: str) -> tuple[str, int] | None:
    """"Kapuk tps no. 012" -> ("Kapuk", 12): the trailing number (leading zeros dropped,
    at most 4 digits), an optional "tps" / "tps no" before it, separators; None without a
    place or a number. String steps from the right, so the cost is linear in the text."""
    digits = text.rstrip("0123456789")
    number = text[len(digits):].lstrip("0")
    if not number or len(number) > 4:
        return None
    rest = digits.rstrip()
    after_no = _drop_word(rest, "no")          # "no" counts only after "tps": "tps no. 12"
    after_tps = _drop_word(after_no, "tps") if after_no is not None else None
    if after_tps is None:
        after_tps = _drop_word(rest, "tps")
    place = (rest if after_tps is None else after_tps).rstrip(_REF_SEPARATORS).strip()
    return (place, int(number)) if place else None


def _drop_word(text: str, word: str) -> str | None:
    """``text`` without a trailing ``word`` or ``word.`` (any case) and the blanks before
    it; None when it does not end so."""
    cut = text[:-1] if text.endswith(".") else text
    if not cut.lower().endswith(word):
        return None
    return cut[: len(cut) - len(word)].rstrip()


def _kelurahan_with_kecamatan(place: str, regions: Regions) -> str | None:
    """"Cengkareng/Kapuk", "Kapuk, Cengkareng", "Pal Merah Palmerah": try every split."""
    parts = [p for p in re.split(r"[/,;]+", place) if p.strip()]
    if len(parts) < 2:
        words = place.split()
        parts_options = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    else:
        parts_options = [(parts[0], " ".join(parts[1:])), (" ".join(parts[1:]), parts[0])]
    for a, b in parts_options:
        for kec_text, kel_text in ((a, b), (b, a)):
            kec = regions.find_kecamatan(kec_text)
            if kec is not None:
                code = regions.find_kelurahan(kel_text, kec)
                if code is not None:
                    return code
    return None
