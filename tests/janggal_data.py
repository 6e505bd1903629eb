"""A synthetic Jakarta Barat evening with planted anomalies, for the janggal_* flags.

Honest TPS: each kelurahan has its own turnout and paslon shares; each TPS draws its
voters (binomial on its DPT, with a TPS effect of 3 points) and its paslon votes
(multinomial on shares with a TPS effect of 3 points), about 2% invalid votes. Planted:
turnout near 100% or near 20%, one paslon with 90% of the valid votes, a TPS typed with
another TPS's paslon votes (both rows count as planted: which one is the copy is not
known), and suara sah = DPT. Every row, planted or not, adds up (paslon = sah,
sah + tidak sah = pengguna <= DPT + DPTb): only the janggal flags can find them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sheetsync.core.config import Config

# Not the demo's seed (2024): the flags are not tuned to any sheet the project ships.
SEED = 17_081_945
KINDS = ("turnout_high", "turnout_low", "share", "identical", "sah_dpt")


@dataclass
class Evening:
    rows: list[dict[str, Any]]
    planted: dict[int, str] = field(default_factory=dict)   # row index -> kind


def _count(rng: np.random.Generator, dpt: int, dptb: int, turnout: float, shares: np.ndarray) -> dict[str, int]:
    pengguna = int(min(rng.binomial(dpt, float(np.clip(turnout, 0.05, 0.99))), dpt + dptb))
    tidak = int(rng.binomial(pengguna, 0.02))
    return _votes(rng, dpt, dptb, pengguna - tidak, tidak, shares)


def _votes(rng: np.random.Generator, dpt: int, dptb: int, sah: int, tidak: int, shares: np.ndarray) -> dict[str, int]:
    p1, p2, p3 = (int(v) for v in rng.multinomial(sah, shares / shares.sum()))
    return {"dpt": dpt, "dpph": 0, "dptb": dptb, "paslon_1": p1, "paslon_2": p2, "paslon_3": p3,
            "suara_sah": sah, "suara_tidak_sah": tidak, "pengguna_hak_pilih": sah + tidak}


def evening(config: Config, seed: int = SEED, planted_share: float = 0.03) -> Evening:
    rng = np.random.default_rng(seed)
    regions = config.regions
    rows: list[dict[str, Any]] = []
    by_kelurahan: dict[str, list[int]] = {}
    for kel in regions.kelurahan:
        turnout, shares = rng.uniform(0.55, 0.75), rng.dirichlet([8.0, 5.0, 9.0])
        for number in range(1, int(rng.integers(12, 45)) + 1):
            tps_shares = np.clip(shares + rng.normal(0, 0.03, 3), 0.01, None)
            counts = _count(rng, int(rng.integers(250, 600)), int(rng.integers(0, 10)),
                            turnout + rng.normal(0, 0.03), tps_shares)
            by_kelurahan.setdefault(kel.code, []).append(len(rows))
            rows.append({"kecamatan": regions.kecamatan_name(kel.kecamatan_code), "kelurahan": kel.name,
                         "tps": number, "_kel": kel.code, "_shares": tps_shares, **counts})
    out = Evening(rows)
    n_planted = int(len(rows) * planted_share)
    for i, index in enumerate(rng.choice(len(rows), size=n_planted, replace=False).tolist()):
        if index in out.planted:
            continue
        _plant(rng, out, index, KINDS[i % len(KINDS)], by_kelurahan)
    return out


def _plant(rng: np.random.Generator, out: Evening, index: int, kind: str, by_kelurahan: dict[str, list[int]]) -> None:
    row = out.rows[index]
    dpt, dptb, shares = row["dpt"], row["dptb"], row["_shares"]
    if kind == "turnout_high":
        row.update(_count(rng, dpt, dptb, 0.99, shares))
    elif kind == "turnout_low":
        row.update(_count(rng, dpt, dptb, 0.20, shares))
    elif kind == "share":
        strong = int(np.argmin(shares))       # the paslon weakest here takes 90%
        planted = np.full(3, 0.05)
        planted[strong] = 0.90
        row.update(_votes(rng, dpt, dptb, row["suara_sah"], row["suara_tidak_sah"], planted))
    elif kind == "identical":
        source = next((j for j in by_kelurahan[row["_kel"]] if j != index and j not in out.planted), None)
        if source is None:
            return
        copied = out.rows[source]
        sah = copied["suara_sah"]
        row.update({f: copied[f] for f in ("paslon_1", "paslon_2", "paslon_3", "suara_sah")})
        row["pengguna_hak_pilih"] = sah + row["suara_tidak_sah"]
        row["dpt"] = max(dpt, row["pengguna_hak_pilih"])
        out.planted[source] = kind
    elif kind == "sah_dpt":
        row.update(_votes(rng, dpt, dptb, dpt, 0, shares))
    out.planted[index] = kind
