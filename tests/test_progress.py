"""TPS reported per hour over the last 24 hours: the core's count from a series of reads, and the
same from the journal after a series of syncs at given times, through gspread and the emulator."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

from sheetsync.core.check import check
from sheetsync.core.config import load_preset, with_overrides
from sheetsync.core.progress import HOURS, needed_reads, progress_table, reported_per_hour
from sheetsync.journal.store import Journal
from sheetsync.sync.desired import progress_grid
from sheetsync.sync.record import journal_key
from sheetsync.sync.run import sync

WIB = timezone(timedelta(hours=7))
NOW = datetime(2026, 11, 27, 21, 30, tzinfo=WIB)


def at(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=WIB)


def per_hour(counts: list[Any]) -> dict[str, tuple[int, int]]:
    """Hours where something is reported or the total is not zero: start -> (new, total)."""
    return {c.start.strftime("%d %H:%M"): (c.reported, c.total) for c in counts if c.reported or c.total}


def test_an_hours_count_is_the_change_across_it() -> None:
    points = [(at(26, 20, 50), 5),        # before the window (it starts 26 22:00): the baseline
              (at(26, 22, 10), 5),
              (datetime(2026, 11, 27, 11, 5), 12),   # naive: UTC, 18:05 WIB
              (at(27, 18, 40), 20),
              (at(27, 19, 59), 18),       # a row corrected into an error: the hour goes down
              (at(27, 21, 10), 30),
              (at(27, 21, 40), 99)]       # after now: not counted
    counts = reported_per_hour(points, NOW)
    assert len(counts) == HOURS
    assert counts[0].start == at(26, 22, 0) and counts[-1].start == at(27, 21, 0)
    changed = {c.start.strftime("%d %H:%M"): c.reported for c in counts if c.reported}
    assert changed == {"27 18:00": 15, "27 19:00": -2, "27 21:00": 12}
    assert [c.total for c in counts if c.start.hour in (17, 18, 19, 20, 21) and c.start.day == 27] == \
        [5, 20, 18, 18, 30]


def test_before_the_first_read_nothing_is_reported() -> None:
    counts = reported_per_hour([(at(27, 19, 15), 7)], NOW)
    assert per_hour(counts) == {"27 19:00": (7, 7), "27 20:00": (0, 7), "27 21:00": (0, 7)}
    assert reported_per_hour([], NOW)[-1].total == 0


def test_only_the_last_read_of_each_hour_is_needed() -> None:
    times = [at(26, 9, 0), at(26, 21, 0), at(26, 23, 5), at(26, 23, 50), at(27, 18, 5), at(27, 18, 40),
             at(27, 22, 0)]
    assert needed_reads(times, NOW) == [1, 3, 5]
    assert needed_reads([], NOW) == []


def test_the_table_in_both_languages() -> None:
    counts = reported_per_hour([(at(27, 21, 5), 4)], NOW, hours=2)
    assert progress_table(counts, "id") == [["Jam (WIB)", "TPS Lapor Baru", "TPS Lapor (Total)"],
                                            ["27-11 20:00", 0, 0], ["27-11 21:00", 4, 4]]
    assert progress_table(counts, "en") == [["Hour (WIB)", "TPS newly reported", "TPS reported (total)"],
                                            ["11-27 20:00", 0, 0], ["11-27 21:00", 4, 4]]


def test_progress_from_a_series_of_syncs(emu: Any, tmp_path: Any) -> None:
    """Five TPS in at 18:05, ten more at 18:40 (and a sync at 18:50 with nothing new), five
    more at 20:15: the journal's reads give +15 at 18:00 and +5 at 20:00, the totals between."""
    from sync_data import tps_sheet

    grid = tps_sheet(20, seed=4, unfilled=0, broken=0)
    config = load_preset("pilkada-jakbar-2024")
    assert check(grid, config).totals.kota["tps_reported"] == 20        # every row of it counts
    client = emu.client()
    book = client.create("Progres")
    config = with_overrides(config, spreadsheet=book.id, api_url=emu.url)
    book.sheet1.update_title(config.input_tab)
    with Journal(tmp_path / "j.sqlite") as journal:
        for upto, when in ((6, at(27, 18, 5)), (16, at(27, 18, 40)), (16, at(27, 18, 50)), (21, at(27, 20, 15))):
            book.sheet1.update(grid[:upto], "A1", value_input_option="RAW")
            sync(config, client=client, journal=journal, now=when, lock_dir=str(tmp_path))
        name = journal_key(book.id, config.input_tab)
        points = journal.reported_points(name, config, NOW)
        assert [n for _, n in points] == [15, 20]             # the last read of 18:00 and of 20:00
        assert per_hour(reported_per_hour(points, NOW)) == {
            "27 18:00": (15, 15), "27 19:00": (0, 15), "27 20:00": (5, 20), "27 21:00": (0, 20)}
        assert journal.reported_points(journal_key("no-such-sheet", "TPS"), config, NOW) == []
        assert journal.reported_points(journal_key("no-such-sheet", "TPS"), config, NOW, current=3) == [(NOW, 3)]

        # a sync's own read in hand: the last point, and the recorded reads of its hour not needed
        at_20 = at(27, 20, 45)
        assert [n for _, n in journal.reported_points(name, config, at_20, current=19)] == [15, 19]

        # counts once made are kept: nothing is rebuilt again
        journal.snapshot = None          # type: ignore[assignment]  # a rebuild would fail now
        assert journal.reported_points(name, config, NOW) == points

        for lang, title, hour in (("id", "Progres 24 Jam", "27-11 18:00"), ("en", "Last 24 hours", "11-27 18:00")):
            target = progress_grid(points, NOW, replace(config, language=lang))
            assert (target.tab, target.row, target.col) == (title, 1, 1)
            assert len(target.values) == 1 + HOURS
            assert [hour, 15, 15] in target.values


def test_sync_writes_the_tab_and_init_charts_it(emu: Any, tmp_path: Any) -> None:
    """With a journal, each sync writes the last 24 hours' tab (marked as sheetsync's); init puts
    a line chart over it, once; without a journal there is no such tab."""
    from sync_data import tps_sheet

    from sheetsync.sync.layout import init_layout
    from sheetsync.sync.stamp import source_line

    grid = tps_sheet(12, seed=5, unfilled=0, broken=0)
    client = emu.client()
    for lang, title, hour in (("id", "Progres 24 Jam", "27-11 19:00"), ("en", "Last 24 hours", "11-27 19:00")):
        book = client.create(f"Progres {lang}")
        config = replace(with_overrides(load_preset("pilkada-jakbar-2024"), spreadsheet=book.id, api_url=emu.url),
                         language=lang)
        book.sheet1.update_title(config.input_tab)
        book.sheet1.update(grid[:5], "A1", value_input_option="RAW")
        sync(config, client=client, now=at(27, 18, 10), lock_dir=str(tmp_path))
        assert title not in [w.title for w in book.worksheets()]
        with Journal(tmp_path / f"{lang}.sqlite") as journal:
            sync(config, client=client, journal=journal, now=at(27, 18, 20), lock_dir=str(tmp_path))
            book.sheet1.update(grid, "A1", value_input_option="RAW")
            sync(config, client=client, journal=journal, now=at(27, 19, 5), lock_dir=str(tmp_path))
        values = book.worksheet(title).get_all_values()
        assert len(values) == 1 + HOURS
        assert [line[:3] for line in values[-2:]] == [["27-11 18:00" if lang == "id" else "11-27 18:00", "4", "4"],
                                                      [hour, "8", "12"]]
        assert values[0][3:] == ["", source_line(config.input_tab, lang)]    # the input tab it sums
        first = init_layout(config, client=client)
        assert first.requests.count("addChart") == 5          # four on the kecamatan tab, one here
        meta = client.http_client.fetch_sheet_metadata(book.id, {"includeGridData": "false"})
        charts = {s["properties"]["title"]: s.get("charts", []) for s in meta["sheets"]}
        (line,) = charts[title]
        assert line["spec"]["basicChart"]["chartType"] == "LINE"
        assert init_layout(config, client=client).requests == []
