"""The demo sheets: Jakarta Barat as volunteers fill it, and a province's sheets.

The only wing besides the CLI that starts the emulator.
"""
