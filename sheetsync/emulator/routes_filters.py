"""values:batchUpdateByDataFilter and values:batchClearByDataFilter (A1 and GridRange filters).

Developer-metadata lookups are not emulated; such a filter answers 400.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import a1
from .model import ApiError, invalid_argument
from .routes_values import (_input_option, _update_response, batch_update_body, clear_boxes, cleared_body,
                            commit_batch, data_item, filter_box, plan_write, read_options)

if TYPE_CHECKING:
    from .server import EmulatorState, Request


def batch_update_by_filter(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    ss = st.spreadsheet(g[0], rq.user, write=True)
    body = rq.json()
    option = _input_option(body.get("valueInputOption"))
    opts = read_options(body.get, prefix="response")
    with ss.lock:
        writes, filters = [], []
        for i, item in enumerate(body.get("data") or []):
            with data_item(i):
                box = filter_box(ss, (item or {}).get("dataFilter") or {})
                text = a1.format_range(box.sheet.title, box.r0, box.c0, box.r1, box.c1)
                writes.append(plan_write(ss, text, item, where=f"data[{i}]."))
                filters.append(item["dataFilter"])
        commit_batch(st, ss, writes, option, rq.user)
        include = bool(body.get("includeValuesInResponse"))
        responses = []
        for w, f in zip(writes, filters):
            resp = _update_response(ss, w, include, opts)
            resp["dataFilter"] = f
            responses.append(resp)
    return 200, batch_update_body(st, ss, writes, responses)


def batch_clear_by_filter(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    from . import protection
    ss = st.spreadsheet(g[0], rq.user, write=True)
    with ss.lock:
        boxes = []
        for i, f in enumerate(rq.json().get("dataFilters") or []):
            try:
                boxes.append(filter_box(ss, f or {}))
            except ApiError as exc:
                raise invalid_argument(f"Invalid dataFilters[{i}]: {exc.message}") from None
        if st.strict:
            for b in boxes:
                protection.check_edit(ss, b.sheet, b.r0, b.r1, b.c0, b.c1, rq.user)
        clear_boxes(st, ss, boxes)
    return 200, cleared_body(ss, boxes)
