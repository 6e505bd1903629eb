"""spreadsheets.batchUpdate: one module per family of requests; requests.py dispatches."""
