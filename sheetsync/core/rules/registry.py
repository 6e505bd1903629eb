"""The registry of rules: each family registers its rules here, in the order their
messages should appear in a row's Keterangan, and check() runs them all."""

from __future__ import annotations

from typing import Callable, Iterable

from sheetsync.core.rules.context import Hits, RuleContext

Rule = Callable[[RuleContext], Iterable[Hits]]
RULES: list[tuple[str, Rule]] = []


def register(name: str) -> Callable[[Rule], Rule]:
    def add(fn: Rule) -> Rule:
        for i, (existing, _) in enumerate(RULES):
            if existing == name:  # re-import (tests, reload): replace in place
                RULES[i] = (name, fn)
                return fn
        RULES.append((name, fn))
        return fn
    return add


def run_rules(ctx: RuleContext) -> list[Hits]:
    hits: list[Hits] = []
    for _, rule in RULES:
        hits.extend(h for h in rule(ctx) if len(h))
    return hits
