"""settle.py (sync, after the write): the repair after a verify found moved rows (no network: a fake sheet)."""

from __future__ import annotations

from sheetsync.sync.rowid import identities
from sheetsync.sync.settle import MAX_REPAIRS, build_wanted, repair_plan, settle

HEADER = ["Kecamatan", "Kelurahan", "No TPS", "DPT", "Status", "Pesan"]
READ = [HEADER,
        ["Cengkareng", "Kapuk", "1", "300"],
        ["Cengkareng", "Kapuk", "2", "310"],
        ["Cengkareng", "Kapuk", "3", "320"],          # a duplicate pair, identified by content
        ["Cengkareng", "Kapuk", "3", "320"]]
PAIRS = {2: ("OK", ""), 3: ("SALAH", "DPT kurang"), 4: ("PERIKSA", "lihat baris 5"), 5: ("PERIKSA", "lihat baris 4")}


def wanted():
    ids = identities(READ, [2, 3, 4, 5], {2, 3}, tab="TPS", header_row=1, key_cols=[0, 1, 2], owned=[4, 5])
    return build_wanted(ids, READ, lambda r: PAIRS[r])


def cells(plan):
    return sorted((c.row, c.col, c.new) for c in plan.changes)


def test_statuses_follow_their_keys_and_unknown_rows_are_cleared():
    now = [HEADER,
           ["Cengkareng", "Kapuk", "9", "1", "OK", ""],               # inserted: got row 2's status
           ["Cengkareng", "Kapuk", "1", "300", "SALAH", "DPT kurang"],  # row 2 moved down a row
           ["Cengkareng", "Kapuk", "2", "310", "PERIKSA", "lihat baris 5"],
           ["Cengkareng", "Kapuk", "3", "320", "PERIKSA", "lihat baris 5"],   # either duplicate's status
           ["Cengkareng", "Kapuk", "3", "320", "", ""]]
    assert cells(repair_plan(now, wanted())) == [
        (2, 5, ""),                                   # a row this sync never read: blank, not wrong
        (3, 5, "OK"), (3, 6, ""),                     # row 2's status follows its key ...
        (4, 5, "SALAH"), (4, 6, "DPT kurang")]        # ... and so does row 3's; only differing cells
    # rows 5 and 6 (the duplicates) show one of their own statuses, or none: left alone


def test_a_row_in_place_is_left_alone_and_an_ambiguous_blank_row_is_not_guessed():
    now = [HEADER,
           ["Cengkareng", "Kapuk", "1", "300", "OK", ""],
           ["Cengkareng", "Kapuk", "2", "310", "SALAH", "DPT kurang"],
           ["Cengkareng", "Kapuk", "3", "320", "PERIKSA", "lihat baris 4"],
           ["Cengkareng", "Kapuk", "3", "320", "", ""]]
    assert cells(repair_plan(now, wanted())) == []        # a duplicate without status: ambiguous, stays blank


class FakeSheet:
    """Answers the verify with row 2 moved, and the whole tab with `now`; writes go nowhere."""

    def __init__(self, now):
        self.now, self.reads, self.writes = now, 0, []

    def read(self, ranges):
        self.reads += 1
        if ranges == ["'TPS'"]:
            return {"'TPS'": self.now}
        return {r: [HEADER] if r.endswith("1:1") else [["Cengkareng", "Kapuk", "9"]] for r in ranges}


def written():
    ids = identities(READ, [2], {2}, tab="TPS", header_row=1, key_cols=[0, 1, 2], owned=[4, 5])
    ids.expect = {2: PAIRS[2]}
    return ids


def test_settle_gives_up_after_max_repairs_and_names_the_rows_left():
    now = [HEADER, ["Cengkareng", "Kapuk", "2", "310", "OK", ""]]     # never repaired: writes are lost
    sheet = FakeSheet(now)
    done = settle(sheet, written(), wanted, sheet.writes.append)
    assert (done.verified, done.rounds, done.leftover, done.header_moved) == (False, MAX_REPAIRS, [2], False)
    assert len(sheet.writes) == MAX_REPAIRS and sheet.reads == 1 + MAX_REPAIRS + 1


def test_settle_stops_when_the_whole_tab_reads_right():
    now = [HEADER, ["Cengkareng", "Kapuk", "1", "300", "OK", ""]]
    sheet = FakeSheet(now)
    done = settle(sheet, written(), wanted, sheet.writes.append)
    assert (done.verified, done.rounds, done.leftover, sheet.writes, sheet.reads) == (False, 0, [], [], 2)


def test_a_changed_header_stops_the_repair():
    sheet = FakeSheet([["Kelurahan", "Kecamatan"], ["x"]])
    done = settle(sheet, written(), wanted, sheet.writes.append)
    assert done.header_moved and done.leftover == [2] and sheet.writes == []
