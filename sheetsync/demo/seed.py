"""Demo data: the Jakarta Barat sheet as volunteers fill it.

``hari-h`` (election night): about 80% of TPS reported; about 5% of rows carry
the mistakes real volunteers make (a number typed with separators, swapped
columns, a duplicated TPS, a sum that does not add up, a misspelt kelurahan).
``persiapan`` (ten days before): about 85% of TPS with a saksi, a few duplicate
phone numbers, badly typed numbers, one overloaded coordinator.

Besides the mistakes, ``hari-h`` carries what the evidence rules are there for: rows whose
paslon votes are in while suara sah, tidak sah and pengguna hak pilih are still blank
(partial results, PERIKSA), and a handful of results that add up but are unlikely, each of
a kind the anomaly flags (rules/janggal.py) look for: a turnout far below its kelurahan's,
one paslon with nearly every vote, the same numbers typed for three TPS of one kelurahan,
suara sah exactly the DPT.  They are planted only where a kelurahan has enough TPS for the
flags to compare (the province demo's sheets, one TPS per kelurahan, get none).

With a second entry (``with_double_entry``: the tab "Entri Kedua") a second team of
volunteers types the C.Hasil of each complete, mistake-free row again, an hour or two after the
first team finished it: most agree, those finished late are not typed yet, a few differ from
the first entry in one or two numbers, and one names a TPS the sheet does not have.

With a C.Hasil photo column (``with_photo_column``, ``sheetsync demo --photos``) about 85%
of the reported TPS get a Google Drive link to their photo and two get a link that is not
one; the rest have none yet, so the photo rule has rows to flag.

The evening (``evening_updates``): each row comes in at one of EVENING_HOURS hours, some
with the rest of their form an hour or two after their paslon votes; ``run_demo`` writes
each hour's cells and syncs with a journal, an hour apart, so the last 24 hours' tab shows
how reporting progressed.  The rows still waiting for the rest of their form when the last
hour is synced are the partial rows.

Everything is seeded: the same seed gives the same sheet.  ``fill_updates`` is
pure (values in, cell writes out) so tests can check it without a server;
``run_demo`` drives the emulator end to end for ``sheetsync demo``.
"""

from __future__ import annotations

import random
import tempfile
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import groupby
from pathlib import Path
from typing import Any, Callable, ContextManager, Iterable, Iterator

from sheetsync.core import a1
from sheetsync.core.config import (Column, Config, DoubleEntry, load_preset, preset_names, result_fields,
                                   with_overrides)
from sheetsync.core.double_entry import KEY_TYPES, find_columns
from sheetsync.core.headers import header_key
from sheetsync.core.progress import HOUR, WIB
from sheetsync.emulator import webview
from sheetsync.journal.store import Journal
from sheetsync.sheets.client import Client, Sheet, emulator_client, open_client
from sheetsync.sync.layout import LayoutReport, init_layout
from sheetsync.sync.run import SyncReport, sync
from sheetsync.sync.stamp import summary_origin

PHASES = ("hari-h", "persiapan")
MISTAKES = ("thousands_separator", "swapped_columns", "duplicate_tps", "sum_mismatch", "misspelt_kelurahan")
# The results that add up but are unlikely: janggal flag -> rows planted (janggal_identical:
# one kelurahan's TPS typed with the same numbers).
ANOMALIES = {"janggal_turnout": 2, "janggal_share": 2, "janggal_identical": 3, "janggal_sah_dpt": 2}
# The evening: hourly syncs, each row typed in at one of them, most in the middle hours.
EVENING_HOURS = 6
ARRIVAL_WEIGHTS = (1, 2, 3, 3, 2, 1)
# Reported rows whose suara sah, tidak sah and pengguna hak pilih come an hour or two after
# their paslon votes (in KPU's mid-count Sirekap data for Jakarta Barat, 44% of the TPS with
# paslon votes had no suara sah yet); those due after the last hour stay partial.
LATE_REST_SHARE = 0.3
REST_ROLES = ("sah", "tidak_sah", "pengguna")
# The second entry: a second team types each finished form again this many hours later.
SECOND_TAB = "Entri Kedua"
SECOND_DELAY = (1, 2)
ENTRIES_DIFFER = 4                      # planted: TPS whose second entry differs in one or two numbers

FIRST = ("Agus", "Budi", "Citra", "Dewi", "Eko", "Fajar", "Gita", "Hendra", "Indah", "Joko", "Kartika",
         "Lestari", "Made", "Nur", "Oktavia", "Putri", "Rahmat", "Sari", "Teguh", "Umi", "Wahyu", "Yusuf",
         "Ayu", "Bambang", "Dian", "Rina", "Siti", "Taufik", "Wulan", "Zainal")
LAST = ("Santoso", "Wijaya", "Siregar", "Hasibuan", "Nasution", "Saputra", "Lestari", "Pratama",
        "Hidayat", "Kusuma", "Rahman", "Setiawan", "Gunawan", "Simanjuntak", "Tanjung", "Halim")


@dataclass
class DemoFill:
    phase: str
    seed: int
    rows: int = 0                       # planned TPS rows found in the sheet
    reported: int = 0                   # hari-h: rows with results; persiapan: rows with a saksi
    mistakes: dict[str, list[int]] = field(default_factory=dict)   # kind -> sheet rows (1-based)
    anomalies: dict[str, list[int]] = field(default_factory=dict)  # janggal flag -> sheet rows (1-based)
    partial: list[int] = field(default_factory=list)   # sheet rows with paslon votes and no suara sah yet
    # with a second-entry tab: input-tab rows whose second entry agrees, and those planted to
    # differ; the second tab's rows naming a TPS the input tab does not have
    double_checked: list[int] = field(default_factory=list)
    entries_differ: list[int] = field(default_factory=list)
    second_unmatched: list[int] = field(default_factory=list)
    cells: int = 0                      # cells written

    @property
    def mistake_rows(self) -> set[int]:
        return {r for rows in self.mistakes.values() for r in rows}

    @property
    def anomaly_rows(self) -> set[int]:
        return {r for rows in self.anomalies.values() for r in rows}


# ----------------------------------------------------------- field names

ROLES: dict[str, tuple[str, ...]] = {
    "kecamatan": ("kecamatan",), "kelurahan": ("kelurahan",), "tps": ("tps", "no_tps"),
    "dpt": ("dpt",), "dpph": ("dpph",), "dptb": ("dptb",),
    "sah": ("suara_sah", "sah"), "tidak_sah": ("suara_tidak_sah", "tidak_sah"),
    "pengguna": ("pengguna_hak_pilih", "pengguna", "hadir"),
    "saksi": ("saksi", "nama_saksi"), "hp": ("hp_saksi", "hp", "telepon", "phone"),
    "koordinator": ("koordinator",), "bimtek": ("bimtek",), "photo": ("foto", "foto_chasil"),
}
# Found by column type when the config names the field otherwise.
TYPED_ROLES = ("kecamatan", "kelurahan", "tps", "photo")
# The photo column the demo adds, as docs/core.md shows it in a config.
PHOTO_COLUMN = Column(field="foto", header="Foto C.Hasil", type="photo", aliases=("Link Foto", "Foto"))
PHOTO_SHARE = 0.85                      # reported TPS whose photo is linked already
BAD_PHOTO_LINKS = ("drive.google.com/file/d/1Qx7foto", "https://example.com/chasil.jpg")


def _roles(config: Config, header: list[Any]) -> dict[str, int]:
    """role -> 0-based column of the current header (by config field, then header text)."""
    by_key = {header_key(h): i for i, h in enumerate(header)}
    out: dict[str, int] = {}
    fields = {c.field: c for c in config.columns}
    for role, names in ROLES.items():
        col = next((fields[n] for n in names if n in fields), None)
        if col is None:
            col = next((c for c in config.columns if c.type == role), None) if role in TYPED_ROLES else None
        if col is None:
            continue
        for name in (col.header, *col.aliases):
            if header_key(name) in by_key:
                out[role] = by_key[header_key(name)]
                break
    for i, name in enumerate(paslon_fields(config)):
        col = fields.get(name)
        if col is not None:
            idx = next((by_key[header_key(n)] for n in (col.header, *col.aliases) if header_key(n) in by_key), None)
            if idx is not None:
                out[f"paslon{i}"] = idx
    return out


def paslon_fields(config: Config) -> list[str]:
    return list(config.rules.paslon_fields) or sorted(c.field for c in config.columns if c.field.startswith("paslon"))


# ------------------------------------------------------------ generation

Updates = list[tuple[str, list[list[Any]]]]    # (A1 range, values) writes


class _Writer:
    """Collects single-cell writes keyed by (row, col), 0-based, and the hour of the evening
    each is typed in: its row's, or a later one for the rest of a form."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], Any] = {}
        self.arrival: dict[int, int] = {}                  # row -> hour its values are typed in
        self.later: dict[tuple[int, int], int] = {}        # cell -> the later hour it is typed in
        self.second: dict[int, tuple[int, list[Any]]] = {}  # second-tab row -> (hour typed, its cells)

    def put(self, r: int, c: int | None, value: Any) -> None:
        if c is not None:
            self.cells[(r, c)] = value

    def by_hour(self, hours: int) -> list["_Writer"]:
        """The writes split by the hour they are typed in, first hour first."""
        out = [_Writer() for _ in range(hours)]
        for (r, c), value in self.cells.items():
            out[self.later.get((r, c), self.arrival.get(r, 0))].put(r, c, value)
        for r, (hour, cells) in self.second.items():
            out[hour].second[r] = (hour, cells)
        return out

    def updates(self, tab: str, second_tab: str | None = None) -> Updates:
        """The input tab's writes, then the second tab's rows (whole rows, one range per run)."""
        out = self._strips(tab)
        if second_tab is not None:
            out += self._second_rows(second_tab)
        return out

    def _second_rows(self, tab: str) -> Updates:
        out: Updates = []
        for _, run in groupby(enumerate(sorted(self.second)), key=lambda nr: nr[1] - nr[0]):   # consecutive rows
            rows = [r for _, r in run]
            block = [self.second[r][1] for r in rows]
            out.append((a1.rect(tab, rows[0], 1, rows[-1], max(map(len, block))), block))
        return out

    def _strips(self, tab: str) -> Updates:
        """One range per column strip of consecutive rows: few ranges, small payload."""
        by_col: dict[int, list[tuple[int, Any]]] = {}
        for (r, c), v in sorted(self.cells.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            by_col.setdefault(c, []).append((r, v))
        out: Updates = []
        for c, items in by_col.items():
            start, block = items[0][0], [items[0][1]]
            for (r, v), (prev, _) in zip(items[1:], items):
                if r == prev + 1:
                    block.append(v)
                    continue
                out.append((_strip(tab, start, c, block)))
                start, block = r, [v]
            out.append(_strip(tab, start, c, block))
        return out


def _strip(tab: str, row0: int, col0: int, block: list[Any]) -> tuple[str, list[list[Any]]]:
    return a1.rect(tab, row0 + 1, col0 + 1, row0 + len(block), col0 + 1), [[v] for v in block]


def fill_updates(values: list[list[Any]], config: Config, *, phase: str = "hari-h",
                 seed: int = 2024) -> tuple[Updates, DemoFill]:
    """Cell writes that turn the planned rows of ``values`` into a filled demo sheet."""
    writer, info = _filled(values, config, phase, seed)
    return writer.updates(config.input_tab, second_tab(config)), info


def evening_updates(values: list[list[Any]], config: Config, *, seed: int = 2024) -> tuple[list[Updates], DemoFill]:
    """The hari-h fill as the evening brings it in: the cell writes of each of EVENING_HOURS
    hours, first hour first; together they are ``fill_updates``' writes."""
    writer, info = _filled(values, config, "hari-h", seed)
    return [hour.updates(config.input_tab, second_tab(config)) for hour in writer.by_hour(EVENING_HOURS)], info


def _filled(values: list[list[Any]], config: Config, phase: str, seed: int) -> tuple[_Writer, DemoFill]:
    if phase not in PHASES:
        raise ValueError(f"phase must be one of {', '.join(PHASES)}")
    hr = config.header_row
    header = values[hr - 1] if len(values) >= hr else []
    roles = _roles(config, list(header))
    rows = [r for r in range(hr, len(values)) if any(str(v).strip() for v in values[r])]
    rng = random.Random(seed)
    info = DemoFill(phase=phase, seed=seed, rows=len(rows))
    writer = _Writer()
    if phase == "hari-h":
        generated = _hari_h(values, rows, roles, config, rng, writer, info)
        evidence = random.Random(seed + 2)
        honest = _honest(generated, info)
        _anomalies(values, honest, roles, config, generated, evidence, writer, info)
        _evening(rows, set(honest) - {r - 1 for r in info.anomaly_rows}, roles, evidence, writer, info)
        if "photo" in roles:      # its own stream: the sheet without photos stays as it was
            _photos(sorted(generated), roles["photo"], random.Random(seed + 1), writer, info)
        if second_tab(config) is not None:     # its own stream too
            finished = sorted(set(honest) - {r - 1 for r in info.partial})
            _second_team(values, finished, roles, config, random.Random(seed + 3), writer, info)
    else:
        _persiapan(rows, roles, config, rng, writer, info)
    info.cells = len(writer.cells)
    return writer, info


def _results(rng: random.Random, n_paslon: int, shares: list[float]) -> dict[str, Any]:
    dpt = rng.randint(380, 598)
    dpph, dptb = rng.randint(0, 3), rng.randint(0, 8)
    pengguna = min(round(dpt * rng.uniform(0.55, 0.80)) + dpph + dptb, dpt + dpph + dptb)
    tidak_sah = round(pengguna * rng.uniform(0.01, 0.04))
    sah = pengguna - tidak_sah
    weights = [rng.gammavariate(s * 60, 1) for s in shares[:n_paslon]]
    return {"dpt": dpt, "dpph": dpph, "dptb": dptb, "pengguna": pengguna, "sah": sah,
            "tidak_sah": tidak_sah, "votes": _split(sah, weights)}


def _split(total: int, weights: list[float] | list[int]) -> list[int]:
    """``total`` shared in proportion to ``weights``, the last taking what rounding leaves."""
    whole = sum(weights)
    parts = [round(total * w / whole) for w in weights[:-1]]
    return parts + [total - sum(parts)]


def _hari_h(values: list[list[Any]], rows: list[int], roles: dict[str, int], config: Config,
            rng: random.Random, w: _Writer, info: DemoFill) -> dict[int, dict[str, Any]]:
    """Write the reported rows' results and the mistakes; returns the results of each reported row."""
    n_paslon = sum(1 for k in roles if k.startswith("paslon"))
    # Jakarta Barat 2024, roughly: paslon 1 ~ 40%, 2 ~ 10%, 3 ~ 50%.
    shares = [0.40, 0.10, 0.50] if n_paslon == 3 else [1.0 / max(n_paslon, 1)] * max(n_paslon, 1)
    reported = [r for r in rows if rng.random() < 0.80]
    info.reported = len(reported)
    generated: dict[int, dict[str, Any]] = {}
    for r in reported:
        res = _results(rng, n_paslon, shares)
        generated[r] = res
        _put_results(w, r, roles, res, lambda value: _as_typed(rng, value))
    for r in rows:   # a few not yet reported rows already have the DPT typed in
        if r not in generated and rng.random() < 0.10:
            w.put(r, roles.get("dpt"), rng.randint(380, 598))
    n_mistakes = max(len(MISTAKES), round(0.05 * len(rows)))
    candidates = [r for r in reported if r - 1 in generated]   # duplicate needs a reported neighbour
    chosen = rng.sample(candidates, min(n_mistakes, len(candidates)))
    for i, r in enumerate(sorted(chosen)):
        kind = MISTAKES[i % len(MISTAKES)]
        if _mistake(kind, r, values, roles, config, generated[r], rng, w):
            info.mistakes.setdefault(kind, []).append(r + 1)
    return generated


def _honest(generated: dict[int, dict[str, Any]], info: DemoFill) -> list[int]:
    """Reported rows (0-based) no mistake touches: not a mistake's row, nor the row whose TPS
    number a duplicate took."""
    touched = {r - 1 for r in info.mistake_rows} | {r - 2 for r in info.mistakes.get("duplicate_tps", [])}
    return [r for r in sorted(generated) if r not in touched]


# ------------------------------------------------------- planted evidence

def _anomalies(values: list[list[Any]], honest: list[int], roles: dict[str, int], config: Config,
               generated: dict[int, dict[str, Any]], rng: random.Random, w: _Writer, info: DemoFill) -> None:
    """Rewrite a handful of honest rows into results that add up but are unlikely, in
    kelurahan with enough TPS for the anomaly flags to compare them with."""
    n_paslon = sum(1 for k in roles if k.startswith("paslon"))
    if n_paslon < 2 or not all(k in roles for k in ("kelurahan", "dpt", *REST_ROLES)):
        return
    by_kelurahan: dict[str, list[int]] = {}
    for r in honest:
        by_kelurahan.setdefault(str(_cell(values[r], roles["kelurahan"])), []).append(r)
    groups = [rows for rows in by_kelurahan.values() if len(rows) >= config.rules.janggal.min_group_tps]
    if not groups:
        return
    taken: set[int] = set()

    def free(group: list[int]) -> list[int]:
        return [r for r in group if r not in taken]

    for code, count in ANOMALIES.items():
        if code == "janggal_identical":         # one form's numbers typed for several TPS
            planted = rng.sample(free(rng.choice(groups)), count)
            changed = [(r, generated[planted[0]]) for r in planted]
        else:
            planted = []
            for _ in range(count):
                planted.append(rng.choice(free(rng.choice(groups))))
                taken.add(planted[-1])
            changed = [(r, _unlikely(code, generated[r], rng)) for r in planted]
        for r, res in changed:
            generated[r] = res
            _put_results(w, r, roles, res)
        taken.update(planted)
        info.anomalies[code] = sorted(r + 1 for r in planted)


def _unlikely(code: str, res: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The row's results made unlikely as ``code`` flags, still adding up."""
    dpt, votes = res["dpt"], res["votes"]
    if code == "janggal_turnout":          # a fifth of the DPT came, where two thirds did around it
        pengguna = round(dpt * rng.uniform(0.15, 0.25))
        return _counted(res, pengguna, round(pengguna * 0.02), votes)
    if code == "janggal_share":            # one paslon has nearly every vote
        i = rng.randrange(len(votes))
        top = round(res["sah"] * rng.uniform(0.88, 0.95))
        rest = _split(res["sah"] - top, votes[:i] + votes[i + 1:])
        return {**res, "votes": rest[:i] + [top] + rest[i:]}
    # janggal_sah_dpt: every voter of the DPT came, and no vote was invalid
    return _counted(res, dpt, 0, votes)


def _counted(res: dict[str, Any], pengguna: int, tidak_sah: int, weights: list[int]) -> dict[str, Any]:
    """The row's results with another count of voters, shared among the paslon as ``weights``."""
    sah = pengguna - tidak_sah
    return {**res, "pengguna": pengguna, "tidak_sah": tidak_sah, "sah": sah, "votes": _split(sah, weights)}


def _put_results(w: _Writer, r: int, roles: dict[str, int], res: dict[str, Any],
                 typed: Callable[[int], Any] = int) -> None:
    """Write a row's results, each number ``typed`` as a volunteer types it."""
    for role in ("dpt", "dpph", "dptb", "pengguna", "sah", "tidak_sah"):
        w.put(r, roles.get(role), typed(res[role]))
    for i, v in enumerate(res["votes"]):
        w.put(r, roles.get(f"paslon{i}"), typed(v))


def _evening(rows: list[int], late: set[int], roles: dict[str, int], rng: random.Random, w: _Writer,
             info: DemoFill) -> None:
    """The hour each row is typed in; for some ``late`` rows the rest of the form (suara sah,
    tidak sah, pengguna hak pilih) an hour or two after their paslon votes, or not yet."""
    hours = range(EVENING_HOURS)
    typed = {r for r, _ in w.cells}
    for r in rows:
        if r in typed:
            w.arrival[r] = rng.choices(hours, ARRIVAL_WEIGHTS)[0]
    if not all(k in roles for k in REST_ROLES):
        return
    for r in sorted(late):
        if rng.random() >= LATE_REST_SHARE:
            continue
        rest_hour = w.arrival[r] + rng.choice((1, 2))
        for role in REST_ROLES:
            if rest_hour < EVENING_HOURS:
                w.later[(r, roles[role])] = rest_hour
            else:
                del w.cells[(r, roles[role])]
        if rest_hour >= EVENING_HOURS:
            info.partial.append(r + 1)


def _photos(reported: list[int], col: int, rng: random.Random, w: _Writer, info: DemoFill) -> None:
    """Links to C.Hasil photos on most reported rows; the rest have none yet, two a bad one."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    linked = [r for r in reported if rng.random() < PHOTO_SHARE]
    for r in linked:
        file_id = "1" + "".join(rng.choice(alphabet) for _ in range(32))
        w.put(r, col, f"https://drive.google.com/file/d/{file_id}/view?usp=sharing")
    info.mistakes["photo_missing"] = sorted(r + 1 for r in set(reported) - set(linked))
    for r, bad in zip(rng.sample(linked, min(len(BAD_PHOTO_LINKS), len(linked))), BAD_PHOTO_LINKS):
        w.put(r, col, bad)
        info.mistakes.setdefault("photo_link_invalid", []).append(r + 1)


# ------------------------------------------------------------ second entry

def with_double_entry(config: Config) -> Config:
    """The config with the demo's second-entry tab, unless it has a second entry already."""
    if config.double_entry is not None:
        return config
    return replace(config, double_entry=DoubleEntry(tab=SECOND_TAB))


def second_tab(config: Config) -> str | None:
    """The second-entry tab the demo fills, if the config has one."""
    return config.double_entry.tab if config.double_entry is not None else None


def second_tab_header(config: Config) -> list[str]:
    """The second tab's header as init writes it: the TPS key columns, then the C.Hasil counts,
    headed as in the input tab."""
    keys = [c.header for c in config.columns if c.type in KEY_TYPES]
    return keys + [col.header for f in result_fields(config) if (col := config.column(f)) is not None]


def _second_team(values: list[list[Any]], finished: list[int], roles: dict[str, int], config: Config,
                 rng: random.Random, w: _Writer, info: DemoFill) -> None:
    """The second team's rows, below its tab's header in the order it types them: each
    ``finished`` row typed again after the first team (after the evening: not yet), a few with
    one or two numbers misread, one with a TPS number its kelurahan does not have."""
    header = second_tab_header(config)
    columns = list(find_columns(values[config.header_row - 1], {h: (h,) for h in header}).values())
    if len(columns) < len(header) or not all(k in roles for k in KEY_TYPES):
        return
    typed = _second_hours(finished, w, rng)
    plain = [r for _, r in typed if r + 1 not in info.anomaly_rows]     # an anomaly keeps its one warning
    if len(plain) <= ENTRIES_DIFFER:
        return
    rows = {r: [_typed_again(values, w, r, c) for c in columns] for _, r in typed}
    differ = sorted(rng.sample(plain, ENTRIES_DIFFER))
    counts = range(sum(c.type in KEY_TYPES for c in config.columns), len(header))
    for r in differ:
        for i in rng.sample(counts, rng.choice((1, 2))):
            rows[r][i] = _misread(rows[r][i], rng)
    wrong = rng.choice([r for r in plain if r not in differ])
    rows[wrong][columns.index(roles["tps"])] = _last_tps(values, roles, wrong, config.header_row) + 1
    order = sorted(typed, key=lambda t: (t[0], rng.random()))      # within an hour, as the forms come in
    first = config.header_row + 1
    for n, (hour, r) in enumerate(order):
        w.second[first + n] = (hour, rows[r])
    info.second_unmatched = [first + n for n, (_, r) in enumerate(order) if r == wrong]
    info.entries_differ = [r + 1 for r in differ]
    info.double_checked = sorted(r + 1 for _, r in typed if r not in differ and r != wrong)


def _second_hours(finished: list[int], w: _Writer, rng: random.Random) -> list[tuple[int, int]]:
    """(hour, row) of the rows the second team types during the evening: SECOND_DELAY hours
    after the first team typed the row's last cell."""
    done = dict(w.arrival)
    for (r, _), hour in w.later.items():
        done[r] = max(done[r], hour)
    hours = [(done[r] + rng.choice(SECOND_DELAY), r) for r in finished]
    return [(hour, r) for hour, r in hours if hour < EVENING_HOURS]


def _typed_again(values: list[list[Any]], w: _Writer, r: int, c: int) -> Any:
    """A cell of row ``r`` as the second team types it: what the first team typed (or the
    planned row holds), a number without the stray spaces pasted from WhatsApp."""
    value = w.cells.get((r, c), _cell(values[r], c))
    text = str(value).strip()
    return int(text) if text.isdigit() else value


def _last_tps(values: list[list[Any]], roles: dict[str, int], r: int, header_row: int) -> int:
    """The highest TPS number of row ``r``'s kelurahan in the input tab."""
    def place(row: list[Any]) -> tuple[Any, Any]:
        return _cell(row, roles["kecamatan"]), _cell(row, roles["kelurahan"])

    return max(int(_cell(v, roles["tps"])) for v in values[header_row:]
               if place(v) == place(values[r]) and str(_cell(v, roles["tps"])).isdigit())


def _misread(value: int, rng: random.Random) -> int:
    """A number as a tired volunteer misreads it: two neighbouring digits swapped (120 for 102),
    or one ten off."""
    digits = str(value)
    swaps = [i for i in range(len(digits) - 1) if digits[i] != digits[i + 1] and (i or digits[1] != "0")]
    if swaps:
        i = rng.choice(swaps)
        return int(digits[:i] + digits[i + 1] + digits[i] + digits[i + 2:])
    return value + 10 if value < 10 or rng.random() < 0.5 else value - 10


def with_photo_column(config: Config) -> Config:
    """The config with the demo's C.Hasil photo column, unless it has one already."""
    if any(c.type == "photo" for c in config.columns):
        return config
    return replace(config, columns=(*config.columns, PHOTO_COLUMN))


def _as_typed(rng: random.Random, value: int) -> Any:
    """Mostly a number; sometimes text with stray spaces, as pasted from WhatsApp."""
    return f" {value} " if rng.random() < 0.03 else value


def _mistake(kind: str, r: int, values: list[list[Any]], roles: dict[str, int], config: Config,
             res: dict[str, Any], rng: random.Random, w: _Writer) -> bool:
    if kind == "thousands_separator" and "dpt" in roles:
        # The kelurahan's DPT typed with a dot ("1.045" is 1,045 > 600), or decimals "512,00".
        text = f"{rng.randint(1001, 4999):,}".replace(",", ".") if rng.random() < 0.5 else f"{res['dpt']},00"
        w.put(r, roles["dpt"], text)
        return True
    if kind == "swapped_columns" and "sah" in roles and "tidak_sah" in roles:
        w.put(r, roles["sah"], res["tidak_sah"])
        w.put(r, roles["tidak_sah"], res["sah"])
        return True
    if kind == "duplicate_tps" and "tps" in roles and "kelurahan" in roles:
        above = values[r - 1]
        same_kel = _cell(above, roles["kelurahan"]) == _cell(values[r], roles["kelurahan"])
        if same_kel:
            w.put(r, roles["tps"], _cell(above, roles["tps"]))    # typed the TPS number of the row above
            return True
        return False
    if kind == "sum_mismatch" and "paslon1" in roles:
        w.put(r, roles["paslon1"], res["votes"][1] + rng.randint(5, 40))
        return True
    if kind == "misspelt_kelurahan" and "kelurahan" in roles:
        name = str(_cell(values[r], roles["kelurahan"]))
        typo = _typo(name, rng, config)
        if typo:
            w.put(r, roles["kelurahan"], typo)
            return True
    return False


def _cell(row: list[Any], c: int) -> Any:
    return row[c] if c < len(row) else ""


def _typo(name: str, rng: random.Random, config: Config) -> str | None:
    """A misspelling the region matcher does not resolve (so it is a real mistake)."""
    regions = config.regions
    for _ in range(20):
        i = rng.randrange(1, max(2, len(name) - 1))
        kind = rng.randrange(3)
        if kind == 0:
            typo = name[:i] + name[i] + name[i:]                   # doubled letter
        elif kind == 1:
            typo = name[:i] + name[i + 1:]                         # dropped letter
        else:
            typo = name[:i - 1] + name[i] + name[i - 1] + name[i + 1:]   # swapped letters
        if typo != name and regions.find_kelurahan(typo) is None and not any(
                regions.find_kelurahan(typo, k.code) for k in regions.kecamatan):
            return typo
    return None


def _unique_names(rng: random.Random) -> Iterator[str]:
    """Distinct names: two coordinators must never be counted as one overloaded person."""
    seen: set[str] = set()
    while True:
        name = f"{rng.choice(FIRST)} {chr(65 + rng.randrange(26))}. {rng.choice(LAST)}"
        if name not in seen:
            seen.add(name)
            yield name


def _phone(rng: random.Random) -> tuple[str, str]:
    """(digits, as typed) of a plausible Indonesian mobile number."""
    digits = "08" + rng.choice(["11", "12", "13", "21", "22", "52", "53", "55", "56", "57", "77", "78", "95",
                                "96", "81", "82", "38"]) + "".join(str(rng.randrange(10)) for _ in range(rng.choice([7, 8])))
    rest = digits[1:]
    style = rng.randrange(5)
    typed = [digits, f"{digits[:4]}-{digits[4:8]}-{digits[8:]}", f"+62 {rest[:3]} {rest[3:7]} {rest[7:]}",
             "62" + rest, rest][style]
    return digits, typed


def _persiapan(rows: list[int], roles: dict[str, int], config: Config, rng: random.Random, w: _Writer,
               info: DemoFill) -> None:
    covered = [r for r in rows if rng.random() < 0.85]
    info.reported = len(covered)
    limit = config.rules.saksi.max_tps_per_koordinator or 10
    coordinators: list[str] = []
    phones: dict[int, str] = {}
    names = _unique_names(rng)
    # each coordinator looks after a run of TPS up to the limit; one takes far more
    chunk, index, overloaded = max(3, limit - 3), 0, rng.randrange(max(1, len(rows) // 50))
    for n, r in enumerate(rows):
        if n == index:
            size = limit + 8 if len(coordinators) == overloaded else rng.randint(chunk - 2, min(chunk + 2, limit))
            coordinators.append(next(names))
            index += size
            if len(coordinators) - 1 == overloaded:
                info.mistakes.setdefault("overloaded_koordinator", []).extend(
                    x + 1 for x in rows[n:n + size])
        w.put(r, roles.get("koordinator"), coordinators[-1])
    for r in covered:
        w.put(r, roles.get("saksi"), f"{rng.choice(FIRST)} {rng.choice(LAST)}")
        digits, typed = _phone(rng)
        phones[r] = typed
        w.put(r, roles.get("hp"), typed)
        w.put(r, roles.get("bimtek"), rng.choice(["ya", "Ya", "YA", "sudah", "y"]) if rng.random() < 0.7
              else rng.choice(["tidak", "belum", "Tidak"]))
    if "hp" in roles and len(covered) > 10:
        picks = rng.sample(covered, 9)
        for a, b in zip(picks[0:6:2], picks[1:6:2]):        # the same saksi put on two TPS
            w.put(b, roles["hp"], phones[a].replace("-", " "))
            info.mistakes.setdefault("duplicate_phone", []).extend([a + 1, b + 1])
        for r, bad in zip(picks[6:], ("0812-345-67", "021 5550 1234", "08123456789012345")):
            w.put(r, roles["hp"], bad)
            info.mistakes.setdefault("bad_phone", []).append(r + 1)


# ------------------------------------------------------------ the demo run

@dataclass(frozen=True)
class EveningSync:
    """One sync of the demo's evening: when it ran (the ``now`` it was given) and its report."""
    at: datetime
    report: SyncReport

    @property
    def reported(self) -> int:
        """TPS reported at this sync, as its summaries count them."""
        return int(self.report.kota.get("tps_reported", 0))


@dataclass
class DemoResult:
    spreadsheet: str
    api_url: str
    view_url: str
    fill: DemoFill
    layout: LayoutReport
    sync: SyncReport                   # the last sync's report
    summary: list[list[Any]]           # the kecamatan summary table as written to the sheet (header first)
    config: Config                     # the preset pointed at the demo sheet
    evening: list[EveningSync] = field(default_factory=list)   # hari-h: the hourly syncs, first first


def fill(config: Config, *, phase: str = "hari-h", seed: int = 2024, client: Client | None = None) -> DemoFill:
    """Read the input tab, write the demo values (one read, one RAW write)."""
    sheet = Sheet(client or open_client(config), config.spreadsheet)
    rng = a1.quote_tab(config.input_tab)
    values = sheet.read([rng])[rng]
    updates, info = fill_updates(values, config, phase=phase, seed=seed)
    if updates:
        sheet.write(updates)
    return info


def show_in_view(*configs: Config) -> None:
    """Tell the emulator's web view which headers of ``configs`` (none given: of every bundled
    preset) are personal, masked unless asked for, and which hold C.Hasil photo links."""
    columns = [c for config in (configs or [load_preset(n) for n in preset_names()]) for c in config.columns]
    webview.know_headers(personal=_headers(c for c in columns if c.personal),
                         photo=_headers(c for c in columns if c.type == "photo"), key=header_key)


def _headers(columns: Iterable[Column]) -> list[str]:
    return [h for c in columns for h in (c.header, *c.aliases)]


def with_anomaly_flags(config: Config) -> Config:
    """The config with the anomaly flags on at their default thresholds, as an empty
    [rules.janggal] table turns them on."""
    rules = config.rules
    return replace(config, rules=replace(rules, janggal=replace(rules.janggal, enabled=True)))


def demo_steps(phase: str) -> int:
    """The steps ``run_demo`` reports: init, then each hour's sync (persiapan: fill and sync)."""
    return 1 + (EVENING_HOURS if phase == "hari-h" else 2)


def run_demo(api_url: str, *, phase: str = "hari-h", seed: int = 2024, preset: str = "pilkada-jakbar-2024",
             photos: bool = False, work: Path | None = None, end: datetime | None = None,
             step: Callable[[int, int], None] | None = None) -> DemoResult:
    """Create the demo spreadsheet on a running emulator, init --with-tps, fill, sync.
    ``photos``: with a C.Hasil photo column, some reported rows still without a photo.
    hari-h is an evening of EVENING_HOURS syncs an hour apart, the last at ``end`` (now), with
    a journal and locks in ``work`` (a temporary directory when none is given), and a second
    team typing the results again in the tab "Entri Kedua" (made by init).
    ``step`` hears (steps done, steps in all)."""
    client = emulator_client(api_url)
    base = with_photo_column(load_preset(preset)) if photos else load_preset(preset)
    base = with_double_entry(base) if phase == "hari-h" else base
    title = "Warga Kawal TPS Jakarta Barat" + (" (persiapan)" if phase == "persiapan" else "")
    created = client.create(title)
    created.sheet1.update_title(base.input_tab)     # the new file's empty first tab becomes the input tab
    config = with_overrides(with_anomaly_flags(base), spreadsheet=created.id, api_url=api_url)
    show_in_view(config)       # the web view masks its personal columns and links its photo column
    report = step or (lambda done, total: None)
    total = demo_steps(phase)
    layout = init_layout(config, with_tps=True, client=client)     # with the summary tabs' charts
    report(1, total)
    folder: ContextManager[str] = nullcontext(str(work)) if work is not None else \
        tempfile.TemporaryDirectory(prefix="sheetsync-demo-")
    with folder as kept:
        locks = str(Path(kept) / "locks")
        if phase == "hari-h":
            info, evening = _evening_syncs(config, client, seed, Path(kept), end or datetime.now(WIB),
                                           lambda done: report(1 + done, total))
            last = evening[-1].report
        else:
            info, evening = fill(config, phase=phase, seed=seed, client=client), []
            report(2, total)
            last = sync(config, client=client, lock_dir=locks)
            report(3, total)
    tab = a1.quote_tab(config.summary_tabs.kecamatan)
    values = Sheet(client, created.id).read([tab], render="UNFORMATTED_VALUE")[tab]
    summary = values[summary_origin(config, config.summary_tabs.kecamatan) - 1:]   # the table, not the stamp
    return DemoResult(spreadsheet=created.id, api_url=api_url, view_url=f"{api_url}/view/{created.id}",
                      fill=info, layout=layout, sync=last, summary=summary, config=config, evening=evening)


def _evening_syncs(config: Config, client: Client, seed: int, work: Path, end: datetime,
                   step: Callable[[int], None]) -> tuple[DemoFill, list[EveningSync]]:
    """Election night as it comes in: each hour the rows typed in that hour are written, then the
    sheet is synced with a journal, so the last 24 hours' tab has the evening to show."""
    sheet = Sheet(client, config.spreadsheet)
    tab = a1.quote_tab(config.input_tab)
    hours, info = evening_updates(sheet.read([tab])[tab], config, seed=seed)
    _room_for_second_team(sheet, config, info)
    evening: list[EveningSync] = []
    with Journal(work / "journal.sqlite") as journal:
        for i, updates in enumerate(hours):
            at = end - (len(hours) - 1 - i) * HOUR
            if updates:
                sheet.write(updates)
            evening.append(EveningSync(at, sync(config, client=client, journal=journal, now=at,
                                                lock_dir=str(work / "locks"))))
            step(i + 1)
    return info, evening


def _room_for_second_team(sheet: Sheet, config: Config, info: DemoFill) -> None:
    """Rows enough in the second-entry tab for the rows the second team types: init made the
    tab the input tab's size, and a sheet with many TPS per kelurahan could outgrow it."""
    title = second_tab(config)
    if title is not None:
        typed = len(info.double_checked) + len(info.entries_differ) + len(info.second_unmatched)
        sheet.ensure_grid({title: (config.header_row + typed, len(second_tab_header(config)))})
