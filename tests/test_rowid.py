"""rowid.py: identities of rows and the ranges of the verify after the write."""

from __future__ import annotations

from sheetsync.sync.rowid import content_identity, header_changed, identities, key_identity, moved_rows, verify_ranges

HEADER = ["Kecamatan", "Kelurahan", "No TPS", "DPT", "Status"]
VALUES = [HEADER,
          ["Cengkareng", "Kapuk", "1", "300", "OK"],
          ["Cengkareng", "Kapuk", "2", "310", "OK"],
          ["Cengkareng", "Entah", "3", "320", "SALAH"],
          ["Cengkareng", "Kapuk", "4", "330"],
          ["Cengkareng", "Kapuk", "5", "340"]]


def ids_for(rows, unique):
    return identities(VALUES, rows, unique, tab="TPS", header_row=1, key_cols=[0, 1, 2], owned=[4])


def test_key_identity_is_the_key_text_as_shown_and_nothing_else():
    assert key_identity(["Cengkareng", "Kapuk", "1", "999"], [0, 1, 2]) == \
        key_identity(["Cengkareng", "Kapuk", "1"], [0, 1, 2])
    assert key_identity(["Cengkareng", "Kapuk", "1"], [0, 1, 2]) != key_identity(["Cengkareng", "Kapuk", "01"], [0, 1, 2])
    assert key_identity(["Cengkareng", "Kapuk", "1"], [0, 1, 2]) != key_identity(["cengkareng", "Kapuk", "1"], [0, 1, 2])
    assert key_identity(["Cengkareng", "Kapuk"], [0, 1, 2]) == key_identity(["Cengkareng", "Kapuk", ""], [0, 1, 2])


def test_content_identity_skips_owned_columns():
    assert content_identity(["a", "b", "OK"], [2]) == content_identity(["a", "b", "SALAH"], [2])
    assert content_identity(["a", "b"], [2]) == content_identity(["a", "b", "", ""], [2])
    assert content_identity(["a", "b"], [2]) != content_identity(["a", "c"], [2])


def test_ranges_cover_header_key_blocks_and_content_rows():
    ids = ids_for([2, 3, 4, 6], unique={2, 3, 6})
    assert verify_ranges(ids) == ["'TPS'!1:1", "'TPS'!A2:C3", "'TPS'!A6:C6", "'TPS'!4:4"]


def test_moved_rows_finds_shifted_keys_and_changed_content():
    ids = ids_for([2, 3, 4, 6], unique={2, 3, 6})
    ranges = verify_ranges(ids)
    got = {ranges[0]: [HEADER],
           ranges[1]: [["Cengkareng", "Kapuk", "1"], ["Cengkareng", "Kapuk", "9"]],   # row 3 retyped
           ranges[2]: [["Cengkareng", "Kapuk", "5", "999"]],                            # same key
           ranges[3]: [["Cengkareng", "Entah", "3", "321"]]}                            # content edited
    moved, header_changed = moved_rows(ids, ranges, got)
    assert (moved, header_changed) == ({3, 4}, False)


def test_a_changed_header_moves_every_row():
    ids = ids_for([2, 3], unique={2, 3})
    ranges = verify_ranges(ids)
    got = {ranges[0]: [["Kelurahan", "Kecamatan", "No TPS", "DPT", "Status"]],
           ranges[1]: [r[:3] for r in VALUES[1:3]]}
    assert moved_rows(ids, ranges, got) == ({2, 3}, True)


def test_rows_past_the_end_count_as_moved():
    ids = ids_for([5, 6], unique={5, 6})
    ranges = verify_ranges(ids)
    got = {ranges[0]: [HEADER], ranges[1]: [["Cengkareng", "Kapuk", "4"]]}       # row 6 deleted
    assert moved_rows(ids, ranges, got) == ({6}, False)


def test_the_verify_reads_the_owned_cells_of_keyed_rows_and_sees_a_status_that_moved_away():
    ids = ids_for([2, 3, 4], unique={2, 3})
    ids.expect = {2: ("OK",), 3: ("OK",), 4: ("SALAH",)}
    ranges = verify_ranges(ids)
    assert ranges == ["'TPS'!1:1", "'TPS'!A2:C3", "'TPS'!E2:E3", "'TPS'!4:4"]
    got = {ranges[0]: [HEADER],
           ranges[1]: [r[:3] for r in VALUES[1:3]],           # keys in place ...
           ranges[2]: [["OK"], [""]],                         # ... but row 3 no longer shows our status
           ranges[3]: [VALUES[3][:4] + ["SALAH"]]}
    assert moved_rows(ids, ranges, got) == ({3}, False)


def test_header_changed_ignores_case_spacing_and_trailing_blanks():
    assert not header_changed(HEADER, [" kecamatan ", "KELURAHAN", "No  TPS", "DPT", "Status", ""])
    assert header_changed(HEADER, ["Kelurahan", "Kecamatan", "No TPS", "DPT", "Status"])
