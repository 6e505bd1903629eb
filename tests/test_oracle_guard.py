"""The mass-change guard on hand-made snapshots: the share at its exact limit, the rows an alert
names (in sheet order), and the whole text a coordinator reads in the last-synced cell."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from sheetsync.journal.guard import (COLUMN_CHANGED, COLUMN_GONE, DELETED_ROWS, ROWS_VANISHED, GuardAlert,
                                     alert_text, guard)
from sheetsync.journal.queries import Snapshot
from test_guard import grid, j, run  # noqa: F401  (j: the journal fixture)
from test_journal import CONFIG, HEADER, T0

# row keys whose text order is not their sheet order: b is on row 2, a on row 3, ...
KEYS = ["b", "a", "d", "c", "f", "e", "h", "g"]
QUARTER = SimpleNamespace(**{**vars(CONFIG), "guard_max_deleted_share": 0.25})


def snapshot(keys: list[str]) -> Snapshot:
    return Snapshot(spreadsheet="S", sync_no=4, at=T0, config_name="t", good=True, header=list(HEADER),
                    fields=("kode", "tps", "dpt", "paslon_1", "saksi", None, None), header_row=1, preamble=[],
                    rows={k: {"dpt": "250"} for k in keys}, positions={k: i for i, k in enumerate(keys, start=2)})


def still_there(*gone: str) -> dict[str, dict[str, str]]:
    return {k: {"dpt": "250"} for k in KEYS if k not in gone}


def test_exactly_the_share_gone_passes_one_more_alerts() -> None:
    assert guard(snapshot(KEYS), still_there("a", "b"), QUARTER) == []       # 2 of 8 = 25%
    [alert] = guard(snapshot(KEYS), still_there("a", "b", "c"), QUARTER)     # 3 of 8
    assert alert == GuardAlert(ROWS_VANISHED, since_sync=4, since_at=T0, rows=(("b", 2), ("a", 3), ("c", 5)),
                               params={"count": 3, "total": 8})


def test_an_empty_last_sync_and_an_accepted_deletion_give_no_alert() -> None:
    assert guard(snapshot([]), {}, QUARTER) == []
    assert guard(snapshot(KEYS), {}, QUARTER, accept=[DELETED_ROWS]) == []


def test_alert_text_in_full() -> None:
    [alert] = guard(snapshot(KEYS), still_there("a", "b", "c"), QUARTER)
    assert alert_text([alert]) == (
        "PERINGATAN sheetsync: ringkasan TIDAK diperbarui. 3 dari 8 baris hilang sejak sinkron baik terakhir "
        "(27/11 13:00 WIB): 2 (b), 3 (a), 5 (c). Pulihkan: sheetsync restore --since 4 --apply; jika disengaja: "
        "sheetsync sync --accept-deleted-rows.")
    assert alert.message("en", max_rows=2) == \
        "3 of 8 rows vanished since the last good sync (27/11 13:00 WIB): 2 (b), 3 (a), +1"
    assert alert_text([alert], "en", max_rows=2).endswith("2 (b), 3 (a), +1. Restore: sheetsync restore --since 4 "
                                                          "--apply; if intended: sheetsync sync --accept-deleted-rows.")


def test_an_alert_names_twenty_rows_then_counts_the_rest() -> None:
    keys = [f"k{n:02d}" for n in range(1, 22)]                 # k01 on sheet row 2 ... k21 on row 22
    assert guard(snapshot(keys), {}, QUARTER)[0].message().endswith("20 (k19), 21 (k20), +1")
    assert guard(snapshot(keys[:20]), {}, QUARTER)[0].message().endswith("20 (k19), 21 (k20)")


def test_alert_text_gives_each_kind_of_advice_once_in_order() -> None:
    common = {"since_sync": 9, "since_at": T0 + timedelta(hours=5)}       # 18:00 WIB
    alerts = [GuardAlert(COLUMN_GONE, params={"column": "DPT", "old": "C"}, **common),
              GuardAlert(ROWS_VANISHED, rows=(("k", 7),), params={"count": 1, "total": 1}, **common),
              GuardAlert(COLUMN_CHANGED, params={"column": "Paslon 1", "new": "E", "count": 3, "total": 20}, **common)]
    assert alert_text(alerts, "en") == (
        "sheetsync WARNING: summaries NOT updated. "
        "Column 'DPT' (was C) is no longer in the header row since 27/11 18:00 WIB. "
        "1 of 1 rows vanished since the last good sync (27/11 18:00 WIB): 7 (k). "
        "Column 'Paslon 1' (E) holds other values on 3 of 20 rows since the header row changed (27/11 18:00 WIB). "
        "Put the column header back (or add the new header as an alias in the config); "
        "if intended: sheetsync sync --accept-column-changes. "
        "Restore: sheetsync restore --since 9 --apply; if intended: sheetsync sync --accept-deleted-rows.")
    assert alert_text(alerts, "fr") == alert_text(alerts, "id")           # an unknown language: Indonesian
    assert alert_text([]) == ""


def test_alert_as_json() -> None:
    gone = GuardAlert(COLUMN_GONE, since_sync=2, since_at=T0, params={"column": "DPT", "old": "C"})
    assert gone.to_dict() == {
        "code": "column_gone", "since_sync": 2, "since_at": "2024-11-27T06:00:00+00:00", "rows": [],
        "params": {"column": "DPT", "old": "C"}, "accept": "--accept-column-changes",
        "message": "Column 'DPT' (was C) is no longer in the header row since 27/11 13:00 WIB"}
    rows = GuardAlert(ROWS_VANISHED, since_sync=2, since_at=T0, rows=(("k", 3),), params={"count": 1, "total": 1})
    assert rows.to_dict()["rows"] == [["k", 3]] and rows.to_dict()["accept"] == "--accept-deleted-rows"


@pytest.mark.parametrize(("retyped", "value", "alerts"), [
    (2, "77", []), (3, "77", [(COLUMN_CHANGED, "Paslon 1", 3)]), (3, "", [(COLUMN_CHANGED, "Paslon 1", 3)])])
def test_column_meaning_changes_past_the_share_only(j, retyped: int, value: str,  # noqa: F811
                                                    alerts: list) -> None:
    # the header row changes (a column of people's own appears) while Paslon 1 is retyped (or
    # emptied) on some of the 20 rows: 2 is 10%, not more than the share; 3 is
    g = grid(20)
    run(j, g)
    widened = [row + ["catatan" if i == 0 else ""] for i, row in enumerate(g)]
    for r in widened[1:1 + retyped]:
        r[3] = value
    assert [(a.code, a.params["column"], a.params["count"]) for a in run(j, widened, 1)] == alerts


def test_a_trailing_blank_header_cell_is_no_header_change(j) -> None:  # noqa: F811
    g = grid(20)
    run(j, g)
    typed = [row + [""] for row in g]
    for r in typed[1:6]:
        r[3] = "77"                                   # people typing on 5 of 20 rows, same headers
    assert run(j, typed, 1) == []
