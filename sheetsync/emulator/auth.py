"""OAuth2 for the emulator: service-account keys, the /token endpoint, bearer tokens.

Open mode: any bearer token (or none) is accepted; /token hands out a token for
any assertion and remembers the e-mail in it so quotas stay per user.
Strict mode: /token verifies the RS256 JWT assertion against keys issued by
``issue_key``; tokens expire after ``token_ttl_s``; a self-signed JWT (what
google-auth sends when it skips the token endpoint) is verified the same way.
"""
from __future__ import annotations

import json
import os
import secrets
import threading
import time
from typing import Any
from urllib.parse import parse_qs

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import exceptions as ga_exceptions
from google.auth import jwt

from sheetsync.emulator.model import ApiError, unauthenticated

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
# The audiences Google's token endpoint accepts: today's and the two older addresses.
GOOGLE_TOKEN_AUDIENCES = (GOOGLE_TOKEN_URI, "https://www.googleapis.com/oauth2/v4/token",
                          "https://accounts.google.com/o/oauth2/token")
ANONYMOUS = "anonymous@emulator.local"
# Google's texts at its token endpoint (strict mode answers as it does).
SHORT_LIVED = ("Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable "
               "timeframe. Check your iat and exp values in the JWT claim.")
MAX_ASSERTION_LIFETIME_S = 3600
NOT_DELEGATED = ("Client is unauthorized to retrieve access tokens using this method, or client not "
                 "authorized for any of the scopes requested.")
# Test suites only: a file the emulator appends every private key and bearer token it hands
# out to, one JSON object a line, so the suite can check none of them shows up in its output
# (tests/secret_scan.py). Read at each use, so subprocess emulators inherit it; unset, nothing
# is written. The keys are the emulator's own throwaway keys, worthless against Google.
SECRET_LOG_ENV = "SHEETSYNC_EMULATOR_SECRET_LOG"
_secret_log_lock = threading.Lock()


def note_secret(kind: str, value: str) -> None:
    """Append {kind: value} to the file named by SHEETSYNC_EMULATOR_SECRET_LOG, if it is set."""
    path = os.environ.get(SECRET_LOG_ENV)
    if not path:
        return
    line = json.dumps({kind: value}) + "\n"
    with _secret_log_lock, open(path, "a", encoding="utf-8") as fh:
        fh.write(line)           # one write of one line: whole lines even with other processes


class OAuthError(Exception):
    """An OAuth2 error body: {"error": ..., "error_description": ...} (not Google's API shape)."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


DEFAULT_PROJECT = "sheetsync-emulator"  # every key's project unless another is chosen


class Auth:
    def __init__(self, strict: bool = False, token_ttl_s: int = 3600) -> None:
        self.strict = strict
        self.token_ttl_s = token_ttl_s
        self._lock = threading.Lock()
        self.keys: dict[str, dict[str, str]] = {}      # key id -> {"email", "public_pem"}
        self._tokens: dict[str, tuple[str, float]] = {}  # token -> (email, expiry epoch)

    # -- persistence --------------------------------------------------------
    def state(self) -> dict[str, Any]:
        with self._lock:
            return {"keys": dict(self.keys), "tokens": dict(self._tokens)}

    def load(self, state: dict[str, Any]) -> None:
        with self._lock:
            self.keys.update(state.get("keys", {}))
            self._tokens.update(state.get("tokens", {}))

    # -- keys ---------------------------------------------------------------
    def issue_key(self, email: str, token_uri: str, project_id: str = DEFAULT_PROJECT) -> dict[str, str]:
        """A service-account key file (JSON dict) whose token_uri is this emulator.

        ``project_id`` is the Cloud project the key belongs to: quotas and PROJECT developer
        metadata are kept per project, as Google keeps them."""
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()).decode()
        public_pem = private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        key_id = secrets.token_hex(20)
        with self._lock:
            self.keys[key_id] = {"email": email, "public_pem": public_pem, "project_id": project_id}
        self.keys[key_id]["token_uri"] = token_uri   # an audience its assertions may name
        note_secret("private_key", private_pem)
        return {
            "type": "service_account", "project_id": project_id,
            "private_key_id": key_id, "private_key": private_pem, "client_email": email,
            "client_id": str(int(key_id[:15], 16)),
            "auth_uri": token_uri.rsplit("/", 1)[0] + "/auth", "token_uri": token_uri,
            "auth_provider_x509_cert_url": token_uri.rsplit("/", 1)[0] + "/certs",
            "client_x509_cert_url": token_uri.rsplit("/", 1)[0] + "/certs/" + key_id,
            "universe_domain": "googleapis.com",
        }

    def project_of(self, email: str) -> str:
        """The Cloud project of a caller: a service account belongs to one project, so the
        project of its newest key (the default project for callers without a key)."""
        with self._lock:
            projects = [k.get("project_id", DEFAULT_PROJECT) for k in self.keys.values()
                        if k.get("email") == email]
        return projects[-1] if projects else DEFAULT_PROJECT

    def _verify(self, assertion: str) -> dict[str, Any]:
        certs = {kid: k["public_pem"] for kid, k in self.keys.items()}
        if not certs:
            raise OAuthError("invalid_grant", "Invalid JWT Signature.")
        try:
            claims = jwt.decode(assertion, certs=certs, verify=True, clock_skew_in_seconds=10)
        except ga_exceptions.MalformedError:
            raise OAuthError("invalid_grant", "Invalid JWT Signature.") from None
        except (ValueError, ga_exceptions.GoogleAuthError) as exc:
            text = str(exc)
            if "expired" in text.lower() or "too early" in text.lower():
                raise OAuthError("invalid_grant", SHORT_LIVED) from None
            raise OAuthError("invalid_grant", "Invalid JWT Signature.") from None
        kid = jwt.decode_header(assertion).get("kid")
        key = self.keys.get(kid) if kid else None
        if key is None or claims.get("iss") != key["email"]:
            raise OAuthError("invalid_grant", "Invalid JWT Signature.")
        _check_lifetime(claims)
        _check_subject(claims)
        return claims

    def _check_audience(self, claims: dict[str, Any], kid: str | None, token_uri: str) -> None:
        """The assertion names a token endpoint: Google's (google-auth always names it, whatever
        the key file's token_uri says), or this emulator's, as the key file gives it."""
        key = self.keys.get(kid or "", {})
        if claims.get("aud") not in {*GOOGLE_TOKEN_AUDIENCES, token_uri, key.get("token_uri", token_uri)}:
            raise OAuthError("invalid_grant", "Invalid JWT: Failed audience check.")

    # -- /token -------------------------------------------------------------
    def token_endpoint(self, body: bytes, content_type: str, token_uri: str = "") -> dict[str, Any]:
        """/token: an access token for a JWT bearer assertion (strict: verified; ``token_uri`` is
        this endpoint's own address, the audience an assertion must name)."""
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        if content_type.startswith("application/json"):
            try:
                form = json.loads(body or b"{}")
            except ValueError:
                form = {}
        if form.get("grant_type") != JWT_GRANT:
            raise OAuthError("unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type", ""))
        assertion = form.get("assertion", "")
        if self.strict:
            claims = self._verify(assertion)
            self._check_audience(claims, jwt.decode_header(assertion).get("kid"), token_uri)
            email = claims["iss"]
        else:
            try:
                claims = jwt.decode(assertion, verify=False)
                email = claims.get("sub") or claims.get("iss") or ANONYMOUS
            except Exception:  # open mode: anything goes
                email = ANONYMOUS
        token = "ya29.emu-" + secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = (email, time.time() + self.token_ttl_s)
        note_secret("token", token)
        return {"access_token": token, "expires_in": self.token_ttl_s, "token_type": "Bearer"}

    # -- bearer tokens ------------------------------------------------------
    def authenticate(self, header: str | None) -> str:
        """Authorization header -> caller e-mail; raises 401 in strict mode."""
        token = ""
        if header and header.lower().startswith("bearer "):
            token = header[7:].strip()
        with self._lock:
            entry = self._tokens.get(token)
        if entry is not None:
            email, expiry = entry
            if time.time() < expiry:
                return email
            if self.strict:
                raise unauthenticated()
            return email
        if token.count(".") == 2:
            try:
                with self._lock:
                    claims = self._verify(token)
                return claims["iss"]
            except OAuthError:
                if self.strict:
                    raise unauthenticated() from None
        if self.strict:
            if not token:
                raise ApiError(401, "UNAUTHENTICATED", (
                    "Request is missing required authentication credential. Expected OAuth 2 access "
                    "token, login cookie or other valid authentication credential. See "
                    "https://developers.google.com/identity/sign-in/web/devconsole-project."))
            raise unauthenticated()
        return "token:" + token[:32] if token else ANONYMOUS


def _check_lifetime(claims: dict[str, Any]) -> None:
    """Google refuses an assertion meant to live longer than an hour, however it is signed."""
    try:
        lifetime = float(claims["exp"]) - float(claims["iat"])
    except (KeyError, TypeError, ValueError):
        raise OAuthError("invalid_grant", SHORT_LIVED) from None
    if lifetime > MAX_ASSERTION_LIFETIME_S:
        raise OAuthError("invalid_grant", SHORT_LIVED)


def _check_subject(claims: dict[str, Any]) -> None:
    """A key acts as its own service account only: impersonating someone else (``sub``) needs
    domain-wide delegation, which no emulator key has; Google answers unauthorized_client."""
    sub = claims.get("sub")
    if sub and str(sub).lower() != str(claims.get("iss", "")).lower():
        raise OAuthError("unauthorized_client", NOT_DELEGATED, status=401)
