"""Sheets v4, Drive v3 and admin HTTP routes: one module per API resource; server.py dispatches."""
