"""One koordinator is one koordinator everywhere: the overload rule and the per-koordinator
totals group the typed names the same way (any run of blanks is one space; case does not count)."""

from __future__ import annotations

from people_data import BEFORE, RESULTS, preset, sheet, tps
from sheetsync.core.check import check

SPELLINGS = ("Budi\tSantoso", "BUDI  SANTOSO", " budi santoso\n", "Straße Ani", "STRASSE ANI")


def test_the_rule_and_the_totals_see_the_same_koordinator() -> None:
    config = preset(max_tps=2)
    rows = [tps("Kapuk", i + 1, koordinator=name, **RESULTS) for i, name in enumerate(SPELLINGS)]
    result = check(sheet(config, rows), config, now=BEFORE)
    overloaded = sorted(i.row for i in result.issues if i.code == "koordinator_overloaded")
    assert overloaded == [2, 3, 4]                       # Budi's three rows, over the limit of 2
    table = result.totals.per_koordinator.set_index("koordinator")
    assert sorted(table.index) == ["Budi Santoso", "Straße Ani"]   # the first spelling shown
    assert table.at["Budi Santoso", "tps_entered"] == 3
    assert table.at["Straße Ani", "tps_entered"] == 2
