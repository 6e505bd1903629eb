"""Small sheets for the core tests: rows built from keyword arguments, in the preset's columns."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sheetsync.core.check import CheckResult, check
from sheetsync.core.config import Config, load_preset

PRESET = "pilkada-jakbar-2024"
RESULT_FIELDS = ("paslon_1", "paslon_2", "paslon_3", "suara_sah", "suara_tidak_sah", "pengguna_hak_pilih")


@lru_cache(maxsize=1)
def preset() -> Config:
    return load_preset(PRESET)


def header(config: Config | None = None) -> list[str]:
    config = config or preset()
    return [c.header for c in config.columns] + [config.status_header, config.message_header]


def row(kecamatan: Any = "Cengkareng", kelurahan: Any = "Kapuk", tps: Any = 1, *, config: Config | None = None,
        **cells: Any) -> list[Any]:
    """One input row; unspecified cells are blank."""
    config = config or preset()
    values = {"kecamatan": kecamatan, "kelurahan": kelurahan, "tps": tps, **cells}
    return [values.get(c.field, "") for c in config.columns] + ["", ""]


def results(p1: int = 100, p2: int = 50, p3: int = 150, tidak_sah: int = 5, dpt: int = 400, **extra: Any) -> dict:
    """A consistent C.Hasil: paslon sum = sah, sah + tidak sah = pengguna <= DPT."""
    sah = p1 + p2 + p3
    base = {"dpt": dpt, "dpph": 0, "dptb": 0, "paslon_1": p1, "paslon_2": p2, "paslon_3": p3,
            "suara_sah": sah, "suara_tidak_sah": tidak_sah, "pengguna_hak_pilih": sah + tidak_sah}
    base.update(extra)
    return base


def run(*rows: list[Any], config: Config | None = None) -> CheckResult:
    config = config or preset()
    return check([header(config), *rows], config)


def codes(result: CheckResult, sheet_row: int | None = None) -> list[str]:
    return [i.code for i in result.issues if sheet_row is None or i.row == sheet_row]


def issue(result: CheckResult, code: str, sheet_row: int | None = None):
    found = [i for i in result.issues if i.code == code and (sheet_row is None or i.row == sheet_row)]
    assert len(found) == 1, (code, sheet_row, [(i.code, i.row) for i in result.issues])
    return found[0]
