"""values:batchUpdateByDataFilter and values:batchClearByDataFilter.

A DataFilter is an a1Range, a gridRange or a developerMetadataLookup (``devmeta``). A lookup
that matches several metadata locations writes (or clears) each of them, with one response per
range written; one that matches nothing writes nothing.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sheetsync.emulator.model import ApiError, invalid_argument
from sheetsync.emulator.routes.values import (_input_option, _update_response, batch_update_body, clear_boxes, cleared_body,
                            commit_batch, data_item, matched_boxes, plan_write)
from sheetsync.emulator.value_render import read_options, value_range

if TYPE_CHECKING:
    from sheetsync.emulator.request import Request
    from sheetsync.emulator.state import EmulatorState


def batch_update_by_filter(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    ss = st.spreadsheet(g[0], rq.user, write=True)
    body = rq.json()
    option = _input_option(body.get("valueInputOption"))
    opts = read_options(body.get, prefix="response")
    with ss.lock:
        writes, targets = [], []
        for i, item in enumerate(body.get("data") or []):
            with data_item(i):
                f = (item or {}).get("dataFilter")
                try:
                    matched = matched_boxes(st, ss, [f], rq.user)
                except ApiError as exc:
                    raise invalid_argument(exc.message.split(": ", 1)[-1]) from None  # data[i] names it
                for box, _ in matched:
                    writes.append(plan_write(ss, box.a1(), item, where=f"data[{i}]."))
                    targets.append((box, f))
        commit_batch(st, ss, writes, option, rq.user)
        include = bool(body.get("includeValuesInResponse"))
        responses = []
        for w, (box, f) in zip(writes, targets):
            resp = _update_response(ss, w, False, opts)
            del resp["spreadsheetId"]  # UpdateValuesByDataFilterResponse has none
            resp["dataFilter"] = f
            if include:  # Google shows the whole range the filter selected, not just the cells written
                resp["updatedData"] = value_range(ss, box, opts)
            responses.append(resp)
    return 200, batch_update_body(st, ss, writes, responses)


def batch_clear_by_filter(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    from sheetsync.emulator import protection
    ss = st.spreadsheet(g[0], rq.user, write=True)
    with ss.lock:
        boxes = [box for box, _ in matched_boxes(st, ss, rq.json().get("dataFilters"), rq.user)]
        if st.strict:
            for b in boxes:
                protection.check_edit(ss, b.sheet, b.r0, b.r1, b.c0, b.c1, rq.user)
        clear_boxes(st, ss, boxes)
    return 200, cleared_body(ss, boxes)
