"""HTTP transport: the only module that touches `requests`.

Three jobs, all below gspread so gspread itself stays unpatched:
- redirect Google's hosts to an emulator base URL when one is configured;
- put a timeout on every request (gspread passes ``timeout=None`` by default);
- retry 429, 5xx, connection resets and timeouts with exponential backoff and
  full jitter, honouring ``Retry-After``, inside one total deadline.

gspread's own ``BackOffHTTPClient`` is deliberately not used: it retries without a
deadline, so an unattended sync could hang for ever on a quota storm.
"""

from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import google.auth.credentials
import google.auth.exceptions
import google.oauth2.credentials
import requests
from google.auth.transport.requests import AuthorizedSession, Request

log = logging.getLogger("sheetsync.transport")

GOOGLE_HOSTS = (
    "https://sheets.googleapis.com",
    "https://www.googleapis.com",
    "https://oauth2.googleapis.com",
)
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


def rewrite_url(url: str, api_url: str | None) -> str:
    """Google host prefix -> emulator base URL; anything else is left alone."""
    if not api_url:
        return url
    base = api_url.rstrip("/")
    for host in GOOGLE_HOSTS:
        if url == host or url.startswith(host + "/"):
            return base + url[len(host):]
    return url


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
    policy: RetryPolicy
    stats: TransportStats
    sleep: Callable[[float], None]
    rng: random.Random

    def _outer_deadline(self) -> float | None:
        return None

    def _send(self, send: Callable[..., requests.Response], method: str, url: str,
              **kwargs: Any) -> requests.Response:
        url = rewrite_url(url, self.api_url)
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
            if response is not None and response.status_code not in RETRY_STATUSES:
                return response
            attempt += 1
            pause = retry_after_seconds(response)
            if pause is None:
                pause = backoff_sleep(attempt - 1, self.policy, self.rng)
            if attempt >= self.policy.max_attempts or time.monotonic() + pause >= deadline_at:
                if error is not None:
                    raise error
                assert response is not None
                return response          # gspread turns it into an APIError
            log.info("retrying %s %s in %.2fs (attempt %d): %s", method.upper(),
                     _path_only(url), pause, attempt,
                     error.__class__.__name__ if error else response.status_code)  # type: ignore[union-attr]
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


def _path_only(url: str) -> str:
    """Log the path, never the query (ranges may hold tab names, never tokens, but keep it short)."""
    return url.split("?", 1)[0]


class RedirectSession(_RetryingMixin, requests.Session):
    """A plain session with the same redirect/timeout/retry rules; used for the token endpoint."""

    def __init__(self, api_url: str | None, policy: RetryPolicy, stats: TransportStats,
                 *, sleep: Callable[[float], None] = time.sleep,
                 rng: random.Random | None = None) -> None:
        super().__init__()
        self.api_url, self.policy, self.stats = api_url, policy, stats
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
        self.api_url, self.policy = api_url, policy
        self.stats = TransportStats()
        self.sleep, self.rng = sleep, rng or random.Random()
        token_session = RedirectSession(api_url, policy, self.stats, sleep=sleep, rng=self.rng)
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
