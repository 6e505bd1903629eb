"""The rules run in the order of the families in sheetsync/core/rules/__init__.py, which is
the order of the messages in a row's Keterangan, whichever core module is imported first
(a family that imported another core module importing a later family would reorder them)."""

from __future__ import annotations

import subprocess
import sys

import pytest

FAMILIES = ("cells", "regions", "tps", "chasil", "people", "photo", "janggal", "double_entry")
ENTRIES = ("sheetsync.core.check", "sheetsync.core.totals", "sheetsync.core.coverage", "sheetsync.core.summaries",
           "sheetsync.core.rules.tps", "sheetsync.core.rules.janggal", "sheetsync.core.rules.registry")


def _family_order(entry: str) -> list[str]:
    code = (f"import {entry}\nimport sheetsync.core.rules as r\n"
            "print(' '.join(fn.__module__.rsplit('.', 1)[1] for _, fn in r.RULES))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return out.split()


@pytest.mark.parametrize("entry", ENTRIES)
def test_rules_run_in_family_order_whatever_is_imported_first(entry: str) -> None:
    modules = _family_order(entry)
    assert set(modules) == set(FAMILIES)
    ranks = [FAMILIES.index(m) for m in modules]
    assert ranks == sorted(ranks), modules
