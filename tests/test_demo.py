"""Demo data: seeded, ~80% reported, ~5% real mistakes that the core flags (pure, no server)."""

from __future__ import annotations

from typing import Any

import pytest

from sheetsync.core import a1
from sheetsync.core.check import check
from sheetsync.core.config import load_preset
from sheetsync.demo.seed import ANOMALIES, MISTAKES, fill_updates, with_anomaly_flags
from sheetsync.core.presets import template_values
from sheets import stop_with_ctrl_c


@pytest.fixture(scope="module")
def config() -> Any:
    return load_preset("pilkada-jakbar-2024")


def apply(values: list[list[Any]], updates: list[tuple[str, list[list[Any]]]]) -> list[list[Any]]:
    grid = [list(r) for r in values]
    for rng, block in updates:
        _, row, col = a1.parse_tab_cell(rng.split(":")[0])
        for i, (value,) in enumerate(block):
            cells = grid[row - 1 + i]
            cells.extend([""] * (col - len(cells)))
            cells[col - 1] = value
    return grid


@pytest.fixture(scope="module")
def hari_h(config: Any) -> tuple[Any, Any, Any]:
    values = template_values(config)
    updates, info = fill_updates(values, config, phase="hari-h", seed=11)
    return info, check(apply(values, updates), config), updates


def test_shares_reported_and_mistakes(hari_h) -> None:
    info, result, _ = hari_h
    assert info.rows == 2648
    assert 0.77 <= info.reported / info.rows <= 0.83
    assert 0.04 <= len(info.mistake_rows) / info.rows <= 0.06
    assert set(info.mistakes) == set(MISTAKES)        # every kind of mistake is there


def test_every_planted_mistake_is_flagged_as_error(hari_h) -> None:
    info, result, _ = hari_h
    status = result.rows["status"]
    for kind, rows in info.mistakes.items():
        assert all(status.get(r) == "SALAH" for r in rows), kind
    codes = {i.code for i in result.issues}
    assert {"duplicate_tps", "sum_paslon_ne_sah", "unknown_kelurahan"} <= codes
    assert codes & {"not_integer", "dpt_over_max"}


def test_clean_reported_rows_are_ok(hari_h) -> None:
    info, result, _ = hari_h
    counts = result.rows["status"].value_counts().to_dict()
    # errors come from the planted mistakes only (a duplicate flags two rows); the partial
    # rows are PERIKSA (the preset has no anomaly flags: the planted anomalies are OK here)
    assert counts.get("SALAH", 0) <= 2 * len(info.mistake_rows)
    assert counts.get("OK", 0) >= info.reported - 2 * len(info.mistake_rows) - len(info.partial)
    assert counts.get("PERIKSA", 0) >= len(info.partial)
    assert counts.get("BELUM DIISI", 0) >= info.rows - info.reported


def test_partial_rows_and_anomalies_are_planted_apart_from_the_mistakes(hari_h) -> None:
    info, result, _ = hari_h
    assert 0.02 * info.reported <= len(info.partial) <= 0.10 * info.reported
    assert {code: len(rows) for code, rows in info.anomalies.items()} == ANOMALIES
    partial = {i.row for i in result.issues if i.code == "results_partial"}
    assert partial == set(info.partial)
    assert not (info.mistake_rows & info.anomaly_rows) and not (set(info.partial) & info.anomaly_rows)


def test_every_planted_anomaly_is_flagged_with_the_flags_on(config: Any) -> None:
    flagged_config = with_anomaly_flags(config)
    values = template_values(flagged_config)
    updates, info = fill_updates(values, flagged_config, phase="hari-h", seed=12)
    result = check(apply(values, updates), flagged_config)
    for code, rows in info.anomalies.items():
        found = {i.row for i in result.issues if i.code == code}
        assert set(rows) <= found, code
    assert all(result.rows["status"].get(r) == "PERIKSA" for r in info.anomaly_rows)


def test_seeded(config: Any) -> None:
    values = template_values(config)
    a = fill_updates(values, config, phase="hari-h", seed=3)
    b = fill_updates(values, config, phase="hari-h", seed=3)
    c = fill_updates(values, config, phase="hari-h", seed=4)
    assert a[0] == b[0] and a[0] != c[0]


def test_persiapan_fills_people_columns(config: Any) -> None:
    values = template_values(config)
    updates, info = fill_updates(values, config, phase="persiapan", seed=5)
    grid = apply(values, updates)
    header = [h.lower() for h in grid[0]]
    saksi, hp, koord = header.index("nama saksi"), header.index("hp/wa saksi"), header.index("koordinator")
    rows = grid[1:]
    with_saksi = sum(1 for r in rows if len(r) > saksi and r[saksi])
    assert 0.82 <= with_saksi / len(rows) <= 0.88
    assert len(info.mistakes["duplicate_phone"]) == 6 and len(info.mistakes["bad_phone"]) == 3
    over = info.mistakes["overloaded_koordinator"]
    names = {rows[r - 2][koord] for r in over}
    limit = config.rules.saksi.max_tps_per_koordinator
    assert len(names) == 1 and len(over) > limit
    p1 = header.index("paslon 1")
    assert all(not (len(r) > p1 and r[p1]) for r in rows)   # no result cells in this phase
    digits = lambda s: "".join(ch for ch in str(s) if ch.isdigit())[-9:]  # noqa: E731
    a, b = info.mistakes["duplicate_phone"][:2]
    assert digits(rows[a - 2][hp]) == digits(rows[b - 2][hp])


def test_demo_command_serves_the_view_until_ctrl_c(tmp_path) -> None:
    """`sheetsync demo --serve`: summary, web view URL, serving until SIGINT, exit 0."""
    import os
    import subprocess
    import sys
    import urllib.request

    env = dict(os.environ, LANG="C.UTF-8", SHEETSYNC_LOCK_DIR=str(tmp_path / "locks"))
    proc = subprocess.Popen([sys.executable, "-c", "from sheetsync.cli.main import main; main()", "demo", "--serve"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stderr is not None     # both piped
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Web view"):
                break
        out = "".join(lines)
        assert "Cengkareng" in out, out + proc.stderr.read() if proc.poll() is not None else out
        url = out.rsplit("Web view (read-only): ", 1)[1].split()[0]
        with urllib.request.urlopen(url, timeout=20) as resp:
            page = resp.read().decode()
        assert resp.status == 200 and "SALAH" in page
        assert proc.poll() is None                       # still serving
    finally:
        stop_with_ctrl_c(proc, 20)
    assert proc.returncode == 0


def test_persiapan_one_overloaded_coordinator_and_saksi_rules(config: Any) -> None:
    values = template_values(config)
    updates, info = fill_updates(values, config, phase="persiapan", seed=8)
    result = check(apply(values, updates), config)
    overloaded = {i.row for i in result.issues if i.code == "koordinator_overloaded"}
    assert overloaded == set(info.mistakes["overloaded_koordinator"])
    dup = {i.row for i in result.issues if i.code == "duplicate_phone"}
    assert dup == set(info.mistakes["duplicate_phone"])
    assert {i.row for i in result.issues if i.code == "bad_phone"} == set(info.mistakes["bad_phone"])
