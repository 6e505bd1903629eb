"""The gateway to Google: the only wing that imports gspread, requests or google-auth.

Imports the core and the base. Every API failure leaves it as a coded SheetsError.
"""
