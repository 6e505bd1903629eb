"""Formulas as Sheets evaluates them: syntax, evaluation, recalculation, one module per family of functions."""
