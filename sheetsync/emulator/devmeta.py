"""Developer metadata lookups and DataFilters, as Google's Sheets API v4 resolves them.

One place answers "which metadata does this DeveloperMetadataLookup select, as seen by this
Cloud project" and "which ranges does this DataFilter select". Every by-data-filter route,
developerMetadata.get/search and the delete/update metadata requests go through here.

Visibility: DOCUMENT metadata is seen by anyone who can open the spreadsheet; PROJECT metadata
only by keys of the Cloud project that created it. The creating project is kept beside the
metadata (``Spreadsheet.metadata_projects``), never inside the JSON Google returns.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sheetsync.emulator import a1
from sheetsync.emulator.a1 import Box
from sheetsync.emulator.model import Sheet, Spreadsheet, invalid_argument
from sheetsync.emulator.normalise import drop_sheet_zero

LOCATION_TYPES = ("ROW", "COLUMN", "SHEET", "SPREADSHEET")
_STRATEGIES = ("EXACT_LOCATION", "INTERSECTING_LOCATION")
_FILTER_KINDS = ("developerMetadataLookup", "a1Range", "gridRange")


@dataclass(frozen=True)
class Region:
    """The cells a location covers: sheet None = the whole spreadsheet; ends half-open."""
    sheet_id: int | None
    r0: int = 0
    r1: int | None = None
    c0: int = 0
    c1: int | None = None

    def intersects(self, other: "Region") -> bool:
        if self.sheet_id is None or other.sheet_id is None:
            return True
        return (self.sheet_id == other.sheet_id
                and _overlap(self.r0, self.r1, other.r0, other.r1)
                and _overlap(self.c0, self.c1, other.c0, other.c1))


def _overlap(a0: int, a1_: int | None, b0: int, b1: int | None) -> bool:
    return (a1_ is None or b0 < a1_) and (b1 is None or a0 < b1)


# ------------------------------------------------------------ visibility

def creator_project(ss: Spreadsheet, meta: dict[str, Any]) -> str | None:
    metadata_id = meta.get("metadataId")
    return ss.metadata_projects.get(metadata_id) if isinstance(metadata_id, int) else None


def visible(ss: Spreadsheet, meta: dict[str, Any], project: str) -> bool:
    """DOCUMENT metadata for everyone; PROJECT metadata for its own project's keys only."""
    if meta.get("visibility") != "PROJECT":
        return True
    owner = creator_project(ss, meta)
    return owner is None or owner == project


def all_metadata(ss: Spreadsheet) -> Iterator[dict[str, Any]]:
    """Every metadata entry in Google's order: the spreadsheet's, then each sheet's."""
    yield from ss.developer_metadata
    for s in ss.sheets:
        yield from s.developer_metadata


def by_id(ss: Spreadsheet, metadata_id: int, project: str) -> dict[str, Any] | None:
    for meta in all_metadata(ss):
        if meta.get("metadataId") == metadata_id and visible(ss, meta, project):
            return meta
    return None


def as_google(meta: dict[str, Any]) -> dict[str, Any]:
    """Metadata JSON as Google answers it: a copy, its dimensionRange without ``sheetId: 0``
    (proto3 leaves the default out, as in Google's recorded DimensionRange replies); a SHEET
    location keeps ``sheetId: 0`` (a oneof member is always written)."""
    return drop_sheet_zero(meta)


# ------------------------------------------------------------ where spreadsheets.get lists them

def place_in_spreadsheet(ss: Spreadsheet, out: dict[str, Any], project: str) -> None:
    """Put the metadata of a Spreadsheet resource where Google's reference lists it, as
    ``project`` sees it: SPREADSHEET metadata in ``developerMetadata``, SHEET metadata in
    ``sheets[].developerMetadata``, ROW and COLUMN metadata in the ``developerMetadata`` of the
    row's or column's DimensionProperties (``sheets[].data[].rowMetadata`` /
    ``columnMetadata``), so only where grid data covering that row or column is returned."""
    _keep_visible(ss, out, project, lambda m: True)
    for sheet_out in out.get("sheets", []):
        dims = [m for m in sheet_out.get("developerMetadata", []) if _dimension_of(m) is not None]
        _keep_visible(ss, sheet_out, project, lambda m: _dimension_of(m) is None)
        for meta in dims:
            if visible(ss, meta, project):
                _put_on_dimension(sheet_out, meta)


def _keep_visible(ss: Spreadsheet, holder: dict[str, Any], project: str,
                  here: Callable[[dict[str, Any]], bool]) -> None:
    seen = [as_google(m) for m in holder.get("developerMetadata", []) if here(m) and visible(ss, m, project)]
    if seen:
        holder["developerMetadata"] = seen
    else:  # proto3 JSON leaves an empty list out
        holder.pop("developerMetadata", None)


def _dimension_of(meta: dict[str, Any]) -> str | None:
    """"rowMetadata" for ROW metadata, "columnMetadata" for COLUMN, else None."""
    for axis, key in ((0, "rowMetadata"), (1, "columnMetadata")):
        if _dimension_range(meta, axis) is not None:
            return key
    return None


def _put_on_dimension(sheet_out: dict[str, Any], meta: dict[str, Any]) -> None:
    key = _dimension_of(meta)
    index = meta["location"]["dimensionRange"]["startIndex"]
    for block in sheet_out.get("data", []):
        start = block.get("startRow" if key == "rowMetadata" else "startColumn", 0)
        props = block.get(key, [])
        if start <= index < start + len(props):
            props[index - start].setdefault("developerMetadata", []).append(as_google(meta))


# ------------------------------------------------------------ locations

def location_region(location: dict[str, Any]) -> Region:
    if location.get("locationType") == "SPREADSHEET" or location.get("spreadsheet"):
        return Region(None)
    if "sheetId" in location:
        return Region(location["sheetId"] or 0)
    dr = location.get("dimensionRange") or {}
    sid = dr.get("sheetId", 0) or 0
    start, end = dr.get("startIndex", 0) or 0, dr.get("endIndex")
    if dr.get("dimension") == "ROWS":
        return Region(sid, r0=start, r1=end)
    return Region(sid, c0=start, c1=end)


def _same_location(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return location_region(a) == location_region(b) and _kind(a) == _kind(b)


def _kind(location: dict[str, Any]) -> str:
    if location.get("locationType"):
        return location["locationType"]
    if location.get("spreadsheet"):
        return "SPREADSHEET"
    if "sheetId" in location:
        return "SHEET"
    return "ROW" if (location.get("dimensionRange") or {}).get("dimension") == "ROWS" else "COLUMN"


def location_boxes(ss: Spreadsheet, location: dict[str, Any]) -> list[Box]:
    """The grid a location selects, bounded to the sheet as Google reports it
    (a row of a 26-column sheet reads as A7:Z7, a column as B1:B1000)."""
    region = location_region(location)
    sheets = ss.sheets if region.sheet_id is None else [ss.sheet_by_id(region.sheet_id)]
    return [_bounded_box(s, region) for s in sheets if s is not None]


def _bounded_box(sheet: Sheet, region: Region) -> Box:
    whole = region.sheet_id is None  # SPREADSHEET metadata selects every sheet whole
    r0, c0 = (0, 0) if whole else (region.r0, region.c0)
    r1 = sheet.row_count if whole or region.r1 is None else min(region.r1, sheet.row_count)
    c1 = sheet.column_count if whole or region.c1 is None else min(region.c1, sheet.column_count)
    return Box(sheet, r0, c0, r1, c1, a1.format_range(sheet.title, r0, c0, r1, c1))


# ------------------------------------------------------------ lookups

def check_lookup(lookup: Any) -> dict[str, Any]:
    """A DeveloperMetadataLookup as sent, checked; Google's texts for what it refuses."""
    if not isinstance(lookup, dict) or not lookup:
        raise invalid_argument("The developerMetadataLookup must specify at least one field.")
    if lookup.get("locationType", "ROW") not in LOCATION_TYPES:
        raise invalid_argument(f"Invalid value for locationType: {lookup['locationType']}")
    if lookup.get("visibility", "DOCUMENT") not in ("DOCUMENT", "PROJECT"):
        raise invalid_argument(f"Invalid value for visibility: {lookup['visibility']}")
    strategy = lookup.get("locationMatchingStrategy")
    if strategy is not None and strategy not in _STRATEGIES:
        raise invalid_argument(f"Invalid value for locationMatchingStrategy: {strategy}")
    if strategy is not None and "metadataLocation" not in lookup:
        raise invalid_argument("A locationMatchingStrategy requires a metadataLocation.")
    return lookup


def matches(meta: dict[str, Any], lookup: dict[str, Any]) -> bool:
    """Google selects the metadata matching every field the lookup sets."""
    for key in ("metadataId", "metadataKey", "metadataValue", "visibility"):
        if key in lookup and meta.get(key) != lookup[key]:
            return False
    location = meta.get("location") or {}
    if "locationType" in lookup and location.get("locationType") != lookup["locationType"]:
        return False
    wanted = lookup.get("metadataLocation")
    if isinstance(wanted, dict):
        if lookup.get("locationMatchingStrategy") == "EXACT_LOCATION":
            return _same_location(location, wanted)
        return location_region(location).intersects(location_region(wanted))
    return True


def lookup(ss: Spreadsheet, lk: dict[str, Any], project: str) -> list[dict[str, Any]]:
    """The metadata one lookup selects, as ``project`` sees them."""
    lk = check_lookup(lk)
    return [m for m in all_metadata(ss) if matches(m, lk) and visible(ss, m, project)]


# ------------------------------------------------------------ data filters

def filter_kind(f: Any) -> str:
    """Which of Google's three DataFilter kinds ``f`` is; exactly one must be set."""
    if not isinstance(f, dict):
        raise invalid_argument("A data filter must be an object.")
    kinds = [k for k in _FILTER_KINDS if k in f]
    if len(kinds) != 1:
        raise invalid_argument("Exactly one of developerMetadataLookup, a1Range or gridRange "
                               "must be set in a data filter.")
    return kinds[0]


def filter_boxes(ss: Spreadsheet, f: Any, project: str, *, read: bool = False) -> list[Box]:
    """Every range a DataFilter selects: one for a1Range and gridRange, one per matched
    metadata location for a lookup (none when nothing matches). ``read``: an a1Range of a
    read is cut to the grid as values.get cuts it."""
    kind = filter_kind(f)
    if kind == "a1Range":
        return [a1.resolve(ss, f["a1Range"], read=read)]
    if kind == "gridRange":
        gr = f["gridRange"] or {}
        sheet = ss.sheet_by_id(gr.get("sheetId", 0) or 0)
        if sheet is None:
            raise invalid_argument(f"No grid with id: {gr.get('sheetId', 0)}")
        return [a1.from_grid_range(sheet, gr)]
    out: list[Box] = []
    for meta in lookup(ss, f["developerMetadataLookup"], project):
        out.extend(location_boxes(ss, meta["location"]))
    return out


def search(ss: Spreadsheet, filters: list[Any], project: str) -> list[dict[str, Any]]:
    """developerMetadata.search: each matched metadata once, with the filters that matched it.
    A lookup selects as a lookup does; a range selects the metadata whose location intersects it."""
    hits: dict[int, dict[str, Any]] = {}
    for f in filters:
        if filter_kind(f) == "developerMetadataLookup":
            selected = lookup(ss, f["developerMetadataLookup"], project)
        else:
            regions = [Region(b.sheet.sheet_id, b.r0, b.r1, b.c0, b.c1) for b in filter_boxes(ss, f, project)]
            selected = [m for m in all_metadata(ss) if visible(ss, m, project)
                        and any(location_region(m["location"]).intersects(r) for r in regions)]
        for meta in selected:
            entry = hits.setdefault(meta["metadataId"], {"developerMetadata": meta, "dataFilters": []})
            entry["dataFilters"].append(f)
    return list(hits.values())


# ------------------------------------------------------------ locations follow the grid

def _dimension_range(meta: dict[str, Any], axis: int) -> dict[str, Any] | None:
    """The dimensionRange of ROW (axis 0) or COLUMN (axis 1) metadata, else None."""
    dr = (meta.get("location") or {}).get("dimensionRange")
    if dr and dr.get("dimension") == ("ROWS" if axis == 0 else "COLUMNS"):
        return dr
    return None


def _at(meta: dict[str, Any], index: int) -> dict[str, Any]:
    """The metadata moved to row or column ``index`` (it always marks exactly one)."""
    dr = meta["location"]["dimensionRange"]
    return {**meta, "location": {**meta["location"], "dimensionRange": {**dr, "startIndex": index,
                                                                         "endIndex": index + 1}}}


def shift_locations(metas: list[dict[str, Any]], axis: int, start: int, delta: int,
                    end: int | None = None) -> list[dict[str, Any]]:
    """Row or column metadata of one sheet after inserting ``delta`` > 0 rows/columns at
    ``start``, or deleting [start, end): it follows its row, and is deleted with it."""
    stop = start - delta if end is None else end      # a deletion of -delta rows or columns
    out = []
    for meta in metas:
        dr = _dimension_range(meta, axis)
        if dr is None:
            out.append(meta)
            continue
        index = dr["startIndex"]
        if delta > 0:
            out.append(_at(meta, index + delta) if index >= start else meta)
        elif index >= stop:
            out.append(_at(meta, index - (stop - start)))
        elif index < start:
            out.append(meta)
        # else its row is gone: Google deletes the metadata with it
    return out


def remap_locations(metas: list[dict[str, Any]], axis: int,
                    mapping: dict[int, int]) -> list[dict[str, Any]]:
    """Row or column metadata after moveDimension (old index -> new index): a moved row
    takes its metadata along."""
    out = []
    for meta in metas:
        dr = _dimension_range(meta, axis)
        if dr is not None and dr["startIndex"] in mapping:
            out.append(_at(meta, mapping[dr["startIndex"]]))
        else:
            out.append(meta)
    return out
