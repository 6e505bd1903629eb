"""Demo data: the Jakarta Barat sheet as volunteers fill it.

``hari-h`` (election night): about 80% of TPS reported; about 5% of rows carry
the mistakes real volunteers make (a number typed with separators, swapped
columns, a duplicated TPS, a sum that does not add up, a misspelt kelurahan).
``persiapan`` (ten days before): about 85% of TPS with a saksi, a few duplicate
phone numbers, badly typed numbers, one overloaded coordinator.

With a C.Hasil photo column (``with_photo_column``, ``sheetsync demo --photos``) about 85%
of the reported TPS get a Google Drive link to their photo and two get a link that is not
one; the rest have none yet, so the photo rule has rows to flag.

Everything is seeded: the same seed gives the same sheet.  ``fill_updates`` is
pure (values in, cell writes out) so tests can check it without a server;
``run_demo`` drives the emulator end to end for ``sheetsync demo``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Iterator

from sheetsync.core import a1
from sheetsync.core.config import Column, Config, load_preset, preset_names, with_overrides
from sheetsync.core.headers import header_key
from sheetsync.emulator import webview
from sheetsync.sheets.client import Client, Sheet, emulator_client, open_client
from sheetsync.sync.layout import LayoutReport, init_layout
from sheetsync.sync.run import SyncReport, sync
from sheetsync.sync.stamp import summary_origin

PHASES = ("hari-h", "persiapan")
MISTAKES = ("thousands_separator", "swapped_columns", "duplicate_tps", "sum_mismatch", "misspelt_kelurahan")

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
    cells: int = 0                      # cells written

    @property
    def mistake_rows(self) -> set[int]:
        return {r for rows in self.mistakes.values() for r in rows}


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

class _Writer:
    """Collects single-cell writes keyed by (row, col), 0-based."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], Any] = {}

    def put(self, r: int, c: int | None, value: Any) -> None:
        if c is not None:
            self.cells[(r, c)] = value

    def updates(self, tab: str) -> list[tuple[str, list[list[Any]]]]:
        """One range per column strip of consecutive rows: few ranges, small payload."""
        by_col: dict[int, list[tuple[int, Any]]] = {}
        for (r, c), v in sorted(self.cells.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            by_col.setdefault(c, []).append((r, v))
        out: list[tuple[str, list[list[Any]]]] = []
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
                 seed: int = 2024) -> tuple[list[tuple[str, list[list[Any]]]], DemoFill]:
    """Cell writes that turn the planned rows of ``values`` into a filled demo sheet."""
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
        reported = _hari_h(values, rows, roles, config, rng, writer, info)
        if "photo" in roles:      # its own stream: the sheet without photos stays as it was
            _photos(reported, roles["photo"], random.Random(seed + 1), writer, info)
    else:
        _persiapan(rows, roles, config, rng, writer, info)
    info.cells = len(writer.cells)
    return writer.updates(config.input_tab), info


def _results(rng: random.Random, n_paslon: int, shares: list[float]) -> dict[str, Any]:
    dpt = rng.randint(380, 598)
    dpph, dptb = rng.randint(0, 3), rng.randint(0, 8)
    pengguna = min(round(dpt * rng.uniform(0.55, 0.80)) + dpph + dptb, dpt + dpph + dptb)
    tidak_sah = round(pengguna * rng.uniform(0.01, 0.04))
    sah = pengguna - tidak_sah
    weights = [rng.gammavariate(s * 60, 1) for s in shares[:n_paslon]]
    total = sum(weights)
    votes = [round(sah * w / total) for w in weights[:-1]]
    votes.append(sah - sum(votes))
    return {"dpt": dpt, "dpph": dpph, "dptb": dptb, "pengguna": pengguna, "sah": sah,
            "tidak_sah": tidak_sah, "votes": votes}


def _hari_h(values: list[list[Any]], rows: list[int], roles: dict[str, int], config: Config,
            rng: random.Random, w: _Writer, info: DemoFill) -> list[int]:
    """Write the reported rows' results and the mistakes; returns the reported rows."""
    n_paslon = sum(1 for k in roles if k.startswith("paslon"))
    # Jakarta Barat 2024, roughly: paslon 1 ~ 40%, 2 ~ 10%, 3 ~ 50%.
    shares = [0.40, 0.10, 0.50] if n_paslon == 3 else [1.0 / max(n_paslon, 1)] * max(n_paslon, 1)
    reported = [r for r in rows if rng.random() < 0.80]
    info.reported = len(reported)
    generated: dict[int, dict[str, Any]] = {}
    for r in reported:
        res = _results(rng, n_paslon, shares)
        generated[r] = res
        for role in ("dpt", "dpph", "dptb", "pengguna", "sah", "tidak_sah"):
            w.put(r, roles.get(role), _as_typed(rng, res[role]))
        for i, v in enumerate(res["votes"]):
            w.put(r, roles.get(f"paslon{i}"), _as_typed(rng, v))
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
    return reported


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

@dataclass
class DemoResult:
    spreadsheet: str
    api_url: str
    view_url: str
    fill: DemoFill
    layout: LayoutReport
    sync: SyncReport
    summary: list[list[Any]]           # the kecamatan summary table as written to the sheet (header first)
    config: Config                     # the preset pointed at the demo sheet


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


def run_demo(api_url: str, *, phase: str = "hari-h", seed: int = 2024, preset: str = "pilkada-jakbar-2024",
             photos: bool = False, step: Callable[[str], None] | None = None) -> DemoResult:
    """Create the demo spreadsheet on a running emulator, init --with-tps, fill, sync.
    ``photos``: with a C.Hasil photo column, some reported rows still without a photo."""
    client = emulator_client(api_url)
    base = with_photo_column(load_preset(preset)) if photos else load_preset(preset)
    title = "Warga Kawal TPS Jakarta Barat" + (" (persiapan)" if phase == "persiapan" else "")
    created = client.create(title)
    created.sheet1.update_title(base.input_tab)     # the new file's empty first tab becomes the input tab
    config = with_overrides(base, spreadsheet=created.id, api_url=api_url)
    show_in_view(config)       # the web view masks its personal columns and links its photo column
    if step:
        step("init")
    layout = init_layout(config, with_tps=True, client=client)
    if step:
        step("fill")
    info = fill(config, phase=phase, seed=seed, client=client)
    if step:
        step("sync")
    report = sync(config, client=client)
    tab = a1.quote_tab(config.summary_tabs.kecamatan)
    values = Sheet(client, created.id).read([tab], render="UNFORMATTED_VALUE")[tab]
    summary = values[summary_origin(config, config.summary_tabs.kecamatan) - 1:]   # the table, not the stamp
    return DemoResult(spreadsheet=created.id, api_url=api_url, view_url=f"{api_url}/view/{created.id}",
                      fill=info, layout=layout, sync=report, summary=summary, config=config)
