"""cli_sheet: what `sync` says about rows the verify after the write could not settle."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from sheetsync.cli.common import Ui
from sheetsync.cli.sheet import _print_settle


def report(**fields: Any) -> Any:
    base = {"restored_cells": [], "unsettled": None, "skipped_rows": []}
    return SimpleNamespace(**{**base, **fields})


@pytest.mark.parametrize("lang, restored, unsettled", [
    ("en", "7 cells of another column were written over and have been given back", "statuses of rows 10, 11"),
    ("id", "7 sel kolom lain sempat tertimpa dan nilainya sudah dikembalikan", "status baris 10, 11 belum pasti"),
])
def test_restored_cells_and_unsettled_rows_are_told_in_the_readers_language(capsys, lang, restored, unsettled):
    cells = [f"'TPS'!P{r}" for r in range(2, 9)]
    _print_settle(report(restored_cells=cells, unsettled="x", skipped_rows=[10, 11]), Ui(lang))
    err = capsys.readouterr().err
    assert restored in err and "'TPS'!P2, 'TPS'!P3" in err and " ..." in err
    assert unsettled in err


def test_a_settled_sync_says_nothing_more(capsys):
    _print_settle(report(), Ui("en"))
    assert capsys.readouterr() == ("", "")
