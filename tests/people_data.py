"""Small persiapan-phase sheets for the saksi tests (test_rules_people, test_coverage)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone
from typing import Any

from sheetsync.core.config import Config, load_preset

# Ten days before the vote of 27 November 2024, in Jakarta.
BEFORE = datetime(2024, 11, 17, 3, 0, tzinfo=timezone.utc)
RESULTS = {"dpt": "300", "dpph": "0", "dptb": "0", "paslon_1": "50", "paslon_2": "60", "paslon_3": "90",
           "suara_sah": "200", "suara_tidak_sah": "5", "pengguna_hak_pilih": "205"}


def preset(*, deadline: date | None = None, max_tps: int | None = 10, language: str = "id") -> Config:
    config = load_preset("pilkada-jakbar-2024")
    saksi = replace(config.rules.saksi, saksi_deadline=deadline, max_tps_per_koordinator=max_tps)
    return replace(config, language=language, rules=replace(config.rules, saksi=saksi))


def sheet(config: Config, rows: list[dict[str, Any]]) -> list[list[Any]]:
    """Header row + one row per dict (field -> cell as typed); missing fields blank."""
    header = [c.header for c in config.columns]
    return [header] + [[r.get(c.field, "") for c in config.columns] for r in rows]


def tps(kel: str, number: int, kec: str = "Cengkareng", **cells: Any) -> dict[str, Any]:
    return {"kecamatan": kec, "kelurahan": kel, "tps": str(number), **cells}
