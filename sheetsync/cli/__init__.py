"""The ``sheetsync`` command: options -> one library call -> output in the reader's language.

Commands import the library lazily so that ``sheetsync --help`` loads neither pandas nor gspread.
"""
