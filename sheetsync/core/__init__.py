"""The core: config, cells, regions, rules, check, totals and summaries.

Pure: values in, values out, no network. Imports only the base (errors, i18n). docs/core.md
"""
