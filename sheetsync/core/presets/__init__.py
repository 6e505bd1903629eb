"""Presets shipped with sheetsync, and the planned TPS rows built from their master data.

The article gives only a TPS count per kecamatan.  planned_tps() spreads that
count over the kecamatan's kelurahan (in code order, the first ones get one
more when it does not divide evenly) and numbers the TPS 1..n per kelurahan.
It is a deterministic *placeholder* plan for `init --with-tps` and the demo,
not the KPU's real per-kelurahan TPS list.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from sheetsync.core.config import Config


def planned_tps(config: Config) -> pd.DataFrame:
    """One row per planned TPS: kode_kecamatan, kecamatan, kode_kelurahan, kelurahan, tps."""
    regions = config.regions
    records: list[tuple[str, str, str, str, int]] = []
    for target in config.targets.by_kecamatan:
        kels = sorted((k for k in regions.kelurahan if k.kecamatan_code == target.kecamatan_code),
                      key=lambda k: k.code)
        if not kels:
            continue
        base, extra = divmod(target.planned_tps, len(kels))
        kec_name = regions.kecamatan_name(target.kecamatan_code)
        for i, kel in enumerate(kels):
            for number in range(1, base + (1 if i < extra else 0) + 1):
                records.append((target.kecamatan_code, kec_name, kel.code, kel.name, number))
    return pd.DataFrame.from_records(
        records, columns=["kode_kecamatan", "kecamatan", "kode_kelurahan", "kelurahan", "tps"])


def template_values(config: Config, *, with_tps: bool = True) -> list[list[Any]]:
    """Values of a fresh input tab: header row (config headers + owned columns),
    then one row per planned TPS with kecamatan, kelurahan and TPS number filled.

    Rows above config.header_row are left empty so row numbers match the sheet."""
    headers = [c.header for c in config.columns] + [config.status_header, config.message_header]
    values: list[list[Any]] = [[] for _ in range(config.header_row - 1)]
    values.append(headers)
    if not with_tps:
        return values
    fields = [c.field for c in config.columns]
    kinds = {c.type: c.field for c in config.columns}
    plan = planned_tps(config)
    width = len(headers)
    index = {kinds["kecamatan"]: "kecamatan", kinds["kelurahan"]: "kelurahan", kinds["tps"]: "tps"}
    columns = {fields.index(f): plan[src].tolist() for f, src in index.items()}
    for r in range(len(plan)):
        row: list[Any] = [""] * width
        for i, col in columns.items():
            row[i] = col[r]
        values.append(row)
    return values
