"""Precision and recall of the anomaly flags on synthetic evenings with planted anomalies.

    .venv/bin/python bench/janggal_accuracy.py                 # seeds 17081945, 1..8
    .venv/bin/python bench/janggal_accuracy.py --seeds 1 2 3

The evening is tests/janggal_data.py's (see its docstring); the flags run at the defaults
of [rules.janggal]. A row counts as flagged when any janggal_* issue is on it; precision is
planted rows flagged / rows flagged, recall planted rows flagged / planted rows, and the
honest share is honest rows flagged / honest rows.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from janggal_data import SEED, evening  # noqa: E402

from sheetsync.core.check import check  # noqa: E402
from sheetsync.core.config import JanggalSettings, load_preset  # noqa: E402


def score(seed: int) -> dict[str, float]:
    base = load_preset("pilkada-jakbar-2024")
    config = replace(base, rules=replace(base.rules, janggal=JanggalSettings(enabled=True)))
    night = evening(config, seed)
    header = [c.header for c in config.columns]
    values = [header] + [[r.get(c.field, "") for c in config.columns] for r in night.rows]
    result = check(values, config)
    flagged = {i.row - 2 for i in result.issues if i.code.startswith("janggal_")}
    planted = set(night.planted)
    found = len(flagged & planted)
    return {"rows": len(night.rows), "planted": len(planted), "flagged": len(flagged),
            "precision": found / max(len(flagged), 1), "recall": found / max(len(planted), 1),
            "honest": len(flagged - planted) / (len(night.rows) - len(planted))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="*", default=[SEED, *range(1, 9)])
    for seed in ap.parse_args().seeds:
        s = score(seed)
        print(f"seed {seed:>9}: {s['rows']:,} rows, {s['planted']} planted, {s['flagged']} flagged; "
              f"precision {s['precision']:.3f}, recall {s['recall']:.3f}, honest rows flagged {100 * s['honest']:.2f}%")


if __name__ == "__main__":
    main()
