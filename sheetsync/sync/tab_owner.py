"""Which input tab a summary tab sums, and two configs that name the same summary tab.

Two teams may share one spreadsheet with two configs, each with its own input tab. A summary
tab's marker (ownership.py) says that sheetsync made it, not for which input tab: when both
configs name one title (the default "Progres 24 Jam" of a config that leaves `[summary]
progress` unset, or the same Rekap Kecamatan or Masalah), both syncs would write it in turn,
each over the other's table, every minute.

So row 1 of every summary tab sheetsync writes holds a source line (stamp.py), one blank
column right of the table: "Dihitung dari tab: TPS" / "Computed from tab: TPS". The tab is read
anyway (the sync's one read), so the line costs no request. A sync that finds its tab
summing another config's input tab leaves that tab as it is (its table, the line, and the
last-synced cell when it stands there) and says so in one line naming both input tabs and the
config key to change; it still writes the statuses and its other tabs.

Another config's input tab is one holding sheetsync's marked Status column: the same read's
column lookups answer the marked columns of every tab, so that costs no request either. A line
naming a tab that holds none (this config's input tab before it was renamed) is this config's,
as is a tab without a line (made by an earlier release, or new): the sync writes its line there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sheetsync.core.config import Config, progress_title
from sheetsync.errors import render, register
from sheetsync.sync.plan import CellTarget, Desired, GridTarget
from sheetsync.sync.stamp import source_col, source_line, source_named

register({
    "tab_clash": {
        "en": "{what}, not this config's input tab '{mine}': another config on this spreadsheet writes there, so "
              "this sync left it as it is (statuses and the other tabs were written); give this config a title of "
              "its own: {keys} in {source}",
        "id": "{what}, bukan tab input config ini '{mine}': config lain di spreadsheet ini menulis di sana, jadi "
              "sinkronisasi ini membiarkannya (status dan tab lainnya tetap ditulis); beri config ini judul "
              "sendiri: {keys} di {source}",
    },
})
_SUMS = {"en": "tab '{tab}' sums input tab '{other}'", "id": "tab '{tab}' menjumlah tab input '{other}'"}
_AND = {"en": " and ", "id": " dan "}


@dataclass(frozen=True)
class TabClash:
    tab: str            # the summary tab this config names
    sums: str           # the input tab its source line names: another config's
    key: str            # the config key naming the tab, e.g. "[summary] progress"


def claim_tabs(current: dict[str, list[list[Any]]], desired: Desired, config: Config,
               inputs: set[str]) -> list[TabClash]:
    """Drop from ``desired`` every summary tab whose source line names another config's input
    tab (the clashes returned); give each other one its source line. ``current``: the sync's
    read; ``inputs``: the input tabs of every config that syncs here (ownership.Owned)."""
    clashes = []
    for grid in desired.grids:
        other = sums_another(current.get(grid.tab, []), config, inputs)
        if other is not None:
            clashes.append(TabClash(grid.tab, other, _key(config, grid.tab)))
    refused = {c.tab for c in clashes}
    desired.grids = [g for g in desired.grids if g.tab not in refused]
    desired.cells = [c for c in desired.cells if c.tab not in refused]
    for grid in desired.grids:
        _add_line(grid, desired, _lines(current.get(grid.tab, [])), config)
    return clashes


def sums_another(cells: list[list[Any]], config: Config, inputs: set[str]) -> str | None:
    """Another config's input tab (one of ``inputs``: it holds sheetsync's Status column) that a
    summary tab's source line names (the first line in row 1 is the tab's), else None: no line,
    this config's, or a tab no config syncs now (this config's input tab before a rename)."""
    lines = _lines(cells)
    found = lines[min(lines)] if lines else None
    return found if found in inputs and found != config.input_tab else None


def clash_line(clashes: list[TabClash], config: Config, lang: str) -> str:
    """The clashes in one line, in ``lang``."""
    lang = "id" if lang == "id" else "en"
    what = _AND[lang].join(_SUMS[lang].format(tab=c.tab, other=c.sums) for c in clashes)
    keys = ", ".join(dict.fromkeys(c.key for c in clashes))
    return render("tab_clash", lang, {"what": what, "mine": config.input_tab, "keys": keys,
                                      "source": config.source})


def _add_line(grid: GridTarget, desired: Desired, lines: dict[int, str], config: Config) -> None:
    """The source line in row 1, kept out of the grid's clearing; a line of an earlier width
    of the table cleared (the grid clears it itself when its table starts in row 1)."""
    width = max((len(row) for row in grid.values), default=0) + grid.col - 1
    col = source_col(config, grid.tab, width)
    grid.keep = grid.keep | {(1, col)}
    desired.cells.append(CellTarget(grid.tab, 1, col, source_line(config.input_tab, config.language)))
    if grid.row > 1:
        desired.cells.extend(CellTarget(grid.tab, 1, c, "") for c in lines if c != col)


def _lines(cells: list[list[Any]]) -> dict[int, str]:
    """1-based column -> the input tab named, for every source line in row 1."""
    top = cells[0] if cells else []
    return {c: named for c, text in enumerate(top, start=1) if (named := source_named(text)) is not None}


def _key(config: Config, tab: str) -> str:
    tabs = config.summary_tabs
    titles = {"kecamatan": tabs.kecamatan, "kelurahan": tabs.kelurahan, "masalah": tabs.masalah,
              "koordinator": tabs.koordinator, "progress": progress_title(config)}
    return "[summary] " + next((key for key, title in titles.items() if title == tab), "progress")
