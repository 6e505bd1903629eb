"""Many kab/kota sheets kept by one process (or N shards) within Google's quotas, and the rollup.

docs/fleet.md
"""
