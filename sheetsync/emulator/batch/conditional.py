"""Conditional format rule requests: add, update (or move), delete."""
from __future__ import annotations

import copy
from typing import Any

from sheetsync.emulator.batch.cells import check_condition
from sheetsync.emulator.batch.common import Bad, Handler, Txn, bounds, clean_range, range_sheet_id
from sheetsync.emulator.model import Sheet


def _check_cf_rule(txn: Txn, rule: Any) -> tuple[Sheet, dict]:
    if not isinstance(rule, dict) or not rule.get("ranges"):
        raise Bad("ConditionalFormatRule must have at least one range.")
    sheet_ids = {range_sheet_id(g) for g in rule["ranges"]}
    if len(sheet_ids) != 1:
        raise Bad("All ranges of a conditional format rule must be on the same sheet.")
    sheet = txn.sheet(sheet_ids.pop(), "conditional_formats")
    for g in rule["ranges"]:
        txn.guard(sheet, *bounds(sheet, g))
    if ("booleanRule" in rule) == ("gradientRule" in rule):
        raise Bad("Exactly one of booleanRule or gradientRule must be set.")
    if "booleanRule" in rule:
        check_condition((rule["booleanRule"] or {}).get("condition"))
    out = copy.deepcopy(rule)
    out["ranges"] = [clean_range(sheet, g) for g in rule["ranges"]]
    return sheet, out


def add_conditional_format_rule(txn: Txn, req: dict) -> dict:
    sheet, rule = _check_cf_rule(txn, req.get("rule"))
    index = req.get("index", 0) or 0
    if not isinstance(index, int) or index < 0 or index > len(sheet.conditional_formats):
        raise Bad(f"index {index} is out of range.")
    sheet.conditional_formats.insert(index, rule)
    return {}


def _cf_at(txn: Txn, req: dict) -> tuple[Sheet, int]:
    sheet_id = req.get("sheetId", 0) or 0
    sheet = txn.sheet(sheet_id, "conditional_formats")
    index = req.get("index", 0) or 0
    if not isinstance(index, int) or not 0 <= index < len(sheet.conditional_formats):
        raise Bad(f"No conditional format on sheet: {sheet_id} at index: {index}")
    return sheet, index


def update_conditional_format_rule(txn: Txn, req: dict) -> dict:
    sheet, index = _cf_at(txn, req)
    old = sheet.conditional_formats[index]
    if "rule" in req:
        target, rule = _check_cf_rule(txn, req["rule"])
        if target.sheet_id != sheet.sheet_id:
            raise Bad("Moving a rule to another sheet is not supported.")
        sheet.conditional_formats[index] = rule
        return {"updateConditionalFormatRule": {"newRule": rule, "oldRule": old,
                                                "newIndex": index, "oldIndex": index}}
    new_index = req.get("newIndex")
    if not isinstance(new_index, int) or not 0 <= new_index < len(sheet.conditional_formats):
        raise Bad("Either rule or a valid newIndex must be set.")
    sheet.conditional_formats.pop(index)
    sheet.conditional_formats.insert(new_index, old)
    return {"updateConditionalFormatRule": {"newRule": old, "oldRule": old,
                                            "newIndex": new_index, "oldIndex": index}}


def delete_conditional_format_rule(txn: Txn, req: dict) -> dict:
    sheet, index = _cf_at(txn, req)
    for g in sheet.conditional_formats[index].get("ranges", []):
        txn.guard(sheet, *bounds(sheet, g))
    rule = sheet.conditional_formats.pop(index)
    return {"deleteConditionalFormatRule": {"rule": rule}}


HANDLERS: dict[str, Handler] = {
    "addConditionalFormatRule": add_conditional_format_rule,
    "updateConditionalFormatRule": update_conditional_format_rule,
    "deleteConditionalFormatRule": delete_conditional_format_rule,
}
