"""``sheetsync init``: create or repair the sheet's layout from the config.

One structure read, one header/values read, then at most ONE
spreadsheets:batchUpdate holding only what is missing or wrong:

- the input tab, its header row (missing headers appended, never reordered), frozen;
- dropdowns (data validation, warning only) for kecamatan and kelurahan;
- one conditional colour per status on the status column;
- the status/message columns and the summary tabs protected, warning only;
- the summary tabs, and the charts on them (`charts`): per kecamatan target vs votes, the
  paslon's shares stacked, % of TPS reported; the kota's votes per paslon vs its target;
- with ``with_tps``: one row per planned TPS that is not in the sheet yet;
- with double entry: the second-entry columns' headers (suffix form), or the second-entry tab
  with its header row, frozen, and the same dropdowns, when it does not exist yet (tab form).
  Once it exists the tab is the second team's: init never touches it again.

A second run finds everything in place and sends no write at all.  Ranges
are open-ended (no endRowIndex) so rows people append are covered too.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Sequence

import sheetsync.core.rules  # noqa: F401  rule families register their statuses (BELUM ADA SAKSI)
from sheetsync.core import a1
from sheetsync.core.check import check
from sheetsync.core.config import Config, progress_title
from sheetsync.core.double_entry import KEY_TYPES, second_headers
from sheetsync.core.headers import header_key
from sheetsync.core.issues import STATUS_LABELS, status_label
from sheetsync.core.locale_check import spreadsheet_locale
from sheetsync.core.presets import planned_tps
from sheetsync.core.progress import HOURS
from sheetsync.core.regions import tps_key
from sheetsync.core.summaries import summary_tables
from sheetsync.sheets.client import Client, Sheet, open_client
from sheetsync.sync.desired import InputLayout, input_layout
from sheetsync.sync.ownership import (ApiObject, Owned, column_marker, column_unmarker, read_owned, resolve_tabs,
                                      summary_headers, synced_before, tab_kinds, tab_marker)
from sheetsync.sync.stamp import summary_origin
from sheetsync.sync.tab_owner import sums_another

MARK = "sheetsync:"            # prefix of descriptions of what init owns
# Chart titles, in the sheet's language ({kota}: the config's kota).
CHART_TITLES: dict[str, dict[str, str]] = {
    "target": {"id": "Target vs suara per kecamatan", "en": "Target vs votes per kecamatan"},
    "share": {"id": "Perolehan suara paslon per kecamatan (%)", "en": "Paslon vote share per kecamatan (%)"},
    "reported": {"id": "% TPS lapor per kecamatan", "en": "% of TPS reported per kecamatan"},
    "kota": {"id": "Suara per paslon vs target, {kota}", "en": "Votes per paslon vs target, {kota}"},
    "progress": {"id": "TPS lapor per jam, 24 jam terakhir", "en": "TPS reported per hour, last 24 hours"},
}
CHART_PX = (720, 400)          # width, height of each chart
CHART_CELLS = (8, 21)          # the columns (100 px) and rows (21 px) a chart and its margin cover
STATUS_COLOURS: dict[str, dict[str, float]] = {   # Google's own light palette
    "OK": {"red": 0.718, "green": 0.882, "blue": 0.804},            # #b7e1cd green
    "PERIKSA": {"red": 0.988, "green": 0.91, "blue": 0.698},        # #fce8b2 yellow
    "SALAH": {"red": 0.957, "green": 0.78, "blue": 0.765},          # #f4c7c3 red
    "BELUM DIISI": {"red": 0.91, "green": 0.918, "blue": 0.929},    # #e8eaed grey
    "BELUM ADA SAKSI": {"red": 0.812, "green": 0.886, "blue": 0.953},  # #cfe2f3 light blue
}


@dataclass
class LayoutReport:
    spreadsheet: str
    requests: list[str] = field(default_factory=list)   # kinds of the batchUpdate requests sent
    write_calls: int = 0                                  # batchUpdate calls (0 or 1)
    api_calls: int = 0                                    # every API call made, reads included
    tabs_added: list[str] = field(default_factory=list)
    headers_added: list[str] = field(default_factory=list)
    tps_rows_added: int = 0
    locale: str | None = None                             # the spreadsheet's, from the same metadata read


# ----------------------------------------------------------------- entry

def init_layout(config: Config, *, with_tps: bool = False, client: Client | None = None) -> LayoutReport:
    """Create or repair the layout of ``config.spreadsheet``; see the module docstring."""
    sheet = Sheet(client or open_client(config), config.spreadsheet)
    report = LayoutReport(spreadsheet=sheet.key)
    structure = sheet.structure()
    report.locale = spreadsheet_locale(structure)
    current = _current_values(sheet, config, structure)
    current["layout"] = _owned_layout(current, config)
    plan = LayoutPlan(config, structure, current)
    requests = plan.build(with_tps=with_tps)
    if requests:
        sheet.batch_update(requests)
        report.write_calls = 1
    report.requests = [next(iter(r)) for r in requests]
    report.tabs_added = plan.tabs_added
    report.headers_added = plan.headers_added
    report.tps_rows_added = plan.tps_rows_added
    report.api_calls = sheet.requests
    return report


def _current_values(sheet: Sheet, config: Config, structure: ApiObject) -> dict[str, Any]:
    """Input tab values (for header and TPS rows) and data validation of its first data row."""
    props = {s["properties"]["title"]: s["properties"] for s in structure.get("sheets", [])}
    if config.input_tab not in props:
        owned = Owned(unmarked_tabs=[t for t in config.summary_tabs.titles()])
        resolve_tabs(sheet, config, owned, props)
        return {"values": [], "validation": {}, "owned": owned}
    owned = read_owned(sheet, config)           # the input tab, and what carries sheetsync's markers
    resolve_tabs(sheet, config, owned, props)   # a hand-made tab of a summary's title: NotOurs
    values = owned.values[config.input_tab]
    tab = a1.quote_tab(config.input_tab)
    header = values[config.header_row - 1] if len(values) >= config.header_row else []
    validation: dict[int, Any] = {}
    if header:
        row = config.header_row + 1
        last = a1.col_letters(len(header))
        got = sheet.structure(grid_ranges=[f"{tab}!A{row}:{last}{row}"])
        for s in got.get("sheets", []):
            if s["properties"]["title"] != config.input_tab:
                continue
            for block in s.get("data", []):
                for r in block.get("rowData", [])[:1]:
                    for c, cell in enumerate(r.get("values", [])):
                        if cell.get("dataValidation"):
                            validation[c] = cell["dataValidation"]
    return {"values": values, "validation": validation, "owned": owned}


def _owned_layout(current: dict[str, Any], config: Config) -> InputLayout:
    """Where Status and Keterangan stand (sync_desired.input_layout), with the data headers init
    appends counted in: a person's column of that header stops init (NotOurs)."""
    values = [list(line) for line in current["values"]]
    values += [[] for _ in range(config.header_row - len(values))]
    row = values[config.header_row - 1]
    missing = missing_headers(row, config)
    if missing:
        row += [""] * (_widest(values) - len(row)) + missing
    owned = current["owned"]
    return input_layout(values, config, owned.columns, synced_before=synced_before(owned, config))


def missing_headers(row: Sequence[Any], config: Config) -> list[str]:
    """The data headers (and second-entry column headers) the header row lacks, in config order."""
    have = {header_key(h) for h in row}
    wanted = [(c.header, *c.aliases) for c in config.columns]
    if config.double_entry is not None and config.double_entry.suffix is not None:
        wanted += list(second_headers(config).values())
    return [names[0] for names in wanted if not any(header_key(n) in have for n in names)]


def _widest(values: list[list[Any]]) -> int:
    """Columns up to the last filled cell of any row (the API trims trailing blanks)."""
    return max((len(line) for line in values), default=0)


# ------------------------------------------------------------------ plan

class LayoutPlan:
    """Desired layout vs current structure -> the batchUpdate requests still needed."""

    def __init__(self, config: Config, structure: ApiObject, current: dict[str, Any]):
        self.config = config
        self.sheets = {s["properties"]["title"]: s for s in structure.get("sheets", [])}
        self.used_ids = {s["properties"]["sheetId"] for s in structure.get("sheets", [])}
        self.values: list[list[Any]] = current["values"]
        self.owned = current["owned"]
        self.layout = current["layout"]
        self.validation: dict[int, Any] = current["validation"]
        self.requests: list[ApiObject] = []
        self.tabs_added: list[str] = []
        self.headers_added: list[str] = []
        self.tps_rows_added = 0
        self.rng = random.Random(hash(config.spreadsheet) & 0xFFFF)

    # -- helpers ----------------------------------------------------------
    def sheet_id(self, title: str) -> int:
        """Existing sheetId, or a new one added (addSheet) in this same batch."""
        if title in self.sheets:
            return int(self.sheets[title]["properties"]["sheetId"])
        new_id = self.rng.randint(1, 2**31 - 1)
        while new_id in self.used_ids:
            new_id = self.rng.randint(1, 2**31 - 1)
        self.used_ids.add(new_id)
        rows, cols = self.tab_grid(title)
        props = {"sheetId": new_id, "title": title, "gridProperties": {"rowCount": rows, "columnCount": cols}}
        self.requests.append({"addSheet": {"properties": props}})
        kinds = tab_kinds(self.config)
        if title in kinds:
            self.requests.append(tab_marker(new_id, kinds[title]))
        self.sheets[title] = {"properties": props}
        self.tabs_added.append(title)
        return new_id

    def tab_grid(self, title: str) -> tuple[int, int]:
        """A new tab's grid, sized to what goes there (not Google's 1000 x 26): the input tab
        holds the planned TPS; a summary is as wide as its table and as long as its rows (one per
        kecamatan or kelurahan; on the kecamatan tab the charts below it) and a tenth to grow, or
        1,000 rows for the tables that follow the data, and two columns more for the source line
        (tab_owner.py). The input tab keeps Google's 26 columns at least: people add columns of
        their own there."""
        regions, cfg = self.config.regions, self.config
        if title == cfg.input_tab or (cfg.double_entry is not None and title == cfg.double_entry.tab):
            return max(len(regions.kelurahan) * 30, 100) + cfg.header_row, max(len(cfg.columns) + 2, 26)
        width = max(len(summary_headers(cfg).get(title, [])), 1) + 2
        charts = len(kecamatan_charts(cfg, 0))                                # two abreast below the table
        rows = {cfg.summary_tabs.kecamatan: len(regions.kecamatan) + 3 + (charts + 1) // 2 * CHART_CELLS[1],
                cfg.summary_tabs.kelurahan: len(regions.kelurahan) + 5}.get(title)
        if title == progress_title(cfg):      # the hours' table, its chart below
            return 1 + HOURS + 2 + CHART_CELLS[1], 3 + 2
        if rows is None:                  # Masalah, Rekap Koordinator follow the data: as a sync makes them
            return 1000, width
        return rows + rows // 10 + 3, width

    def summary_titles(self) -> list[str]:
        tabs = self.config.summary_tabs
        titles = [tabs.kecamatan, tabs.kelurahan, tabs.masalah]
        return titles + ([tabs.koordinator] if tabs.koordinator else [])

    # -- build ------------------------------------------------------------
    def build(self, *, with_tps: bool) -> list[ApiObject]:
        cfg = self.config
        input_id = self.sheet_id(cfg.input_tab)
        for title in self.summary_titles():
            self.sheet_id(title)
        header = self.header_cells(input_id)
        self.marks(input_id)
        self.freeze(input_id)
        self.dropdowns(input_id, header)
        self.colours(input_id)
        self.protections(input_id)
        self.charts()
        self.second_tab()
        if with_tps:
            self.planned_rows(input_id, header)
        return self.requests

    def header_cells(self, sheet_id: int) -> list[str]:
        """The header row as it will be: current cells, missing data headers appended, and
        Status and Keterangan where the owned layout puts them."""
        cfg = self.config
        row = list(self.values[cfg.header_row - 1]) if len(self.values) >= cfg.header_row else []
        missing = missing_headers(row, cfg)
        # after the widest row, as for the owned columns: a column a person typed into
        # without a header (notes right of the table) must not become a data column
        start = max(len(row), _widest(self.values)) if missing else len(row)
        out = [str(h) for h in row] + [""] * (start - len(row)) + missing
        if missing:
            self.write_header(sheet_id, start, missing)
        for text, col in zip((cfg.status_header, cfg.message_header),
                             (self.layout.status_col, self.layout.message_col)):
            if text in self.layout.missing_headers:
                self.write_header(sheet_id, col - 1, [text])
                out += [""] * (col - len(out))
                out[col - 1] = text
                missing.append(text)
        self.headers_added = missing
        return out

    def write_header(self, sheet_id: int, start: int, texts: list[str]) -> None:
        self.grow(sheet_id, columns=start + len(texts))
        self.requests.append({"updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": self.config.header_row - 1, "columnIndex": start},
            "rows": [{"values": [{"userEnteredValue": {"stringValue": h},
                                  "userEnteredFormat": {"textFormat": {"bold": True}}} for h in texts]}],
            "fields": "userEnteredValue,userEnteredFormat.textFormat.bold"}})

    def marks(self, input_id: int) -> None:
        """sheetsync's markers on its columns (new ones, or found on a sheet of an earlier
        release) and tabs of an earlier release; stale markers on people's columns go."""
        self.requests += [column_unmarker(input_id, col, role) for role, col in self.layout.stale]
        self.requests += [column_marker(input_id, col, role) for role, col in self.layout.to_mark]
        self.requests += self.owned.tab_marks

    def grow(self, sheet_id: int, *, columns: int = 0, rows: int = 0) -> None:
        props = next(s["properties"] for s in self.sheets.values() if s["properties"]["sheetId"] == sheet_id)
        grid = props.setdefault("gridProperties", {})
        for dim, want, key in (("COLUMNS", columns, "columnCount"), ("ROWS", rows, "rowCount")):
            have = grid.get(key, 0)
            if want > have:
                self.requests.append({"appendDimension": {"sheetId": sheet_id, "dimension": dim,
                                                          "length": want - have}})
                grid[key] = want

    def column(self, header: Sequence[str], names: Sequence[str]) -> int | None:
        keys = {header_key(n) for n in names}
        return next((i for i, h in enumerate(header) if header_key(h) in keys), None)

    def field_column(self, header: Sequence[str], fieldname: str) -> int | None:
        col = next((c for c in self.config.columns if c.field == fieldname), None)
        return None if col is None else self.column(header, (col.header, *col.aliases))

    def data_range(self, sheet_id: int, col: int) -> ApiObject:
        return {"sheetId": sheet_id, "startRowIndex": self.config.header_row,
                "startColumnIndex": col, "endColumnIndex": col + 1}

    def freeze(self, sheet_id: int) -> None:
        props = next(s["properties"] for s in self.sheets.values() if s["properties"]["sheetId"] == sheet_id)
        if props.get("gridProperties", {}).get("frozenRowCount", 0) != self.config.header_row:
            self.requests.append({"updateSheetProperties": {
                "properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": self.config.header_row}},
                "fields": "gridProperties.frozenRowCount"}})

    def dropdowns(self, sheet_id: int, header: Sequence[str], validation: dict[int, Any] | None = None) -> None:
        regions = self.config.regions
        have = self.validation if validation is None else validation
        lists = {"kecamatan": [k.name for k in regions.kecamatan],
                 "kelurahan": sorted({k.name for k in regions.kelurahan})}
        for col in self.config.columns:
            if col.type not in lists:
                continue
            c = self.column(header, (col.header, *col.aliases))
            if c is None:
                continue
            rule = {"condition": {"type": "ONE_OF_LIST",
                                  "values": [{"userEnteredValue": v} for v in lists[col.type]]},
                    "showCustomUi": True, "strict": False}
            if _same_validation(have.get(c), rule):
                continue
            self.requests.append({"setDataValidation": {"range": self.data_range(sheet_id, c), "rule": rule}})

    def status_labels(self) -> list[tuple[str, str]]:
        return [(code, status_label(code, self.config.language)) for code in STATUS_LABELS
                if code in STATUS_COLOURS]

    def colours(self, sheet_id: int) -> None:
        c = self.layout.status_col - 1
        wanted = [{"ranges": [self.data_range(sheet_id, c)],
                   "booleanRule": {"condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": label}]},
                                   "format": {"backgroundColor": STATUS_COLOURS[code]}}}
                  for code, label in self.status_labels()]
        sheet = self.sheets.get(self.config.input_tab, {})
        rules = sheet.get("conditionalFormats", [])
        ours = [i for i, r in enumerate(rules) if _is_status_rule(r, {lbl for _, lbl in self.status_labels()})]
        grid = sheet.get("properties", {}).get("gridProperties", {})
        if len(ours) == len(wanted) and all(_same_rule(rules[i], _bounded_rule(w, grid))
                                            for i, w in zip(ours, wanted)):
            return
        for i in sorted(ours, reverse=True):   # indices shift: delete from the end
            self.requests.append({"deleteConditionalFormatRule": {"sheetId": sheet_id, "index": i}})
        for index, rule in enumerate(wanted):
            self.requests.append({"addConditionalFormatRule": {"rule": rule, "index": index}})

    def protections(self, input_id: int) -> None:
        wanted: list[ApiObject] = []
        for name, col in ((self.config.status_header, self.layout.status_col),
                          (self.config.message_header, self.layout.message_col)):
            wanted.append({"description": f"{MARK} {name} (diisi otomatis oleh sheetsync)",
                           "range": self.data_range(input_id, col - 1), "warningOnly": True})
        for title in self.summary_titles():
            wanted.append({"description": f"{MARK} tab {title} (diisi otomatis oleh sheetsync)",
                           "range": {"sheetId": self.sheet_id(title)}, "warningOnly": True})
        # only this config's tabs: another config on the same spreadsheet protects its own
        mine = {input_id, *(self.sheet_id(title) for title in self.summary_titles())}
        existing = [(p, s["properties"]["sheetId"]) for s in self.sheets.values()
                    if s["properties"]["sheetId"] in mine
                    for p in s.get("protectedRanges", []) if str(p.get("description", "")).startswith(MARK)]
        matched: set[int] = set()
        for want in wanted:
            same = next((p for p, _ in existing if _same_protection(p, want)), None)
            if same is not None:
                matched.add(id(same))
                continue
            self.requests.append({"addProtectedRange": {"protectedRange": want}})
        for p, _ in existing:
            if id(p) not in matched and "protectedRangeId" in p:
                self.requests.append({"deleteProtectedRange": {"protectedRangeId": p["protectedRangeId"]}})

    def charts(self) -> None:
        """sheetsync's charts on the tabs it owns (charts carry no marker: the tab's is theirs).
        A chart is there when a chart of the tab shows the same ranges, whatever its type,
        title, colours or place (a person may restyle or move it); one of sheetsync's titles
        showing other ranges is an old one of sheetsync's: replaced. Other charts are left."""
        ours = chart_titles(self.config)
        for tab, wanted in self.wanted_charts().items():
            have = self.sheets[tab].get("charts", [])
            keys = {_chart_key(c["spec"]) for c in wanted}
            shown = {_chart_key(c.get("spec", {})) for c in have}
            self.requests += [{"deleteEmbeddedObject": {"objectId": c["chartId"]}} for c in have
                              if c.get("spec", {}).get("title") in ours and _chart_key(c["spec"]) not in keys]
            self.requests += [{"addChart": {"chart": c}} for c in wanted if _chart_key(c["spec"]) not in shown]

    def wanted_charts(self) -> dict[str, list[ApiObject]]:
        """Owned tab title -> the charts sheetsync puts there; none on a tab that sums another
        config's input tab (tab_owner.py): its charts are that config's."""
        tab = self.config.summary_tabs.kecamatan
        wanted = {tab: kecamatan_charts(self.config, self.sheet_id(tab))}
        progress = progress_title(self.config)
        if progress in tab_kinds(self.config):
            wanted[progress] = [progress_chart(self.config, self.sheet_id(progress))]
        return {t: charts for t, charts in wanted.items()
                if sums_another(self.owned.values.get(t, []), self.config, self.owned.input_tabs) is None}

    def second_tab(self) -> None:
        """The second-entry tab, made once: header row (the TPS key and the counts, as in the
        input tab), frozen, with the region dropdowns. An existing tab is left as it is."""
        entry = self.config.double_entry
        if entry is None or entry.tab is None or entry.tab in self.sheets:
            return
        cfg = self.config
        header = [c.header for c in cfg.columns if c.type in KEY_TYPES]
        header += [cfg.column(f).header for f in second_headers(cfg)]  # type: ignore[union-attr]
        sheet_id = self.sheet_id(entry.tab)
        self.write_header(sheet_id, 0, header)
        self.freeze(sheet_id)
        self.dropdowns(sheet_id, header, validation={})

    def planned_rows(self, sheet_id: int, header: Sequence[str]) -> None:
        rows = missing_planned_rows(self.values, self.config)
        if not rows:
            return
        cols = {f: self.field_column(header, f) for f in ("kecamatan", "kelurahan", "tps")}
        if any(c is None for c in cols.values()):
            return
        start = max(len(self.values), self.config.header_row)    # first row after the last filled one
        self.grow(sheet_id, rows=start + len(rows))
        for fieldname, c in cols.items():
            cells = [{"values": [_cell(r[fieldname])]} for r in rows]
            self.requests.append({"updateCells": {
                "start": {"sheetId": sheet_id, "rowIndex": start, "columnIndex": c},
                "rows": cells, "fields": "userEnteredValue"}})
        self.tps_rows_added = len(rows)


def _cell(value: Any) -> ApiObject:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"userEnteredValue": {"numberValue": value}}
    return {"userEnteredValue": {"stringValue": str(value)}}


# ------------------------------------------------------------- comparisons

def _colour_key(fmt: ApiObject) -> tuple[int, ...]:
    """A colour as Google stores it, 8 bits per channel (0.765 comes back as 195/255 = 0.7647059)."""
    colour = fmt.get("backgroundColor") or fmt.get("backgroundColorStyle", {}).get("rgbColor") or {}
    return tuple(round(float(colour.get(k, 0)) * 255) for k in ("red", "green", "blue"))


def _cond_values(rule: ApiObject) -> list[str]:
    cond = rule.get("booleanRule", {}).get("condition", {})
    return [str(v.get("userEnteredValue", "")) for v in cond.get("values", [])]


def _is_status_rule(rule: ApiObject, labels: set[str]) -> bool:
    cond = rule.get("booleanRule", {}).get("condition", {})
    return cond.get("type") == "TEXT_EQ" and len(_cond_values(rule)) == 1 and _cond_values(rule)[0] in labels


def _range_key(r: ApiObject) -> tuple[int | None, ...]:
    return (r.get("sheetId", 0), r.get("startRowIndex", 0), r.get("endRowIndex"),
            r.get("startColumnIndex", 0), r.get("endColumnIndex"))


def _bounded_rule(rule: ApiObject, grid: ApiObject) -> ApiObject:
    """A rule as Google stores it: open range ends closed at the grid's edges."""
    edges = {"endRowIndex": grid.get("rowCount"), "endColumnIndex": grid.get("columnCount")}
    ranges = [{**{k: v for k, v in edges.items() if v is not None}, **r} for r in rule["ranges"]]
    return {**rule, "ranges": ranges}


def _same_rule(have: ApiObject, want: ApiObject) -> bool:
    return ([_range_key(r) for r in have.get("ranges", [])] == [_range_key(r) for r in want["ranges"]]
            and _cond_values(have) == _cond_values(want)
            and _colour_key(have.get("booleanRule", {}).get("format", {}))
            == _colour_key(want["booleanRule"]["format"]))


def _same_validation(have: ApiObject | None, want: ApiObject) -> bool:
    if not have:
        return False
    cond, wcond = have.get("condition", {}), want["condition"]
    return (cond.get("type") == wcond["type"]
            and [v.get("userEnteredValue") for v in cond.get("values", [])]
            == [v["userEnteredValue"] for v in wcond["values"]]
            and bool(have.get("strict", False)) == want["strict"])


def _same_protection(have: ApiObject, want: ApiObject) -> bool:
    return (have.get("description") == want["description"] and bool(have.get("warningOnly")) is True
            and _range_key(have.get("range", {})) == _range_key(want["range"]))


# ------------------------------------------------------------------ charts

def chart_titles(config: Config) -> set[str]:
    """Every title sheetsync gives a chart, in both languages: how an old chart of its own is known."""
    return {title.format(kota=config.regions.kota) for titles in CHART_TITLES.values() for title in titles.values()}


def _title(kind: str, config: Config) -> str:
    return CHART_TITLES[kind]["id" if config.language == "id" else "en"].format(kota=config.regions.kota)


def _source(sheet_id: int, rows: tuple[int, int], cols: Sequence[int]) -> ApiObject:
    """A chart's data: rows [start, end) of columns ``cols``, one source per run of adjacent columns."""
    runs: list[list[int]] = []
    for c in sorted(cols):
        if runs and runs[-1][1] == c:
            runs[-1][1] = c + 1
        else:
            runs.append([c, c + 1])
    return {"sourceRange": {"sources": [{"sheetId": sheet_id, "startRowIndex": rows[0], "endRowIndex": rows[1],
                                         "startColumnIndex": a, "endColumnIndex": b} for a, b in runs]}}


def _chart(config: Config, kind: str, basic: ApiObject, sheet_id: int, anchor: tuple[int, int]) -> ApiObject:
    return {"spec": {"title": _title(kind, config), "basicChart": {"legendPosition": "BOTTOM_LEGEND", **basic}},
            "position": {"overlayPosition": {"anchorCell": {"sheetId": sheet_id, "rowIndex": anchor[0],
                                                            "columnIndex": anchor[1]},
                                             "widthPixels": CHART_PX[0], "heightPixels": CHART_PX[1]}}}


def kecamatan_charts(config: Config, sheet_id: int) -> list[ApiObject]:
    """The kecamatan tab's charts, below its table, two abreast: target vs votes, the paslon's
    shares stacked to 100 %, % of TPS reported (one bar per kecamatan each), and the kota's
    line of the same table: votes per paslon beside the target."""
    header = summary_header(config)
    if not header:
        return []
    top = summary_origin(config, config.summary_tabs.kecamatan) - 1     # 0-based row of the table's header
    kota = top + 1 + len(config.regions.kecamatan)                      # the TOTAL line after the kecamatan
    names = next((i for i, h in enumerate(header) if header_key(h) == "kecamatan"), 0)
    rows = (top, kota)

    def per_kecamatan(kind: str, chart_type: str, cols: list[int], **extra: Any) -> tuple[str, ApiObject]:
        return kind, {"chartType": chart_type, "headerCount": 1,
                      "domains": [{"domain": _source(sheet_id, rows, [names])}],
                      "series": [{"series": _source(sheet_id, rows, [c])} for c in cols], **extra}

    target, votes = chart_columns(header, config)
    paslon = paslon_columns(header, config)
    reported = reported_column(header)
    basics: list[tuple[str, ApiObject]] = []
    if target is not None and votes is not None:
        votes_axis = "Suara" if config.language == "id" else "Votes"
        basics.append(per_kecamatan("target", "BAR", [target, votes], axis=[
            {"position": "BOTTOM_AXIS", "title": votes_axis}, {"position": "LEFT_AXIS", "title": "Kecamatan"}]))
    if paslon:
        basics.append(per_kecamatan("share", "COLUMN", paslon, stackedType="PERCENT_STACKED"))
    if reported is not None:
        basics.append(per_kecamatan("reported", "COLUMN", [reported]))
    if target is not None and paslon:
        basics.append(("kota", {"chartType": "COLUMN", "headerCount": 0,
                                "domains": [{"domain": _source(sheet_id, (top, top + 1), [target, *paslon])}],
                                "series": [{"series": _source(sheet_id, (kota, kota + 1), [target, *paslon])}]}))
    first = kota + 2
    return [_chart(config, kind, basic, sheet_id,
                   (first + (i // 2) * CHART_CELLS[1], (i % 2) * CHART_CELLS[0]))
            for i, (kind, basic) in enumerate(basics)]


def progress_chart(config: Config, sheet_id: int) -> ApiObject:
    """A line over the progress table (core/progress.py): TPS newly reported per hour, and the
    total reported on the right axis."""
    rows = (0, 1 + HOURS)
    return _chart(config, "progress", {
        "chartType": "LINE", "headerCount": 1,
        "domains": [{"domain": _source(sheet_id, rows, [0])}],
        "series": [{"series": _source(sheet_id, rows, [1]), "targetAxis": "LEFT_AXIS"},
                   {"series": _source(sheet_id, rows, [2]), "targetAxis": "RIGHT_AXIS"}]},
                  sheet_id, (rows[1] + 1, 0))


def _chart_key(spec: ApiObject) -> tuple[tuple[tuple[int | None, ...], ...], ...]:
    """What a chart shows: the ranges of its domains and series, in any order; not its type,
    title, colours or place, which a person may change."""
    basic, pie = spec.get("basicChart", {}), spec.get("pieChart", {})      # a person may make it a pie
    parts = [d.get("domain", {}) for d in basic.get("domains", [])] + \
            [s.get("series", {}) for s in basic.get("series", [])] + [pie.get("domain", {}), pie.get("series", {})]
    ranges = (tuple(_range_key(r) for r in p.get("sourceRange", {}).get("sources", [])) for p in parts)
    return tuple(sorted(r for r in ranges if r))


# -------------------------------------------------- core-facing helpers

def summary_header(config: Config) -> list[str]:
    """Header row of the kecamatan summary, as core's summary_tables writes it."""
    empty = [[""]] * (config.header_row - 1) + [[c.header for c in config.columns]]
    tables = summary_tables(check(empty, config), config)
    rows = tables.get(config.summary_tabs.kecamatan) or []
    return [str(h) for h in rows[0]] if rows else []


def chart_columns(header: Sequence[str], config: Config) -> tuple[int | None, int | None]:
    """(target column, supported paslon's votes column) in the kecamatan summary header."""
    raw = [str(h).lower() for h in header]
    keys = [header_key(h) for h in header]
    field = config.rules.supported_paslon or ""
    col = next((c for c in config.columns if c.field == field), None)
    names = {header_key(n) for n in ((col.header, *col.aliases) if col else ())} | {header_key(field)}
    names.discard("")
    plain = [i for i, r in enumerate(raw) if "%" not in r and "persen" not in r]
    target = next((i for i in plain if keys[i].startswith("target")), None)
    votes = next((i for i in plain if any(n in keys[i] for n in names) and not keys[i].startswith("target")),
                 None)
    return target, votes


def paslon_columns(header: Sequence[str], config: Config) -> list[int]:
    """The column of each paslon's votes in a summary header: the first headed as the input
    tab's paslon column, bare or with a qualifier ("Paslon 1 (lengkap)": the complete rows',
    which come before the votes of every row with paslon votes)."""
    texts = [str(h) for h in header]
    heads = [col.header for f in config.rules.paslon_fields if (col := config.column(f)) is not None]
    found = [next((i for i, t in enumerate(texts) if t == h or t.startswith(h + " (")), None) for h in heads]
    return [i for i in found if i is not None]


def reported_column(header: Sequence[str]) -> int | None:
    """The "% Lapor" / "% reported" column of a summary header."""
    return next((i for i, h in enumerate(header) if str(h).startswith(("% Lapor", "% reported"))), None)


def missing_planned_rows(values: list[list[Any]], config: Config) -> list[dict[str, Any]]:
    """Planned TPS (kecamatan, kelurahan, tps) not yet in the sheet, in master-data order."""
    plan = planned_tps(config)
    planned = [{"kecamatan": kec, "kelurahan": kel, "tps": int(tps), "tps_key": tps_key(str(code), int(tps))}
               for kec, kel, code, tps in zip(plan["kecamatan"], plan["kelurahan"], plan["kode_kelurahan"],
                                              plan["tps"])]
    if len(values) <= config.header_row:
        return planned
    present = set(check(values, config).rows["tps_key"].dropna())
    return [r for r in planned if r["tps_key"] not in present]
