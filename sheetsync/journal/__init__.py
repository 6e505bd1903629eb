"""Every read of the input tab kept in SQLite: store, history, guard, restore, purge.

Sits above the sync: restore writes under the sync's lock with its ownership rules. docs/journal.md
"""
