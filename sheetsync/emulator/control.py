"""Counters, fault injection and per-minute quotas of the emulator (thread-safe)."""
from __future__ import annotations

import hashlib
import random
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from sheetsync.emulator.client_regex import compile_client_regex
from sheetsync.emulator.model import ApiError


class Counters:
    """Requests by method, route and status; Sheets reads and writes by spreadsheet; bytes
    in/out; cells written and read."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._routes: dict[tuple[str, str, int], int] = {}
            self._spreadsheets: dict[str, dict[str, int]] = {}
            self.bytes_in = 0
            self.bytes_out = 0
            self.cells_written = 0
            self.cells_read = 0

    def record(self, method: str, route: str, status: int, bytes_in: int, bytes_out: int) -> None:
        with self._lock:
            key = (method, route, status)
            self._routes[key] = self._routes.get(key, 0) + 1
            self.bytes_in += bytes_in
            self.bytes_out += bytes_out

    def record_spreadsheet(self, spreadsheet_id: str, kind: str) -> None:
        """One Sheets request of ``kind`` ("read"/"write") on a spreadsheet, answered or not."""
        with self._lock:
            counts = self._spreadsheets.setdefault(spreadsheet_id, {"read": 0, "write": 0})
            counts[kind] += 1

    def add_cells(self, written: int = 0, read: int = 0) -> None:
        with self._lock:
            self.cells_written += written
            self.cells_read += read

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            by_method: dict[str, int] = {}
            by_path: dict[str, int] = {}
            by_status: dict[str, int] = {}
            routes = []
            for (method, route, status), n in sorted(self._routes.items()):
                by_method[method] = by_method.get(method, 0) + n
                by_path[route] = by_path.get(route, 0) + n
                by_status[str(status)] = by_status.get(str(status), 0) + n
                routes.append({"method": method, "path": route, "status": status, "count": n})
            return {"requests": sum(self._routes.values()), "by_method": by_method,
                    "by_path": by_path, "by_status": by_status, "routes": routes,
                    "by_spreadsheet": {k: dict(v) for k, v in self._spreadsheets.items()},
                    "bytes_in": self.bytes_in, "bytes_out": self.bytes_out,
                    "cells_written": self.cells_written, "cells_read": self.cells_read}


FAULT_KINDS = ("error", "delay", "reset")


@dataclass
class Fault:
    """One injected fault.

    kind: "error" (answer ``status`` with Google's body; 429 may carry Retry-After),
    "delay" (sleep ``delay_s`` then serve normally) or "reset" (send half the
    response, then reset the connection).  ``times`` = fire on the next N matching
    requests (None = unlimited); ``fraction`` = fire on that share of them.
    """
    kind: str = "error"
    status: int = 503
    method: str = ".*"
    path: str = ".*"
    times: int | None = 1
    fraction: float | None = None
    retry_after: float | None = None
    delay_s: float = 0.0
    id: int = 0
    fired: int = 0
    _method_re: Any = field(default=None, repr=False)
    _path_re: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {FAULT_KINDS}")
        # Client-supplied patterns: RE2, so no path pattern can make every request backtrack.
        self._method_re = compile_client_regex(self.method, ignore_case=True)
        self._path_re = compile_client_regex(self.path)

    def matches(self, method: str, path: str) -> bool:
        return bool(self._method_re.fullmatch(method)) and bool(self._path_re.search(path))

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "status": self.status, "method": self.method,
                "path": self.path, "times": self.times, "fraction": self.fraction,
                "retry_after": self.retry_after, "delay_s": self.delay_s, "fired": self.fired}


class Faults:
    def __init__(self, seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._next = 1
        self._rng = random.Random(seed)

    def add(self, **kwargs: Any) -> Fault:
        allowed = {"kind", "status", "method", "path", "times", "fraction", "retry_after", "delay_s"}
        unknown = set(kwargs) - allowed
        if unknown:
            raise ValueError(f"unknown fault option(s): {', '.join(sorted(unknown))}")
        fault = Fault(**kwargs)
        with self._lock:
            fault.id = self._next
            self._next += 1
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [f.public() for f in self._faults]

    def pick(self, method: str, path: str) -> Fault | None:
        """The fault to apply to this request, if any (consumes one firing)."""
        with self._lock:
            for fault in self._faults:
                if not fault.matches(method, path):
                    continue
                if fault.fraction is not None and self._rng.random() >= fault.fraction:
                    continue
                fault.fired += 1
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                return fault
        return None


STATUS_NAMES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
                404: "NOT_FOUND", 408: "DEADLINE_EXCEEDED", 409: "ABORTED", 429: "RESOURCE_EXHAUSTED",
                500: "INTERNAL", 502: "UNAVAILABLE", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}
STATUS_TEXT = {429: "Resource has been exhausted (e.g. check quota).",
               500: "Internal error encountered.",
               503: "The service is currently unavailable.",
               504: "The request timed out. Please try again."}


def fault_error(fault: Fault) -> ApiError:
    status = fault.status
    headers = {}
    if status == 429 and fault.retry_after is not None:
        headers["Retry-After"] = str(int(fault.retry_after) if float(fault.retry_after).is_integer()
                                     else fault.retry_after)
    message = STATUS_TEXT.get(status, "Injected fault.")
    return ApiError(status, STATUS_NAMES.get(status, "UNKNOWN"), message, headers)


# Google's published limits, requests per minute: Sheets (read and write apart) and Drive
# ("Queries per 60 seconds" and "per 60 seconds per user", Drive's usage-limits page).
GOOGLE_QUOTA = {"read_per_user": 60, "write_per_user": 60,
                "read_per_project": 300, "write_per_project": 300,
                "drive_per_user": 12000, "drive_per_project": 12000, "window_s": 60.0}


class Quota:
    """Sliding one-minute windows of requests per Cloud project and per user of that project, as
    Google keeps them: Sheets reads, Sheets writes and Drive requests each have their own buckets,
    and keys of two projects never share one.

    ``clock_scale`` runs the quota's clock faster than real time, for a simulated evening: at 10,
    a window of a minute lasts 6 real seconds and the limits stay per (simulated) minute."""

    def __init__(self, limits: dict[str, float], clock_scale: float = 1.0) -> None:
        if clock_scale <= 0:
            raise ValueError("the quota clock scale must be more than 0")
        self.limits = {**GOOGLE_QUOTA, **limits}
        self.clock_scale = float(clock_scale)
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str], deque[float]] = {}

    @classmethod
    def from_option(cls, option: str | dict | None, clock_scale: float = 1.0) -> "Quota | None":
        if option is None or option is False:
            return None
        if option == "google":
            return cls({}, clock_scale)
        if isinstance(option, dict):
            return cls(option, clock_scale)
        raise ValueError("quota must be None, 'google' or a dict of limits")

    @property
    def window_s(self) -> float:
        """The real seconds one quota window lasts."""
        return float(self.limits["window_s"]) / self.clock_scale

    def check(self, user: str, kind: str, project: str = "sheetsync-emulator") -> None:
        """Count one request of ``kind`` ("read"/"write" for Sheets, "drive") by ``user`` of
        Cloud ``project``; raise Google's error past a limit."""
        now = time.monotonic()
        with self._lock:
            user_q = self._window((f"user:{project}/{user}", kind), now)
            proj_q = self._window((f"project:{project}", kind), now)
            per_user = self.limits[f"{kind}_per_user"]
            per_project = self.limits[f"{kind}_per_project"]
            if len(user_q) >= per_user:
                raise _exceeded(kind, True, per_user, project)
            if len(proj_q) >= per_project:
                raise _exceeded(kind, False, per_project, project)
            user_q.append(now)
            proj_q.append(now)

    def in_window(self, project: str, kind: str, user: str | None = None) -> int:
        """Requests of ``kind`` counted in the current window, of a project or of one of its users."""
        key = f"user:{project}/{user}" if user else f"project:{project}"
        with self._lock:
            return len(self._window((key, kind), time.monotonic()))

    def _window(self, key: tuple[str, str], now: float) -> deque[float]:
        q = self._seen.setdefault(key, deque())
        while q and q[0] <= now - self.window_s:
            q.popleft()
        return q


def _exceeded(kind: str, per_user: bool, limit: float, project: str) -> ApiError:
    if kind == "drive":
        return drive_quota_error(per_user, project)
    return quota_error(kind, "per minute per user" if per_user else "per minute", limit, project)


def project_number(project: str) -> str:
    """A Cloud project's number as Google names it in 429 bodies: 12 digits, stable per project id."""
    digest = int(hashlib.sha256(project.encode()).hexdigest()[:12], 16)
    return str(10 ** 11 + digest % (9 * 10 ** 11))


def quota_error(kind: str, scope: str, limit: float, project: str = "sheetsync-emulator") -> ApiError:
    """Google's 429 body: the message naming the project's number, an ErrorInfo and a Help link
    (as recorded from sheets.googleapis.com)."""
    metric = "Read requests" if kind == "read" else "Write requests"
    number = project_number(project)
    message = (f"Quota exceeded for quota metric '{metric}' and limit '{metric} {scope}' "
               f"of service 'sheets.googleapis.com' for consumer 'project_number:{number}'.")
    err = ApiError(429, "RESOURCE_EXHAUSTED", message)
    limit_name = metric.title().replace(" ", "") + ("PerMinutePerUser" if "user" in scope else "PerMinute")
    err.details = [
        {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED",
         "domain": "googleapis.com",
         "metadata": {"quota_location": "global", "quota_metric": f"sheets.googleapis.com/{kind}_requests",
                      "quota_limit": limit_name, "quota_limit_value": str(int(limit)),
                      "consumer": f"projects/{number}", "service": "sheets.googleapis.com"}},
        {"@type": "type.googleapis.com/google.rpc.Help",
         "links": [{"description": "Request a higher quota limit.",
                    "url": "https://cloud.google.com/docs/quota#requesting_higher_quota"}]}]
    return err


def drive_quota_error(per_user: bool, project: str = "sheetsync-emulator") -> ApiError:
    """Drive's answer past its quota: 403 (not the 429 Sheets sends) with Drive's ``errors`` list,
    domain usageLimits; userRateLimitExceeded naming the project's console page for the
    per-user limit, rateLimitExceeded for the project's (the bodies Google's Drive sends)."""
    if per_user:
        console = f"https://console.developers.google.com/apis/api/drive.googleapis.com/quotas?project={project_number(project)}"
        message = ("User Rate Limit Exceeded. Rate of requests for user exceed configured project quota. "
                   "You may consider re-evaluating expected per-user traffic to the API and adjust project "
                   "quota limits accordingly. You may monitor aggregate quota usage and adjust limits in "
                   f"the API Console: {console}")
        err = {"domain": "usageLimits", "reason": "userRateLimitExceeded", "message": message,
               "extendedHelp": console}
    else:
        message = "Rate Limit Exceeded"
        err = {"domain": "usageLimits", "reason": "rateLimitExceeded", "message": message}
    return ApiError(403, "PERMISSION_DENIED", message, errors=[err])
