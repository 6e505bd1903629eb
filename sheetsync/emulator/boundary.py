"""The emulator's access boundary: who may reach it, from where, and with how much.

People try gspread scripts against the emulator, so a web page they happen to
have open must not be able to drive it (cross-site POST, DNS rebinding), and in
strict mode (or whenever it listens beyond loopback) its admin paths and web
view need the random admin token printed at start.  Open mode has no
identities at all, so it listens on loopback only.
"""
from __future__ import annotations

import ipaddress
import secrets
import socket
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import parse_qs, urlsplit

from sheetsync.emulator.model import ApiError, invalid_argument

ADMIN_HEADER = "X-Emulator-Token"
ADMIN_PARAM = "token"
# Google's front end refuses larger bodies with this text (a 400, not a 413).
MAX_BODY_BYTES = 10 * 1024 * 1024
# Paths anyone on an allowed host may read: they show nothing a caller could misuse.
OPEN_ADMIN_PATHS = frozenset({"/_emulator/health"})
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and the usual names of the loopback interface."""
    name = host.strip("[]").lower()
    if name in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class OpenModeBeyondLoopback(ValueError):
    """Open mode accepts any token, so it must not listen where others can reach it."""


@dataclass
class Boundary:
    """What one emulator lets in: Host/Origin names, body size, the admin token (None = not needed)."""
    bind_host: str = "127.0.0.1"
    admin_token: str | None = None
    max_body_bytes: int = MAX_BODY_BYTES
    _names: frozenset[str] = field(default=frozenset(), repr=False)

    @classmethod
    def for_host(cls, bind_host: str, strict: bool, max_body_bytes: int = MAX_BODY_BYTES) -> Boundary:
        loopback = is_loopback(bind_host)
        if not strict and not loopback:
            raise OpenModeBeyondLoopback(
                f"open mode accepts any token, so it listens on loopback only, not on {bind_host}; "
                "add --strict to listen there (admin paths and the web view then need the printed token)")
        token = secrets.token_urlsafe(24) if strict or not loopback else None
        names = set(_LOOPBACK_NAMES) | {bind_host.strip("[]").lower()}
        if not loopback:   # reached by the machine's own names too
            names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
        return cls(bind_host, token, max_body_bytes, frozenset(names))

    # -- Host and Origin ---------------------------------------------------------
    def host_allowed(self, host_header: str | None) -> bool:
        """A Host naming this machine; a DNS-rebound name (evil.example -> 127.0.0.1) is not."""
        if not host_header:
            return True            # HTTP/1.0 tools; every browser sends Host
        name = urlsplit("//" + host_header).hostname or ""
        if name in self._names:
            return True
        return _is_ip(name) and (is_loopback(name) or not is_loopback(self.bind_host))

    def refusal(self, headers: Message, method: str) -> ApiError | None:
        """403 for a request a browser sent on behalf of another site, or under a foreign Host."""
        host = headers.get("Host")
        if not self.host_allowed(host):
            return ApiError(403, "PERMISSION_DENIED",
                            f"Host {host!r} is not this emulator's address; refused (DNS rebinding?).")
        origin = headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc.lower() != (host or "").lower():
            return ApiError(403, "PERMISSION_DENIED",
                            f"Requests from the web page {origin!r} are refused (cross-site request).")
        if method not in ("GET", "HEAD") and headers.get("Sec-Fetch-Site", "") in ("cross-site", "same-site"):
            return ApiError(403, "PERMISSION_DENIED", "Cross-site requests are refused.")
        return None

    # -- size ----------------------------------------------------------------------
    def too_large(self, length: int) -> ApiError | None:
        if length <= self.max_body_bytes:
            return None
        return invalid_argument(f"Request payload size exceeds the limit: {self.max_body_bytes} bytes.")

    # -- admin token ---------------------------------------------------------------
    def admin_allowed(self, path: str, headers: Message, query: str) -> bool:
        """The admin paths and the web view: free in open mode on loopback, else the token."""
        if self.admin_token is None or path in OPEN_ADMIN_PATHS:
            return True
        given = headers.get(ADMIN_HEADER) or parse_qs(query).get(ADMIN_PARAM, [""])[-1]
        return secrets.compare_digest(given.encode(), self.admin_token.encode())

    @staticmethod
    def admin_refused() -> ApiError:
        return ApiError(401, "UNAUTHENTICATED",
                        f"This emulator path needs the admin token printed at start: send it as the "
                        f"{ADMIN_HEADER} header or add ?{ADMIN_PARAM}=... to the address.")


def check_json_content_type(content_type: str, body: bytes) -> None:
    """A JSON body must come as JSON: a browser's form or text/plain POST is not parsed as one.

    Google reads an ``application/x-www-form-urlencoded`` body as query parameters,
    so a JSON text sent that way fails to bind; text/plain and multipart (the
    other bodies a web page may send cross-site without asking) are refused too."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if not kind or kind == "application/json" or kind.endswith("+json"):
        return
    if kind == "application/x-www-form-urlencoded":
        first = body.decode("utf-8", "replace").split("&", 1)[0].split("=", 1)[0][:200]
        raise invalid_argument(f"Invalid JSON payload received. Unknown name \"{first}\": Cannot bind query "
                               f"parameter. Field '{first}' could not be found in request message.")
    raise invalid_argument(f"Invalid JSON payload received. Unexpected Content-Type: {kind}.")
