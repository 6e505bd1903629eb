"""The rules of check(): one module per family of checks.

A rule is a function RuleContext -> iterable of Hits (rules/context.py), registered
with @register(name) (rules/registry.py).  Importing this package registers the
built-in families below, in the order their messages should appear in a row's
Keterangan.  Another family (saksi, phone, koordinator) adds a module and one
import line here:

    from sheetsync.core.rules.context import Hits, RuleContext
    from sheetsync.core.rules.registry import register

    @register("saksi_missing")
    def saksi_missing(ctx: RuleContext): ...

and its message templates with issues.register_message().
"""

from __future__ import annotations

from sheetsync.core.rules.context import Hits, RowSubset, RuleContext
from sheetsync.core.rules.registry import RULES, Rule, register, run_rules

# Built-in families, in message order.
from sheetsync.core.rules import cells as _cells  # noqa: F401
from sheetsync.core.rules import regions as _regions  # noqa: F401
from sheetsync.core.rules import tps as _tps  # noqa: F401
from sheetsync.core.rules import chasil as _chasil  # noqa: F401
from sheetsync.core.rules import people as _people  # noqa: F401  (saksi, phones, koordinator)
from sheetsync.core.rules import photo as _photo  # noqa: F401  (C.Hasil photo links)
from sheetsync.core.rules import janggal as _janggal  # noqa: F401  (anomaly flags: unlikely results)
from sheetsync.core.rules import double_entry as _double_entry  # noqa: F401  (second entry of the counts)

__all__ = ["RULES", "Hits", "RowSubset", "Rule", "RuleContext", "register", "run_rules"]
