"""sheetsync: keep a shared TPS result sheet validated, totalled and reconciled."""

__version__ = "0.1.0"
