"""The ``details`` Google puts into an error body, where its recordings show them.

A 400 about the request's JSON ("Invalid value at 'data.values' ...", "Invalid
JSON payload received. ...") carries a ``google.rpc.BadRequest`` naming the
field; Google's other Sheets errors (bad range, no permission, not found) carry
none, so neither does the emulator.
"""
from __future__ import annotations

import re
from typing import Any

BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest"
_INVALID_VALUE = re.compile(r"^Invalid value at '([^']*)'")
_PAYLOAD_FIELD = re.compile(r" at '([^']*)'")


def for_invalid_argument(message: str) -> list[dict[str, Any]] | None:
    """BadRequest details for a 400 message about the JSON sent, else None."""
    m = _INVALID_VALUE.match(message)
    if m:
        violation = {"field": m.group(1), "description": message}
    elif message.startswith("Invalid JSON payload received."):
        at = _PAYLOAD_FIELD.search(message)
        violation = {"field": at.group(1), "description": message} if at else {"description": message}
    else:
        return None
    return [{"@type": BAD_REQUEST, "fieldViolations": [violation]}]
