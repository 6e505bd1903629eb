"""HTTP transport: the only module that touches `requests`.

Three jobs, all below gspread so gspread itself stays unpatched:
- redirect Google's hosts to an emulator base URL when one is configured, but only
  for credentials that belong to that URL (see ``check_api_url``);
- put a timeout on every request (gspread passes ``timeout=None`` by default);
- retry 429, 5xx, connection resets and timeouts with exponential backoff and
  full jitter, honouring ``Retry-After``, inside one total deadline.

gspread's own ``BackOffHTTPClient`` is deliberately not used: it retries without a
deadline, so an unattended sync could hang for ever on a quota storm.
"""

from __future__ import annotations

import email.utils
import ipaddress
import logging
import random
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Callable

import google.auth.credentials
import google.auth.exceptions
import google.oauth2.credentials
import requests
from google.auth.transport.requests import AuthorizedSession, Request

from sheetsync.sheets.errors import ApiUrlError

log = logging.getLogger("sheetsync.sheets.transport")

API_HOSTS = (
    "https://sheets.googleapis.com",
    "https://www.googleapis.com",
)
TOKEN_HOST = "https://oauth2.googleapis.com"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Re-exported so gsheets.py can catch network failures without importing requests
# itself (transport.py stays the only module that touches it).
RequestException = requests.RequestException
# Exceptions worth another try: the request may simply not have arrived, or the
# answer was cut off. Every write sheetsync sends is idempotent (RAW values), so a
# retry after an unknown outcome is safe.
RETRY_EXCEPTIONS: tuple[type[BaseException], ...] = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    google.auth.exceptions.TransportError,
)


@dataclass(frozen=True)
class RetryPolicy:
    deadline_s: float = 60.0          # total time for one logical request, retries included
    base_s: float = 0.5               # first backoff ceiling; doubles per attempt
    max_sleep_s: float = 16.0         # ceiling of one backoff sleep
    timeout_s: tuple[float, float] = (5.0, 60.0)   # (connect, read) per attempt
    # Connection refused: nothing listens at the address (a wrong --api-url, the emulator not
    # started). A restarting server is back within seconds; a person should not wait a minute.
    refused_s: float = 3.0
    max_attempts: int = 12            # belt and braces next to the deadline


@dataclass
class TransportStats:
    """What went over the wire; sync reports deltas of these."""

    requests: int = 0        # HTTP attempts, retries included
    retries: int = 0
    bytes_sent: int = 0      # request bodies
    bytes_received: int = 0  # response bodies
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, *, sent: int, received: int, retry: bool) -> None:
        with self._lock:
            self.requests += 1
            self.retries += int(retry)
            self.bytes_sent += sent
            self.bytes_received += received

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return {"requests": self.requests, "retries": self.retries,
                    "bytes_sent": self.bytes_sent, "bytes_received": self.bytes_received}


def rewrite_url(url: str, api_url: str | None, *, token_host: bool = False) -> str:
    """Google API host prefix -> emulator base URL; anything else is left alone.

    Google's token host only with ``token_host``: a signed assertion sent to the
    wrong address can be exchanged at Google for an hour."""
    if not api_url:
        return url
    base = api_url.rstrip("/")
    for host in API_HOSTS + ((TOKEN_HOST,) if token_host else ()):
        if url == host or url.startswith(host + "/"):
            return base + url[len(host):]
    return url


def is_loopback(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1, or 0.0.0.0 / :: (a connection to those reaches this
    machine, as an emulator bound to every address prints itself): an address no other
    machine can answer for."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def check_api_url(api_url: str) -> str:
    """The URL, when requests may go there: https anywhere, plain http only on loopback
    (on any other host a listener on the path reads the bearer token)."""
    parts = _well_formed(api_url)
    if parts.scheme == "https" and parts.hostname:
        return api_url
    if parts.scheme == "http" and parts.hostname and is_loopback(parts.hostname):
        return api_url
    raise ApiUrlError("api_url_insecure", api_url)


def _well_formed(api_url: str) -> urllib.parse.SplitResult:
    """The URL's parts, or ApiUrlError "malformed": a scheme and a host, a port that is a
    number from 1 to 65535, no blank inside ("localhost:8555" would read as scheme "localhost")."""
    text = api_url.strip()
    parts = urllib.parse.urlsplit(text)
    try:
        port_ok = parts.port is None or parts.port > 0     # urllib raises on "x" and on 99999
    except ValueError:
        port_ok = False
    if parts.scheme in ("http", "https") and parts.hostname and port_ok and not any(c.isspace() for c in text):
        return parts
    if "://" in text and parts.scheme not in ("http", "https") and port_ok and parts.hostname:
        return parts           # another scheme: refused as not https just after, which says what to use
    raise ApiUrlError("api_url_malformed", api_url)


def token_uri(credentials: google.auth.credentials.Credentials) -> str | None:
    """Where the credentials fetch their tokens; None for a bare bearer token."""
    # service_account.Credentials keeps it private; user credentials expose it.
    uri = getattr(credentials, "token_uri", None) or getattr(credentials, "_token_uri", None)
    return uri if isinstance(uri, str) else None


def belongs_to(credentials: google.auth.credentials.Credentials, api_url: str) -> bool:
    """The credentials were issued for ``api_url`` (the emulator's keys name it as their
    token_uri), or are a bare token that cannot be refreshed anywhere."""
    uri = token_uri(credentials)
    if uri is None:
        refreshable = getattr(credentials, "refresh_token", None) or \
            not isinstance(credentials, google.oauth2.credentials.Credentials)
        return not refreshable
    return uri.startswith(api_url.rstrip("/") + "/")


def check_credentials_for(credentials: google.auth.credentials.Credentials, api_url: str) -> None:
    """Refuse to send a Google key's tokens to another address."""
    if not belongs_to(credentials, api_url):
        raise ApiUrlError("api_url_foreign_key", api_url)


def retry_after_seconds(response: requests.Response | None) -> float | None:
    """Parse Retry-After (delta seconds or an HTTP date); None when absent or junk."""
    if response is None:
        return None
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def backoff_sleep(attempt: int, policy: RetryPolicy, rng: random.Random) -> float:
    """Full jitter: uniform(0, min(cap, base * 2**attempt))."""
    ceiling = min(policy.max_sleep_s, policy.base_s * (2 ** attempt))
    return rng.uniform(0.0, ceiling)


def _body_len(response: requests.Response | None) -> tuple[int, int]:
    if response is None:
        return 0, 0
    body = response.request.body if response.request is not None else None
    sent = len(body) if body else 0
    return sent, len(response.content or b"")


def _is_retryable_exception(exc: BaseException) -> bool:
    if isinstance(exc, google.auth.exceptions.RefreshError):
        return bool(getattr(exc, "retryable", False))
    return isinstance(exc, RETRY_EXCEPTIONS)


class _RetryingMixin:
    """Shared request loop for the plain and the authorized session."""

    api_url: str | None
    token_host: bool = False       # Google's token host goes to api_url too
    policy: RetryPolicy
    stats: TransportStats
    sleep: Callable[[float], None]
    rng: random.Random

    def _outer_deadline(self) -> float | None:
        return None

    def _send(self, send: Callable[..., requests.Response], method: str, url: str,
              **kwargs: Any) -> requests.Response:
        url = rewrite_url(url, self.api_url, token_host=self.token_host)
        start = time.monotonic()
        deadline_at = start + self.policy.deadline_s
        outer = self._outer_deadline()
        if outer is not None:          # a token fetch inside an API request: one deadline for both
            deadline_at = min(deadline_at, outer)
        attempt = 0
        while True:
            remaining = deadline_at - time.monotonic()
            kwargs["timeout"] = self._timeout(kwargs.get("timeout"), remaining)
            response: requests.Response | None = None
            error: BaseException | None = None
            try:
                response = send(method, url, **kwargs)
            except Exception as exc:  # noqa: BLE001 - sorted out just below
                if not _is_retryable_exception(exc):
                    raise
                error = exc
            sent, received = _body_len(response)
            self.stats.add(sent=sent, received=received, retry=attempt > 0)
            log.debug("%s %s -> %s (%.2fs)", method.upper(), _path_only(url), _outcome(response, error),
                      time.monotonic() - start)
            if response is not None and response.status_code not in RETRY_STATUSES:
                return response
            attempt += 1
            pause = retry_after_seconds(response)
            if pause is None:
                pause = backoff_sleep(attempt - 1, self.policy, self.rng)
            refused_until = start + self.policy.refused_s if connection_refused(error) else deadline_at
            if attempt >= self.policy.max_attempts or time.monotonic() + pause >= min(deadline_at, refused_until):
                log.info("giving up on %s %s after %d attempt(s) in %.1fs: %s", method.upper(), _path_only(url),
                         attempt, time.monotonic() - start, _outcome(response, error))
                if error is not None:
                    raise error
                assert response is not None
                return response          # gspread turns it into an APIError
            log.info("retrying %s %s in %.2fs (attempt %d): %s", method.upper(),
                     _path_only(url), pause, attempt, _outcome(response, error))
            self.sleep(pause)

    def _timeout(self, asked: Any, remaining: float) -> tuple[float, float]:
        connect, read = self.policy.timeout_s
        if isinstance(asked, (int, float)) and asked > 0:
            connect, read = min(connect, float(asked)), float(asked)
        elif isinstance(asked, tuple) and len(asked) == 2 and all(asked):
            connect, read = float(asked[0]), float(asked[1])
        # Never wait past the deadline for one answer, but always give it a moment.
        floor = 1.0
        return (max(floor, min(connect, remaining)), max(floor, min(read, remaining)))


def connection_refused(error: BaseException | None) -> bool:
    """The connection was refused: requests and google-auth wrap urllib3's wrapping of the
    socket's ConnectionRefusedError, so follow the chain (causes, reasons, first args)."""
    seen: set[int] = set()
    todo = [error]
    while todo:
        exc = todo.pop()
        if exc is None or id(exc) in seen or len(seen) > 20:
            continue
        seen.add(id(exc))
        if isinstance(exc, ConnectionRefusedError):
            return True
        first = exc.args[0] if exc.args else None
        todo += [exc.__cause__, exc.__context__, getattr(exc, "reason", None),
                 first if isinstance(first, BaseException) else None]
    return False


def _outcome(response: requests.Response | None, error: BaseException | None) -> str:
    """An attempt's result as logged: the status, or the exception's class (its text may quote a URL)."""
    return str(response.status_code) if response is not None else type(error).__name__


def _path_only(url: str) -> str:
    """Log the path, never the query (ranges may hold tab names, never tokens, but keep it short)."""
    return url.split("?", 1)[0]


class RedirectSession(_RetryingMixin, requests.Session):
    """A plain session with the same redirect/timeout/retry rules; used for the token endpoint."""

    def __init__(self, api_url: str | None, policy: RetryPolicy, stats: TransportStats,
                 *, sleep: Callable[[float], None] = time.sleep,
                 rng: random.Random | None = None, token_host: bool = False) -> None:
        super().__init__()
        self.api_url, self.policy, self.stats = api_url, policy, stats
        self.token_host = token_host
        self.sleep, self.rng = sleep, rng or random.Random()
        # Set by the SheetsSession request that triggered the token fetch. Without it a token
        # endpoint that stays down took google-auth's 3 tries x a whole deadline each (167 s
        # measured against a 60 s deadline, tests/reliability).
        self.outer = threading.local()

    def _outer_deadline(self) -> float | None:
        return getattr(self.outer, "deadline_at", None)

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        return self._send(super().request, method, url, **kwargs)


class SheetsSession(_RetryingMixin, AuthorizedSession):
    """AuthorizedSession that redirects to an emulator, times out and retries."""

    def __init__(self, credentials: google.auth.credentials.Credentials, api_url: str | None,
                 policy: RetryPolicy, *, sleep: Callable[[float], None] = time.sleep,
                 rng: random.Random | None = None) -> None:
        if api_url:
            check_api_url(api_url)
            check_credentials_for(credentials, api_url)
        self.api_url, self.policy = api_url, policy
        self.stats = TransportStats()
        self.sleep, self.rng = sleep, rng or random.Random()
        # Only a key whose own token_uri is api_url gets here with one (checked above):
        # its token requests may follow it, a Google key's never do.
        token_session = RedirectSession(api_url, policy, self.stats, sleep=sleep, rng=self.rng,
                                        token_host=bool(api_url) and token_uri(credentials) is not None)
        # A bare bearer token (emulator, tests) cannot be refreshed: let a 401 through as is.
        static = isinstance(credentials, google.oauth2.credentials.Credentials) and \
            not credentials.refresh_token
        refresh_codes = () if static else (401,)
        super().__init__(credentials, auth_request=Request(session=token_session),
                         refresh_status_codes=refresh_codes)
        self.token_session = token_session

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        outer = self.token_session.outer
        outer.deadline_at = time.monotonic() + self.policy.deadline_s
        try:
            return self._send(super().request, method, url, **kwargs)
        finally:
            outer.deadline_at = None

    def close(self) -> None:
        self.token_session.close()
        super().close()


def make_session(credentials: google.auth.credentials.Credentials, api_url: str | None,
                 retry: RetryPolicy | None = None) -> SheetsSession:
    """The session every gspread client of sheetsync runs on."""
    return SheetsSession(credentials, api_url, retry or RetryPolicy())
