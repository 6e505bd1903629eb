"""Shared fixture and helpers of the batchUpdate unit tests (model level, no HTTP)."""
from __future__ import annotations

import pytest

from sheetsync.emulator.batch import requests as br
from sheetsync.emulator.model import ApiError, Store


@pytest.fixture
def ss():
    ss = Store().create("Rekap", sheet_titles=["Input"])
    sheet = ss.sheets[0]
    rows = [["kecamatan", "tps", "suara"], ["Cengkareng", 1, 120], ["Kalideres", 2, 80],
            ["Cengkareng", 3, None], ["Tambora", 1, 95]]
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            sheet.set(r, c, v)
    return ss


def apply(ss, *requests, **extra):
    return br.apply(ss, {"requests": list(requests), **extra})


def col(sheet, c, n):
    return [sheet.get(r, c) for r in range(n)]


def bad(ss, *requests) -> str:
    with pytest.raises(ApiError) as info:
        apply(ss, *requests)
    assert info.value.code == 400 and info.value.status == "INVALID_ARGUMENT"
    return info.value.message
