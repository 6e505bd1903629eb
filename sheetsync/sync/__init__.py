"""One sync of one spreadsheet: desired state, plan, write, verify, lock, layout.

Imports the sheets wing, the core and the base; asks of the journal only what record.py's
SyncRecord declares. docs/sync.md
"""
