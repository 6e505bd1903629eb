"""The last-synced cell is parsed once, when a Config is made, into a1.CellRef."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sheetsync.core.a1 import CellRef, cell_ref, col_letters, col_number
from sheetsync.core.config import load_preset


@pytest.mark.parametrize("text, expected", [
    ("'Rekap Kecamatan'!A1", CellRef("Rekap Kecamatan", 1, 1)),
    ("Masalah!$B$3", CellRef("Masalah", 3, 2)),
    ("'it''s'!AA10", CellRef("it's", 10, 27)),
    (" 'Rekap'!C5 ", CellRef("Rekap", 5, 3)),
])
def test_cell_ref_reads_one_cell_of_a_tab(text: str, expected: CellRef) -> None:
    assert cell_ref(text) == expected


@pytest.mark.parametrize("text", ["A1", "!A1", "Rekap!A0", "'Rekap'!A1:B2", "'Rekap", "Rekap!ABCD1", "Rekap!1A"])
def test_cell_ref_refuses_what_is_not_one_cell_of_a_tab(text: str) -> None:
    with pytest.raises(ValueError):
        cell_ref(text)


def test_a_cell_ref_writes_back_as_a1() -> None:
    ref = CellRef("it's", 10, 27)
    assert str(ref) == "'it''s'!AA10"
    assert cell_ref(str(ref)) == ref


@pytest.mark.parametrize("number", [1, 26, 27, 52, 702, 703, 16384])
def test_column_letters_round_trip(number: int) -> None:
    assert col_number(col_letters(number)) == number


def test_config_holds_the_parsed_last_synced_cell_and_keeps_it_in_step() -> None:
    config = load_preset("pilkada-jakbar-2024")
    assert config.last_synced == CellRef("Rekap Kecamatan", 1, 1)
    moved = replace(config, last_synced_cell="'Rekap Kec B'!C4")
    assert moved.last_synced == CellRef("Rekap Kec B", 4, 3)
