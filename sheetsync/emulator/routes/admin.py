"""Admin paths under /_emulator/ (no auth, no quota, no faults): for tests, benchmarks, the web view.

GET    /_emulator/health                 {"ok": true, "strict": ..., "quota": ..., "quota_clock_scale": ...,
                                          "drive_lag_s": ...}
GET    /_emulator/settings               {"drive_lag_s": 0}
PATCH  /_emulator/settings               {"drive_lag_s": 180}: Drive shows later edits 3 minutes late
GET    /_emulator/counters               requests by method/path/status, bytes, cells
POST   /_emulator/counters/reset         (also DELETE /_emulator/counters)
GET    /_emulator/faults                 active faults
POST   /_emulator/faults                 {"kind": "error"|"delay"|"reset", "status": 503,
                                          "method": "GET", "path": "values", "times": 2,
                                          "fraction": null, "retry_after": 3, "delay_s": 0}
DELETE /_emulator/faults                 remove all faults
POST   /_emulator/keys                   {"email": "bot@proj.iam.gserviceaccount.com",
                                          "project_id": "proj"?} -> key file JSON (of that Cloud project)
POST   /_emulator/reset                  forget every spreadsheet, counter and fault
GET    /_emulator/spreadsheets           JSON listing (id, title, owner, sheets, cells, revision)
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sheetsync.emulator.auth import DEFAULT_PROJECT
from sheetsync.emulator.model import invalid_argument, rfc3339

if TYPE_CHECKING:
    from sheetsync.emulator.request import Request
    from sheetsync.emulator.state import EmulatorState


def health(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    return 200, {"ok": True, "strict": st.strict, "quota": st.quota.limits if st.quota else None,
                 "quota_clock_scale": st.quota.clock_scale if st.quota else None,
                 "drive_lag_s": st.drive_lag.lag_s, "url": st.base_url, "persistent": st.persister is not None}


def settings(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    return 200, {"drive_lag_s": st.drive_lag.lag_s}


def change_settings(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    """The settings a running emulator may change: the Drive lag (a window already open closes
    by the new lag, counted from the edit that opened it)."""
    body = rq.json()
    unknown = set(body) - {"drive_lag_s"}
    if unknown:
        raise invalid_argument(f"Unknown setting(s): {', '.join(sorted(unknown))}; known: drive_lag_s.")
    if "drive_lag_s" in body:
        lag = body["drive_lag_s"]
        if isinstance(lag, bool) or not isinstance(lag, (int, float)) or lag < 0:
            raise invalid_argument("drive_lag_s must be a number of seconds, 0 or more.")
        st.drive_lag.lag_s = float(lag)
    return settings(st, rq, g)


def counters(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    return 200, st.counters.snapshot()


def reset_counters(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    st.counters.reset()
    return 200, st.counters.snapshot()


def faults(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    return 200, {"faults": st.faults.list()}


def add_fault(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    try:
        fault = st.faults.add(**rq.json())
    except (TypeError, ValueError) as exc:
        raise invalid_argument(f"Invalid fault: {exc}") from None
    return 200, fault.public()


def clear_faults(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    st.faults.clear()
    return 200, {"faults": []}


def issue_key(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    email = rq.json().get("email")
    if not email or "@" not in str(email):
        raise invalid_argument("Give the service account's e-mail: {\"email\": \"name@project.iam.gserviceaccount.com\"}")
    project = rq.json().get("project_id") or DEFAULT_PROJECT
    if not isinstance(project, str):
        raise invalid_argument("project_id must be a string, e.g. \"kawal-tps-jakbar\".")
    key = st.auth.issue_key(str(email), st.base_url + "/token", project_id=project)
    st.changed()
    return 200, key


def reset(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    with st.store.lock:
        st.store.spreadsheets.clear()
    st.counters.reset()
    st.faults.clear()
    st.changed()
    return 200, {"ok": True}


def spreadsheets(st: "EmulatorState", rq: "Request", g: tuple[str, ...]) -> tuple[int, Any]:
    out = []
    for ss in st.store.all():
        with ss.lock:
            out.append({
                "id": ss.id, "title": ss.title, "owner": ss.drive.owner, "revision": ss.revision,
                "modifiedTime": rfc3339(ss.drive.modified), "cells": ss.cell_count(),
                "sheets": [{"sheetId": s.sheet_id, "title": s.title, "index": s.properties.get("index", 0),
                            "rowCount": s.row_count, "columnCount": s.column_count,
                            "frozenRowCount": s.grid.get("frozenRowCount", 0),
                            "usedRows": len(s.values), "formulas": len(s.formulas)} for s in ss.sheets],
                "permissions": [dict(p) for p in ss.drive.permissions],
            })
    return 200, {"spreadsheets": out}


ROUTES = [
    ("GET", r"^/_emulator/health$", "/_emulator/health", health),
    ("GET", r"^/_emulator/settings$", "/_emulator/settings", settings),
    ("PATCH", r"^/_emulator/settings$", "/_emulator/settings", change_settings),
    ("GET", r"^/_emulator/counters$", "/_emulator/counters", counters),
    ("POST", r"^/_emulator/counters/reset$", "/_emulator/counters/reset", reset_counters),
    ("DELETE", r"^/_emulator/counters$", "/_emulator/counters", reset_counters),
    ("GET", r"^/_emulator/faults$", "/_emulator/faults", faults),
    ("POST", r"^/_emulator/faults$", "/_emulator/faults", add_fault),
    ("DELETE", r"^/_emulator/faults$", "/_emulator/faults", clear_faults),
    ("POST", r"^/_emulator/keys$", "/_emulator/keys", issue_key),
    ("POST", r"^/_emulator/reset$", "/_emulator/reset", reset),
    ("GET", r"^/_emulator/spreadsheets$", "/_emulator/spreadsheets", spreadsheets),
]
