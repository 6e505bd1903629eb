"""The spreadsheet functions formulas can call, by name: one table of every function family.

Each family module implements a group of Google Sheets functions; see
docs/emulator-formulas.md for the list and where the emulator differs from Google.
"""
from __future__ import annotations

from sheetsync.emulator.formulas import criteria as formula_criteria

from sheetsync.emulator.formulas import dates as formula_dates

from sheetsync.emulator.formulas import logic as formula_logic

from sheetsync.emulator.formulas import lookup as formula_lookup

from sheetsync.emulator.formulas import arithmetic as formula_math

from sheetsync.emulator.formulas import text as formula_text
from sheetsync.emulator.formulas.values import Function, LazyFunction

FAMILIES = (formula_math, formula_logic, formula_text, formula_criteria, formula_lookup, formula_dates)
FUNCTIONS: dict[str, Function] = {name: fn for family in FAMILIES for name, fn in family.FUNCTIONS.items()}
LAZY: dict[str, LazyFunction] = formula_logic.LAZY
