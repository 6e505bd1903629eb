"""How `check` lays out a long list of problems for a person reading a terminal.

A big sheet early on election day has a few errors that matter and thousands of
warnings of one kind ("TPS has no saksi yet" on every row but one).  So the reader
sees errors first, a count per code before the list, and a warning code's first
rows only; ``--all`` and ``--json`` keep the whole list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

WARNINGS_LISTED = 20       # rows of one warning code listed before the rest are only counted

# A problem as printed: issue_dict() of cli_sheet (code, severity, row, field, params, message).
Problem = Mapping[str, object]


def errors_first(problems: Sequence[Problem]) -> list[Problem]:
    """Errors before warnings; within each, the order check found them (by row)."""
    return sorted(problems, key=lambda p: p["severity"] != "error")


@dataclass(frozen=True)
class CodeCount:
    """One line of the summary: how many problems of a code, and its message template."""

    code: str
    severity: str
    count: int


def per_code(problems: Sequence[Problem]) -> list[CodeCount]:
    """Errors first, then the most frequent codes."""
    counts = Counter((str(p["code"]), str(p["severity"])) for p in problems)
    rows = [CodeCount(code, severity, n) for (code, severity), n in counts.items()]
    return sorted(rows, key=lambda c: (c.severity != "error", -c.count, c.code))


def listed(problems: Sequence[Problem], show_all: bool) -> tuple[list[Problem], dict[str, int]]:
    """The problems to list, and per warning code how many were left out (only counted).

    Errors are always listed: each one is something a person has to fix."""
    if show_all:
        return list(problems), {}
    shown: list[Problem] = []
    seen: Counter[str] = Counter()
    for problem in problems:
        code = str(problem["code"])
        if problem["severity"] == "error" or seen[code] < WARNINGS_LISTED:
            shown.append(problem)
        seen[code] += 1
    left_out = {c.code: c.count - WARNINGS_LISTED for c in per_code(problems)
                if c.severity != "error" and c.count > WARNINGS_LISTED}
    return shown, left_out
