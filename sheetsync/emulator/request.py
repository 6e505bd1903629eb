"""One API request as the handlers see it: method, path, query, body (parsed as Google parses JSON)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from sheetsync.emulator.boundary import check_json_content_type
from sheetsync.emulator.model import invalid_argument


class _BareConstant(ValueError):
    """NaN / Infinity / -Infinity in a request body: not JSON, whatever Python's json accepts."""


def _reject_constant(token: str) -> Any:
    raise _BareConstant(token)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes
    headers: Message
    user: str = ""
    _json: Any = field(default=None, repr=False)

    def json(self) -> dict[str, Any]:
        """The JSON body ({} when empty); 400 with Google's text when it does not parse."""
        if self._json is None:
            if not self.body.strip():
                self._json = {}
            else:
                check_json_content_type(self.headers.get("Content-Type", ""), self.body)
                try:
                    self._json = json.loads(self.body, parse_constant=_reject_constant)
                except _BareConstant as exc:   # Python clients send NaN/Infinity; Google's parser refuses them
                    raise invalid_argument(f"Invalid JSON payload received. Unexpected token.\n{exc}") from None
                except json.JSONDecodeError as exc:
                    raise invalid_argument(
                        f"Invalid JSON payload received. {exc.msg} at position {exc.pos}.") from None
                except ValueError:   # bytes that are no UTF-8 (or -16, -32) text
                    raise invalid_argument("Invalid JSON payload received. Unexpected token.") from None
                if not isinstance(self._json, dict):
                    raise invalid_argument("Invalid JSON payload received. Expected an object.")
        return self._json

    def param(self, name: str, default: str | None = None) -> str | None:
        vals = self.query.get(name)
        return vals[-1] if vals else default

    def params(self, name: str) -> list[str]:
        return self.query.get(name, [])

    def flag(self, name: str) -> bool:
        return (self.param(name, "false") or "").lower() in ("true", "1")
