"""demo --photos: a C.Hasil photo column where some reported rows lack a photo, flagged by the
photo rule, and every good link shown as a link in the web view the demo hands its columns to."""

from __future__ import annotations

import re
import urllib.request
from typing import Any

import pytest

from sheetsync.core import a1
from sheetsync.core.check import check
from sheetsync.core.config import load_preset
from sheetsync.demo.seed import PHOTO_COLUMN, fill_updates, run_demo, with_photo_column
from sheetsync.core.presets import template_values
from test_demo import apply


@pytest.fixture(scope="module")
def config() -> Any:
    return with_photo_column(load_preset("pilkada-jakbar-2024"))


def test_some_reported_rows_lack_a_photo_and_the_rule_flags_them(config: Any) -> None:
    values = template_values(config)
    updates, info = fill_updates(values, config, phase="hari-h", seed=7)
    result = check(apply(values, updates), config)
    flagged = {code: sorted({row for i in result.issues if i.code == code and (row := i.row)})
               for code in ("photo_missing", "photo_link_invalid")}
    assert flagged["photo_missing"] == info.mistakes["photo_missing"]
    assert flagged["photo_link_invalid"] == sorted(info.mistakes["photo_link_invalid"])
    missing = len(info.mistakes["photo_missing"])
    assert 0.05 * info.reported < missing < 0.25 * info.reported          # most reported TPS have a photo


def test_without_the_column_the_demo_sheet_is_as_before(config: Any) -> None:
    plain = load_preset("pilkada-jakbar-2024")
    before, _ = fill_updates(template_values(plain), plain, seed=7)
    with_photos, _ = fill_updates(template_values(config), config, seed=7)
    photo_col = len(plain.columns)                 # the added column comes after the preset's
    others = [(rng, block) for rng, block in with_photos
              if a1.parse_tab_cell(rng.split(":")[0])[2] - 1 != photo_col]
    assert others == before


def test_web_view_links_the_demo_photos(emu: Any) -> None:
    result = run_demo(emu.url, seed=7, photos=True)
    with urllib.request.urlopen(result.view_url + "?refresh=0", timeout=60) as resp:
        page = resp.read().decode()
    links = re.findall(r'<a href="(https://drive\.google\.com/[^"]+)" rel="noopener noreferrer">', page)
    bad = len(result.fill.mistakes["photo_link_invalid"])
    reported = result.fill.reported
    assert len(links) == reported - len(result.fill.mistakes["photo_missing"]) - bad
    assert PHOTO_COLUMN.header in page
    assert 'href="drive.google.com' not in page        # no scheme: text, as the photo rule finds it bad
