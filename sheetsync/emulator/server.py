"""HTTP layer of the emulator: one loopback server for Sheets v4, Drive v3, OAuth2 and admin.

Each request: boundary (Host, Origin, body size; the admin token for /_emulator and
/view) -> count bytes -> injected fault? -> route -> authenticate (not for /token,
/_emulator, /view) -> per-minute quota -> handler -> JSON answer.
Handlers raise ``ApiError`` for Google's error bodies.
"""
from __future__ import annotations

import contextlib
import gc
import json
import re
import socket
import struct
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator
from urllib.parse import parse_qs, unquote, urlsplit

from sheetsync.emulator import fields
from sheetsync.emulator.routes import admin, append, drive, export, filters, metadata, sheets, values
from sheetsync.emulator.auth import OAuthError
from sheetsync.emulator.control import fault_error
from sheetsync.emulator.model import ApiError, not_found
from sheetsync.emulator.request import Request
from sheetsync.emulator.routes.stream import Streamed
from sheetsync.emulator.state import EmulatorState


Handler = Callable[[EmulatorState, Request, tuple[str, ...]], tuple[int, Any]]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    template: str
    handler: Handler
    kind: str  # "read" | "write" (Sheets quota), "drive" (Drive quota), "token", "admin", "view"


def _r(method: str, regex: str, template: str, handler: Handler, kind: str) -> Route:
    return Route(method, re.compile(regex), template, handler, kind)


_ID = r"([^/:]+)"
ROUTES: list[Route] = [
    _r("POST", r"^/token$", "/token", lambda st, rq, g: _token(st, rq), "token"),
    _r("POST", r"^/v4/spreadsheets$", "/v4/spreadsheets", sheets.create, "write"),
    _r("GET", rf"^/v4/spreadsheets/{_ID}$", "/v4/spreadsheets/{id}", sheets.get, "read"),
    _r("POST", rf"^/v4/spreadsheets/{_ID}:batchUpdate$", "/v4/spreadsheets/{id}:batchUpdate",
       sheets.batch_update, "write"),
    _r("POST", rf"^/v4/spreadsheets/{_ID}:getByDataFilter$", "/v4/spreadsheets/{id}:getByDataFilter",
       sheets.get_by_data_filter, "read"),
    _r("GET", rf"^/v4/spreadsheets/{_ID}/developerMetadata/([^/:]+)$",
       "/v4/spreadsheets/{id}/developerMetadata/{metadataId}", metadata.get, "read"),
    _r("POST", rf"^/v4/spreadsheets/{_ID}/developerMetadata:search$",
       "/v4/spreadsheets/{id}/developerMetadata:search", metadata.search, "read"),
    _r("POST", rf"^/v4/spreadsheets/{_ID}/sheets/([0-9]+):copyTo$",
       "/v4/spreadsheets/{id}/sheets/{sheetId}:copyTo", sheets.copy_to, "write"),
    _r("GET", rf"^/v4/spreadsheets/{_ID}/values:batchGet$", "/v4/spreadsheets/{id}/values:batchGet",
       values.batch_get, "read"),
    _r("POST", rf"^/v4/spreadsheets/{_ID}/values:batchUpdate$",
       "/v4/spreadsheets/{id}/values:batchUpdate", values.batch_update, "write"),
    _r("POST", rf"^/v4/spreadsheets/{_ID}/values:batchClear$",
       "/v4/spreadsheets/{id}/values:batchClear", values.batch_clear, "write"),
    _r("POST", rf"^/v4/spreadsheets/{_ID}/values:batchGetByDataFilter$",
       "/v4/spreadsheets/{id}/values:batchGetByDataFilter", values.batch_get_by_data_filter, "read"),
    _r("POST", rf"^/v4/spreadsheets/{_ID}/values:batchUpdateByDataFilter$",
       "/v4/spreadsheets/{id}/values:batchUpdateByDataFilter", filters.batch_update_by_filter, "write"),
    _r("POST", rf"^/v4/spreadsheets/{_ID}/values:batchClearByDataFilter$",
       "/v4/spreadsheets/{id}/values:batchClearByDataFilter", filters.batch_clear_by_filter, "write"),
    _r("POST", rf"^/v4/spreadsheets/{_ID}/values/(.+):append$",
       "/v4/spreadsheets/{id}/values/{range}:append", append.append, "write"),
    _r("POST", rf"^/v4/spreadsheets/{_ID}/values/(.+):clear$",
       "/v4/spreadsheets/{id}/values/{range}:clear", values.clear, "write"),
    _r("GET", rf"^/v4/spreadsheets/{_ID}/values/(.+)$", "/v4/spreadsheets/{id}/values/{range}",
       values.get, "read"),
    _r("PUT", rf"^/v4/spreadsheets/{_ID}/values/(.+)$", "/v4/spreadsheets/{id}/values/{range}",
       values.update, "write"),
    _r("POST", r"^/drive/v3/files$", "/drive/v3/files", drive.create, "drive"),
    _r("GET", r"^/drive/v3/files$", "/drive/v3/files", drive.list_files, "drive"),
    _r("GET", rf"^/drive/v3/files/{_ID}$", "/drive/v3/files/{id}", drive.get, "drive"),
    _r("PATCH", rf"^/drive/v3/files/{_ID}$", "/drive/v3/files/{id}", drive.patch, "drive"),
    _r("DELETE", rf"^/drive/v3/files/{_ID}$", "/drive/v3/files/{id}", drive.delete, "drive"),
    _r("PUT", rf"^/upload/drive/v2/files/{_ID}$", "/upload/drive/v2/files/{id}", export.import_csv,
       "drive"),
    _r("GET", rf"^/drive/v3/files/{_ID}/export$", "/drive/v3/files/{id}/export", export.export, "drive"),
    _r("PATCH", rf"^/drive/v3/files/{_ID}/permissions/{_ID}$",
       "/drive/v3/files/{id}/permissions/{permissionId}", drive.update_permission, "drive"),
    _r("POST", rf"^/drive/v3/files/{_ID}/copy$", "/drive/v3/files/{id}/copy", drive.copy, "drive"),
    _r("GET", rf"^/drive/v3/files/{_ID}/comments$", "/drive/v3/files/{id}/comments",
       drive.list_comments, "drive"),
    _r("GET", rf"^/drive/v3/files/{_ID}/permissions$", "/drive/v3/files/{id}/permissions",
       drive.list_permissions, "drive"),
    _r("POST", rf"^/drive/v3/files/{_ID}/permissions$", "/drive/v3/files/{id}/permissions",
       drive.create_permission, "drive"),
    _r("GET", rf"^/drive/v3/files/{_ID}/permissions/{_ID}$",
       "/drive/v3/files/{id}/permissions/{permissionId}", drive.get_permission, "drive"),
    _r("DELETE", rf"^/drive/v3/files/{_ID}/permissions/{_ID}$",
       "/drive/v3/files/{id}/permissions/{permissionId}", drive.delete_permission, "drive"),
    *[_r(m, p, t, h, "admin") for m, p, t, h in admin.ROUTES],
]


# Handlers that apply the fields= mask themselves (everything else gets it applied here).
_MASKS_ITSELF = {sheets.get, sheets.get_by_data_filter}


def _token(state: EmulatorState, rq: Request) -> tuple[int, Any]:
    try:
        return 200, state.auth.token_endpoint(rq.body, rq.headers.get("Content-Type", ""),
                                              state.base_url + "/token")
    except OAuthError as exc:
        return exc.status, exc.body()


def match(method: str, path: str) -> tuple[Route, tuple[str, ...]] | None:
    for route in ROUTES:
        if route.method != method:
            continue
        m = route.pattern.match(path)
        if m:
            return route, tuple(unquote(g) for g in m.groups())
    return None


class EmulatorHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall
    server_version = "sheetsync-emulator"
    state: EmulatorState  # set on the subclass made per server

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests run many requests
        pass

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        state = self.state
        split = urlsplit(self.path)
        raw_path = split.path
        is_view = raw_path == "/view" or raw_path.startswith("/view/")
        body = self._admitted_body(method, raw_path, split.query)
        if body is None:
            return
        rq = Request(method, raw_path, parse_qs(split.query, keep_blank_values=True), body, self.headers)
        found = match(method, raw_path)
        template = found[0].template if found else raw_path
        kind = found[0].kind if found else ""
        if is_view:
            status, ctype, payload, view_headers = _view(state, raw_path, split.query)
            self._send_bytes(status, ctype, payload, method, "/view", len(body), view_headers)
            return
        fault = None if kind == "admin" else state.faults.pick(method, raw_path)
        if fault is not None and fault.kind == "delay":
            time.sleep(fault.delay_s)
            fault = None
        headers: dict[str, str] = {}
        data = b""
        ctype = "application/json; charset=UTF-8"
        streamed: Streamed | None = None
        try:
            if fault is not None and fault.kind == "error":
                raise fault_error(fault)
            if found is None:
                raise not_found(f"Method not found: {method} {raw_path}")
            route, groups = found
            if route.kind in ("read", "write", "drive"):
                rq.user = state.auth.authenticate(self.headers.get("Authorization"))
                if route.kind != "drive" and route.template.startswith("/v4/spreadsheets/{id}"):
                    state.counters.record_spreadsheet(groups[0], route.kind)
                if state.quota is not None:
                    state.quota.check(rq.user, route.kind, state.auth.project_of(rq.user))
            with gc_paused():
                status, payload = route.handler(state, rq, groups)
                if (route.kind in ("read", "write") and isinstance(payload, dict) and rq.param("fields")
                        and route.handler not in _MASKS_ITSELF):
                    payload = fields.apply(payload, fields.parse(rq.param("fields") or ""))
                if isinstance(payload, Streamed):
                    streamed = payload
                elif isinstance(payload, export.Raw):
                    ctype, data = payload.content_type, payload.data
                else:
                    data = _encode(payload)
        except ApiError as exc:
            status, headers = exc.code, exc.headers
            data = _encode(exc.body())
        except Exception as exc:  # a bug must answer 500, not kill the connection
            status = 500
            data = _encode({"error": {"code": 500, "status": "INTERNAL", "message":
                                      f"Internal error encountered. ({type(exc).__name__}: {exc})"}})
        if streamed is not None:
            if fault is None or fault.kind != "reset":
                with gc_paused():
                    self._send_stream(streamed, method, template, len(body))
                return
            data = b"".join(streamed.chunks())
        if fault is not None and fault.kind == "reset":
            self._reset(status, data, method, template, len(body))
            return
        self._send_bytes(status, ctype, data, method, template, len(body), headers)

    def _admitted_body(self, method: str, path: str, query: str) -> bytes | None:
        """The request's body, or None once the boundary has answered: a foreign Host or Origin,
        a body over the limit (left unread), or an admin path or the view without the token."""
        boundary = self.state.boundary
        length = _content_length(self.headers.get("Content-Length"))
        refused = boundary.refusal(self.headers, method) or boundary.too_large(length)
        if refused is not None:   # the body stays unread: this connection cannot carry another request
            self.close_connection = True
            self._send_error(refused, method, path, 0)
            return None
        body = self.rfile.read(length) if length else b""
        guarded = path == "/view" or path.startswith(("/view/", "/_emulator/"))
        if guarded and not boundary.admin_allowed(path, self.headers, query):
            self._send_error(boundary.admin_refused(), method, path, len(body))
            return None
        return body

    def _send_error(self, err: ApiError, method: str, path: str, bytes_in: int) -> None:
        self._send_bytes(err.code, "application/json; charset=UTF-8", _encode(err.body()), method,
                         path, bytes_in, err.headers)

    def _send_bytes(self, status: int, ctype: str, data: bytes, method: str, template: str,
                    bytes_in: int, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if status != 204:
            self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data and self.command != "HEAD":
            self.wfile.write(data)
        if not template.startswith("/_emulator/"):  # instrumentation does not count itself
            self.state.counters.record(method, template, status, bytes_in, len(data))

    def _send_stream(self, streamed: Streamed, method: str, template: str, bytes_in: int) -> None:
        """200 with a chunked JSON body written while it renders (64 KB+ per chunk)."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        sent = 0
        buf: list[bytes] = []
        size = 0
        try:
            for piece in streamed.chunks():
                buf.append(piece)
                size += len(piece)
                if size >= 65536:
                    self.wfile.write(b"%x\r\n%s\r\n" % (size, b"".join(buf)))
                    sent += size
                    buf, size = [], 0
            if size:
                self.wfile.write(b"%x\r\n%s\r\n" % (size, b"".join(buf)))
                sent += size
            self.wfile.write(b"0\r\n\r\n")
        except OSError:  # the client went away mid-body
            self.close_connection = True
        self.state.counters.record(method, template, 200, bytes_in, sent)

    def _reset(self, status: int, data: bytes, method: str, template: str, bytes_in: int) -> None:
        """Send the headers and half of the body, then reset the TCP connection."""
        body = data or b'{"padding": "' + b"x" * 64 + b'"}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: max(1, len(body) // 2)])
        self.wfile.flush()
        self.state.counters.record(method, template, 0, bytes_in, len(body) // 2)
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass


def _content_length(header: str | None) -> int:
    """Content-Length as a count of bytes; a garbled one reads as no body."""
    try:
        return max(0, int(header or 0))
    except ValueError:
        return 0


def _view(state: EmulatorState, path: str, query: str) -> tuple[int, str, bytes, dict[str, str]]:
    """The read-only web view (sheetsync.emulator.webview), if installed, with its security headers."""
    try:
        from sheetsync.emulator import webview
    except ImportError:
        body = json.dumps(not_found("The web view is not installed.").body()).encode()
        return 404, "application/json; charset=UTF-8", body, {}
    try:
        status, ctype, page = webview.render(path, state.store, query)
    except Exception as exc:  # the view must never take the emulator down
        status, ctype, page = 500, "text/plain; charset=utf-8", f"web view error: {exc}".encode()
    return status, ctype, page, dict(webview.SECURITY_HEADERS)


def _encode(payload: Any) -> bytes:
    """Strict JSON, as Google sends: a NaN or infinite number in a payload is an emulator bug
    (Python would write the bare tokens NaN/Infinity, which no JSON parser has to accept), so it
    answers 500 naming the problem instead of a body a client may not be able to read."""
    if payload is None:
        return b""
    try:
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError:
        raise ValueError("the response holds a NaN or infinite number, which JSON cannot carry") from None
    return text.encode("utf-8")


_gc_lock = threading.Lock()
_gc_users = 0


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic GC while a request builds millions of short-lived objects (saves ~40%).

    Reference counting still frees everything; the collector resumes when the
    last concurrent request leaves."""
    global _gc_users
    with _gc_lock:
        _gc_users += 1
        if _gc_users == 1:
            gc.disable()
    try:
        yield
    finally:
        with _gc_lock:
            _gc_users -= 1
            if _gc_users == 0:
                gc.enable()


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up mid-answer (a timeout, an injected reset) is routine, not a
        traceback on stderr; anything else is still shown."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def make_server(state: EmulatorState, host: str = "127.0.0.1", port: int = 0) -> EmulatorServer:
    handler = type("BoundEmulatorHandler", (EmulatorHandler,), {"state": state})
    server = EmulatorServer((host, port), handler)
    shown_host = host if ":" not in host else f"[{host}]"
    state.base_url = f"http://{shown_host}:{server.server_address[1]}"
    return server


def serve_in_thread(server: EmulatorServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name="sheetsync-emulator", daemon=True)
    thread.start()
    return thread
