"""spreadsheets.developerMetadata.get and .search (Google's Sheets API v4).

Both see what the caller's Cloud project may see: DOCUMENT metadata and the project's own
PROJECT metadata (``devmeta.visible``).
"""
from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from sheetsync.emulator import devmeta
from sheetsync.emulator.model import ApiError, invalid_argument, not_found

if TYPE_CHECKING:
    from sheetsync.emulator.request import Request
    from sheetsync.emulator.state import EmulatorState


def get(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    ss = st.spreadsheet(g[0], rq.user)
    try:
        metadata_id = int(g[1])
    except ValueError:
        raise invalid_argument(f'Invalid value at \'metadata_id\' (TYPE_INT32), "{g[1]}"') from None
    with ss.lock:
        meta = devmeta.by_id(ss, metadata_id, st.auth.project_of(rq.user))
        if meta is None:
            raise not_found(f"No developer metadata with ID {metadata_id}.")
        return 200, devmeta.as_google(meta)


def search(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    ss = st.spreadsheet(g[0], rq.user)
    filters = rq.json().get("dataFilters")
    if not isinstance(filters, list) or not filters:
        raise invalid_argument("At least one data filter must be specified.")
    with ss.lock:
        try:
            matched = devmeta.search(ss, filters, st.auth.project_of(rq.user))
        except ApiError as exc:
            raise invalid_argument(f"Invalid dataFilters: {exc.message}") from None
        out = [{"developerMetadata": devmeta.as_google(m["developerMetadata"]),
                "dataFilters": copy.deepcopy(m["dataFilters"])} for m in matched]
    return 200, {"matchedDeveloperMetadata": out} if out else {}
