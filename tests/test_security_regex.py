"""No cell can stall a sync: every pattern applied to cell text is linear, and no pattern
sees more than cells.MATCH_LIMIT characters of a cell.

One 50,000-character No TPS cell ("tps" + spaces + "x") made `check` take 30 s. Nothing
here is timed: the first test reads the patterns' structure (two unbounded quantifiers
that can match the same character, with nothing in between that must match a character
neither can, backtrack quadratically), the second records what each pattern is given.
"""

from __future__ import annotations

import re

# The parser re itself uses (Python 3.11+, as pyproject requires): private, but the only
# way to read a pattern's structure.
from re import _compiler as sre_compile
from re import _constants as C
from re import _parser as sre_parse
from typing import Any, Iterator

import pytest

from sheetsync.core import cells, headers, regions, safetext
from sheetsync.emulator import webview
from sheetsync.journal import migrate as journal_migrate
from sheetsync.sync import plan
from sheetsync.core.config import load_preset

# Every compiled pattern that sees text a person typed into a cell.
CELL_PATTERNS = {
    "cells._THOUSANDS": cells._THOUSANDS, "cells._NEGATIVE": cells._NEGATIVE, "cells._TPS": cells._TPS,
    "regions._PREFIX": regions._PREFIX, "regions._NOT_ALNUM": regions._NOT_ALNUM, "regions._CODE": regions._CODE,
    "regions._REF_CODE": regions._REF_CODE, "safetext._CONTROLS": safetext._CONTROLS,
    "safetext._CONTROLS_LINE": safetext._CONTROLS_LINE, "safetext._INERT": safetext._INERT,
    "headers._HEADER_JUNK": headers._HEADER_JUNK, "plan._NUMBER": plan._NUMBER, "plan._GROUPED": plan._GROUPED,
    "webview._CUSTOM": webview._CUSTOM,
    **{f"journal_migrate._SHOWN[{i}]": p for i, (p, _) in enumerate(journal_migrate._SHOWN)},
}
ALPHABET = [chr(c) for c in range(0x250)] + ["\u00a0", "\u2212", "\u3000", "\uff1d"]
REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", C.MAX_REPEAT))


def charset(item: tuple, state: Any) -> frozenset[str]:
    """The characters of ALPHABET that one single-character item can match."""
    sub = sre_parse.SubPattern(state, [item])
    compiled = sre_compile.compile(sub, state.flags)
    return frozenset(ch for ch in ALPHABET if compiled.fullmatch(ch))


def first_item(body: Any) -> tuple:
    items = [i for i in body if i[0] != C.AT]
    while items and items[0][0] == C.SUBPATTERN:
        items = list(items[0][1][-1])
    return items[0]


def sequences(items: list) -> Iterator[list]:
    """Every path through ``items`` with groups, alternatives and optional groups spelled out;
    unbounded repeats stay as they are."""
    if not items:
        yield []
        return
    (op, av), rest = items[0], items[1:]
    if op == C.SUBPATTERN:
        yield from sequences(list(av[-1]) + rest)
    elif op == C.BRANCH:
        for alt in av[1]:
            yield from sequences(list(alt) + rest)
    elif op in REPEATS and av[1] != C.MAXREPEAT and len(av[2]) > 1 or \
            op in REPEATS and av[1] != C.MAXREPEAT and av[2][0][0] in (C.SUBPATTERN, C.BRANCH):
        low, high = av[0], av[1]            # a bounded repeat of a group: each count spelled out
        for n in range(low, high + 1):
            yield from sequences(list(av[2]) * n + rest)
    else:
        for tail in sequences(rest):
            yield [(op, av)] + tail


def problems(pattern: re.Pattern) -> list[str]:
    parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    found: list[str] = []
    _nested(list(parsed), False, found)
    for path in sequences(list(parsed)):
        found += _adjacent(path, parsed.state)
    return sorted(set(found))


def _nested(items: list, inside_unbounded: bool, found: list[str]) -> None:
    for op, av in items:
        if op in REPEATS:
            unbounded = av[1] == C.MAXREPEAT
            if unbounded and inside_unbounded:
                found.append("unbounded quantifier nested in another")
            _nested(list(av[2]), inside_unbounded or unbounded, found)
        elif op == C.SUBPATTERN:
            _nested(list(av[-1]), inside_unbounded, found)
        elif op == C.BRANCH:
            for alt in av[1]:
                _nested(list(alt), inside_unbounded, found)


def _adjacent(path: list, state: Any) -> list[str]:
    """Two unbounded repeats over overlapping characters with only optional or
    overlapping single characters between them."""
    found = []
    for i, (op, av) in enumerate(path):
        if op not in REPEATS or av[1] != C.MAXREPEAT:
            continue
        chars = charset(first_item(av[2]), state)
        for op2, av2 in path[i + 1:]:
            if op2 == C.AT:
                continue
            if op2 in REPEATS:
                other = charset(first_item(av2[2]), state)
                if av2[1] == C.MAXREPEAT and other & chars:
                    found.append("two unbounded quantifiers can match the same characters")
                    break
                if av2[0] > 0 and not other & chars:
                    break                     # a character neither can match separates them
                continue
            if not charset((op2, av2), state) & chars:
                break
    return found


@pytest.mark.parametrize("name", sorted(CELL_PATTERNS))
def test_every_pattern_applied_to_cell_text_is_linear(name: str) -> None:
    assert problems(CELL_PATTERNS[name]) == []


@pytest.mark.parametrize("source", [r"^(?:(?:tps|no|nomor|no\.)\s*[.:#-]?\s*)?(\d{1,4})$",
                                    r"^\s*(\d{2}\.\d{2})\s*[/\s-]\s*(\d{1,4})\s*$",
                                    r"^\s*(.*?)[\s/,:#-]*(?:tps\.?\s*)?0*(\d{1,4})\s*$",
                                    r"^(a+)+$", r"^(?:\d+,?)*$"])
def test_the_check_finds_the_quadratic_and_exponential_shapes(source: str) -> None:
    assert problems(re.compile(source, re.I)) != []


class Recording:
    """A compiled pattern that notes the length of every text it is given."""

    def __init__(self, pattern: re.Pattern, seen: list[int]) -> None:
        self.pattern, self.seen = pattern, seen

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.pattern, name)
        if name not in ("match", "fullmatch", "search", "sub", "split", "findall"):
            return method

        def recorded(*args: Any, **kwargs: Any) -> Any:
            text = args[1] if name == "sub" else args[0]
            self.seen.append(len(text))
            return method(*args, **kwargs)
        return recorded


PATHOLOGICAL = ["tps" + " " * 50_000 + "x", "1" + " " * 50_000 + "x", "-" + " " * 50_000 + "x",
                "31.73.01.1005" + " " * 50_000 + "x", "Kapuk" + " " * 50_000 + "tps x",
                "0" * 50_000 + "x"]


@pytest.mark.parametrize("text", PATHOLOGICAL)
def test_no_pattern_sees_more_than_the_limit_of_a_cell(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    for name in ("_THOUSANDS", "_NEGATIVE", "_TPS"):
        monkeypatch.setattr(cells, name, Recording(getattr(cells, name), seen))
    monkeypatch.setattr(regions, "_REF_CODE", Recording(regions._REF_CODE, seen))
    regs = load_preset("pilkada-jakbar-2024").regions
    assert cells.parse_tps(text) == (None, cells.P_BAD_TPS)
    assert cells.parse_int(text)[0] is None
    assert regions.parse_tps_ref(text, regs) is None
    assert all(n <= cells.MATCH_LIMIT for n in seen), max(seen)


def test_tps_numbers_and_references_as_volunteers_type_them_still_parse() -> None:
    regs = load_preset("pilkada-jakbar-2024").regions
    for typed in ("7", "07", "TPS 7", "tps 007", "TPS.7", "no. 7", "TPS : 7", "Nomor 7", "tps - 7"):
        assert cells.parse_tps(typed) == (7, cells.P_OK), typed
    kapuk = regions.parse_tps_ref("Kapuk 12", regs)
    assert kapuk is not None and kapuk.endswith("/012")
    for typed in ("kapuk tps 012", "Kapuk TPS no. 12", "Kapuk, TPS.12", "Cengkareng/Kapuk/12", "Kapuk-12",
                  kapuk.replace("/012", "/12"), kapuk.replace("/012", " tps 12"), kapuk.replace("/012", "-012")):
        assert regions.parse_tps_ref(typed, regs) == kapuk, typed
    assert regions.parse_tps_ref("Kapuk 0", regs) is None and regions.parse_tps_ref("12", regs) is None


class Bounded(Recording):
    """A pattern that refuses, before matching, any text longer than ``limit``."""

    def __init__(self, pattern: re.Pattern, limit: int) -> None:
        super().__init__(pattern, [])
        self.limit = limit

    def __getattr__(self, name: str) -> Any:
        method = super().__getattr__(name)

        def bounded(text: str, *args: Any, **kwargs: Any) -> Any:
            assert len(text) <= self.limit, f"a {len(text)}-character text reached {name}()"
            return method(text, *args, **kwargs)
        return bounded if name in ("match", "fullmatch", "search") else method


def test_a_keterangan_cell_is_matched_a_message_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether an unmarked column holds sheetsync's messages: twenty messages and a stray
    character backtracked for minutes in one whole-cell pattern with a repeated group."""
    from sheetsync.sync import ownership
    pattern = ownership._message_pattern()
    monkeypatch.setattr(ownership, "_message_pattern", lambda: Bounded(pattern, ownership.MESSAGE_LIMIT))
    one = "DPT: 'x' bukan bilangan bulat"
    assert pattern.fullmatch(one)
    assert ownership.sheetsyncs_column("message", ["; ".join([one] * 3), one])
    assert not ownership.sheetsyncs_column("message", ["; ".join([one] * 20) + "!"])
    assert not ownership.sheetsyncs_column("message", [one + "x" * 50_000])
