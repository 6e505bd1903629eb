"""The spreadsheet functions formulas can call, by name: one table of every function family.

Each family module implements a group of Google Sheets functions; see
docs/emulator-formulas.md for the list and where the emulator differs from Google.
"""
from __future__ import annotations

from . import formula_criteria, formula_dates, formula_logic, formula_lookup, formula_math, formula_text
from .formula_values import Function, LazyFunction

FAMILIES = (formula_math, formula_logic, formula_text, formula_criteria, formula_lookup, formula_dates)
FUNCTIONS: dict[str, Function] = {name: fn for family in FAMILIES for name, fn in family.FUNCTIONS.items()}
LAZY: dict[str, LazyFunction] = formula_logic.LAZY
